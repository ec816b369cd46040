-- Plan against report for one period: every activity of the current plan of the period's year (by its
-- ansvarig förvaltning) and every reported activity, matched on (förvaltning, Aktivitets-ID).
WITH planned AS (
    SELECT forvaltning, aktivitet_id, aktivitet, malomrade FROM current_plan_activities WHERE ar = $ar
),
reported AS (
    SELECT forvaltning, aktivitet_id, aktivitet, malomrade FROM current_activities WHERE period = $period
),
reporting AS (
    SELECT DISTINCT forvaltning FROM current_uploads WHERE period = $period
),
joined AS (
    SELECT coalesce(p.forvaltning, r.forvaltning) AS forvaltning,
           coalesce(p.aktivitet_id, r.aktivitet_id) AS aktivitet_id,
           coalesce(p.aktivitet, r.aktivitet) AS aktivitet,
           coalesce(p.malomrade, r.malomrade) AS malomrade,
           p.aktivitet_id IS NOT NULL AS i_planen,
           r.aktivitet_id IS NOT NULL AS rapporterad
    FROM planned p FULL OUTER JOIN reported r
         ON p.forvaltning = r.forvaltning AND p.aktivitet_id = r.aktivitet_id
),
final AS (
    SELECT j.*, j.forvaltning IN (SELECT forvaltning FROM reporting) AS har_rapporterat
    FROM joined j
    WHERE len($forvaltningar) = 0 OR list_contains($forvaltningar, j.forvaltning)
)
SELECT * FROM final ORDER BY forvaltning, aktivitet_id
