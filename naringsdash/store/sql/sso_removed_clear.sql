-- Lift the block on an e-mail address (an account with it is added again, or the admin lets it in).
DELETE FROM sso_removed WHERE email = lower($email)
