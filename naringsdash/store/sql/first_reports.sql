-- The day each förvaltning first reported for each period (its first accepted activity upload).
WITH final AS (
    SELECT forvaltning, period, CAST(min(uploaded_at) AS DATE) AS rapporterat_den
    FROM uploads WHERE kind = 'aktiviteter'
    GROUP BY forvaltning, period
)
SELECT * FROM final ORDER BY period, forvaltning
