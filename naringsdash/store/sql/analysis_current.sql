-- The current assessment per målområde in one period (the newest version), with the number of versions.
WITH scoped AS (
    SELECT * FROM analyses WHERE period = $period
),
counted AS (
    SELECT *, count(*) OVER (PARTITION BY malomrade) AS versioner,
              row_number() OVER (PARTITION BY malomrade ORDER BY id DESC) AS rn
    FROM scoped
),
final AS (
    SELECT malomrade, period, bedomning, text, user_name, created_at, id, versioner
    FROM counted WHERE rn = 1
)
SELECT * FROM final ORDER BY malomrade
