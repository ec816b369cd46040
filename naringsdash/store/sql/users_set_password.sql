-- A new password hash; a new password also lifts any lockout.
UPDATE users SET password_hash = $password_hash, failed_attempts = 0, locked_until = NULL
WHERE username = $username
