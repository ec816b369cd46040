-- The current marking per period of one kind (the newest row), with who, when and why.
WITH final AS (
    SELECT period, closed, user_name, changed_at, reason FROM period_status WHERE kind = $kind
    QUALIFY row_number() OVER (PARTITION BY period ORDER BY id DESC) = 1
)
SELECT * FROM final ORDER BY period
