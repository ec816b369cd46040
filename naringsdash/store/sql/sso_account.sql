-- The accounts with this e-mail address (case-insensitive), as single sign-on sees them.
WITH final AS (
    SELECT username, display_name, email, role, forvaltningar, coalesce(demo, false) AS demo,
           coalesce(lokal_roll, true) AS lokal_roll, coalesce(avstangd, false) AS avstangd
    FROM users
    WHERE lower(email) = lower($email)
)
SELECT * FROM final ORDER BY username
