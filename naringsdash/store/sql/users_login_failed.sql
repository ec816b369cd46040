-- Count one failed login in the table (so it holds across processes); lock the account at $max_failed.
-- After an expired lock the count starts again from one.
UPDATE users
SET failed_attempts = CASE WHEN locked_until IS NULL THEN coalesce(failed_attempts, 0) + 1 ELSE 1 END,
    locked_until = CASE WHEN (CASE WHEN locked_until IS NULL THEN coalesce(failed_attempts, 0) + 1 ELSE 1 END)
                             >= $max_failed
                        THEN $now + to_seconds($lock_seconds) END
WHERE username = $username
RETURNING failed_attempts, locked_until
