-- Periods with current data, newest first.
SELECT DISTINCT period FROM current_uploads ORDER BY period DESC
