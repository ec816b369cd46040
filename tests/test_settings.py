"""Settings are parsed once, strictly: a quoted "false" is refused at start-up instead of read as true, and a
save from the admin page keeps the comments a person wrote in referens.toml."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from naringsdash import config
from naringsdash.errors import ConfigError, UserError

from conftest import ROOT


def write_settings(tmp_path: Path, body: str) -> Path:
    text = config.DEFAULT_CONFIG.read_text(encoding="utf-8")
    head, _, tail = text.partition("[[forvaltning]]")
    cfg = tmp_path / "referens.toml"
    cfg.write_text("[installningar]\n" + body + "\n\n[[forvaltning]]" + tail, encoding="utf-8")
    return cfg


@pytest.mark.parametrize("key", ["anonyma_lasare", "demo"])
@pytest.mark.parametrize("written", ['"false"', '"true"', "0", '"nej"'])
def test_a_flag_that_is_not_a_boolean_is_refused(tmp_path, key, written):
    cfg = write_settings(tmp_path, f"{key} = {written}")
    with pytest.raises(ConfigError, match=key) as info:
        config.load_reference(cfg)
    assert "true eller false" in str(info.value) and isinstance(info.value, UserError)


def test_booleans_and_text_are_read_typed(tmp_path):
    cfg = write_settings(tmp_path, 'anonyma_lasare = false\ndemo = true\nkommun = " Trelleborgs kommun "')
    ref = config.load_reference(cfg)
    assert ref.options == config.Settings(kommun="Trelleborgs kommun", anonyma_lasare=False, demo=True)
    assert ref.setting("anonyma_lasare") is False and ref.options.own_series == "Trelleborg"


def test_an_unknown_setting_is_refused(tmp_path):
    cfg = write_settings(tmp_path, "anonyma_lasaer = true")  # a typo must not silently mean the default
    with pytest.raises(ConfigError, match="anonyma_lasaer"):
        config.load_reference(cfg)


def test_the_command_line_refuses_a_quoted_false(tmp_path):
    cfg = write_settings(tmp_path, 'demo = "false"')
    env = {**os.environ, "NARINGSDASH_CONFIG": str(cfg), "NARINGSDASH_DB": str(tmp_path / "x.duckdb")}
    res = subprocess.run([sys.executable, "-m", "naringsdash", "demo"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 1, res.stderr
    assert "Inställningen demo" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "x.duckdb").exists()  # the demo data was not loaded into a production database


def test_the_app_refuses_a_quoted_false_instead_of_opening_to_everybody(tmp_path, monkeypatch):
    cfg = write_settings(tmp_path, 'anonyma_lasare = "false"\ndemo = false')
    monkeypatch.setenv("NARINGSDASH_CONFIG", str(cfg))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    assert any("Inställningen anonyma" in e.value and "citattecken" in e.value for e in at.error)
    assert not at.metric and not at.dataframe  # nothing of the dashboard is shown


def test_admin_save_keeps_the_comments(tmp_path):
    cfg = tmp_path / "referens.toml"
    shutil.copy(config.DEFAULT_CONFIG, cfg)
    before = cfg.read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) > 5
    ref = config.load_reference(cfg)
    ref.forvaltningar["KLF"] = "Kommunstyrelsens förvaltning"
    ref.settings["demo"] = False
    back = config.save_reference(ref, cfg)
    after = cfg.read_text(encoding="utf-8")
    assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == comments
    assert back.options.demo is False and back.forvaltningar["KLF"] == "Kommunstyrelsens förvaltning"
    assert len(after.splitlines()) == len(before.splitlines())  # changed in place, nothing rewritten


def test_save_refuses_settings_that_start_up_would_refuse(tmp_path):
    cfg = tmp_path / "referens.toml"
    shutil.copy(config.DEFAULT_CONFIG, cfg)
    ref = config.load_reference(cfg)
    ref.settings["demo"] = "false"
    with pytest.raises(ConfigError):
        config.save_reference(ref, cfg)
    assert cfg.read_text(encoding="utf-8") == config.DEFAULT_CONFIG.read_text(encoding="utf-8")


def test_the_reference_file_is_parsed_once_and_again_when_it_changes(tmp_path, monkeypatch):
    cfg = write_settings(tmp_path, 'kommun = "Trelleborgs kommun"')
    past = time.time_ns() - 10**9
    os.utime(cfg, ns=(past, past))
    parses = []
    read = config.load_reference
    monkeypatch.setattr(config, "load_reference", lambda path=None: parses.append(path) or read(path))
    first = config.current_reference(cfg)
    assert config.current_reference(cfg) is first and config.current_reference(str(cfg)) is first
    assert len(parses) == 1
    ref = read(cfg)
    ref.settings["kommun"] = "Ystads kommun"
    config.save_reference(ref, cfg)
    os.utime(cfg, ns=(past + 10**6, past + 10**6))
    parses.clear()
    again = config.current_reference(cfg)
    assert again.options.own_series == "Ystad" and first.options.own_series == "Trelleborg"
    assert config.current_reference(cfg) is again and len(parses) == 1


def test_a_file_rewritten_in_the_same_clock_tick_is_read_again(tmp_path):
    """Same inode, size and modification time (a coarse file clock): a file written just now is not cached."""
    cfg = write_settings(tmp_path, 'kommun = "Ystads kommun"')
    now = time.time_ns()
    os.utime(cfg, ns=(now, now))
    assert config.current_reference(cfg).options.own_series == "Ystad"
    text = cfg.read_text(encoding="utf-8").replace("Ystads", "Lunds ")
    with open(cfg, "r+", encoding="utf-8") as f:  # in place: the inode stays
        f.write(text)
    os.utime(cfg, ns=(now, now))
    assert config.current_reference(cfg).options.kommun == "Lunds  kommun"
