-- A förvaltning's activities from its latest upload (any period): what the template is pre-filled with.
WITH latest AS (
    SELECT id FROM current_uploads WHERE forvaltning = $forvaltning ORDER BY period DESC, id DESC LIMIT 1
)
SELECT a.* FROM activities a JOIN latest l ON a.upload_id = l.id ORDER BY a.excel_row, a.aktivitet_id
