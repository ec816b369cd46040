-- Current indicator values (all series), one row per indicator, series and year.
WITH final AS (
    SELECT indikator, malomrade, enhet, riktning, malvarde, malar, kalla, serie, ar, varde
    FROM indicator_values_of($own)
    WHERE (len($malomraden) = 0 OR list_contains($malomraden, malomrade))
)
SELECT * FROM final ORDER BY indikator, serie, ar
