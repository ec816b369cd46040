-- Is this e-mail address blocked (a removed account's)?
SELECT email, username, removed_at FROM sso_removed WHERE email = lower($email)
