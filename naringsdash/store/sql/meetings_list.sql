-- Every meeting, newest first, with the number attending and the decisions taken.
WITH attending AS (
    SELECT meeting_id, count(*) AS deltagande FROM meeting_attendance GROUP BY meeting_id
),
taken AS (
    SELECT meeting_id, count(*) AS beslut FROM decisions GROUP BY meeting_id
),
final AS (
    SELECT m.id, m.datum, m.period, m.agenda, m.created_by, m.created_at,
           coalesce(a.deltagande, 0) AS deltagande, coalesce(t.beslut, 0) AS beslut
    FROM meetings m
    LEFT JOIN attending a ON a.meeting_id = m.id
    LEFT JOIN taken t ON t.meeting_id = m.id
)
SELECT * FROM final ORDER BY datum DESC, id DESC
