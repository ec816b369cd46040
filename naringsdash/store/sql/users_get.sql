-- One user by user name, with password hash, password generation and the directory flags (login and administration).
WITH final AS (
    SELECT username, display_name, email, role, forvaltningar, password_hash,
           coalesce(password_generation, 0) AS password_generation, coalesce(demo, false) AS demo,
           coalesce(avstangd, false) AS avstangd
    FROM users
    WHERE username = $username
)
SELECT * FROM final
