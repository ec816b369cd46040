-- Each indicator's latest own value that arrived (uploaded, or fetched from Kolada) after $since, with the value
-- of the year before: the "new indicator values" of the slide Sedan förra mötet.
WITH own AS (
    SELECT c.indikator, c.malomrade, c.enhet, c.riktning, c.malvarde, c.malar, c.ar, c.varde,
           u.uploaded_at AS inkommet,
           lag(c.varde) OVER (PARTITION BY c.indikator ORDER BY c.ar) AS foregaende,
           lag(c.ar) OVER (PARTITION BY c.indikator ORDER BY c.ar) AS foregaende_ar
    FROM indicator_values_of($own) c JOIN uploads u ON u.id = c.upload_id
    WHERE c.serie = $own AND (len($malomraden) = 0 OR list_contains($malomraden, c.malomrade))
),
final AS (
    SELECT * FROM own WHERE inkommet > $since
    QUALIFY row_number() OVER (PARTITION BY indikator ORDER BY ar DESC) = 1
)
SELECT * FROM final ORDER BY malomrade, indikator
