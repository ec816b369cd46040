-- A user's profile: role, förvaltningar, display name, e-mail (validated by auth.update_user).
UPDATE users
SET role = $role, forvaltningar = $forvaltningar::VARCHAR[], display_name = $display_name, email = $email
WHERE username = $username
