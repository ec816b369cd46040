-- Remember a removed account's e-mail address: single sign-on refuses it from now on.
INSERT OR REPLACE INTO sso_removed (email, username, removed_at) VALUES (lower($email), $username, $removed_at)
