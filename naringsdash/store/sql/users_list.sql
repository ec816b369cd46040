-- Every user for the admin page and `users list`; never the password hash itself.
WITH final AS (
    SELECT username, coalesce(display_name, '') AS display_name, coalesce(email, '') AS email, role,
           coalesce(array_to_string(forvaltningar, ', '), '') AS forvaltningar,
           password_hash IS NOT NULL AS har_losenord,
           coalesce(demo, false) AS demo,
           coalesce(lokal_roll, true) AS lokal_roll,
           coalesce(avstangd, false) AS avstangd,
           created_at
    FROM users
)
SELECT * FROM final ORDER BY username
