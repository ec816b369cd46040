-- Every version of every plan, newest first; `aktuell` marks the current version of its year.
WITH current AS (
    SELECT id FROM current_plans
),
final AS (
    SELECT v.id, v.ar, v.antagen, v.antagen_av, v.dnr, v.user_name, v.uploaded_at, v.file_name, v.rows,
           v.id IN (SELECT id FROM current) AS aktuell
    FROM plan_versions v
    WHERE $ar IS NULL OR v.ar = $ar
)
SELECT * FROM final ORDER BY ar DESC, id DESC
