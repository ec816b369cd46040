"""The generated sentences of Översikt and the slide Sedan förra mötet, and an indicator read at a glance (direction,
units, percentage points, the way to the target, a plain linear projection): hand-written expected strings."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from naringsdash import config, story
from naringsdash import wording as w
from naringsdash.store import queries

NB = "\u00a0"


def summary_row(andel: float, forsenade: int) -> pd.Series:
    return pd.Series({"andel_klara": andel, "forsenade": forsenade})


# --- Översikt ----------------------------------------------------------------------------------------------


def test_the_overview_in_four_short_sentences():
    got = story.overview_sentences(summary_row(62.5, 10), summary_row(50.7, 9), "2026 T1", 3,
                                   {1: "Gul", 2: "Grön", 3: "Röd", 4: "Grön", 5: "Gul", 6: "Grön"},
                                   [1, 2, 3, 4, 5, 6], 7, 7)
    assert got == [f"62,5{NB}% av aktiviteterna är klara (+11,8 procentenheter sedan 2026 T1).",
                   "10 aktiviteter är försenade, 3 av dem nya.",
                   "Målområde 3 bedöms Röd, 2 Gula och 3 Gröna.",
                   "7 av 7 förvaltningar har rapporterat."]


def test_the_first_period_has_nothing_to_compare_with_and_singulars_are_singular():
    got = story.overview_sentences(summary_row(2.6, 1), None, None, 1, {1: "Gul"}, [1, 2], 1, 1)
    assert got == [f"2,6{NB}% av aktiviteterna är klara.", "1 aktivitet är försenad, den är ny sedan förra perioden.",
                   "1 målområde bedöms Gul. 1 målområde saknar bedömning.", "1 av 1 förvaltning har rapporterat."]


@pytest.mark.parametrize(("assessments", "expected"), [
    ({1: "Röd", 2: "Röd", 3: "Gul"}, "Målområdena 1 och 2 bedöms Röda och 1 Gul."),
    ({1: "Röd", 2: "Röd", 3: "Röd"}, "Målområdena 1, 2 och 3 bedöms Röda."),
    ({1: "Grön", 2: "Grön", 3: "Grön"}, "Alla 3 målområden bedöms Gröna."),
    ({1: "Gul", 2: "Gul", 3: "Grön"}, "2 målområden bedöms Gula och 1 Grön."),
    ({}, "Inget målområde är bedömt för perioden ännu."),
    ({2: "Grön"}, "1 målområde bedöms Grön. 2 målområden saknar bedömning."),
])
def test_assessments_name_the_red_ones_and_count_the_others(assessments, expected):
    assert story.assessment_sentence(assessments, [1, 2, 3]) == expected


@pytest.mark.parametrize(("overdue", "new", "expected"), [
    (0, 0, "Ingen aktivitet är försenad."), (1, 0, "1 aktivitet är försenad."),
    (2, 0, "2 aktiviteter är försenade."), (12, 1, "12 aktiviteter är försenade, 1 av dem ny."),
])
def test_overdue_sentence(overdue, new, expected):
    assert story.overdue_sentence(overdue, new) == expected


# --- What changed between two periods ------------------------------------------------------------------------


def acts(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([{"forvaltning": f, "aktivitet_id": i, "aktivitet": f"Aktivitet {i}", "malomrade": m,
                          "status": s, "forsenad": late, "dagar_sena": None, "kommentar": ""}
                         for f, i, m, s, late in rows])


def test_changes_between_two_periods_done_overdue_and_moved():
    before = acts([("KLF", "A", 1, "Pågår", False), ("KLF", "B", 2, "Pågår", False), ("SBF", "C", 3, "Ej påbörjad",
                                                                                       False),
                   ("SBF", "D", 3, "Försenad", True), ("SBF", "E", 1, "Pågår", False)])
    now = acts([("KLF", "A", 1, "Klar", False), ("KLF", "B", 2, "Försenad", True), ("SBF", "C", 3, "Pågår", False),
                ("SBF", "D", 3, "Försenad", True), ("SBF", "E", 1, "Pågår", False), ("AMF", "F", 2, "Pågår", True)])
    got = story.changes_since(now, before)
    assert list(zip(got["aktivitet_id"], got["andring"])) == [
        ("A", "Blev klar"), ("F", "Blev försenad"), ("B", "Blev försenad"), ("C", "Ny status")]
    assert [story.change_line(r) for _, r in got.iterrows()] == [
        "Blev klar: Aktivitet A (KLF)", "Blev försenad: Aktivitet F (AMF)", "Blev försenad: Aktivitet B (KLF)",
        "Ny status: Aktivitet C (SBF), Ej påbörjad → Pågår"]
    assert story.changes_sentence(got, 1, "2026 T1") == (
        "Sedan 2026 T1: 1 aktivitet har blivit klar, 2 har blivit försenade, 1 har bytt status och 1 indikator har "
        "fått ett nytt värde.")


def test_changes_since_a_chosen_period_in_the_demo_data(demo_db):
    now, t1 = queries.activities("2026-T2", demo_db), queries.activities("2026-T1", demo_db)
    got = story.changes_since(now, t1)
    # Every activity Klar now and not Klar in 2026 T1 is listed as done, each once.
    expected = set(now[now["status"] == "Klar"]["aktivitet_id"]) - set(t1[t1["status"] == "Klar"]["aktivitet_id"])
    assert set(got[got["andring"] == story.BECAME_DONE]["aktivitet_id"]) == expected
    assert not got.duplicated(["forvaltning", "aktivitet_id"]).any()
    since = config.period_end("2025-T3")
    news = queries.indicator_news(dt.datetime(since.year, since.month, since.day), demo_db)
    assert len(news) == queries.indicator_changes(demo_db)["indikator"].nunique()   # the demo loads them all now
    assert queries.indicator_news(dt.datetime(2999, 1, 1), demo_db).empty


# --- An indicator at a glance ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (133, "placering", "plats 133"), (45, "antal", f"45{NB}st"), (45, "st", f"45{NB}st"),
    (6.9, "per 1 000 invånare", f"6,9{NB}per 1 000 invånare"), (62.5, "procent", f"62,5{NB}%"),
])
def test_units_as_swedish_grammar(value, unit, expected):
    assert w.value_with_unit(value, unit) == expected


@pytest.mark.parametrize(("value", "before", "unit", "riktning", "expected"), [
    # Lower is better: a placing that falls from 141 to 133 is an improvement, with the arrow up.
    (133, 141, "placering", "lagre", "↑ förbättring"),
    (26, 28, "dagar", "lagre", "↑ förbättring"),
    (8.3, 8.6, "%", "lagre", "↑ förbättring"),
    (8.6, 8.3, "%", "lagre", "↓ försämring"),
    (45, 42, "antal", "hogre", "↑ förbättring"),
    (45, 45, "antal", "hogre", "→ oförändrat"),
])
def test_arrow_and_word_follow_the_direction(value, before, unit, riktning, expected):
    assert w.arrow(value - before, riktning) == expected


def test_lower_is_better_in_words_and_on_the_axis():
    assert w.indicator_sentence(2025, 133, "placering", "lagre", 141, 2024) == \
        "2025: plats 133, förbättring med 8 placeringar sedan 2024."
    assert w.indicator_change(8.3, 8.6, "%", "lagre", 2024) == "förbättring med 0,3 procentenheter sedan 2024"
    assert w.axis_title("placering", "lagre") == "placering (bättre ↑)"
    assert w.axis_title("%", "hogre") == "procent (bättre ↑)"
    assert w.direction_note("lagre") == "Lägre är bättre; axeln är vänd så att uppåt är bättre"


def series(values: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame({"ar": list(values), "varde": list(values.values())})


def test_the_way_to_the_target_and_a_plain_linear_projection_lower_is_better():
    # Svenskt Näringslivs ranking: from place 160 (2021) to 130 (2024), ten places better a year; target 100 in 2030.
    look = story.outlook(series({2021: 160, 2022: 150, 2023: 140, 2024: 130}), 100, 2030, "lagre")
    assert look == story.Outlook(0.5, True, 2027)
    assert look.text(2030) == [f"50{NB}% av vägen från utgångsvärdet till målet 2030",
                               "Om trenden håller i sig nås målet redan 2027 (enkel linjär framskrivning)."]


def test_a_trend_too_slow_or_the_wrong_way_does_not_reach_the_target():
    slow = story.outlook(series({2021: 40, 2022: 41, 2023: 42}), 60, 2030, "hogre")
    assert (round(slow.progress, 2), slow.reaches, slow.year) == (0.1, False, None)
    assert slow.text(2030)[1] == "Om trenden håller i sig nås målet inte till 2030 (enkel linjär framskrivning)."
    wrong = story.outlook(series({2021: 8.0, 2022: 8.4, 2023: 8.8}), 6.0, 2030, "lagre")
    assert wrong.reaches is False
    assert wrong.text(2030)[0] == f"längre från målet 2030 än utgångsvärdet (40{NB}% åt fel håll)"
    assert story.outlook(series({2021: 1, 2022: 2}), 3, 2030, "hogre").reaches is None   # two years: no trend
    assert story.outlook(series({2021: 1, 2022: 2, 2023: 3}), None, None, "hogre") == story.Outlook(None, None, None)
    done = story.outlook(series({2021: 90, 2022: 95, 2023: 99}), 98, 2030, "hogre")
    assert done.text(2030) == ["målet 2030 är nått"]


def test_one_period_style_everywhere():
    assert [config.period_label(p) for p in ("2025-T1", "2025-T2", "2026-T3")] == ["2025 T1", "2025 T2", "2026 T3"]
    assert config.parse_period(config.period_label("2026-T2")) == "2026-T2"   # what people read, the app reads
