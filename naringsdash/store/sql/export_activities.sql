-- The canonical export (contract §4): current state of one period.
WITH final AS (
    SELECT period, forvaltning, aktivitet_id, aktivitet, malomrade, ansvarig, startdatum, slutdatum, status,
           andel_klar, bedomning, kommentar, forsenad
    FROM period_activities($period, $as_of)
)
SELECT * FROM final ORDER BY forvaltning, aktivitet_id
