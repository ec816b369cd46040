"""The tertial cycle (issue 10): a period still being reported is shown as such (default period, banner, like-for-like
comparison, trend never past the period), the admin's closing of a period, and the template carried forward from
the last period with the preview against it."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import parse_qsl

import pytest
from openpyxl import load_workbook
from streamlit.proto.Block_pb2 import Block as BlockProto
from streamlit.testing.v1 import AppTest

from naringsdash import auth, closing, config, figures, ingest, periods, store, wording
from naringsdash.ingest.template import template_bytes
from naringsdash.store import queries

from conftest import ROOT, activity, open_page, write_xlsx

ALL = list(config.DEFAULT_FORVALTNINGAR)
NAMES = config.DEFAULT_FORVALTNINGAR


def report_t3(db, codes) -> None:
    """These förvaltningar save 2026-T3 from their carried-forward template, unchanged."""
    for code in codes:
        data = template_bytes(code, "2026-T3", db)
        res = ingest.import_bytes(data, f"{code}.xlsx", db=db, forvaltning=code, period="2026-T3")
        assert res.ok, [str(e) for e in res.errors]


@pytest.fixture
def one_of_seven(demo_db):
    report_t3(demo_db, ["KLF"])
    return demo_db


@pytest.fixture
def six_of_seven(demo_db):
    report_t3(demo_db, ALL[:6])
    return demo_db


# --- Completeness, default period, banner ---------------------------------------------------------------------


def test_complete_demo_data_opens_on_the_newest_period(demo_db):
    s = periods.states(demo_db)
    assert list(s) == demo_periods() and all(x.complete for x in s.values())
    assert periods.newest_complete_period(demo_db) == "2026-T2"
    assert periods.banner(s["2026-T2"]) is None


def demo_periods():
    return sorted(["2024-T1", "2024-T2", "2024-T3", "2025-T1", "2025-T2", "2025-T3", "2026-T1", "2026-T2"],
                  reverse=True)


@pytest.mark.parametrize("n", [1, 6])
def test_a_partial_period_is_not_the_default_and_its_banner_names_who_is_missing(demo_db, n):
    report_t3(demo_db, ALL[:n])
    assert queries.latest_period(demo_db) == "2026-T3"  # the export's default stays the latest with data
    s = periods.state("2026-T3", demo_db)
    assert (len(s.reported), s.total, s.complete) == (n, 7, False)
    assert periods.newest_complete_period(demo_db) == "2026-T2"
    missing = [NAMES[c] for c in ALL[n:]]
    assert periods.banner(s) == (
        f"2026 T3 pågår: {n} av 7 förvaltningar har rapporterat (saknas: {wording.names_list(missing)}). "
        "Jämförelser gäller bara de förvaltningar som finns i båda perioderna.")


def test_the_last_forvaltning_completes_the_period(six_of_seven):
    report_t3(six_of_seven, ALL[6:])
    assert periods.state("2026-T3", six_of_seven).complete
    assert periods.newest_complete_period(six_of_seven) == "2026-T3"


def test_a_closed_period_counts_as_complete_until_it_is_reopened(one_of_seven):
    with store.connect(one_of_seven) as con:
        closing.close(con, "2026-T3", "chef", "Bokslutet kan inte vänta")
    s = periods.state("2026-T3", one_of_seven)
    assert s.complete and s.closed and (s.closed_by, s.reason) == ("chef", "Bokslutet kan inte vänta")
    assert periods.banner(s) is None and periods.newest_complete_period(one_of_seven) == "2026-T3"
    with store.connect(one_of_seven) as con:
        closing.reopen(con, "2026-T3", "chef", "SBF skickar in i veckan")
        assert closing.closure_log(con, "2026-T3")["reopen_reason"].tolist() == ["SBF skickar in i veckan"]
    assert not periods.state("2026-T3", one_of_seven).complete


def test_no_complete_period_yet_falls_back_to_the_newest_with_data(db, tmp_path):
    ingest.import_file(write_xlsx(tmp_path / "a.xlsx", [activity(1)]), db=db, forvaltning="KLF", period="2025-T1")
    assert periods.newest_complete_period(db) == "2025-T1"
    assert periods.newest_complete_period(tmp_path / "tom.duckdb") is None


# --- Like for like ---------------------------------------------------------------------------------------------


def test_like_for_like_deltas_by_hand(db, tmp_path):
    """2025-T1: KLF A-01 Klar, A-02 Pågår; SBF two Pågår. 2025-T2: only KLF, A-01 and A-02 Klar, A-03 Pågår.
    Against all of 2025-T1 (4 activities, 1 Klar = 25 %) the arrows would say −1 activity and +41,7 pp; like for
    like (KLF alone: 2 activities, 1 Klar = 50 %) they say +1 and +16,7 pp (66,7 − 50,0)."""
    klf1 = [activity(1, Status="Klar", **{"Andel klart (%)": 100}), activity(2)]
    sbf1 = [activity(i, Förvaltning="SBF", **{"Aktivitets-ID": f"S-{i}"}) for i in (1, 2)]
    klf2 = [activity(1, Status="Klar", **{"Andel klart (%)": 100}), activity(2, Status="Klar", **{"Andel klart (%)": 100}),
            activity(3)]
    for code, period, rows in (("KLF", "2025-T1", klf1), ("SBF", "2025-T1", sbf1), ("KLF", "2025-T2", klf2)):
        res = ingest.import_file(write_xlsx(tmp_path / f"{code}{period}.xlsx", rows), db=db, forvaltning=code,
                                 period=period)
        assert res.ok, [str(e) for e in res.errors]
    c = periods.compare("2025-T2", db, today=dt.date(2025, 9, 1))
    assert c.common == ("KLF",) and c.total == 7 and c.like_for_like
    assert (c.now["antal"], c.now["klara"], c.now["andel_klara"]) == (3, 2, 66.7)
    assert (c.before["antal"], c.before["klara"], c.before["andel_klara"]) == (2, 1, 50.0)
    cards = {label: (value, change) for label, value, change, _ in wording.key_figures(c.now, c.before, c.now_common)}
    assert cards["Aktiviteter"] == ("3", "+1")
    assert cards["Andel klara"] == ("66,7\u00a0%", "+16,7 procentenheter")
    assert cards["Försenade"] == ("0", "±0")
    naive = {label: change for label, _, change, _ in wording.key_figures(
        c.now, queries.summary(db, today=dt.date(2025, 9, 1)).set_index("period").loc["2025-T1"])}
    assert naive["Aktiviteter"] == "−1"  # what the page said before: a decrease that was only missing data
    # Per målområde, the same restriction.
    now, before, now_common, common = periods.compare_progress("2025-T2", db, today=dt.date(2025, 9, 1))
    assert common == ("KLF",) and before["antal"].sum() == 2 and now["antal"].sum() == 3


def test_one_of_seven_compares_klf_with_klf(one_of_seven):
    c = periods.compare("2026-T3", one_of_seven)
    assert c.common == ("KLF",)
    klf_t2 = queries.summary(one_of_seven, forvaltningar=["KLF"]).set_index("period").loc["2026-T2"]
    assert c.before["antal"] == klf_t2["antal"] == c.now["antal"]  # the unchanged template: same activities
    cards = {label: change for label, _, change, _ in wording.key_figures(c.now, c.before, c.now_common)}
    assert cards["Aktiviteter"] == "±0" and not cards["Försenade"].startswith(wording.MINUS)


def test_trend_never_goes_past_the_period_and_marks_the_incomplete_one(one_of_seven):
    t = periods.trend("2026-T2", one_of_seven)
    assert t["period"].iloc[-1] == "2026-T2" and t["komplett"].all()
    t = periods.trend("2026-T3", one_of_seven)
    assert t["period"].iloc[-1] == "2026-T3" and t["komplett"].tolist()[-2:] == [True, False]
    fig = figures.share_trend(t)
    hollow = [tr for tr in fig.data if tr.name == wording.INCOMPLETE]
    assert len(hollow) == 1 and hollow[0].marker.symbol == "circle-open" and list(hollow[0].x) == ["2026 T3"]
    assert "ofullständig" in hollow[0].text[0]
    dashed = [tr for tr in fig.data if tr.line.dash == "dash"]
    assert len(dashed) == 1
    solid = next(tr for tr in fig.data if tr.name == "Andel klara")
    assert solid.y[-1] is None  # no solid segment into the incomplete period
    assert len(figures.share_trend(periods.trend("2026-T2", one_of_seven)).data) == 1


# --- The pages (AppTest) -----------------------------------------------------------------------------------------



def plain(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def metric(at: AppTest, label: str):
    return next(m for m in at.metric if m.label == label)


@pytest.mark.parametrize("page", ["pages/oversikt.py", "pages/malomrade.py", "pages/forsenade.py",
                                  "pages/inrapportering.py", "pages/moteslage.py", "pages/rapport.py"])
def test_every_view_opens_on_the_newest_complete_period(one_of_seven, page):
    at = open_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["period"] == "2026-T2"
    assert not at.warning


def test_oversikt_of_the_partial_period_has_the_banner_and_no_false_decrease(one_of_seven):
    at = open_page("pages/oversikt.py", period="2026-T3")
    assert not at.exception, [e.value for e in at.exception]
    banner = plain(at.warning[0].value)
    assert banner.startswith("2026 T3 pågår: 1 av 7 förvaltningar har rapporterat (saknas: "
                             "Samhällsbyggnadsförvaltningen, ")
    assert "Jämförelser gäller bara de förvaltningar som finns i båda perioderna." in banner
    klf = queries.summary(one_of_seven, forvaltningar=["KLF"]).set_index("period")
    assert metric(at, "Aktiviteter").value == str(int(klf.loc["2026-T3", "antal"]))
    for label in ("Aktiviteter", "Försenade"):  # like for like: KLF against KLF, nothing "decreased"
        assert not str(metric(at, label).delta or "").startswith("-"), (label, metric(at, label).delta)
    assert metric(at, "Har rapporterat").value == "1 av 7" and not metric(at, "Har rapporterat").delta
    caption = " ".join(c.value for c in at.caption)
    assert "pilarna visar förändringen sedan 2026 T2 för den förvaltning som finns i båda perioderna" in caption
    trend = at.dataframe[-1].value
    assert trend["Period"].iloc[-1] == "2026 T3" and trend["Komplett"].iloc[-1] == "Nej"


def test_oversikt_of_a_complete_period_never_shows_a_later_one(one_of_seven):
    at = open_page("pages/oversikt.py", period="2025-T3")
    assert at.dataframe[-1].value["Period"].iloc[-1] == "2025 T3"


def test_slides_and_malomrade_carry_the_banner(six_of_seven):
    for page in ("pages/moteslage.py", "pages/malomrade.py", "pages/rapport.py", "pages/forsenade.py"):
        at = open_page(page, period="2026-T3")
        assert not at.exception, (page, [e.value for e in at.exception])
        assert plain(at.warning[0].value).startswith("2026 T3 pågår: 6 av 7 förvaltningar har rapporterat "
                                                     "(saknas: Arbetsmarknadsförvaltningen)."), page


def open_tab(at: AppTest) -> int:
    """The index of the tab a page's (one) st.tabs opens on."""
    def nodes(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from nodes(child)

    return next(n.proto.tab_container.default_tab_index for n in nodes(at._tree)
                if isinstance(getattr(n, "proto", None), BlockProto) and n.proto.WhichOneof("type") == "tab_container")


def test_inrapportering_links_the_admin_to_admin_perioder_where_the_period_is_closed(one_of_seven):
    at = open_page("pages/inrapportering.py", period="2026-T3")
    assert not [link for link in at.get("page_link") if "Admin" in link.label]  # not for a läsare
    at.session_state["user"] = auth.get_user("admin", one_of_seven)
    at.run()
    assert not any(b.label.startswith(("Stäng", "Öppna")) for b in at.button)  # closed in one place only
    [link] = [link for link in at.get("page_link") if "Admin" in link.label]
    assert link.label == "Stäng 2026 T3 under Admin › Perioder"
    asked = dict(parse_qsl(link.proto.query_string))
    assert asked == {"flik": "perioder", "period": "2026-T3"}
    at.switch_page("pages/admin.py")
    at.query_params.clear()
    at.query_params.update(asked)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert open_tab(at) == 5  # Perioder
    assert at.selectbox(key="adm_period").value == "2026-T3"  # opened on the period the link came from
    at.text_area(key="stang_motivering_2026-T3").input("Styrgruppen 20 januari")
    next(b for b in at.button if b.label == "Stäng perioden").click().run()
    assert not at.exception, [e.value for e in at.exception]
    s = periods.state("2026-T3", one_of_seven)
    assert s.closed and s.closed_by == "admin" and s.reason == "Styrgruppen 20 januari"
    at.switch_page("pages/inrapportering.py")
    at.query_params.clear()
    at.query_params.update(period="2026-T3")
    at.run()
    assert [link.label for link in at.get("page_link") if "Admin" in link.label] == [
        "Öppna 2026 T3 under Admin › Perioder"]
    assert not any("pågår" in w.value for w in at.warning)  # complete now: no banner
    assert open_page("pages/oversikt.py").query_params["period"] == "2026-T3"


# --- Carry-forward template and the preview against the previous period ---------------------------------------


def test_template_round_trip_names_exactly_the_two_changes_against_the_previous_period(demo_db, tmp_path):
    data = template_bytes("KLF", "2026-T3", demo_db)
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Aktiviteter"]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    t2 = queries.activities("2026-T2", demo_db, forvaltningar=["KLF"]).set_index("aktivitet_id")
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value}
    assert set(rows) == set(t2.index)
    for aid, r in rows.items():  # carried forward: Status, Andel klart, Bedömning; Kommentar empty, last one beside
        assert ws.cell(row=r, column=col["Status"]).value == t2.loc[aid, "status"]
        assert ws.cell(row=r, column=col["Andel klart (%)"]).value == t2.loc[aid, "andel_klar"]
        assert ws.cell(row=r, column=col["Bedömning"]).value == t2.loc[aid, "bedomning"]
        assert ws.cell(row=r, column=col["Kommentar"]).value is None
        assert ws.cell(row=r, column=col["Förra periodens kommentar (läses inte in)"]).value == t2.loc[aid, "kommentar"]
    instructions = " ".join(str(r[0] or "") for r in wb["Instruktioner"].iter_rows(values_only=True))
    assert "ifylld med förvaltningens uppföljning från 2026 T2" in instructions
    assert "ändra bara det som har ändrats" in instructions
    # Change two statuses (neither to Klar, which would ask for 100 %), nothing else.
    pagar = [aid for aid in rows if t2.loc[aid, "status"] == "Pågår"][:2]
    for aid in pagar:
        ws.cell(row=rows[aid], column=col["Status"], value="Försenad")
    path = tmp_path / "klf_t3.xlsx"
    wb.save(path)
    res = ingest.check_bytes(path.read_bytes(), path.name, forvaltning="KLF", period="2026-T3")
    assert res.ok and res.errors == [] and res.warnings == [], ([str(e) for e in res.errors],
                                                                 [str(w) for w in res.warnings])
    diff = ingest.preview(res, demo_db)
    assert diff.attrs["base"] == "2026-T2"
    changed = diff[diff["andring"] != "oförändrad"]
    assert sorted(changed["aktivitet_id"]) == sorted(pagar)
    assert set(changed["andrade_falt"]) == {"Status"}
    from naringsdash.ui.account import preview_summary
    moves = ", ".join(f"{a} Pågår → Försenad" for a in sorted(pagar))
    assert preview_summary(diff.sort_values("aktivitet_id"), "2026-T3") == \
        f"Jämfört med 2026 T2: 2 byter status ({moves}), 0 nya, 0 borttagna"
    saved = ingest.import_bytes(path.read_bytes(), path.name, db=demo_db)  # förvaltning and period from Info
    assert saved.ok and saved.warnings == []
    # Now the period has a version: the next preview compares with it, comments included.
    again = ingest.preview(ingest.check_bytes(path.read_bytes(), path.name), demo_db)
    assert again.attrs["base"] == "2026-T3" and (again["andring"] == "oförändrad").all()


def test_the_previous_comment_column_is_ignored_silently(tmp_path):
    from conftest import HEADERS, check
    path = write_xlsx(tmp_path / "a.xlsx", [activity(1) + ["Förra kommentaren"]],
                      headers=HEADERS + ["Förra periodens kommentar (läses inte in)"])
    res = check(path)
    assert res.ok and res.warnings == []


# --- First start: demo seeding that was cut off half way ---------------------------------------------------------


def test_seeding_killed_half_way_is_completed_on_the_next_start(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from naringsdash import demo

    db = tmp_path / "forsta.duckdb"
    env = {**os.environ, "NARINGSDASH_DB": str(db)}
    proc = subprocess.Popen([sys.executable, "-m", "naringsdash", "demo"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    if len(queries.uploads(db)) >= 10:
                        break
                except Exception:  # noqa: BLE001 (the file is being created)
                    pass
            time.sleep(0.05)
        assert proc.poll() is None, "the demo command finished before it could be interrupted"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    n = len(queries.uploads(db))
    assert demo.seed_state(db) == "started" and 10 <= n < len(demo.files())
    # The next start (the app, demo setting on) says so and completes the seeding.
    os.environ["NARINGSDASH_DB"] = str(db)  # monkeypatched per test by conftest
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("förra inläsningen hade avbrutits" in i.value for i in at.info)
    assert demo.seed_state(db) == "done" and len(queries.uploads(db)) == len(demo.files())
    assert len(queries.periods(db)) == 8


def test_a_half_seeded_database_says_so_when_demo_is_off(db):
    from naringsdash import demo

    demo._mark(db, "started")
    ref = config.load_reference()
    ref.settings["demo"] = False
    config.save_reference(ref)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert any("Demodatan lästes bara in delvis" in w.value for w in at.warning)


def test_report_on_the_command_line_defaults_to_the_newest_complete_period(one_of_seven, tmp_path, monkeypatch):
    from naringsdash.cli import main as cli_main
    from naringsdash.cli import report as cli_report

    asked = []
    monkeypatch.setattr(cli_report, "build", lambda period, fmt, db, *args, **kw: asked.append(period) or b"x")
    assert cli_main.main(["report", "--out", str(tmp_path / "r.xlsx"), "--db", str(one_of_seven)]) == 0
    assert cli_main.main(["report", "--period", "2026-T3", "--out", str(tmp_path / "r.xlsx"),
                          "--db", str(one_of_seven)]) == 0
    assert asked == ["2026-T2", "2026-T3"]
    assert queries.latest_period(one_of_seven) == "2026-T3"  # `export` keeps the latest with data
