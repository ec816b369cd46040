-- The current plan's activities of one year, optionally for one ansvarig förvaltning, in the plan's order.
WITH final AS (
    SELECT ar, plan_id, aktivitet_id, aktivitet, malomrade, forvaltning, medverkande, mal, startdatum, slutdatum,
           indikatorer, excel_row
    FROM current_plan_activities
    WHERE ar = $ar AND ($forvaltning IS NULL OR forvaltning = $forvaltning)
)
SELECT * FROM final ORDER BY excel_row, aktivitet_id
