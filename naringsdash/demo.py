"""Demo data: realistic follow-up workbooks for all förvaltningar, 2024-T1 to 2026-T2, and indicators.

``python -m naringsdash.demo`` regenerates the files under ``data/demo/`` (deterministic);
``load()`` (the CLI's ``demo`` command) imports them through the ordinary import path.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from . import analysis, auth, config, ingest, loop_demo
from .plan import demo as plan_demo
from .plan.model import PlanResult
from .store import Store

DEMO_DIR = config.ROOT / "data" / "demo"
PERIODS = ["2024-T1", "2024-T2", "2024-T3", "2025-T1", "2025-T2", "2025-T3", "2026-T1", "2026-T2"]

ACTIVITIES: dict[str, list[tuple[int, str]]] = {
    "KLF": [(1, "Företagslots med en väg in för företagarens ärenden"), (1, "Frukostmöten med näringslivet varje månad"),
            (1, "Servicemätning Insikt – analys och åtgärdsplan"), (1, "Utbildning i bemötande för handläggare"),
            (4, "Näringslivsgala med pris till årets företagare"), (1, "Dialogforum med företagarföreningarna"),
            (2, "Etableringsstrategi för logistik och livsmedel"), (6, "Samverkan med Trelleborgs Hamn om tillväxt"),
            (1, "Upphandlingsdialog för små och lokala företag"), (4, "Innovationsupphandling inom välfärdsteknik"),
            (5, "Platsvarumärket Trelleborg – gemensam plattform"), (1, "Företagsbesök med kommunledningen"),
            (3, "Kompetensråd tillsammans med näringslivet"), (2, "Investerarmöten och mässdeltagande"),
            (6, "Uppföljning av klimatlöften hos företag"), (1, "Digital e-tjänst för serveringstillstånd"),
            (1, "Faktura med 30 dagars betalning till leverantörer"), (4, "Stöd till Ung Företagsamhet"),
            (5, "Centrumutveckling tillsammans med fastighetsägare"), (1, "Årlig enkät till företag om kommunens service")],
    "SBF": [(2, "Detaljplan för verksamhetsområde Västra Sjölunda"), (2, "Markanvisningspolicy för verksamhetsmark"),
            (1, "Kortare handläggningstid för bygglov"), (1, "Förhandsbesked inom 10 dagar för företag"),
            (2, "Planberedskap för 50 hektar verksamhetsmark"), (6, "Översiktsplan – utvecklingsstråk längs kusten"),
            (1, "Digitalt flöde för bygglovsansökan"), (6, "Grönstrukturplan med ekosystemtjänster"),
            (2, "Detaljplan Trelleborgs hamnområde, etapp 2"), (1, "Bygglovsdialog med återkommande byggherrar"),
            (5, "Gestaltningsprogram för centrum"), (2, "Kartläggning av ledig verksamhetsmark"),
            (6, "Laddinfrastruktur i nya detaljplaner"), (1, "Tillsynsbesök med råd i stället för föreläggande"),
            (5, "Planprogram för Söderslätts stationsorter"), (2, "Markreserv vid väg 108"),
            (1, "Informationsmöte om bygglovsprocessen"), (6, "Dagvattenplan för verksamhetsområden"),
            (5, "Strandpromenaden – planändring för kiosker"), (2, "Snabbspår för etableringsärenden")],
    "TSF": [(6, "Gång- och cykelväg till verksamhetsområde Östra"), (6, "Utbyggnad av fiber till landsbygdsföretag"),
            (1, "Schaktlov med svar inom fem dagar"), (6, "Trafiksäkerhetsåtgärder vid hamninfarten"),
            (2, "Exploatering av VA för nytt verksamhetsområde"), (1, "Vinterväghållning i handelsområden"),
            (6, "Laddstolpar på kommunala parkeringar"), (5, "Upprustning av torget i centrum"),
            (6, "Energieffektivisering av gatubelysning"), (1, "Leverantörsträffar inför upphandling"),
            (6, "Pendlarparkering vid stationerna"), (5, "Skyltning till besöksmål"),
            (2, "Markberedning etapp 1 Västra Sjölunda"), (6, "Cirkulär hantering av schaktmassor"),
            (1, "Felanmälan via app för företag"), (5, "Sommarstädning av stränder"),
            (6, "Busskörfält på Hamngatan"), (6, "Klimatanpassning av dagvattensystem"),
            (1, "Samordnade avstängningar vid evenemang"), (2, "Vatten och avlopp till Smyge verksamhetsområde")],
    "KFF": [(5, "Evenemangsstrategi med årshjul"), (5, "Sommarprogram i hamnen"), (5, "Besöksnäringsnätverk Söderslätt"),
            (5, "Kulturkvarteret – förstudie"), (4, "Kreativa näringar: mötesplats och nätverk"),
            (5, "Trelleborgs museum – nya utställningar för besökare"), (3, "Sommarjobb i föreningslivet"),
            (5, "Cykelturism längs Sydkustleden"), (5, "Destinationsutveckling med Visit Skåne"),
            (4, "Makerspace på biblioteket"), (5, "Evenemangsstöd till föreningar"),
            (5, "Digital besöksguide"), (3, "Ledarutbildning för unga i föreningar"),
            (5, "Badplatser med blå flagg"), (5, "Julmarknad i samarbete med handeln"),
            (4, "Stipendium för unga entreprenörer inom kultur"), (5, "Friluftsplan med besöksmål"),
            (5, "Konstnärliga gestaltningar i stadsmiljön"), (5, "Idrottsevenemang med nationell räckvidd"),
            (3, "Praktikplatser inom kultur och fritid")],
    "SOF": [(3, "Arbetsträning i socialt företag"), (4, "Stöd till sociala företag och arbetsintegrerande verksamhet"),
            (3, "Lärlingsplatser inom vård och omsorg"), (1, "Leverantörsdialog om hemtjänst i LOV"),
            (3, "Språkstöd för medarbetare i omsorgen"), (4, "Välfärdsteknik i samverkan med företag"),
            (3, "Feriepraktik inom socialförvaltningen"), (1, "Tydligare information om serveringstillstånd"),
            (3, "Validering av undersköterskekompetens"), (4, "Innovationsslussen för välfärdsteknik"),
            (1, "Handläggningstid för tillstånd under 6 veckor"), (3, "Mentorprogram för nyanställda"),
            (3, "Samverkan med Komvux om vårdutbildning"), (1, "Tillsynsplan för alkohol och tobak med dialog"),
            (4, "Pilot med digitala trygghetslarm"), (3, "Rekryteringsmässa för vård och omsorg"),
            (6, "Fossilfria transporter i hemtjänsten"), (3, "Yrkessvenska på arbetsplatsen"),
            (1, "Företagsinformation om LOV och upphandling"), (3, "Arbetsmarknadsinsatser för personer med funktionsnedsättning")],
    "BIF": [(3, "Praktiknära lärande på gymnasiet"), (3, "Teknikcollege – certifiering"), (4, "Entreprenöriellt lärande i grundskolan"),
            (3, "Prao i årskurs 8 och 9"), (3, "Yrkesvux inom logistik"), (3, "Studie- och yrkesvägledning med företag"),
            (4, "UF-företag på gymnasiet"), (3, "Lärlingsutbildning inom bygg"), (3, "Vård- och omsorgscollege"),
            (3, "Kompetenskartläggning med arbetsgivare"), (4, "Innovationsläger för högstadiet"),
            (3, "Yrkesutbildning för sfi-elever"), (3, "Samverkan med Lunds universitet om praktik"),
            (3, "Gymnasieprogram inom livsmedel"), (4, "Tävling i hållbar innovation"),
            (3, "Programråd med näringslivet"), (3, "Vuxenutbildning på distans"),
            (3, "Sommarskola i matematik och teknik"), (6, "Hållbarhetsprojekt med lokala företag"),
            (3, "Mentorer från näringslivet för elever")],
    "AMF": [(3, "Matchning av arbetssökande mot rekryterande företag"), (3, "Rekryteringsträffar med företag"),
            (3, "Jobbspår inom lager och logistik"), (3, "Jobbspår inom restaurang"), (3, "Unga till arbete – uppsökande"),
            (3, "Extratjänster i samverkan med Arbetsförmedlingen"), (4, "Starta eget-stöd för arbetssökande"),
            (3, "Kompetenscentrum för validering"), (3, "Arbetsgivarservice med en kontaktperson"),
            (3, "Språkpraktik i företag"), (3, "Sommarjobb för ungdomar i näringslivet"),
            (3, "Körkortsstöd för arbetssökande"), (3, "Samverkan med bemanningsföretag"),
            (3, "Jobbmässa Trelleborg"), (4, "Mikrolån och rådgivning via Coompanion"),
            (3, "Yrkesintroduktion inom bygg"), (3, "Digitala kompetenser för arbetssökande"),
            (3, "Rekryteringsstöd till hamnens företag"), (3, "Kartläggning av kompetensbehov"),
            (1, "Företagsbesök tillsammans med näringslivsenheten")],
}
PEOPLE = ["Anna Lindqvist", "Erik Svensson", "Maria Persson", "Johan Nilsson", "Sara Olsson", "Lars Hansson",
          "Karin Jönsson", "Peter Andersson", "Eva Larsson", "Mikael Holm", "Lena Berg", "Ahmed Hassan",
          "Fatima Ali", "Nils Ek", "Ingrid Dahl"]
COMMENTS = {
    "Ej påbörjad": ["Planeras att starta under nästa tertial.", "Väntar på beslut om finansiering.",
                    "Resurser avsatta, uppstart efter sommaren."],
    "Pågår": ["Arbetet löper enligt plan.", "Dialog med berörda företag pågår.", "Upphandling genomförd, arbetet igång.",
              "Första etappen klar, andra etappen startad.", "Bra uppslutning från näringslivet."],
    "Försenad": ["Försenad på grund av överklagande.", "Personalbrist har gett förseningar.",
                 "Väntar på underlag från extern part.", "Omprioriterat under perioden; ny tidplan tas fram."],
    "Klar": ["Genomförd. Utvärdering visar goda resultat.", "Klar enligt plan.", "Slutrapport lämnad till styrgruppen."],
    "Avbruten": ["Avbruten efter politiskt beslut.", "Ersätts av en gemensam insats i regionen."],
}
BEDOMNING = {"Ej påbörjad": "Gul", "Pågår": "Grön", "Försenad": "Röd", "Klar": "Grön", "Avbruten": "Gul"}


def _plan(rng: random.Random, kod: str) -> list[dict]:
    """The activities of one förvaltning: dates and fate, fixed across periods."""
    plan = []
    for i, (mal, text) in enumerate(ACTIVITIES[kod], start=1):
        start = dt.date(2023, 9, 1) + dt.timedelta(days=rng.randrange(0, 940))
        end = start + dt.timedelta(days=rng.choice([180, 240, 300, 365, 450, 540, 730]))
        end = _month_end(end)
        fate = rng.choices(["ok", "late", "delayed", "stopped"], [0.55, 0.22, 0.17, 0.06])[0]
        plan.append({"id": f"{kod}-{i:02d}", "text": text, "mal": mal, "ansvarig": rng.choice(PEOPLE),
                     "start": start, "end": end, "fate": fate, "delay": rng.choice([60, 120, 200]),
                     "first": max(0, PERIODS.index(_period_of(start)) - rng.choice([0, 1])) if start > dt.date(2024, 4, 30)
                     else 0})
    return plan


def _month_end(d: dt.date) -> dt.date:
    nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _period_of(d: dt.date) -> str:
    return config.current_period(d)


def _status(a: dict, as_of: dt.date, rng: random.Random) -> tuple[str, int]:
    span = (a["end"] - a["start"]).days or 1
    done = max(0.0, min(1.0, (as_of - a["start"]).days / span))
    if as_of < a["start"]:
        return "Ej påbörjad", 0
    if a["fate"] == "stopped" and done > 0.4:
        return "Avbruten", int(40 + 10 * rng.random())
    if a["fate"] == "delayed" and done > 0.5:
        late_done = (as_of - a["end"]).days > a["delay"]
        return ("Klar", 100) if late_done else ("Försenad", int(min(90, 50 + 40 * done)))
    if a["fate"] == "late" and as_of > a["end"]:
        return ("Klar", 100) if (as_of - a["end"]).days > a["delay"] else ("Pågår", 85)
    if as_of >= a["end"]:
        return "Klar", 100
    return "Pågår", int(round(done * 100 / 5) * 5)


def generate(out: Path = DEMO_DIR) -> list[Path]:
    """Write the demo workbooks (deterministic)."""
    from openpyxl import Workbook

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kod in ACTIVITIES:
        rng = random.Random(f"naringsdash-{kod}")
        plan = _plan(rng, kod)
        for pi, period in enumerate(PERIODS):
            as_of = config.period_end(period)
            wb = Workbook()
            ws = wb.active
            ws.title = "Aktiviteter"
            ws.append(["Aktivitets-ID", "Aktivitet", "Målområde", "Förvaltning", "Ansvarig", "Startdatum", "Slutdatum",
                       "Status", "Andel klart (%)", "Bedömning", "Kommentar"])
            for a in plan:
                if a["first"] > pi or (a["fate"] == "stopped" and a["end"] < as_of - dt.timedelta(days=240)):
                    continue
                status, pct = _status(a, as_of, rng)
                ws.append([a["id"], a["text"], a["mal"], kod, a["ansvarig"], a["start"], a["end"], status, pct,
                           BEDOMNING[status], rng.choice(COMMENTS[status])])
                for col in ("F", "G"):
                    ws[f"{col}{ws.max_row}"].number_format = "yyyy-mm-dd"
            info = wb.create_sheet("Info")
            info.append(["Förvaltning", kod])
            info.append(["Period", period])
            info.append(["Rapporterad av", rng.choice(PEOPLE)])
            path = out / f"{period}_{kod}.xlsx"
            wb.save(path)
            written.append(path)
    written.append(_indicators(out))
    return written


# name, målområde, unit, direction, target, target year, source, values 2015..2025 (None = no value)
INDICATORS: list[tuple[str, int, str, str, float | None, int | None, str, list[float | None]]] = [
    ("Svenskt Näringslivs ranking av företagsklimatet", 1, "placering", "Lägre är bättre", 100, 2030,
     "Svenskt Näringsliv (2018–2020 verkliga värden, övriga år demovärden)",
     [255, 248, 240, 231, 167, 165, 172, 158, 149, 141, 133]),
    ("Nöjd Kund Index, företagens betyg på kommunens service", 1, "index", "Högre är bättre", 80, 2030,
     "Demovärden (förebild: SKR Insikt)", [66, 67, None, 69, 70, 71, 73, 72, 74, 75, 76]),
    ("Handläggningstid bygglov, median", 1, "dagar", "Lägre är bättre", 21, 2030, "Demovärden",
     [48, 45, 44, 40, 38, 35, 33, 36, 30, 28, 26]),
    ("Planlagd ledig verksamhetsmark", 2, "hektar", "Högre är bättre", 60, 2030, "Demovärden",
     [22, 24, 25, 30, 31, 28, 35, 40, 38, 44, 47.5]),
    ("Förvärvsarbetande 20–64 år", 3, "procent", "Högre är bättre", 78, 2030, "Demovärden (förebild: SCB)",
     [74.1, 74.6, 75.0, 75.4, 75.8, 74.2, 74.9, 76.0, 76.3, 76.1, 76.8]),
    ("Arbetslöshet 16–64 år", 3, "procent", "Lägre är bättre", 6, 2030, "Demovärden (förebild: Arbetsförmedlingen)",
     [9.8, 9.4, 9.0, 8.6, 8.4, 10.1, 9.5, 8.2, 8.0, 8.6, 8.3]),
    ("Nystartade företag per 1 000 invånare", 4, "antal", "Högre är bättre", 8, 2030, "Demovärden (förebild: Kolada N00999)",
     [5.9, 6.1, 6.3, 6.0, 6.4, 6.8, 7.1, 6.5, 6.2, 6.6, 6.9]),
    ("Antal UF-företag", 4, "antal", "Högre är bättre", 60, 2030, "Demovärden", [18, 21, 25, 24, 30, 22, 28, 35, 39, 42, 45]),
    ("Kommersiella gästnätter", 5, "tusental", "Högre är bättre", 250, 2030, "Demovärden (förebild: Tillväxtverket)",
     [172, 180, 186, 190, 198, 121, 150, 201, 212, 219, 226]),
    ("Besöksnäringens omsättning", 5, "mnkr", "Högre är bättre", 1500, 2030, "Demovärden",
     [980, 1010, 1045, 1090, 1120, 780, 910, 1180, 1240, 1275, 1310]),
    ("Andel hushåll och företag med tillgång till 1 Gbit/s", 6, "procent", "Högre är bättre", 98, 2030,
     "Demovärden (förebild: PTS)", [61, 66, 72, 78, 83, 86, 89, 91, 93, 94, 95]),
]


def _indicators(out: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Indikatorer"
    years = list(range(2015, 2026))
    ws.append(["Indikator", "Målområde", "Enhet", "Riktning", "Målvärde", "Målår", "Källa", *years])
    for name, mal, unit, direction, target, year, source, values in INDICATORS:
        ws.append([name, mal, unit, direction, target, year, source, *values])
    path = out / "indikatorer.xlsx"
    wb.save(path)
    return path


def files(folder: Path = DEMO_DIR) -> list[Path]:
    return sorted(folder.glob("*.xlsx"))


def load(db: Store, folder: Path = DEMO_DIR, progress=None) -> list[ingest.ImportResult | PlanResult]:
    """Import every demo workbook (idempotent: identical files make no new versions); demo accounts per setting.
    ``progress(fraction, text)`` is called after each file."""
    auth.ensure_demo_accounts(db)  # reads the settings first: refused settings never create a database
    _mark(db, "started")  # until "done": a half-seeded database (a killed process, a closed tab) says so and resumes
    results: list[ingest.ImportResult | PlanResult] = []
    paths = files(folder)
    for i, path in enumerate(paths):
        if progress:
            progress(i / len(paths), f"Läser in demodata: {path.name} ({i + 1} av {len(paths)})")
        uploaded_at = None
        if "_" in path.stem:
            period = path.stem.split("_")[0]
            uploaded_at = dt.datetime.combine(config.period_end(period) + dt.timedelta(days=9), dt.time(10, 15))
        results.append(ingest.import_file(path, db=db, uploaded_at=uploaded_at))
    _analyses(db, {path.stem.split("_")[0] for path in files(folder)})
    results += plan_demo.load(db, folder / "handlingsplan")  # the handlingsplaner 2025 and 2026
    loop_demo.load(db)  # the styrgrupp's meetings, decisions and synpunkter
    _mark(db, "done")
    return results


SEED_KEY = "demo_seed"


def _mark(db, state: str) -> None:
    from . import store

    with store.connect(db) as con:
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [SEED_KEY, state])


def seed_state(db: Store) -> str | None:
    """How far seeding the demo data came: "started" (interrupted, or still running), "done", or None (never)."""
    from . import store

    with store.connect(db) as con:
        row = store.first(con.execute("SELECT value FROM meta WHERE key = ?", [SEED_KEY]))
    return row[0] if row else None


# The styrgrupp's assessments for the latest demo periods: målområde → (traffic light, text).
ANALYSES: dict[str, dict[int, tuple[str, str]]] = {
    "2026-T1": {
        1: ("Gul", "Företagslotsen är i gång och får goda omdömen i dialogforum. Flera aktiviteter inom handläggning "
                   "och tillsyn ligger efter tidplanen på grund av vakanser; rekrytering pågår."),
        2: ("Grön", "Detaljplanearbetet för verksamhetsmark följer tidplanen. Markberedningen i Västra Sjölunda har "
                    "påbörjats."),
        3: ("Röd", "Flera insatser för kompetensförsörjning är försenade. Kompetensrådet har haft svårt att samla "
                   "arbetsgivarna och två jobbspår saknar praktikplatser.\nStyrgruppen behöver ta ställning till "
                   "prioriteringar."),
        4: ("Grön", "UF-företagen på gymnasiet blir fler och innovationslägret genomfördes med god uppslutning."),
        5: ("Grön", "Evenemangsstrategin är antagen och sommarprogrammet planeras tillsammans med handeln."),
        6: ("Gul", "Arbetet med fossilfria transporter går framåt, men klimatanpassningen av dagvattensystemet väntar "
                   "på beslut om finansiering."),
    },
    "2026-T2": {
        1: ("Gul", "Servicemätningen visar ett högre betyg än förra året. Handläggningen är fortfarande ansträngd och "
                   "några aktiviteter har fått ny tidplan; åtgärdsplanen följs upp vid nästa möte."),
        2: ("Grön", "Etableringsarbetet följer planen. Ett nytt logistikföretag har tecknat markanvisning i "
                    "hamnområdet."),
        3: ("Röd", "Kompetensförsörjningen har fortfarande flest försenade aktiviteter. Jobbspåren inom lager och "
                   "restaurang har kommit i gång, men valideringen och kompetensrådet ligger efter.\nFörslag: samla "
                   "insatserna under en gemensam projektledare från hösten."),
        4: ("Grön", "Entreprenörskapsinsatserna i skolan fortsätter enligt plan. Starta eget-stödet har fått fler "
                    "deltagare än väntat."),
        5: ("Gul", "Sommarsäsongen gick bra för besöksnäringen. Den digitala besöksguiden är försenad i väntan på "
                   "upphandling."),
        6: ("Grön", "Bredbandsutbyggnaden och busskörfälten på Hamngatan följer tidplanen."),
    },
}


def _analyses(db, periods: set[str]) -> None:
    """Seed the demo assessments where a målområde has none yet for the period (idempotent; never over a real one)."""
    writer = auth.User("demo", "admin", display_name="Näringslivsavdelningen")
    ref = config.current_reference()
    for period, texts in ANALYSES.items():
        if period not in periods:
            continue
        written = set(analysis.current(period, db)["malomrade"].astype(int))
        when = dt.datetime.combine(config.period_end(period) + dt.timedelta(days=14), dt.time(14, 0))
        for nr, (word, text) in texts.items():
            if nr not in written and nr in ref.malomraden:
                analysis.save(nr, period, word, text, writer, db, ref=ref, now=when)


if __name__ == "__main__":
    for p in generate():
        print(p)
