-- Every version of one synpunkt, newest first.
SELECT version, datum, kalla, malomrade, forvaltning, organisation, sammanfattning, svar, aktivitet_forvaltning,
       aktivitet_id, beslut_id, status, user_name, changed_at
FROM synpunkt_versions WHERE synpunkt_id = $id ORDER BY version DESC
