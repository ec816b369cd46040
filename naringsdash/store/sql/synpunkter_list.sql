-- Every synpunkt in its current version, newest first, with the linked activity's name.
WITH activity_names AS (
    SELECT forvaltning, aktivitet_id, aktivitet FROM current_activities
    QUALIFY row_number() OVER (PARTITION BY forvaltning, aktivitet_id ORDER BY period DESC) = 1
),
final AS (
    SELECT s.synpunkt_id AS id, s.datum, s.kalla, s.malomrade, s.forvaltning, s.organisation, s.sammanfattning,
           s.svar, s.aktivitet_forvaltning, s.aktivitet_id, n.aktivitet, s.beslut_id, s.status, s.version,
           s.user_name, s.changed_at, s.created_by, s.created_at
    FROM current_synpunkter s
    LEFT JOIN activity_names n ON n.forvaltning = s.aktivitet_forvaltning AND n.aktivitet_id = s.aktivitet_id
)
SELECT * FROM final ORDER BY datum DESC, id DESC
