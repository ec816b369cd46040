-- What an upload would change against the current version of its (förvaltning, period), or, when the period has
-- no version yet, against the förvaltning's previous period ($base, chosen by the caller): new, changed and removed
-- activities, with status before and after and which fields changed. Against a previous period the comment is
-- not compared ($same_period false): every period has its own comment.
-- _incoming is the validated rows of the upload, registered by the caller.
WITH current AS (
    SELECT * FROM current_activities WHERE forvaltning = $forvaltning AND period = $base
),
incoming AS (
    SELECT * FROM _incoming
),
joined AS (
    SELECT coalesce(i.aktivitet_id, c.aktivitet_id) AS aktivitet_id,
           coalesce(i.aktivitet, c.aktivitet) AS aktivitet,
           c.status AS status_fore, i.status AS status,
           c.andel_klar AS andel_klar_fore, i.andel_klar AS andel_klar,
           CASE WHEN c.aktivitet_id IS NULL THEN 'ny'
                WHEN i.aktivitet_id IS NULL THEN 'borttagen'
                WHEN (i.aktivitet, i.malomrade, i.ansvarig, i.startdatum, i.slutdatum, i.status, i.andel_klar,
                      i.bedomning, CASE WHEN $same_period THEN i.kommentar END)
                     IS NOT DISTINCT FROM
                     (c.aktivitet, c.malomrade, c.ansvarig, c.startdatum, c.slutdatum, c.status, c.andel_klar,
                      c.bedomning, CASE WHEN $same_period THEN c.kommentar END) THEN 'oförändrad'
                ELSE 'ändrad' END AS andring,
           concat_ws(', ',
               CASE WHEN i.aktivitet IS DISTINCT FROM c.aktivitet THEN 'Aktivitet' END,
               CASE WHEN i.malomrade IS DISTINCT FROM c.malomrade THEN 'Målområde' END,
               CASE WHEN i.ansvarig IS DISTINCT FROM c.ansvarig THEN 'Ansvarig' END,
               CASE WHEN i.startdatum IS DISTINCT FROM c.startdatum THEN 'Startdatum' END,
               CASE WHEN i.slutdatum IS DISTINCT FROM c.slutdatum THEN 'Slutdatum' END,
               CASE WHEN i.status IS DISTINCT FROM c.status THEN 'Status' END,
               CASE WHEN i.andel_klar IS DISTINCT FROM c.andel_klar THEN 'Andel klart' END,
               CASE WHEN i.bedomning IS DISTINCT FROM c.bedomning THEN 'Bedömning' END,
               CASE WHEN $same_period AND i.kommentar IS DISTINCT FROM c.kommentar THEN 'Kommentar' END)
               AS andrade_falt
    FROM incoming i FULL OUTER JOIN current c ON i.aktivitet_id = c.aktivitet_id
),
final AS (
    SELECT andring, aktivitet_id, aktivitet, status_fore, status, andel_klar_fore, andel_klar,
           CASE WHEN andring = 'ändrad' THEN andrade_falt END AS andrade_falt
    FROM joined
)
SELECT * FROM final
ORDER BY CASE andring WHEN 'ny' THEN 1 WHEN 'ändrad' THEN 2 WHEN 'borttagen' THEN 3 ELSE 4 END, aktivitet_id
