-- One user by user name, with password hash and password generation (login and user administration).
WITH final AS (
    SELECT username, display_name, email, role, forvaltningar, password_hash,
           coalesce(password_generation, 0) AS password_generation, coalesce(demo, false) AS demo
    FROM users
    WHERE username = $username
)
SELECT * FROM final
