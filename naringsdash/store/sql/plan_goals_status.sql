-- The goals of the current plan of $ar with their indicator's latest value (the own series, $own), the target (the
-- goal's own, else the indicator's) and where the goal stands: uppnått, på väg (moving the right way),
-- inte på väg, or ingen mätning.
WITH goals AS (
    SELECT * FROM current_plan_goals WHERE ar = $ar
),
latest AS (
    SELECT indikator, ar, varde, riktning, malvarde, malar, enhet,
           lag(varde) OVER (PARTITION BY indikator ORDER BY ar) AS foregaende
    FROM indicator_values_of($own) WHERE serie = $own
    QUALIFY row_number() OVER (PARTITION BY indikator ORDER BY ar DESC) = 1
),
joined AS (
    SELECT g.malomrade, g.mal, g.indikator, coalesce(g.malvarde, l.malvarde) AS malvarde,
           coalesce(g.malar, l.malar) AS malar, l.enhet, l.riktning, l.ar AS varde_ar, l.varde, l.foregaende,
           g.excel_row
    FROM goals g LEFT JOIN latest l ON l.indikator = g.indikator
),
final AS (
    SELECT malomrade, mal, indikator, malvarde, malar, enhet, riktning, varde_ar, varde, foregaende,
           CASE WHEN varde IS NULL THEN 'ingen mätning'
                WHEN malvarde IS NOT NULL AND ((riktning = 'hogre' AND varde >= malvarde)
                                               OR (riktning = 'lagre' AND varde <= malvarde)) THEN 'uppnått'
                WHEN foregaende IS NOT NULL AND varde <> foregaende
                     AND (varde > foregaende) = (riktning = 'hogre') THEN 'på väg'
                ELSE 'inte på väg' END AS lage,
           excel_row
    FROM joined
)
SELECT * FROM final ORDER BY malomrade, excel_row
