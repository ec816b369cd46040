"""The one wording of Näringsdash (dashboard, slides, report), pinned with hand-written expected strings."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from naringsdash import wording as w

NB = "\u00a0"


@pytest.mark.parametrize("value, decimals, expected", [
    (1250, None, f"1{NB}250"), (62.5, None, "62,5"), (62.5, 1, "62,5"), (7, 1, "7,0"), (-3.5, None, "−3,5"),
    (-0.04, 1, "0,0"), (0, None, "0"), (None, None, ""), (float("nan"), None, ""), (pd.NA, None, ""),
    (math.inf, None, ""), (1234567.891, 2, f"1{NB}234{NB}567,89"),
])
def test_format_number(value, decimals, expected):
    assert w.format_number(value, decimals) == expected


@pytest.mark.parametrize("value, decimals, unit, expected", [
    (62.5, 1, "%", f"62,5{NB}%"), (62.5, 1, " %", f"62,5{NB}%"), (None, None, "%", "–"), (45, None, "st", f"45{NB}st"),
])
def test_number(value, decimals, unit, expected):
    assert w.number(value, decimals, unit) == expected


@pytest.mark.parametrize("value, decimals, unit, expected", [
    (3, None, "", "+3"), (-1.5, None, "procentenheter", "−1,5 procentenheter"), (0, None, "", "±0"),
    (0.0001, 1, "", "±0,0"), (None, None, "", ""), (-116, None, "", "−116"),
])
def test_change(value, decimals, unit, expected):
    assert w.change(value, decimals, unit) == expected


def test_a_share_changes_in_percentage_points_never_percent():
    assert w.share_change(0.7) == "+0,7 procentenheter"
    assert w.indicator_change(7.6, 8.0, "%", "lagre", 2023) == "förbättring med 0,4 procentenheter sedan 2023"


@pytest.mark.parametrize("value, before, unit, riktning, expected", [
    (133, 141, "placering", "lagre", "förbättring med 8 placeringar sedan 2024"),
    (142, 141, "placering", "lagre", "försämring med 1 placering sedan 2024"),
    (141, 141, "placering", "lagre", "oförändrat sedan 2024"),
    (6.9, 6.5, "per 1 000 invånare", "hogre", f"förbättring med 0,4{NB}per 1 000 invånare sedan 2024"),
    (45, 50, "st", "hogre", f"försämring med 5{NB}st sedan 2024"),
    (45, None, "st", "hogre", ""),
])
def test_indicator_change_follows_the_direction(value, before, unit, riktning, expected):
    assert w.indicator_change(value, before, unit, riktning, 2024) == expected


def test_indicator_sentence_and_units_as_grammar():
    assert w.indicator_sentence(2025, 133, "placering", "lagre", 141, 2024) == (
        "2025: plats 133, förbättring med 8 placeringar sedan 2024.")
    assert w.indicator_sentence(2025, 7.6, "%", "lagre") == f"2025: 7,6{NB}%."
    assert w.value_with_unit(45, "st") == f"45{NB}st"
    assert w.arrow(-8, "lagre") == "↑ förbättring" and w.arrow(2, "lagre") == "↓ försämring"
    assert w.arrow(0, "hogre") == "→ oförändrat"


def test_target_and_dates_and_plurals():
    assert w.target(100, 2030) == "Mål: 100 till 2030" and w.target(None) == "Inget målvärde angivet"
    assert w.date(dt.date(2025, 6, 30)) == "2025-06-30"
    assert w.date(pd.Timestamp("2025-06-30 10:15")) == "2025-06-30 10:15"
    assert w.date(pd.Timestamp("2025-06-30")) == "2025-06-30"
    assert w.plural(1, "varning", "varningar") == "1 varning" and w.plural(2, "varning", "varningar") == "2 varningar"


def test_key_figures_for_every_face():
    now = {"antal": 136, "andel_klara": 62.0, "forsenade": 10, "snitt_andel_klar": 70.25}
    before = {"antal": 130, "andel_klara": 50.0, "forsenade": 12, "snitt_andel_klar": 70.25}
    assert w.key_figures(now, before) == [
        ("Aktiviteter", "136", "+6", False),
        ("Andel klara", f"62,0{NB}%", "+12,0 procentenheter", False),
        ("Försenade", "10", "−2", True),
        ("Snitt andel klart", f"70,2{NB}%", "±0,0 procentenheter", False),
    ]
    assert [f[2] for f in w.key_figures(now)] == ["", "", "", ""]
