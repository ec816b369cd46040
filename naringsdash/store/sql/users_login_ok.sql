-- A successful login clears the failure count; a hash made with older parameters is replaced.
UPDATE users SET failed_attempts = 0, locked_until = NULL, password_hash = coalesce($new_hash, password_hash)
WHERE username = $username
