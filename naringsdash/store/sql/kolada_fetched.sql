-- Per Kolada indicator and series: KPI id, source and when its current values were fetched ("hämtad <datum>").
WITH current AS (
    SELECT * FROM indicator_values
    QUALIFY row_number() OVER (PARTITION BY indikator, serie, ar ORDER BY upload_id DESC) = 1
),
final AS (
    SELECT indikator, serie, kpi, arg_max(kalla, ar) AS kalla, min(ar) AS forsta_ar, max(ar) AS senaste_ar,
           max(fetched_at) AS hamtad
    FROM current
    WHERE kpi IS NOT NULL
    GROUP BY indikator, serie, kpi
)
SELECT * FROM final ORDER BY indikator, serie = $own DESC, serie
