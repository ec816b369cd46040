-- Remove the demo accounts (when the reference setting `demo` is off).
DELETE FROM users WHERE coalesce(demo, false) RETURNING username
