-- Single sign-on with roles from the kommun's directory (issue 17).
-- lokal_roll: the role and förvaltningar are set in Näringsdash and the directory's groups do not change them
--             (every account that exists before this migration, and every account an admin or `users add` creates);
--             false: the role follows the directory's groups/app roles at each sign-in ([[katalogroll]]).
-- avstangd:   the account is disabled: no sign-in at all, neither with a password nor with the kommun's account.
ALTER TABLE users ADD COLUMN IF NOT EXISTS lokal_roll BOOLEAN DEFAULT true;
ALTER TABLE users ADD COLUMN IF NOT EXISTS avstangd BOOLEAN DEFAULT false;
-- The e-mail addresses of removed accounts: single sign-on does not let them back in (not even as läsare or
-- through a directory group) until an account with the address is added again or the block is lifted.
CREATE TABLE IF NOT EXISTS sso_removed (
    email VARCHAR PRIMARY KEY,            -- lower case
    username VARCHAR,
    removed_at TIMESTAMP
);
