-- Every version of the assessment of one målområde in one period, newest first.
WITH final AS (
    SELECT id, malomrade, period, bedomning, text, user_name, created_at
    FROM analyses WHERE malomrade = $malomrade AND period = $period
)
SELECT * FROM final ORDER BY id DESC
