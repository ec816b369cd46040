"""The pages of issue 16 through AppTest: Admin → Perioder closes and reopens with a reason and sets a deadline,
Inrapportering shows days left or late and the on-time history, Rapport hands out a fastställd report as stored."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from naringsdash import auth, calendar, closing, config, ingest, store
from naringsdash.auth import User

from conftest import ROOT, activity, write_xlsx

ADMIN = User("ada", "admin", (), "Ada Admin")
PERIOD = "2025-T3"


@pytest.fixture
def site(db, tmp_path):
    ref = config.load_reference()
    ref.settings.update(anonyma_lasare=False, demo=False)
    config.save_reference(ref)
    auth.add_user(ADMIN.username, ADMIN.role, None, db=db)
    path = write_xlsx(tmp_path / "klf.xlsx", [activity(1), activity(2)])
    assert ingest.import_file(path, db=db, forvaltning="KLF", period=PERIOD, user="kalle",
                              uploaded_at=dt.datetime(2026, 1, 10, 9)).ok
    return db


def page(path: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = ADMIN
    at.run()
    at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_admin_closes_and_reopens_with_a_reason_and_sets_a_deadline(site):
    at = page("pages/admin.py")
    at.selectbox(key="adm_period").set_value(PERIOD).run()
    button(at, "Stäng perioden").click().run()
    assert any("inte komplett" in e.value for e in at.error)  # no reason: refused in Swedish
    at.text_area(key=f"stang_motivering_{PERIOD}").input("Övriga rapporterar muntligt")
    button(at, "Stäng perioden").click().run()
    assert not at.exception
    with store.connect(site) as con:
        assert closing.current_closure(con, PERIOD).reason == "Övriga rapporterar muntligt"
    at.text_area(key=f"oppna_motivering_{PERIOD}").input("Rättelse")
    button(at, "Öppna perioden igen").click().run()
    with store.connect(site) as con:
        assert not closing.is_closed(con, PERIOD)
        assert closing.closure_log(con, PERIOD).loc[0, "reopen_reason"] == "Rättelse"
    at.checkbox(key=f"deadline_standard_{PERIOD}").uncheck()
    at.date_input(key=f"deadline_datum_{PERIOD}").set_value(dt.date(2026, 1, 20))
    button(at, "Spara sista dag").click().run()
    assert not at.exception
    with store.connect(site) as con:
        assert calendar.deadline(con, PERIOD) == dt.date(2026, 1, 20)


def test_inrapportering_shows_days_late_and_the_history(site):
    at = page("pages/inrapportering.py")
    # the only period with data, so the page's default
    assert any("Sista dag för inrapportering" in h.value for h in at.header)
    status = next(df.value for df in at.dataframe if "Läge" in df.value.columns)
    lage = dict(zip(status["Förvaltning"], status["Läge"]))
    assert lage["Kommunledningsförvaltningen"] == "Rapporterat i tid"
    assert lage["Samhällsbyggnadsförvaltningen"].endswith("dagar sen")
    history = next(df.value for df in at.dataframe if PERIOD in df.value.columns)
    assert set(history[PERIOD]) == {"I tid", "Saknas"}


def test_rapport_hands_out_the_approved_files(site):
    with store.connect(site) as con:
        closing.close(con, PERIOD, "ada", "Test")
    a = closing.approve(PERIOD, "KS 2027/123", dt.date(2027, 2, 10), "ada", db=site,
                        build=lambda p, fmt: f"fastställd {fmt}".encode())
    at = page("pages/rapport.py")
    note = " ".join(s.value for s in at.success).replace("\\", "")
    assert "Fastställd 2027-02-10, dnr KS 2027/123" in note and a.files[0].sha256 in note
    labels = [b.label for b in at.get("download_button")]
    assert {"Ladda ner PDF", "Ladda ner XLSX", "Ladda ner DOCX", "Ladda ner öppna data (zip)"} <= set(labels)
    assert not any(b.label.startswith("Skapa") for b in at.button)  # nothing is built again
