-- Current activities of a period with the overdue flag, filtered by förvaltning and målområde.
WITH scoped AS (
    SELECT * FROM period_activities($period, $as_of)
    WHERE (len($forvaltningar) = 0 OR list_contains($forvaltningar, forvaltning))
      AND (len($malomraden) = 0 OR list_contains($malomraden, malomrade))
)
SELECT * FROM scoped ORDER BY malomrade, forvaltning, aktivitet_id
