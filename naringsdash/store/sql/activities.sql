-- Current activities of a period with the overdue flag, filtered by förvaltning and målområde.
WITH scoped AS (
    SELECT * FROM scoped_activities($period, $as_of, $forvaltningar, $malomraden)
)
SELECT * FROM scoped ORDER BY malomrade, forvaltning, aktivitet_id
