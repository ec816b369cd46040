-- A successful login: a hash made with older parameters is replaced (the password generation stays).
UPDATE users SET password_hash = coalesce($new_hash, password_hash)
WHERE username = $username
