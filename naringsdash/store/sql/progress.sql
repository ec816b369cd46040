-- Progress per målområde in one period: counts per status, share Klar, average Andel klart, overdue.
WITH scoped AS (
    SELECT * FROM scoped_activities($period, $as_of, $forvaltningar, $malomraden)
),
final AS (
    SELECT malomrade,
           count(*) AS antal,
           count(*) FILTER (WHERE status = 'Ej påbörjad') AS ej_paborjad,
           count(*) FILTER (WHERE status = 'Pågår') AS pagar,
           count(*) FILTER (WHERE status = 'Försenad') AS forsenad_status,
           count(*) FILTER (WHERE status = 'Klar') AS klar,
           count(*) FILTER (WHERE status = 'Avbruten') AS avbruten,
           count(*) FILTER (WHERE forsenad) AS forsenade,
           round(count(*) FILTER (WHERE status = 'Klar') * 100.0 / count(*), 1) AS andel_klara,
           round(avg(andel_klar), 1) AS snitt_andel_klar
    FROM scoped GROUP BY malomrade
)
SELECT * FROM final ORDER BY malomrade
