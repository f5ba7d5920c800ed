"""The distributed path against the plain run: the same articles, the same batches, end to end.

    python benchmarks/distributed.py [CORPUS] [--articles N] [--rounds R]

Each round runs `communique code` on the first N articles of the corpus (in the order a folder
is read), each side in its own process and into its own new store, in turn: the plain run, a
local Dask cluster of 1 worker (--workers 1), of 2 workers (--workers 2), and 2 workers writing
a Parquet dataset (--output). Wall time is the whole command, as a user waits for it: loading
the model (in each worker, for a cluster), starting the cluster, coding and storing.

Reported: each side's median time over R rounds; its speed relative to the plain run (the
median over rounds of plain time / its time, both of the same round: a machine shared with
others is busier in some rounds than in others); its CPU time (all its processes: the driver
and a cluster's workers); the overhead of the distributed path at 1 worker ((time at 1 worker
- plain time) / plain time, negative when faster); and whether every side stored the plain
run's events, byte for byte. The sides take turns in another order each round.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "bbc-fulltext"
COMMUNIQUE = str(Path(sys.executable).with_name("communique"))
SIDES = {
    "plain run": [],
    "1 worker": ["--workers", "1"],
    "2 workers": ["--workers", "2"],
    "2 workers, Parquet": ["--workers", "2", "--output"],
}


def _inputs(corpus: Path, limit: int) -> list[str]:
    from communique.readers import read_inputs
    from communique.records import Article

    # The files of the first N articles, in the order a folder is read.
    files = [item.origin for item in read_inputs([str(corpus)]) if isinstance(item, Article)]
    return files[:limit]


def _cpu_seconds() -> float:
    """User and system time of the processes this one started and waited for, and theirs
    (a cluster's worker processes are waited for by their nannies, those by the driver)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _code(side: str, inputs: list[str], folder: Path) -> tuple[float, float, str]:
    """Run one side; its wall time and CPU time, and what it stored ("" for Parquet)."""
    db = folder / f"{side.replace(' ', '-').replace(',', '')}.duckdb"
    command = [COMMUNIQUE, "code", *inputs, "--db", str(db), *SIDES[side]]
    if command[-1] == "--output":
        command.append(str(folder / "dataset"))
    started, cpu = time.perf_counter(), _cpu_seconds()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    if done.returncode != 0:
        sys.exit(f"{side}: `communique code` failed ({done.returncode}): {done.stderr[-2000:]}")
    if not db.exists():
        return elapsed, cpu, ""
    printed = subprocess.run(
        [COMMUNIQUE, "events", "--db", str(db), "--format", "jsonl"],
        check=True,
        capture_output=True,
        text=True,
    )
    return elapsed, cpu, "\n".join(sorted(printed.stdout.splitlines()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    corpus = Path(args.corpus)
    if not corpus.exists():
        sys.exit(f"{corpus}: no such corpus folder (give any folder of articles)")
    inputs = _inputs(corpus, args.articles)
    times: dict[str, list[float]] = {side: [] for side in SIDES}
    cpus: dict[str, list[float]] = {side: [] for side in SIDES}
    same = True
    for round_number in range(1, args.rounds + 1):
        with tempfile.TemporaryDirectory(prefix="communique-bench-") as folder:
            stored: dict[str, str] = {}
            # Each round in another order: a machine shared with others slows some minutes
            # more than others.
            sides = list(SIDES)
            order = sides[round_number % len(sides) :] + sides[: round_number % len(sides)]
            for side in order:
                elapsed, cpu, stored[side] = _code(side, inputs, Path(folder))
                times[side].append(elapsed)
                cpus[side].append(cpu)
            same &= all(events == stored["plain run"] for events in stored.values() if events)
        plain = times["plain run"][-1]
        print(
            f"round {round_number}: "
            + ", ".join(f"{side} {times[side][-1]:.1f} s" for side in SIDES)
            + f"; 1-worker overhead {times['1 worker'][-1] / plain - 1:+.1%}",
            flush=True,
        )
    plain_cpu = statistics.median(cpus["plain run"])
    print(f"\n{len(inputs)} articles of {corpus}; medians of {args.rounds} rounds, end to end")
    print(f"{'':20} {'seconds':>8} {'articles/s':>11} {'speed / plain':>14} {'CPU s':>7}")
    for side in SIDES:
        median = statistics.median(times[side])
        # Of the rounds, each against the plain run of the same round: the machine may be
        # busier in one round than in another.
        speed = statistics.median(
            p / t for p, t in zip(times["plain run"], times[side], strict=True)
        )
        print(
            f"{side:20} {median:8.1f} {len(inputs) / median:11.1f} {speed:14.2f} "
            f"{statistics.median(cpus[side]):7.1f}"
        )
    overhead = statistics.median(
        one / p - 1 for one, p in zip(times["1 worker"], times["plain run"], strict=True)
    )
    cpu_overhead = statistics.median(cpus["1 worker"]) / plain_cpu - 1
    print(
        f"overhead of the distributed path at 1 worker: {overhead:+.1%} in time (median of "
        f"rounds), {cpu_overhead:+.1%} in CPU time"
    )
    print(f"same events as the plain run, byte for byte: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
