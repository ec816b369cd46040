-- The goals of the current plan of $ar as written in the plan (targets only where the plan gives them).
WITH final AS (
    SELECT malomrade, mal, indikator, malvarde, malar, excel_row FROM current_plan_goals WHERE ar = $ar
)
SELECT * FROM final ORDER BY malomrade, excel_row
