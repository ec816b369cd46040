-- A successful login from this address clears its failures (and old rows of anyone are forgotten).
DELETE FROM login_throttle
WHERE (username = $username AND address = $address) OR last_failure < $now - to_seconds($forget_s)
