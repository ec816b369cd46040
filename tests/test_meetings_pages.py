"""The styrgrupp's loop through Streamlit's AppTest on the demo database: an admin records a decision in Mötesläge,
it shows on the activity's row and at the next meeting's slide "Beslut att följa upp"; a läsare (or a session whose
account is no longer an admin) cannot write one by any widget or query parameter; the page "Möten och beslut"."""

from __future__ import annotations

import html
import re

import pytest
from streamlit.testing.v1 import AppTest

from naringsdash import auth, meetings, synpunkter

from conftest import no_exception, open_page

ADMIN = auth.User("admin", "admin", display_name="Demo: administratör")
LASARE = auth.User("lasare", "lasare")
RAPPORTOR = auth.User("rapportor", "rapportor", ("KLF", "SBF"))




def tables(at: AppTest) -> list[list[list[str]]]:
    """Every slide table as rows of cell texts, the header first."""
    out = []
    for h in at.html:
        if "nd-bildtabell" in h.value:
            out.append([[html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
                        for row in re.findall(r"<tr>(.*?)</tr>", h.value)])
    return out


def heading(at: AppTest) -> str:
    return at.header[0].value if at.header else at.title[0].value


def form_keys(at: AppTest) -> list[str]:
    return [w.key for kind in ("text_input", "text_area", "selectbox", "date_input", "button", "radio",
                               "multiselect", "number_input")
            for w in at.get(kind) if w.key and re.match(r"(beslut|mote_ny|syn_ny|syn_svar|syn_kallor)", w.key)]


def test_admin_records_a_decision_that_follows_the_activity_to_the_next_meeting(demo_db):
    at = open_page("pages/moteslage.py", ADMIN, mote="2", slide="4")
    no_exception(at)
    assert at.title[0].value == "Mötet 2026\\-09\\-22" and heading(at) == "Målområde 1\\. Företagsklimat och service"
    assert any("förra mötet 2026\\-05\\-19" in c.value for c in at.caption)
    assert any("Öppna beslut (3)" in h.value for h in at.html)   # the open decisions of målområde 1 on its slide
    at.text_input(key="beslut_2_1_text").input("Ta fram en ny plan för utbildningen i bemötande")
    at.selectbox(key="beslut_2_1_mal").select("a:KLF|KLF-04")
    at.button(key="beslut_2_1_spara").click().run()
    no_exception(at)
    assert [s.value for s in at.success] == [f"Beslut {meetings.decisions(demo_db)['id'].max()} är sparat."]
    new = meetings.decisions(demo_db).sort_values("id").iloc[-1]
    assert (new["text"], new["meeting_id"], new["aktivitet_id"], new["agare"], new["malomrade"], new["status"]) == (
        "Ta fram en ny plan för utbildningen i bemötande", 2, "KLF-04", "KLF", 1, "Öppen")
    assert new["created_by"] == "Demo: administratör"
    assert at.text_input(key="beslut_2_1_text").value == ""      # ready for the next one
    assert heading(at) == "Målområde 1\\. Företagsklimat och service"
    box = next(h.value for h in at.html if "nd-oppna-beslut" in h.value)
    assert "Öppna beslut (4, de 3 första visas)" in box   # overdue first, then by due date

    # On the activity's row: Målområde and Försenade.
    page = open_page("pages/malomrade.py", ADMIN, period="2026-T2", malomrade="1")
    no_exception(page)
    acts = next(df.value for df in page.dataframe if "Öppna beslut" in df.value.columns)
    row = acts[acts["ID"] == "KLF-04"].iloc[0]
    assert "Ta fram en ny plan för utbildningen i bemötande (KLF, klart senast 2026-12-31)" in row["Öppna beslut"]
    late = open_page("pages/forsenade.py", ADMIN, period="2026-T2")
    lst = late.dataframe[0].value
    assert "Ta fram en ny plan" in lst[lst["ID"] == "KLF-04"].iloc[0]["Öppna beslut"]

    # The next meeting, created on the page Möten och beslut, has it on "Beslut att följa upp".
    page = open_page("pages/moten.py", ADMIN)
    no_exception(page)
    page.date_input(key="mote_ny_datum").set_value(__import__("datetime").date(2026, 11, 24))
    page.selectbox(key="mote_ny_period").select("2026-T2")
    page.text_area(key="mote_ny_roller").input("KLF: Näringslivschef\nSBF: Planchef")
    page.button(key="mote_ny_skapa").click().run()
    no_exception(page)
    third = int(meetings.meetings(demo_db)["id"].max())
    assert [s.value for s in page.success] == [f"Mötet är skapat (nummer {third})."]
    m = meetings.get_meeting(third, demo_db)
    assert m["attendance"][:2] == [("KLF", "Näringslivschef"), ("SBF", "Planchef")] and len(m["attendance"]) == 7
    assert m["agenda"][:3] == ["Översikt", "Sedan förra mötet", "Beslut att följa upp"] and m["agenda"][-4] == "Vad näringslivet säger"

    nxt = open_page("pages/moteslage.py", LASARE, mote=str(third), slide="3")
    no_exception(nxt)
    assert heading(nxt) == "Beslut att följa upp"
    rows = tables(nxt)[0]
    assert rows[0] == ["Nr", "Status", "Mål", "Gäller", "Beslut", "Ansvar", "Klart senast", "Mötet"]
    texts = [r[4] for r in rows[1:]]
    assert "Ta fram en ny plan för utbildningen i bemötande" in texts
    statuses = [r[1] for r in rows[1:]]
    assert statuses == sorted(statuses, key=lambda s: s != "Öppen, försenad")   # overdue first
    mine = rows[1:][texts.index("Ta fram en ny plan för utbildningen i bemötande")]
    assert mine[3].startswith("KLF KLF-04") and mine[7] == "2026-09-22"


@pytest.mark.parametrize("user", [LASARE, None, RAPPORTOR])
def test_no_reader_writes_a_decision_by_widget_or_query_parameter(demo_db, user):
    before = len(meetings.decisions(demo_db))
    for slide in ("2", "3", "4"):
        at = open_page("pages/moteslage.py", user, mote="2", slide=slide, beslut="Smuggla in", text="x",
                       spara="1", status="Klar")
        no_exception(at)
        assert not [k for k in form_keys(at) if k.startswith("beslut")]
        assert not [b for b in at.button if "Spara" in str(b.label)]
    page = open_page("pages/moten.py", user, mote="2", status="Klar", spara="1")
    no_exception(page)
    keys = form_keys(page)
    assert not [k for k in keys if k.startswith(("beslut_andra", "mote_ny", "syn_kallor"))]
    assert bool([k for k in keys if k.startswith("syn_ny")]) == (user is RAPPORTOR)
    assert len(meetings.decisions(demo_db)) == before
    assert meetings.decisions(demo_db)["status"].tolist().count("Klar") == 2


def test_a_session_whose_account_is_no_longer_admin_cannot_write(demo_db):
    stale = auth.User("lasare", "admin")   # the demo läsare, with a role the users table does not give it
    before = len(meetings.decisions(demo_db))
    at = open_page("pages/moteslage.py", stale, mote="2", slide="4")
    no_exception(at)
    # The session is checked against the account as stored now before anything is drawn: it is a läsare again,
    # so the decision form is never offered (and the package refuses a write from it anyway, see test_meetings).
    assert at.session_state["user"].role == "lasare"
    assert "beslut_2_1_text" not in [t.key for t in at.text_input]
    assert len(meetings.decisions(demo_db)) == before


def test_a_decision_on_a_whole_malomrade_needs_an_owner(demo_db):
    at = open_page("pages/moteslage.py", ADMIN, mote="2", slide="3")
    assert heading(at) == "Beslut att följa upp"
    at.text_input(key="beslut_2_0_text").input("Beslut utan ägare")
    at.button(key="beslut_2_0_spara").click().run()
    assert [e.value for e in at.error] == ["Välj ansvarig förvaltning för ett beslut om hela målområdet."]
    at.selectbox(key="beslut_2_0_mal").select("m:4")
    at.selectbox(key="beslut_2_0_agare").select("BIF")
    at.button(key="beslut_2_0_spara").click().run()
    new = meetings.decisions(demo_db).sort_values("id").iloc[-1]
    assert (new["text"], new["malomrade"], new["agare"]) == ("Beslut utan ägare", 4, "BIF")


def test_meeting_slides_vad_naringslivet_sager_and_the_meetings_page(demo_db):
    at = open_page("pages/moteslage.py", None, mote="2", slide="10")
    no_exception(at)
    assert heading(at) == "Vad näringslivet säger"
    assert at.subheader[0].value.startswith("Under 2026 togs 8 synpunkter in")   # by the day of the meeting
    page = open_page("pages/moten.py", LASARE)
    no_exception(page)
    assert page.title[0].value == "Möten och beslut"
    assert [s.value for s in page.subheader] == ["Beslut vid mötet (4)", "Beslut från tidigare möten att följa upp (4)"]
    assert any("Under 2026 togs 10 synpunkter in" in m.value for m in page.markdown)


def test_rapportor_logs_a_synpunkt_for_their_own_forvaltning(demo_db):
    page = open_page("pages/moten.py", RAPPORTOR)
    assert page.selectbox(key="syn_ny_fv").options == ["KLF", "SBF"]
    page.text_area(key="syn_ny_text").input("Företagen vill ha kvällsöppet på bygglovsenheten")
    page.text_input(key="syn_ny_org").input("Trelleborgs Bygg AB")
    page.button(key="syn_ny_spara").click().run()
    no_exception(page)
    assert page.success[0].value.startswith("Synpunkten är sparad")
    row = synpunkter.listing(demo_db, forvaltning="KLF").sort_values("id").iloc[-1]
    assert (row["sammanfattning"], row["organisation"], row["status"], row["user_name"]) == (
        "Företagen vill ha kvällsöppet på bygglovsenheten", "Trelleborgs Bygg AB", "Ny", "Demo: rapportör (KLF, SBF)")


def test_admin_closes_a_decision_on_the_page_and_its_history_shows_it(demo_db):
    page = open_page("pages/moten.py", ADMIN)
    page.selectbox(key="beslut_andra_id").select(2)
    page.radio(key="beslut_andra_status").set_value("Klar")
    page.text_input(key="beslut_andra_kommentar").input("Tidplanen redovisades i oktober")
    page.button(key="beslut_andra_spara").click().run()
    no_exception(page)
    assert [s.value for s in page.success] == ["Beslutet är ändrat (version 2)."]
    hist = meetings.decision_history(2, demo_db)
    assert hist[["version", "status", "kommentar", "user_name"]].values.tolist()[0] == [
        2, "Klar", "Tidplanen redovisades i oktober", "Demo: administratör"]
    page.selectbox(key="beslut_historik").select(2).run()
    shown = next(df.value for df in page.dataframe if "Ändrat av" in df.value.columns)
    assert shown["Status"].tolist() == ["Klar", "Öppen"]


def test_in_kiosk_mode_the_form_sits_in_the_header_and_an_unknown_meeting_is_ignored(demo_db):
    at = open_page("pages/moteslage.py", ADMIN, kiosk="1", mote="2", slide="5")
    no_exception(at)
    assert heading(at) == "Målområde 2\\. Etablering och mark"
    at.text_input(key="beslut_2_2_text").input("Snabba på markanvisningen")
    at.selectbox(key="beslut_2_2_agare").select("SBF")
    at.button(key="beslut_2_2_spara").click().run()
    no_exception(at)
    new = meetings.decisions(demo_db).sort_values("id").iloc[-1]
    assert (new["text"], new["malomrade"], new["agare"]) == ("Snabba på markanvisningen", 2, "SBF")
    assert "Snabba på markanvisningen" in next(h.value for h in at.html if "nd-oppna-beslut" in h.value)
    for mote in ("999", "abc"):
        other = open_page("pages/moteslage.py", ADMIN, mote=mote, slide="3")
        no_exception(other)
        assert other.title[0].value == "Mötesläge" and not form_keys(other)


def test_the_filters_on_the_meetings_page_narrow_decisions_and_synpunkter(demo_db):
    page = open_page("pages/moten.py", LASARE)
    dec, syn = meetings.decisions(demo_db), synpunkter.listing(demo_db)

    def shown(what: str) -> tuple[int, int]:
        caption = next(c.value for c in page.caption if f" {what}" in c.value and " av " in c.value)
        n, total = re.match(r"(\d+) av (\d+)", caption).groups()
        return int(n), int(total)

    assert shown("beslut") == ((dec["status"] == "Öppen").sum(), len(dec))  # open decisions by default
    page.multiselect(key="beslut_status").set_value([]).run()
    page.multiselect(key="beslut_mal").set_value([1]).run()
    page.multiselect(key="beslut_agare").set_value(["KLF"]).run()
    assert shown("beslut") == (((dec["malomrade"] == 1) & (dec["agare"] == "KLF")).sum(), len(dec))
    page.checkbox(key="beslut_forsenade").check().run()
    assert shown("beslut")[0] == ((dec["malomrade"] == 1) & (dec["agare"] == "KLF") & dec["forsenad"]).sum()

    assert shown("synpunkter") == (len(syn), len(syn))
    page.multiselect(key="syn_mal").set_value([1, 3]).run()
    page.selectbox(key="syn_ar").set_value(2026).run()
    expected = syn[syn["malomrade"].isin([1, 3]) & (syn["datum"].astype(str).str[:4] == "2026")]
    assert 0 < len(expected) < len(syn) and shown("synpunkter") == (len(expected), len(syn))
    page.multiselect(key="syn_kalla").set_value([expected["kalla"].iloc[0]]).run()
    page.multiselect(key="syn_status").set_value([expected["status"].iloc[0]]).run()
    no_exception(page)
    assert shown("synpunkter")[0] == ((expected["kalla"] == expected["kalla"].iloc[0])
                                      & (expected["status"] == expected["status"].iloc[0])).sum()
