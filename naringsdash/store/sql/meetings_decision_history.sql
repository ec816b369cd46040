-- Every version of one decision, newest first.
SELECT version, text, agare, roll, forfaller, status, kommentar, malomrade, aktivitet_forvaltning, aktivitet_id,
       user_name, changed_at
FROM decision_versions WHERE decision_id = $id ORDER BY version DESC
