-- Per period with data: the förvaltningar that have a current upload for it.
WITH final AS (
    SELECT period, list(DISTINCT forvaltning ORDER BY forvaltning) AS forvaltningar FROM current_uploads
    WHERE period IS NOT NULL GROUP BY period
)
SELECT * FROM final ORDER BY period
