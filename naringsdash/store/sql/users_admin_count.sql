-- How many admins there are besides $username (the last admin may not be removed or demoted).
WITH final AS (
    SELECT count(*) AS n FROM users WHERE role = 'admin' AND username <> $username
)
SELECT * FROM final
