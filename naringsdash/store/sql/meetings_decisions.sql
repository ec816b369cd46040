-- Every decision in its current version, with the activity's name and the overdue flag on $today.
WITH activity_names AS (
    SELECT forvaltning, aktivitet_id, aktivitet FROM current_activities
    QUALIFY row_number() OVER (PARTITION BY forvaltning, aktivitet_id ORDER BY period DESC) = 1
),
final AS (
    SELECT d.decision_id AS id, d.meeting_id, d.mote_datum, d.malomrade, d.aktivitet_forvaltning, d.aktivitet_id,
           n.aktivitet, d.text, d.agare, d.roll, d.forfaller, d.status, d.kommentar, d.version,
           d.user_name, d.changed_at, d.created_by, d.created_at,
           (d.status = 'Öppen' AND d.forfaller < $today) AS forsenad
    FROM current_decisions d
    LEFT JOIN activity_names n ON n.forvaltning = d.aktivitet_forvaltning AND n.aktivitet_id = d.aktivitet_id
)
SELECT * FROM final
ORDER BY forsenad DESC, status = 'Öppen' DESC, forfaller NULLS LAST, id
