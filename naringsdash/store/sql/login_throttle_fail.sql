-- Count one failed login for (user name, address); the count starts again after a quiet day.
INSERT INTO login_throttle (username, address, failures, last_failure) VALUES ($username, $address, 1, $now)
ON CONFLICT (username, address) DO UPDATE
SET failures = CASE WHEN login_throttle.last_failure < $now - to_seconds($forget_s) THEN 1
                    ELSE login_throttle.failures + 1 END,
    last_failure = excluded.last_failure
RETURNING failures
