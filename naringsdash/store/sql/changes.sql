-- What happened to each activity of $period since $since (story.changes_since's rule, in one query): Blev klar
-- (Klar now, not Klar then, new ones included), Blev försenad (overdue now, not then, not just done), Ny status
-- (any other change of status of an activity that was there). Both periods in the same scope; only the rows that
-- changed, the newly done first, then the newly overdue, then the rest, each by målområde, förvaltning and id.
WITH now AS (
    SELECT * FROM scoped_activities($period, $as_of, $forvaltningar, $malomraden)
),
before AS (
    SELECT forvaltning, aktivitet_id, status AS status_fore, coalesce(forsenad, false) AS forsenad_fore
    FROM scoped_activities($since, $since_as_of, $forvaltningar, $malomraden)
),
joined AS (
    SELECT n.forvaltning, n.aktivitet_id, n.aktivitet, n.malomrade, n.status, n.forsenad, n.dagar_sena,
           n.kommentar, b.status_fore, b.forsenad_fore,
           n.status = 'Klar' AND b.status_fore IS DISTINCT FROM 'Klar' AS done,
           coalesce(n.forsenad, false) AND NOT coalesce(b.forsenad_fore, false) AS late
    FROM now n LEFT JOIN before b ON b.forvaltning = n.forvaltning AND b.aktivitet_id = n.aktivitet_id
),
final AS (
    SELECT * EXCLUDE (done, late),
           CASE WHEN done THEN 'Blev klar' WHEN late THEN 'Blev försenad'
                WHEN status_fore IS NOT NULL AND status IS DISTINCT FROM status_fore THEN 'Ny status' END AS andring,
           CASE WHEN done THEN 0 WHEN late THEN 1 ELSE 2 END AS _order
    FROM joined
)
SELECT * EXCLUDE (_order) FROM final WHERE andring IS NOT NULL
ORDER BY _order, malomrade, forvaltning, aktivitet_id
