-- A förvaltning's activities from its latest upload for a period up to $upto (any period when $upto is NULL):
-- what the template for $upto is pre-filled with (carried forward from the last period).
WITH latest AS (
    SELECT id FROM current_uploads
    WHERE forvaltning = $forvaltning AND ($upto IS NULL OR period <= $upto)
    ORDER BY period DESC, id DESC LIMIT 1
)
SELECT a.* FROM activities a JOIN latest l ON a.upload_id = l.id ORDER BY a.excel_row, a.aktivitet_id
