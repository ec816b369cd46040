-- A new user (validated by auth.add_user).
INSERT INTO users (username, display_name, email, role, forvaltningar, password_hash, failed_attempts, locked_until,
                   created_at, demo)
VALUES ($username, $display_name, $email, $role, $forvaltningar::VARCHAR[], $password_hash, 0, NULL, $created_at,
        $demo)
