"""The load test of `communique serve` (benchmarks/load.py), made small: it builds its store,
starts the server, and its clients read every answer (kept or new, JSON or a page) without
an error. Its figures are not judged here: speed is measured by `make load`, not by tests."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_short_load_test_runs_without_errors(tmp_path):
    store = tmp_path / "load.duckdb"
    command = [sys.executable, str(ROOT / "benchmarks" / "load.py"), "--store", str(store)]
    command += ["--events", "3000", "--clients", "4", "--seconds", "3"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines() if line}
    requests, _, _, errors, kept = lines["all"]
    assert int(requests) > 50 and int(errors) == 0, done.stdout
    assert 0 < int(kept.rstrip("%")) < 100, done.stdout  # new questions, and kept answers
    for endpoint in ("events", "event", "dyad", "network", "places", "quotes", "page"):
        assert endpoint in lines, done.stdout  # every kind of question was asked
    assert re.search(r"by third of the run .* ms$", done.stdout, re.MULTILINE), done.stdout
