-- Each indicator's latest value against the year before, judged by its direction.
WITH own AS (
    SELECT * FROM indicator_values_of($own)
    WHERE serie = $own AND (len($malomraden) = 0 OR list_contains($malomraden, malomrade))
),
paired AS (
    SELECT *, lag(varde) OVER (PARTITION BY indikator ORDER BY ar) AS foregaende,
              lag(ar) OVER (PARTITION BY indikator ORDER BY ar) AS foregaende_ar,
              row_number() OVER (PARTITION BY indikator ORDER BY ar DESC) AS rn
    FROM own
),
final AS (
    SELECT indikator, malomrade, enhet, riktning, malvarde, malar, kalla, ar, varde, foregaende_ar, foregaende,
           varde - foregaende AS forandring,
           CASE WHEN foregaende IS NOT NULL AND foregaende <> 0
                THEN round((varde - foregaende) * 100.0 / abs(foregaende), 1) END AS forandring_procent,
           CASE WHEN foregaende IS NULL OR varde = foregaende THEN 'oförändrad'
                WHEN (varde > foregaende) = (riktning = 'hogre') THEN 'förbättring'
                ELSE 'försämring' END AS bedomning
    FROM paired WHERE rn = 1
)
SELECT * FROM final ORDER BY malomrade, indikator
