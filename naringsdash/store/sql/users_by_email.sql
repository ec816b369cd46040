-- The users with this e-mail address, case-insensitive (single sign-on maps an e-mail to a user).
WITH final AS (
    SELECT username, display_name, email, role, forvaltningar, password_hash,
           coalesce(password_generation, 0) AS password_generation, coalesce(demo, false) AS demo
    FROM users
    WHERE lower(email) = lower($email)
)
SELECT * FROM final ORDER BY username
