-- The kommun's own indicator series is the setting ``kommun`` (Settings.own_series), not a name written here:
-- the views indicator_meta and current_indicator_values of schema_v1 (which name 'Trelleborg') stay for
-- history, and every query uses these macros with the own series bound as a parameter.
-- Each indicator's description from its latest upload of the own series.
CREATE OR REPLACE MACRO own_indicator_meta(own) AS TABLE
    SELECT indikator, malomrade, enhet, riktning, malvarde, malar, kalla FROM indicator_values
    WHERE serie = own
    QUALIFY row_number() OVER (PARTITION BY indikator ORDER BY upload_id DESC) = 1;
-- Each value (all series) from the latest upload giving it, with its indicator's description.
CREATE OR REPLACE MACRO indicator_values_of(own) AS TABLE
    SELECT m.indikator, m.malomrade, m.enhet, m.riktning, m.malvarde, m.malar, m.kalla, v.serie, v.ar, v.varde,
           v.upload_id
    FROM (SELECT * FROM indicator_values
          QUALIFY row_number() OVER (PARTITION BY indikator, serie, ar ORDER BY upload_id DESC) = 1) v
    JOIN own_indicator_meta(own) m USING (indikator);
