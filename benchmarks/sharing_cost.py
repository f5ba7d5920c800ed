"""What letting readers in costs a run of `communique code`: the time spent letting go of the
store's file after each batch (CHECKPOINT, close) and taking it again (open), against the
whole run's time.

    python benchmarks/sharing_cost.py [CORPUS] [--articles N] [--store FILE]

The run codes N articles of CORPUS in batches of 20 into a new store, or into a copy of
``--store`` (e.g. the million events of ``benchmarks/load.py``), where a checkpoint has more
to write. Coding the same articles takes the same time either way; only the store's part is
timed separately.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from communique.pipeline import Coder, run
from communique.store.duckdb import EventStore

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "bbc-fulltext"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--store", type=Path, help="Code into a copy of this store.")
    args = parser.parse_args()
    coder = Coder.load()
    spent: dict[str, list[float]] = {"let go": [], "hold": []}

    def timed(name: str, step: Callable[[EventStore], None]) -> Callable[[EventStore], None]:
        def measured(store: EventStore) -> None:
            started = time.perf_counter()
            step(store)
            spent[name].append(time.perf_counter() - started)

        return measured

    EventStore._let_go = timed("let go", EventStore._let_go)  # type: ignore[method-assign]
    EventStore._hold = timed("hold", EventStore._hold)  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory(prefix="communique-sharing-") as folder:
        db = Path(folder) / "store.duckdb"
        if args.store:
            shutil.copyfile(args.store, db)
        files = sorted(Path(args.corpus).rglob("*.txt"))[: args.articles]
        started = time.perf_counter()
        with EventStore(db) as store:
            summary = run([str(f) for f in files], store, coder)
        elapsed = time.perf_counter() - started
    sharing = sum(spent["let go"]) + sum(spent["hold"])
    print(f"{summary.coded} articles, {summary.events} events in {elapsed:.1f} s")
    for name, times in spent.items():
        mean = sum(times) / len(times) * 1000 if times else 0.0
        print(f"{name:7} {len(times):4d} times, {mean:6.1f} ms each, {sum(times):.2f} s in all")
    print(f"letting readers in: {sharing:.2f} s of {elapsed:.1f} s ({sharing / elapsed:.1%})")


if __name__ == "__main__":
    main()
