"""Signed, expiring sign-in tokens (session_token.py): what the session cookie holds, and when it stops counting."""

from __future__ import annotations

import datetime as dt
import stat

import pytest

from naringsdash import auth, config
from naringsdash import session_token as tok
from naringsdash.errors import ConfigError

KEY = b"k" * 64
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def anna(db):
    auth.add_user("anna", "rapportor", "Gatsten-lykta-19", ["KLF"], db=db)
    return db


def test_a_token_carries_the_user_until_it_expires():
    t = tok.sign("anna", "fp", KEY, 8, NOW)
    assert tok.verify(t, KEY, NOW) == ("anna", "fp")
    assert tok.verify(t, KEY, NOW + dt.timedelta(hours=7, minutes=59)) == ("anna", "fp")
    assert tok.verify(t, KEY, NOW + dt.timedelta(hours=8)) is None


@pytest.mark.parametrize("bad", ["", "abc", "a.b.c", None, 42, "x" * 3000])
def test_garbage_is_refused(bad):
    assert tok.verify(bad, KEY, NOW) is None


def test_a_token_signed_with_another_secret_or_changed_is_refused():
    t = tok.sign("anna", "fp", KEY, 8, NOW)
    assert tok.verify(t, b"x" * 64, NOW) is None
    payload, mac = t.split(".")
    forged = tok._b64(tok._unb64(payload).replace(b"anna", b"admi"))
    assert tok.verify(f"{forged}.{mac}", KEY, NOW) is None


def test_the_token_ends_with_a_password_change_a_role_change_or_removal(anna):
    t = tok.issue("anna", KEY, 8, anna)
    assert tok.user_for(t, KEY, anna) == auth.get_user("anna", anna)
    auth.set_password("anna", "Gatsten-lykta-20", anna)
    assert tok.user_for(t, KEY, anna) is None
    t = tok.issue("anna", KEY, 8, anna)
    auth.update_user("anna", anna, forvaltningar=["SBF"])
    assert tok.user_for(t, KEY, anna) is None
    t = tok.issue("anna", KEY, 8, anna)
    auth.update_user("anna", anna, role="lasare")
    assert tok.user_for(t, KEY, anna) is None
    t = tok.issue("anna", KEY, 8, anna)
    assert tok.user_for(t, KEY, anna).role == "lasare"
    auth.remove_user("anna", anna)
    assert tok.user_for(t, KEY, anna) is None


def test_an_account_without_a_password_gets_no_token(db):
    auth.add_user("sso", "lasare", None, email="sso@kommun.se", db=db)
    assert tok.issue("sso", KEY, 8, db) is None


def test_the_secret_is_generated_once_private_and_keeps_the_rest_of_the_file(tmp_path):
    path = tmp_path / ".streamlit" / "secrets.toml"
    path.parent.mkdir()
    path.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n', encoding="utf-8")
    first = tok.secret(path)
    assert len(first) == 64 and tok.secret(path) == first
    text = path.read_text(encoding="utf-8")
    assert text.startswith("[auth]") and "[naringsdash]" in text and first.decode() in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    import tomllib
    assert tomllib.loads(text)["auth"]["redirect_uri"].startswith("http://localhost")
    fresh = tmp_path / "ny" / "secrets.toml"
    assert tok.secret(fresh) != first and fresh.exists()


def test_sign_in_hours_is_a_typed_setting():
    assert config.parse_settings({}).inloggning_timmar == 8
    assert config.parse_settings({"inloggning_timmar": 24}).inloggning_timmar == 24
    for bad in ("8", True, 0, 1000, 2.5):
        with pytest.raises(ConfigError):
            config.parse_settings({"inloggning_timmar": bad})
