"""Benchmark: a failed login for an unknown user name against a wrong password for a real account.

With the product's scrypt cost, alternating the two, each attempt from its own client address (so no delay
applies). Prints the median CPU time of each (process time: steady on a busy machine, where wall time is
not) and the median difference within a pair; issue 11 §4 measured a 25 ms gap before
unknown user names did the same work. Not a test: it prints figures.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROUNDS = int(os.environ.get("ROUNDS", "20"))


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    os.environ["NARINGSDASH_DB"] = str(tmp / "login.duckdb")
    from naringsdash import auth, config

    db = config.db_path()
    ref = config.load_reference()
    ref.settings.update(demo=False)
    config.save_reference(ref, tmp / "referens.toml")
    os.environ["NARINGSDASH_CONFIG"] = str(tmp / "referens.toml")
    auth.add_user("anna", "lasare", "Annas-riktiga-losenord-1", db=db)
    times: dict[str, list[float]] = {"okand": [], "anna": []}
    for i in range(ROUNDS):
        order = ("okand", "anna") if i % 2 else ("anna", "okand")  # alternate, so drift hits both alike
        for name in order:
            start = time.process_time()
            assert auth.authenticate(name, "fel-losenord", db, address=f"10.0.{i}.{len(name)}") is None
            times[name].append(time.process_time() - start)
    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    pairs = statistics.median(a - b for a, b in zip(times["okand"], times["anna"])) * 1000
    print(f"okänt användarnamn  median {med['okand']:6.1f} ms  ({ROUNDS} försök)")
    print(f"fel lösenord        median {med['anna']:6.1f} ms  ({ROUNDS} försök)")
    print(f"skillnad per par    median {pairs:+6.1f} ms")

if __name__ == "__main__":
    main()
