-- The filter every dashboard query shares: a förvaltning and målområde scope (an empty list means all).
CREATE OR REPLACE MACRO in_scope(forvaltning, malomrade, forvaltningar, malomraden) AS
    (len(forvaltningar) = 0 OR list_contains(forvaltningar, forvaltning))
    AND (len(malomraden) = 0 OR list_contains(malomraden, malomrade));
-- The current activities of one period (period_activities) within that scope.
CREATE OR REPLACE MACRO scoped_activities(p, as_of, forvaltningar, malomraden) AS TABLE
    SELECT * FROM period_activities(p, as_of) a
    WHERE in_scope(a.forvaltning, a.malomrade, forvaltningar, malomraden);
