-- Activities of a period whose status moved since the previous period (new ones included), beside the old state.
WITH scoped AS (
    SELECT * FROM scoped_activities($period, $as_of, $forvaltningar, $malomraden)
),
previous AS (
    SELECT forvaltning, aktivitet_id, status AS status_fore, andel_klar AS andel_klar_fore
    FROM current_activities WHERE period = $previous
),
final AS (
    SELECT s.forvaltning, s.aktivitet_id, s.aktivitet, s.malomrade, s.ansvarig, p.status_fore, s.status,
           p.andel_klar_fore, s.andel_klar, s.andel_klar - p.andel_klar_fore AS andel_klar_forandring,
           p.status_fore IS NULL AS ny
    FROM scoped s LEFT JOIN previous p ON p.forvaltning = s.forvaltning AND p.aktivitet_id = s.aktivitet_id
    WHERE p.status_fore IS DISTINCT FROM s.status
)
SELECT * FROM final ORDER BY forvaltning, aktivitet_id
