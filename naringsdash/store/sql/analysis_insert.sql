-- One new version of the assessment of a målområde in a period; the newest row per (malomrade, period) is current.
WITH final AS (
    SELECT nextval('analysis_seq') AS id, $malomrade AS malomrade, $period AS period, $bedomning AS bedomning,
           $text AS text, $user_name AS user_name, $created_at AS created_at
)
INSERT INTO analyses (id, malomrade, period, bedomning, text, user_name, created_at)
SELECT * FROM final
RETURNING id
