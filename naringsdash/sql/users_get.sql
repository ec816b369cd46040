-- One user by user name, with password hash and lockout state (login and user administration).
WITH final AS (
    SELECT username, display_name, email, role, forvaltningar, password_hash, failed_attempts, locked_until,
           coalesce(demo, false) AS demo, coalesce(avstangd, false) AS avstangd
    FROM users
    WHERE username = $username
)
SELECT * FROM final
