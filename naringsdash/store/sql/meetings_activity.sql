-- One activity's målområde in its newest period (an activity is identified by förvaltning and ID).
SELECT malomrade FROM current_activities WHERE forvaltning = $forvaltning AND aktivitet_id = $aktivitet_id
ORDER BY period DESC LIMIT 1
