"""Argument helpers shared by every command group: usage errors, periods, förvaltningar, output files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import current_reference, parse_period


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
    code = current_reference().forvaltning_code(value)
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




def print_outcome(res, dry_run: bool, saved: str, what: str = "rader") -> None:
    """One line per file (OK/FEL), then its errors and warnings; shared by ``import`` and ``plan import``."""
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
