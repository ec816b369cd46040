"""Argument helpers shared by every command group: usage errors, periods, förvaltningar, output files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..config import load_reference, parse_period


class UsageError(Exception):
    pass


def _period(value: str | None) -> str | None:
    if value is None:
        return None
    p = parse_period(value)
    if p is None:
        raise UsageError(f"Okänd period: {value!r} (t.ex. 2025-T2, T1 2025, Delår 2025, Helår 2025).")
    return p


def _forvaltning(value: str | None) -> str | None:
    if value is None:
        return None
    code = load_reference().forvaltning_code(value)
    if code is None:
        raise UsageError(f"Okänd förvaltning: {value!r}.")
    return code


def _out(args, data: bytes | str) -> None:
    if args.out:
        Path(args.out).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    elif isinstance(data, bytes):
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data)


def _forvaltning_raw(value: str) -> str:
    """Checked here for a usage error; the validation resolves it again against the workbook."""
    _forvaltning(value)
    return value


def _arg(fn):
    def parse(value):
        try:
            return fn(value)
        except UsageError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = fn.__name__.strip("_")
    return parse




def import_one(name: str, attempt, busy_result, human, as_json: bool) -> bool:
    """One file of an import command (``import``, ``plan import``, ``synpunkter import``): ``attempt(name)``, a busy
    database as that file's error (code busy; the next file is still tried), then one JSON object on a line
    (``--json``) or ``human(result)`` → whether the file was accepted."""
    from .. import store
    from ..ingest.codes import issue

    try:
        res = attempt(name)
    except store.DatabaseBusy as exc:
        res = busy_result(file=name, ok=False, errors=[issue("busy", detail=str(exc))])
    if as_json:
        print(json.dumps(res.as_json(), ensure_ascii=False), flush=True)
    else:
        human(res)
    return res.ok


def print_outcome(res, dry_run: bool, saved: str, what: str = "rader") -> None:
    """One line per file (OK/FEL), then its errors and warnings; shared by the import commands."""
    if res.ok:
        done = "kontrollerad (inget sparat)" if dry_run else (
            f"identisk med nuvarande version {saved}, ingen ny version" if res.identical else saved)
        print(f"OK  {res.file}: {res.rows} {what}, {done}.")
    else:
        print(f"FEL {res.file}: {len(res.errors)} fel, ingenting sparat.")
    for e in res.errors:
        print(f"  fel: {e}")
    for w in res.warnings:
        if w.code != "identical":
            print(f"  varning: {w}")
