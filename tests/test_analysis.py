"""The assessment per målområde and period: validation, versions, who may write it."""

import datetime as dt

import pytest

from naringsdash import analysis, auth
from naringsdash.store import queries

ADMIN = auth.User("admin", "admin", (), "Anna Admin")
RAPPORTOR = auth.User("rapp", "rapportor", ("KLF",), "Rita Rapportör")
LASARE = auth.User("las", "lasare", (), "Lars Läsare")


def test_save_then_current_and_history(db):
    t0 = dt.datetime(2025, 9, 1, 10, 0)
    first, same = analysis.save(1, "2025-T2", "Gul", "Två aktiviteter är försenade.", ADMIN, db, now=t0)
    assert not same
    second, same = analysis.save(1, "2025-T2", "Grön", "Ikapp efter sommaren.", ADMIN, db,
                                 now=t0 + dt.timedelta(hours=1))
    assert not same and second > first
    analysis.save(3, "2025-T2", "Röd", "Rekryteringen har stannat.", ADMIN, db, now=t0)
    analysis.save(3, "2025-T1", "Grön", "Annan period.", ADMIN, db, now=t0)

    cur = analysis.current("2025-T2", db)
    assert cur["malomrade"].tolist() == [1, 3]
    one = cur.iloc[0]
    assert (one["bedomning"], one["text"], one["user_name"], one["versioner"]) == \
        ("Grön", "Ikapp efter sommaren.", "Anna Admin", 2)
    assert one["created_at"].to_pydatetime() == t0 + dt.timedelta(hours=1)

    hist = analysis.history(1, "2025-T2", db)
    assert hist["bedomning"].tolist() == ["Grön", "Gul"]  # newest first, nothing overwritten
    assert hist["id"].tolist() == [second, first]
    assert analysis.history(2, "2025-T2", db).empty


def test_identical_save_makes_no_new_version(db):
    first, _ = analysis.save(2, "2025-T2", "Gul", "Text", ADMIN, db)
    version = queries.data_version(db)
    again, same = analysis.save(2, "2025-T2", "gul", "Text\n", ADMIN, db)
    assert (again, same) == (first, True)
    assert queries.data_version(db) == version
    assert len(analysis.history(2, "2025-T2", db)) == 1


def test_save_bumps_the_data_version(db):
    before = queries.data_version(db)
    analysis.save(2, "2025-T2", "Gul", "Text", ADMIN, db)
    assert queries.data_version(db) == before + 1


@pytest.mark.parametrize("given, stored", [
    ({"period": "Delår 2025"}, ("2025-T2", 4, "Grön")),
    ({"malomrade": "Entreprenörskap och innovation", "bedomning": "gron"}, ("2025-T2", 4, "Grön")),
    ({"malomrade": "4. Entreprenorskap och innovation", "bedomning": "RÖD"}, ("2025-T2", 4, "Röd")),
])
def test_spellings_are_stored_canonically(db, given, stored):
    args = {"malomrade": 4, "period": "2025-T2", "bedomning": "Grön", "text": "Bra", **given}
    analysis.save(user=ADMIN, db=db, **args)
    row = analysis.current(stored[0], db).iloc[0]
    assert (row["period"], row["malomrade"], row["bedomning"]) == stored


@pytest.mark.parametrize("field, value, message", [
    ("malomrade", 7, "Okänt målområde"),
    ("malomrade", "Rymdturism", "Okänt målområde"),
    ("period", "2025-T4", "Okänd period"),
    ("period", "hösten", "Okänd period"),
    ("bedomning", "Blå", "Grön, Gul eller Röd"),
    ("bedomning", "", "Grön, Gul eller Röd"),
    ("text", "   \n ", "inte vara tom"),
    ("text", "x" * (analysis.MAX_TEXT + 1), "högst"),
])
def test_invalid_assessment_is_refused_and_nothing_saved(db, field, value, message):
    args = {"malomrade": 1, "period": "2025-T2", "bedomning": "Gul", "text": "Text", field: value}
    with pytest.raises(analysis.AnalysisError, match=message):
        analysis.save(user=ADMIN, db=db, **args)
    assert analysis.current("2025-T2", db).empty


@pytest.mark.parametrize("user", [LASARE, RAPPORTOR, None])
def test_only_admin_may_write(db, user):
    with pytest.raises(auth.PermissionDenied):
        analysis.save(1, "2025-T2", "Grön", "Text", user, db)
    assert analysis.current("2025-T2", db).empty


def test_text_is_stored_verbatim(db):
    text = "=HYPERLINK(\"http://x\")\n<b>fet</b> & 'citat'"
    analysis.save(1, "2025-T2", "Röd", text, ADMIN, db)
    assert analysis.current("2025-T2", db).iloc[0]["text"] == text
