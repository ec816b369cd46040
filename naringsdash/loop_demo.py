"""Demo data for the styrgrupp's loop: two meetings (following up 2026-T1 and 2026-T2) with decisions on
målområden and on activities of the demo workbooks, and synpunkter from näringslivet. Idempotent: seeded only while
the database holds no meeting (and no synpunkt) yet, and only when the demo periods are loaded."""

from __future__ import annotations

import datetime as dt

from . import auth, config, meetings, synpunkter
from .store import Store, queries

WRITER = auth.User("demo", "admin", display_name="Näringslivsavdelningen")
ROLES = {"KLF": "Näringslivschef (ordförande)", "SBF": "Planchef", "TSF": "Driftchef", "KFF": "Kultur- och fritidschef",
         "SOF": "Verksamhetschef", "BIF": "Utbildningschef", "AMF": "Arbetsmarknadschef"}

# date, period, förvaltningar present, decisions: (målområde or (förvaltning, ID), text, owner, role, due,
# later changes [(when, status, comment)])
Change = tuple[dt.datetime, str, str]
Decision = tuple[int | tuple[str, str], str, str, str | None, dt.date, list[Change]]
MEETINGS: list[tuple[dt.date, str, tuple[str, ...], list[Decision]]] = [
    (dt.date(2026, 5, 19), "2026-T1", ("KLF", "SBF", "TSF", "KFF", "BIF", "AMF"), [
        (("KLF", "KLF-13"), "Kompetensrådet kallas till ett extra möte före sommaren med de största arbetsgivarna.",
         "KLF", "Näringslivschef", dt.date(2026, 6, 30), [(dt.datetime(2026, 6, 25, 9), "Klar",
                                                           "Mötet hölls 24 juni med sex arbetsgivare.")]),
        (("SBF", "SBF-14"), "Ta fram en ny tidplan för tillsynsbesöken och redovisa den vid nästa möte.", "SBF",
         None, dt.date(2026, 9, 15), []),
        (3, "Samla insatserna för kompetensförsörjning under en gemensam projektledare; förslag till nästa möte.",
         "AMF", "Arbetsmarknadschef", dt.date(2026, 9, 30), [(dt.datetime(2026, 9, 10, 15), "Klar",
                                                              "Projektledare utsedd från 1 oktober.")]),
        (("TSF", "TSF-20"), "Redovisa hur vatten och avlopp till Smyge verksamhetsområde ska finansieras.", "TSF",
         None, dt.date(2026, 8, 31), [(dt.datetime(2026, 8, 20, 11), "Struken",
                                      "Ingår i kommunfullmäktiges budgetbeslut för 2027.")]),
    ]),
    (dt.date(2026, 9, 22), "2026-T2", ("KLF", "SBF", "TSF", "KFF", "SOF", "BIF", "AMF"), [
        (("KLF", "KLF-16"), "Lansera e-tjänsten för serveringstillstånd i december; SOF bidrar med handläggarstöd.",
         "KLF", None, dt.date(2026, 12, 15), []),
        (5, "Upphandla den digitala besöksguiden före årsskiftet.", "KFF", "Kultur- och fritidschef",
         dt.date(2026, 12, 31), []),
        (1, "Följ upp åtgärdsplanen efter servicemätningen vid nästa möte.", "KLF", None, dt.date(2026, 11, 30), []),
        (("SOF", "SOF-05"), "Språkstödet utökas till hemtjänsten i norra området.", "SOF", "Verksamhetschef",
         dt.date(2026, 10, 31), []),
    ]),
]

# date, source, målområde, förvaltning, company, summary, answer, activity ID, decision (index in DECISIONS), status
SYNPUNKTER = [
    (dt.date(2025, 11, 12), "Företagsbesök", 1, "KLF", "Söderslätts Bygg AB",
     "Svårt att veta vem man ska ringa när ett ärende berör flera förvaltningar.",
     "Företagslotsen är kontaktväg sedan januari.", "KLF-01", None, "Avslutad"),
    (dt.date(2026, 1, 21), "Frukostmöte", 1, "SBF", None,
     "Handläggningstiden för bygglov upplevs fortfarande som lång under våren.",
     "Digitalt flöde för bygglov införs under hösten.", "SBF-07", None, "Besvarad"),
    (dt.date(2026, 2, 4), "Näringslivsråd", 3, "AMF", None,
     "Logistikföretagen i hamnen saknar truckförare och lagerpersonal.",
     "Jobbspåret inom lager och logistik utökas.", "AMF-03", None, "Besvarad"),
    (dt.date(2026, 3, 17), "Enkät", 1, "KLF", None,
     "Företagen vill ha snabbare betalning av fakturor från kommunen.", None, "KLF-17", None, "Under beredning"),
    (dt.date(2026, 4, 8), "E-post", 5, "KFF", "Hamnkrogen i Trelleborg",
     "Önskemål om fler evenemang i hamnen under lågsäsong.", "Tas med i evenemangsstrategins årshjul.", None, None,
     "Besvarad"),
    (dt.date(2026, 5, 6), "Företagsbesök", 2, "SBF", "Trelleborg Logistik AB",
     "Behov av mer planlagd verksamhetsmark nära väg 108.", "Markreserven vid väg 108 utreds.", "SBF-16", None,
     "Under beredning"),
    (dt.date(2026, 6, 2), "Näringslivsråd", 3, "KLF", None,
     "Arbetsgivarna vill att kompetensrådet samlas oftare och med tydligare uppdrag.",
     "Extra möte hölls i juni; ny mötesplan tas fram.", None, 0, "Besvarad"),
    (dt.date(2026, 8, 26), "Frukostmöte", 6, "TSF", None,
     "Vägarbetena på Hamngatan bör samordnas med handelns säsong.", None, "TSF-17", None, "Ny"),
    (dt.date(2026, 9, 9), "Enkät", 1, "SOF", None,
     "Serveringstillstånd tar för lång tid och information saknas på webben.",
     "E-tjänst och ny information lanseras i december.", "SOF-08", 4, "Under beredning"),
    (dt.date(2026, 10, 14), "Företagsbesök", 5, "KFF", "Smygehuk Turism",
     "Skyltningen till besöksmålen vid Smygehuk är bristfällig.", None, None, None, "Ny"),
    (dt.date(2026, 10, 28), "Telefon", 4, "AMF", None,
     "Nya företagare efterfrågar rådgivning på andra språk än svenska.", None, "AMF-07", None, "Ny"),
]


def agenda(ref: config.Reference) -> list[str]:
    """The agenda of a demo meeting: the slide titles of Mötesläge with a meeting chosen."""
    return (["Översikt", "Beslut att följa upp"] + [f"Målområde {nr}. {name}" for nr, name in
                                                    sorted(ref.malomraden.items())]
            + ["Vad näringslivet säger", "Indikatorer", "Inrapportering"])


def load(db: Store) -> None:
    """Seed the demo meetings, decisions and synpunkter (nothing when there already are any)."""
    ref = config.current_reference()
    if not {"2026-T1", "2026-T2"} <= set(queries.periods(db)):
        return
    decision_ids: list[int] = []
    if meetings.meetings(db).empty:
        for day, period, present, decided in MEETINGS:
            at = dt.datetime.combine(day, dt.time(13, 0))
            mid = meetings.create_meeting(day, period, [(c, ROLES[c]) for c in present if c in ref.forvaltningar],
                                          WRITER, db, agenda=agenda(ref), ref=ref, now=at)
            for i, (about, text, owner, role, due, later) in enumerate(decided):
                did = meetings.add_decision(mid, text, owner, due, WRITER, db, roll=role, ref=ref,
                                            now=at + dt.timedelta(minutes=10 + 5 * i),
                                            aktivitet=about if isinstance(about, tuple) else None,
                                            malomrade=None if isinstance(about, tuple) else about)
                decision_ids.append(did)
                for when, status, comment in later:
                    meetings.change_decision(did, WRITER, db, status=status, kommentar=comment, ref=ref, now=when)
    if synpunkter.listing(db).empty:
        for day, source, nr, fv, org, summary, answer, aid, decision, status in SYNPUNKTER:
            fields = {"datum": day, "kalla": source, "malomrade": nr, "forvaltning": fv, "organisation": org,
                      "sammanfattning": summary, "svar": answer, "aktivitet_id": aid, "status": status,
                      "beslut_id": decision_ids[decision] if decision is not None and decision_ids else None}
            try:
                synpunkter.add(fields, WRITER, db, ref=ref, now=dt.datetime.combine(day, dt.time(16, 0)))
            except synpunkter.SynpunktError:  # an activity the edited reference data no longer has
                continue
