-- A new password hash and the next password generation (every session signed in with the old one ends).
UPDATE users SET password_hash = $password_hash, password_generation = coalesce(password_generation, 0) + 1
WHERE username = $username
RETURNING password_generation
