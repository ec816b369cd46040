-- Note that the current delay of (user name, address) is in the audit log: a row back only the first time, so
-- hammering the form during one delay adds one audit row, not one per attempt.
UPDATE login_throttle SET reported = failures
WHERE username = $username AND address = $address AND reported <> failures
RETURNING failures
