-- The yearly revision: the current plan of $ar against the current plan of the year before, matched on
-- Aktivitets-ID: new, continued and removed activities, changed målområde or förvaltning, and the state each
-- activity of the earlier plan ended that year with (its last report up to the year's T3).
WITH now AS (
    SELECT * FROM current_plan_activities WHERE ar = $ar
),
before AS (
    SELECT * FROM current_plan_activities WHERE ar = $ar - 1
),
last_state AS (
    SELECT forvaltning, aktivitet_id, status, andel_klar, period FROM current_activities
    WHERE period <= CAST($ar - 1 AS VARCHAR) || '-T3'
    QUALIFY row_number() OVER (PARTITION BY forvaltning, aktivitet_id ORDER BY period DESC) = 1
),
joined AS (
    SELECT coalesce(n.aktivitet_id, b.aktivitet_id) AS aktivitet_id,
           coalesce(n.aktivitet, b.aktivitet) AS aktivitet,
           CASE WHEN b.aktivitet_id IS NULL THEN 'ny'
                WHEN n.aktivitet_id IS NULL THEN 'borttagen'
                ELSE 'fortsätter' END AS andring,
           n.malomrade, b.malomrade AS malomrade_fore,
           n.forvaltning, b.forvaltning AS forvaltning_fore,
           n.aktivitet_id IS NOT NULL AND b.aktivitet_id IS NOT NULL
               AND n.malomrade IS DISTINCT FROM b.malomrade AS nytt_malomrade,
           n.aktivitet_id IS NOT NULL AND b.aktivitet_id IS NOT NULL
               AND n.forvaltning IS DISTINCT FROM b.forvaltning AS ny_forvaltning,
           n.excel_row, b.excel_row AS excel_row_fore
    FROM now n FULL OUTER JOIN before b ON n.aktivitet_id = b.aktivitet_id
),
final AS (
    SELECT j.andring, j.aktivitet_id, j.aktivitet, j.malomrade, j.malomrade_fore, j.forvaltning,
           j.forvaltning_fore, j.nytt_malomrade, j.ny_forvaltning,
           s.status AS slutstatus, s.andel_klar AS slut_andel_klar, s.period AS slutperiod
    FROM joined j
    LEFT JOIN last_state s ON s.forvaltning = j.forvaltning_fore AND s.aktivitet_id = j.aktivitet_id
)
SELECT * FROM final
ORDER BY CASE andring WHEN 'ny' THEN 1 WHEN 'borttagen' THEN 2 ELSE 3 END, aktivitet_id
