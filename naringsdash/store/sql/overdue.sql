-- Overdue activities by the contract's rule, most days late first.
WITH scoped AS (
    SELECT * FROM scoped_activities($period, $as_of, $forvaltningar, $malomraden)
),
final AS (
    SELECT forvaltning, aktivitet_id, aktivitet, malomrade, ansvarig, slutdatum, dagar_sena, status, andel_klar,
           bedomning, kommentar
    FROM scoped WHERE forsenad
)
SELECT * FROM final ORDER BY dagar_sena DESC, forvaltning, aktivitet_id
