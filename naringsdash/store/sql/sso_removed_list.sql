-- The blocked e-mail addresses of removed accounts, newest first.
WITH final AS (
    SELECT email, coalesce(username, '') AS username, removed_at FROM sso_removed
)
SELECT * FROM final ORDER BY removed_at DESC, email
