-- Key figures per period (the trend and the chosen period): activities, share Klar, overdue, reporting.
-- $periods is a list of {period, as_of} computed by the caller.
WITH periods AS (
    SELECT unnest($periods, recursive := true)
),
scoped AS (
    SELECT a.*, is_overdue(a.status, a.slutdatum, p.as_of) AS forsenad
    FROM current_activities a JOIN periods p USING (period)
    WHERE in_scope(a.forvaltning, a.malomrade, $forvaltningar, $malomraden)
),
final AS (
    SELECT period,
           count(*) AS antal,
           count(*) FILTER (WHERE status = 'Klar') AS klara,
           round(count(*) FILTER (WHERE status = 'Klar') * 100.0 / count(*), 1) AS andel_klara,
           count(*) FILTER (WHERE forsenad) AS forsenade,
           count(DISTINCT forvaltning) AS rapporterat,
           round(avg(andel_klar), 1) AS snitt_andel_klar
    FROM scoped GROUP BY period
)
SELECT * FROM final ORDER BY period
