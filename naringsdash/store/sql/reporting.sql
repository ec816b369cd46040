-- Reporting status per förvaltning for one period: reported or not, when, by whom, and its progress.
WITH forvaltningar AS (
    SELECT unnest($forvaltningar) AS forvaltning
),
uploads AS (
    SELECT u.forvaltning, u.id AS upload_id, u.uploaded_at, u.user_name, u.file_name, u.rows,
           (SELECT count(*) FROM uploads v WHERE v.kind = 'aktiviteter' AND v.forvaltning = u.forvaltning
                                             AND v.period = u.period) AS versioner
    FROM current_uploads u WHERE u.period = $period
),
progress AS (
    SELECT forvaltning,
           count(*) AS antal,
           round(count(*) FILTER (WHERE status = 'Klar') * 100.0 / count(*), 1) AS andel_klara,
           round(avg(andel_klar), 1) AS snitt_andel_klar,
           count(*) FILTER (WHERE forsenad) AS forsenade
    FROM period_activities($period, $as_of) GROUP BY forvaltning
),
final AS (
    SELECT f.forvaltning, u.upload_id IS NOT NULL AS rapporterat, u.uploaded_at, u.user_name, u.file_name,
           u.versioner, coalesce(p.antal, 0) AS antal, p.andel_klara, p.snitt_andel_klar,
           coalesce(p.forsenade, 0) AS forsenade
    FROM forvaltningar f
    LEFT JOIN uploads u USING (forvaltning)
    LEFT JOIN progress p USING (forvaltning)
)
SELECT * FROM final ORDER BY rapporterat, forvaltning
