-- Sessions that end when access ends, and login throttling by account and client address (issue 11 §3, §4).
-- password_generation: raised by every new password; a session signed in with an older generation has ended.
ALTER TABLE users ADD COLUMN IF NOT EXISTS password_generation INTEGER DEFAULT 0;
-- Failed logins per (typed user name, client address), for unknown user names too: growing delays, no lockout.
CREATE TABLE IF NOT EXISTS login_throttle (
    username VARCHAR NOT NULL,
    address VARCHAR NOT NULL,             -- '' when the address is not known
    failures INTEGER NOT NULL,
    last_failure TIMESTAMP NOT NULL,
    reported INTEGER NOT NULL DEFAULT 0,  -- the failure count whose delay is already in the audit log
    PRIMARY KEY (username, address)
);
