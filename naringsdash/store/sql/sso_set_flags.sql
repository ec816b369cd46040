-- An account's single sign-on flags (NULL = keep): lokal_roll (the directory does not change the role), avstangd.
UPDATE users
SET lokal_roll = coalesce($lokal_roll, lokal_roll), avstangd = coalesce($avstangd, avstangd)
WHERE username = $username
