-- From activity to effect: every (indicator, plan activity) link of the current plan of $ar, with the
-- activity's state in $period (NULL when it is not reported there).
WITH links AS (
    SELECT aktivitet_id, aktivitet, malomrade, forvaltning, unnest(indikatorer) AS indikator
    FROM current_plan_activities WHERE ar = $ar
),
state AS (
    SELECT forvaltning, aktivitet_id, status, andel_klar, forsenad FROM period_activities($period, $as_of)
),
final AS (
    SELECT l.indikator, l.aktivitet_id, l.aktivitet, l.malomrade, l.forvaltning, s.status, s.andel_klar,
           s.forsenad, s.aktivitet_id IS NOT NULL AS rapporterad
    FROM links l LEFT JOIN state s ON s.forvaltning = l.forvaltning AND s.aktivitet_id = l.aktivitet_id
)
SELECT * FROM final ORDER BY indikator, forvaltning, aktivitet_id
