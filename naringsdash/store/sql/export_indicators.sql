-- The indicator export (contract §4): one row per indicator and year with a value.
WITH final AS (
    SELECT indikator, malomrade, enhet, riktning, malvarde, malar, kalla, ar, varde
    FROM indicator_values_of($own) WHERE serie = $own
)
SELECT * FROM final ORDER BY indikator, ar
