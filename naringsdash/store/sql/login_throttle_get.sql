-- The failed logins of one user name from one client address.
SELECT failures, last_failure FROM login_throttle WHERE username = $username AND address = $address
