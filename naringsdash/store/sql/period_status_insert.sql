-- One new marking of a period (closed or opened again), logged with who, when and why.
INSERT INTO period_status (id, period, kind, closed, user_name, changed_at, reason)
VALUES (nextval('period_status_seq'), $period, $kind, $closed, $user_name, $changed_at, $reason)
RETURNING id
