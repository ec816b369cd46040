-- Upload history, newest first, with which version is current.
WITH final AS (
    SELECT u.id, u.kind, u.forvaltning, u.period, u.user_name, u.uploaded_at, u.file_name, u.rows, u.sha256,
           u.restored_from,
           CASE WHEN u.kind IN ('indikatorer', 'kolada') THEN NULL ELSE c.id IS NOT NULL END AS aktuell
    FROM uploads u LEFT JOIN current_uploads c ON c.id = u.id
    WHERE (len($forvaltningar) = 0 OR list_contains($forvaltningar, u.forvaltning))
)
SELECT * FROM final ORDER BY id DESC
