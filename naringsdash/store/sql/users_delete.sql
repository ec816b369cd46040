-- Remove one user.
DELETE FROM users WHERE username = $username
