"""Swedish labels for the columns the queries return, shared by the dashboard's tables and the report's workbook."""

from __future__ import annotations

from .schema import RIKTNING_LABEL

LABELS = {
    "period": "Period", "forvaltning": "Förvaltning", "forvaltning_namn": "Förvaltningens namn",
    "aktivitet_id": "ID", "aktivitet": "Aktivitet", "malomrade": "Målområde", "ansvarig": "Ansvarig",
    "startdatum": "Startdatum", "slutdatum": "Slutdatum", "status": "Status", "andel_klar": "Andel klart (%)",
    "bedomning": "Bedömning", "kommentar": "Senaste kommentar", "forsenad": "Försenad", "dagar_sena": "Dagar sena",
    "antal": "Aktiviteter", "klar": "Klar", "pagar": "Pågår", "ej_paborjad": "Ej påbörjad",
    "forsenad_status": "Försenad (status)", "avbruten": "Avbruten", "forsenade": "Försenade",
    "klara": "Klara", "andel_klara": "Andel klara (%)", "snitt_andel_klar": "Snitt andel klart (%)",
    "rapporterat": "Rapporterat", "uploaded_at": "Inrapporterad", "user_name": "Av", "file_name": "Fil",
    "versioner": "Versioner", "status_fore": "Status förra perioden", "andel_klar_fore": "Andel klart förra (%)",
    "andel_klar_forandring": "Förändring (procentenheter)", "indikator": "Indikator", "enhet": "Enhet",
    "riktning": "Riktning", "malvarde": "Målvärde", "malar": "Målår", "kalla": "Källa", "serie": "Serie",
    "ar": "År", "varde": "Värde", "foregaende_ar": "Föregående år", "foregaende": "Föregående värde",
    "forandring": "Förändring", "forandring_procent": "Förändring (%)",
    "analys": "Analys", "analys_av": "Analys skriven av", "analys_skriven": "Analys skriven",
    "oppna_beslut": "Öppna beslut",
}
# An indicator's direction (stored as hogre/lagre) written out.
RIKTNING = RIKTNING_LABEL
