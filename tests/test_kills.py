"""Killed runs lose nothing (issue 10): `communique code`, `communique recode` and a
distributed run (into a store, and into a Parquet dataset), each killed with SIGKILL at random
moments and run again to the end, leave what one uninterrupted run leaves: every article
once, the same events, mentions, quotes, people and merged events, row for row.

Each command runs as a process of its own, on a batch of short made-up articles. A quarter of
the kills come while it starts (imports, the model, the cluster), the others once it has
started writing, after a random wait of up to the time an uninterrupted run takes to write
1/KILLS of the batch: so the kills fall all along one run's work. The waits come from
a seeded ``random.Random``: a failure repeats.

COMMUNIQUE_KILLS sets the kills per test (20). ``make kills`` runs these tests and prints
what each survived: "code: kills survived 20/20 (5 while starting, 15 while writing), lost
0, duplicated 0 ...".
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from communique import distributed
from communique.distributed import (
    DATASET_MANIFEST,
    STORE_MANIFEST_SUFFIX,
    ClusterSpec,
    DatasetDestination,
)
from communique.pipeline import PipelineConfig, run
from communique.store.duckdb import EventStore

KILLS = int(os.environ.get("COMMUNIQUE_KILLS", "20"))
# A distributed run starts for seconds before it writes: into a Parquet dataset, a few kills
# in `make test`; `make kills` makes twenty.
DATASET_KILLS = int(os.environ.get("COMMUNIQUE_DATASET_KILLS", "5"))
ARTICLES = 120
# Two workers code on while the driver waits for the batch its manifest shows first: more
# articles, so that twenty kills still come before the batch is done.
CLUSTER_ARTICLES = 320
BATCH = 5  # articles per batch: a run writes often, and batches end often
CLUSTER_BATCH = 2  # a distributed run writes a batch and more before its manifest shows it
STARTING = 0.25  # the share of kills that come while the command starts
SEED = 10
COMMUNIQUE = str(Path(sys.executable).with_name("communique"))
# Columns that hold when a row was written, which no two runs share.
CLOCK_COLUMNS = frozenset({"coded_at"})

# Made-up people: introduced with their title, named without it in other articles, so that
# what one article teaches the actor registry matters to another.
PEOPLE = [
    ("Chinese", "Foreign Minister", "Wen Daoli"),
    ("Peruvian", "Foreign Minister", "Elmer Castañeda"),
    ("Brazilian", "Defence Minister", "Rui Almada"),
    ("French", "Interior Minister", "Claire Dufresnel"),
    ("Kenyan", "Trade Minister", "Otieno Wafula"),
    ("Indian", "Finance Minister", "Ravi Menonath"),
    ("German", "Foreign Minister", "Katrin Oberholz"),
    ("Japanese", "Defence Minister", "Kenji Morimura"),
]
COUNTRIES = ["China", "Peru", "Brazil", "France", "Kenya", "India", "Germany", "Japan"]
CITIES = ["Beijing", "Lima", "Brasilia", "Paris", "Nairobi", "New Delhi", "Berlin", "Tokyo"]
VERBS = ["met", "praised", "criticized", "accused", "visited", "thanked", "condemned"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def article(index: int) -> dict[str, str]:
    """A short made-up report of talks, different for every index."""
    host, guest = PEOPLE[index % 8], PEOPLE[(index * 3 + 1) % 8]
    if host == guest:
        guest = PEOPLE[(index + 1) % 8]
    absent = PEOPLE[(index + 3) % 8][2]
    city, verb, day = CITIES[index * 5 % 8], VERBS[index % 7], DAYS[index % 5]
    sentences = [
        f"{host[0]} {host[1]} {host[2]} {verb} {guest[0]} {guest[1]} {guest[2]} in {city} "
        f"on {day}.",
        f"{guest[2]} later accused {COUNTRIES[(index * 7 + 2) % 8]} of violating the agreement.",
        f'"We will deepen cooperation," {host[2].split()[-1]} told reporters after round '
        f"{index} of the talks.",
        f"{absent} criticized {COUNTRIES[(index + 5) % 8]} on Friday.",
    ]
    return {
        "id": f"talks-{index:04d}",
        "date": f"2024-{1 + index % 9:02d}-{10 + index % 18}",
        "title": f"Talks, round {index}",
        "text": " ".join(sentences),
    }


# -- running and killing the command ------------------------------------------------------


@dataclass
class Pace:
    """How long an uninterrupted run takes to start writing, and then to write."""

    starting: float
    writing: float


@dataclass
class Kills:
    """What the kills of one test did."""

    name: str
    wanted: int
    kills: int = 0
    while_starting: int = 0  # before the run had written anything
    while_writing: int = 0
    ended_first: int = 0  # runs that ended before their kill came
    seconds: float = 0.0

    def line(self, lost: int, duplicated: int) -> str:
        return (
            f"{self.name}: kills survived {self.kills}/{self.wanted} ({self.while_starting} while "
            f"starting, {self.while_writing} while writing), lost {lost}, duplicated "
            f"{duplicated}; {self.ended_first} runs ended before their kill; "
            f"{self.seconds:.0f} s"
        )


class Watch:
    """Whether a run has started writing, seen from outside: files it writes to changed
    (``files``) or grew by a line (``lines``, a manifest) since the run was launched."""

    def __init__(self, files: Sequence[Path] = (), lines: Path | None = None) -> None:
        self.files, self.lines = tuple(files), lines
        self.at_launch = self._state()

    def __call__(self) -> bool:
        return self._state() != self.at_launch

    def _state(self) -> tuple[object, ...]:
        stats = tuple(_stat(path) for path in self.files)
        if self.lines is None:
            return stats
        try:
            count = len(self.lines.read_bytes().splitlines())
        except FileNotFoundError:
            count = 0
        return (*stats, max(count, 1))  # the header line is written before any batch


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_size, found.st_mtime_ns


def store_watch(db: Path) -> Callable[[], Watch]:
    """A run into ``db`` writes once it has opened it, which it does once the model is
    loaded, and then after every few articles."""
    return lambda: Watch(files=[db, db.with_name(db.name + ".wal")])


def manifest_watch(manifest: Path) -> Callable[[], Watch]:
    """A distributed run adds a line to its manifest for every batch it has written."""
    return lambda: Watch(lines=manifest)


def communique(*args: str | Path) -> list[str]:
    return [COMMUNIQUE, *map(str, args)]


def run_to_end(command: list[str], log: Path, watch: Callable[[], Watch]) -> tuple[Pace, str]:
    """Run the command uninterrupted; how long it took to start writing and to write, and
    what it printed."""
    offset = log.stat().st_size if log.exists() else 0
    started = time.monotonic()
    seen = watch()
    with log.open("a") as out:
        process = subprocess.Popen(command, stdout=out, stderr=out)
        writing = None
        while process.poll() is None:
            if writing is None and seen():
                writing = time.monotonic()
            time.sleep(0.02)
    ended = time.monotonic()
    assert process.returncode == 0, log.read_text()
    writing = writing or ended
    printed = log.read_bytes()[offset:].decode("utf-8")
    return Pace(starting=writing - started, writing=ended - writing), printed


def kill_repeatedly(
    name: str,
    command: list[str],
    log: Path,
    watch: Callable[[], Watch],
    pace: Pace,
    kills: int = KILLS,
) -> Kills:
    """Start the command and SIGKILL it, ``kills`` times, at random moments."""
    rng = random.Random(f"{SEED}-{name}")
    tally = Kills(name, kills)
    began = time.monotonic()
    # Twenty waits of half this on average take a quarter of an uninterrupted run's writing.
    window = pace.writing / (2 * kills)
    with log.open("a") as out:
        for _ in range(3 * kills):  # a run that ends before its kill is not a kill
            if tally.kills == kills:
                break
            while_writing = rng.random() >= STARTING
            wait = rng.uniform(0, window if while_writing else pace.starting)
            seen = watch()
            process = subprocess.Popen(command, stdout=out, stderr=out)
            if while_writing:
                while process.poll() is None and not seen():
                    time.sleep(0.01)
            deadline = time.monotonic() + wait
            while process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)
            if process.poll() is not None:
                tally.ended_first += 1
                assert process.returncode == 0, log.read_text()
                continue
            wrote = seen()
            process.send_signal(signal.SIGKILL)
            process.wait()
            tally.kills += 1
            tally.while_writing += wrote
            tally.while_starting += not wrote
    tally.seconds = time.monotonic() - began
    assert tally.kills == kills, f"{name}: {tally}"
    return tally


def coded(printed: str) -> int:
    """How many articles a run of `communique code` says it coded."""
    match = re.search(r"(\d+) coded", printed)
    assert match, printed
    return int(match[1])


# -- what a store holds ------------------------------------------------------------------


Contents = dict[str, list[tuple[object, ...]]]


def contents(db: Path, merged_by_members: bool = False) -> Contents:
    """Every table of a store, its rows in one order, without the times they were written;
    with ``merged_by_members``, merged events named by their events (``MERGED``)."""
    with duckdb.connect(str(db), read_only=True) as con:
        found = {table: _rows(con, table) for table in _tables(con)}
        if merged_by_members:
            found |= {table: _rows(con, f"({sql})") for table, sql in MERGED.items()}
        return found


# Re-coding an article merges its events again, after the articles re-coded before it: the
# numbers of merged events (a sequence) and which member is the first report, with the
# reasons given, depend on the order of re-coding, and differ between two uninterrupted
# `communique recode` runs too. Which events are merged together, and the merged events
# themselves, do not: those are compared, each merged event named by its events' ids.
_MEMBERS = (
    "SELECT cluster_id, list(event_id ORDER BY event_id) AS members FROM cluster_members "
    "GROUP BY cluster_id"
)
MERGED = {
    "clusters": f"SELECT m.members, c.* EXCLUDE (id) FROM clusters c "
    f"LEFT JOIN ({_MEMBERS}) m ON m.cluster_id = c.id",
    "cluster_members": "SELECT m.members, c.event_id, c.article_id, c.outlet, c.seen, "
    f"c.confidence FROM cluster_members c JOIN ({_MEMBERS}) m USING (cluster_id)",
    "cluster_keys": f"SELECT k.key, m.members FROM cluster_keys k LEFT JOIN ({_MEMBERS}) m "
    "USING (cluster_id)",
}


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()
    return [row[0] for row in rows]


def _rows(con: duckdb.DuckDBPyConnection, source: str, table: str = "") -> list[tuple]:
    columns = [d[0] for d in con.execute(f"SELECT * FROM {source} LIMIT 0").description]
    kept = ", ".join(f'"{c}"' for c in columns if c not in CLOCK_COLUMNS)
    rows = con.execute(f"SELECT {kept} FROM {source}").fetchall()
    return sorted((_hashable(row) for row in rows), key=repr)


def _hashable(row: tuple) -> tuple:
    return tuple(tuple(v) if isinstance(v, list) else v for v in row)


def lost_and_duplicated(got: Contents, expected: Contents) -> tuple[int, int]:
    """Rows an uninterrupted run stores that are missing, and rows beyond its, all tables."""
    lost = duplicated = 0
    for table in expected.keys() | got.keys():
        want, have = Counter(expected.get(table, [])), Counter(got.get(table, []))
        lost += sum((want - have).values())
        duplicated += sum((have - want).values())
    return lost, duplicated


def article_ids(db: Path) -> tuple[int, int]:
    """How many articles a store holds, and how many distinct ids."""
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone()
    assert row is not None
    return row[0], row[1]


def report(tally: Kills, got: Contents, expected: Contents) -> None:
    lost, duplicated = lost_and_duplicated(got, expected)
    print(f"\n{tally.line(lost, duplicated)}")
    assert (tally.kills, lost, duplicated) == (tally.wanted, 0, 0), tally.line(lost, duplicated)
    assert tally.while_writing > tally.while_starting, "most kills come while writing"
    for table in expected.keys() | got.keys():
        assert got.get(table) == expected.get(table), table


# -- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("kills")


@pytest.fixture(scope="module")
def articles(folder) -> Path:
    path = folder / "talks.jsonl"
    lines = (json.dumps(article(i), ensure_ascii=False) for i in range(ARTICLES))
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def clean(articles, folder) -> tuple[Path, Pace]:
    """The store of one uninterrupted `communique code`, and its pace."""
    db = folder / "clean.duckdb"
    command = communique("code", articles, "--db", db, "--batch-size", BATCH)
    pace, _ = run_to_end(command, folder / "clean.log", store_watch(db))
    assert article_ids(db) == (ARTICLES, ARTICLES)
    return db, pace


# -- the plain run -----------------------------------------------------------------------


def test_code_killed_twenty_times_stores_what_a_clean_run_stores(articles, clean, tmp_path):
    clean_db, pace = clean
    db = tmp_path / "killed.duckdb"
    command = communique("code", articles, "--db", db, "--batch-size", BATCH)
    log = tmp_path / "code.log"
    tally = kill_repeatedly("code", command, log, store_watch(db), pace)
    _, printed = run_to_end(command, log, store_watch(db))
    assert coded(printed) > 0, f"the kills all came before the batch was done: {tally}"
    assert article_ids(db) == (ARTICLES, ARTICLES)
    report(tally, contents(db), contents(clean_db))


def test_a_run_started_again_keeps_the_registry_it_started_with(coder, tmp_path):
    # The first article teaches the store a person the second names without a title. An
    # uninterrupted run codes the second without knowing her (a run codes with the registry
    # it started from); so must a run stopped after the first and started again.
    source = tmp_path / "two.jsonl"
    first, second = article(0), {**article(1), "text": f"{PEOPLE[1][2]} criticized Kenya."}
    source.write_text(json.dumps(first) + "\n" + json.dumps(second) + "\n", encoding="utf-8")
    one = dataclasses.replace(coder, config=PipelineConfig(articles_per_batch=1))

    def stop(summary) -> None:
        raise Stop

    def sources(store: EventStore) -> set[tuple[str, str | None]]:
        return {(e.article_id, e.source.code if e.source else None) for e in store.events()}

    with EventStore(tmp_path / "clean.duckdb") as store:
        run([str(source)], store, one)
        clean = sources(store)
    assert (second["id"], "PERGOV") not in clean
    with EventStore(tmp_path / "events.duckdb") as store:
        with pytest.raises(Stop):
            run([str(source)], store, one, on_progress=stop)
        assert store.people(PEOPLE[1][2])
        summary = run([str(source)], store, one)
        assert (summary.coded, summary.already_stored) == (1, 1)
        assert sources(store) == clean
        # A complete run forgets what it started with: the next run knows her.
        again = tmp_path / "again.jsonl"
        again.write_text(json.dumps({**second, "id": "again"}) + "\n", encoding="utf-8")
        run([str(again)], store, one)
        assert ("again", "PERGOV") in sources(store)


class Stop(Exception):
    """Stands for whatever stops a run part-way."""


# -- re-coding ---------------------------------------------------------------------------


def age(db: Path) -> None:
    """Make a store's coding look like an older coder's: every event of another version,
    some of another type, some missing, some made up; some mentions and quotes missing, and
    the articles' themes and tone unknown."""
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE events SET coder_version = 'old-coder'")
        con.execute("UPDATE events SET cameo = '010' WHERE hash(id) % 3 = 0")
        con.execute("DELETE FROM events WHERE hash(id) % 5 = 1")
        con.execute(
            "INSERT INTO events (id, article_id, cameo, quad_class, goldstein, confidence, "
            "source_code, span_start, span_end, sentence_index, sentence, coder_version) "
            "SELECT 'made-up-' || id, id, '190', 4, -10.0, 0.5, 'USA', 0, 5, 0, 'Words', "
            "'old-coder' FROM articles WHERE hash(id) % 4 = 0"
        )
        con.execute("DELETE FROM mentions WHERE hash(article_id) % 4 = 1")
        con.execute("DELETE FROM quotes WHERE hash(article_id) % 4 = 2")
        con.execute("UPDATE articles SET themes = [], tone = NULL")


def test_recode_killed_twenty_times_stores_what_a_clean_recode_stores(clean, tmp_path):
    clean_db, _ = clean
    aged = tmp_path / "aged.duckdb"
    shutil.copy(clean_db, aged)
    age(aged)
    expected_db, db = tmp_path / "expected.duckdb", tmp_path / "killed.duckdb"
    shutil.copy(aged, expected_db)
    shutil.copy(aged, db)
    log = tmp_path / "recode.log"
    recode = ["recode", "--batch-size", str(BATCH), "--db"]
    pace, _ = run_to_end(communique(*recode, expected_db), log, store_watch(expected_db))
    expected = contents(expected_db, merged_by_members=True)
    assert expected["events"] != contents(aged)["events"]
    assert not [row for row in expected["events"] if "old-coder" in row]
    tally = kill_repeatedly("recode", communique(*recode, db), log, store_watch(db), pace)
    run_to_end(communique(*recode, db), log, store_watch(db))
    assert article_ids(db) == (ARTICLES, ARTICLES)
    got = contents(db, merged_by_members=True)
    assert not [row for row in got["events"] if "old-coder" in row]
    report(tally, got, expected)


# -- distributed runs --------------------------------------------------------------------


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory) -> Iterator[str]:
    """A local Dask cluster of two workers for the module: the runs killed are the drivers,
    and each would otherwise start a cluster of its own (seconds per start)."""
    with distributed.connect(ClusterSpec(workers=2)) as client:
        # A first run has its workers load the coder, which the runs after find loaded:
        # then a run starts as quickly as the runs that are killed.
        warm = tmp_path_factory.mktemp("warm")
        (warm / "one.jsonl").write_text(json.dumps(article(0)) + "\n", encoding="utf-8")
        distributed.code_on_cluster(
            [str(warm / "one.jsonl")],
            client,
            DatasetDestination(warm / "dataset"),
            PipelineConfig(articles_per_batch=CLUSTER_BATCH),
        )
        yield client.scheduler.address


@pytest.fixture(scope="module")
def cluster_articles(folder) -> Path:
    path = folder / "more-talks.jsonl"
    lines = (json.dumps(article(i), ensure_ascii=False) for i in range(CLUSTER_ARTICLES))
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def on_cluster(inputs: Path, scheduler: str, *args: str | Path) -> list[str]:
    return communique(
        "code", inputs, "--scheduler", scheduler, "--batch-size", CLUSTER_BATCH, *args
    )


def test_a_distributed_run_killed_twenty_times_stores_what_a_clean_one_stores(
    cluster_articles, scheduler, tmp_path
):
    expected_db, db = tmp_path / "expected.duckdb", tmp_path / "killed.duckdb"
    log = tmp_path / "dask.log"

    def command(store: Path) -> list[str]:
        return on_cluster(cluster_articles, scheduler, "--db", store)

    def watch(store: Path) -> Callable[[], Watch]:
        return manifest_watch(store.with_name(store.name + STORE_MANIFEST_SUFFIX))

    pace, _ = run_to_end(command(expected_db), log, watch(expected_db))
    tally = kill_repeatedly("code --scheduler", command(db), log, watch(db), pace)
    _, printed = run_to_end(command(db), log, watch(db))
    assert coded(printed) > 0, f"the kills all came before the batch was done: {tally}"
    assert article_ids(db) == (CLUSTER_ARTICLES, CLUSTER_ARTICLES)
    assert not db.with_name(db.name + STORE_MANIFEST_SUFFIX).exists()
    report(tally, contents(db), contents(expected_db))


def dataset(folder: Path) -> Contents:
    """Every table of a Parquet dataset, its rows in one order, without the times they were
    written."""
    with duckdb.connect() as con:
        return {
            table.name: _rows(
                con,
                f"read_parquet('{table}/**/*.parquet', hive_partitioning = true)",
            )
            for table in sorted(folder.iterdir())
            if table.is_dir()
        }


def stray_files(folder: Path) -> list[str]:
    """Files of a dataset that its manifest does not name: left by a killed run."""
    lines = (folder / DATASET_MANIFEST).read_text(encoding="utf-8").splitlines()
    named = {name for line in lines[1:] for name in json.loads(line)["files"]}
    found = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    return sorted(found - named - {DATASET_MANIFEST})


def test_a_distributed_run_into_a_dataset_killed_twenty_times_writes_a_clean_ones(
    cluster_articles, scheduler, tmp_path
):
    expected_dir, folder = tmp_path / "expected", tmp_path / "killed"
    log = tmp_path / "dataset.log"

    def command(output: Path) -> list[str]:
        return on_cluster(cluster_articles, scheduler, "--output", output)

    def watch(output: Path) -> Callable[[], Watch]:
        return manifest_watch(output / DATASET_MANIFEST)

    pace, _ = run_to_end(command(expected_dir), log, watch(expected_dir))
    tally = kill_repeatedly(
        "code --output", command(folder), log, watch(folder), pace, DATASET_KILLS
    )
    _, printed = run_to_end(command(folder), log, watch(folder))
    assert coded(printed) > 0, f"the kills all came before the batch was done: {tally}"
    assert stray_files(folder) == []
    got = dataset(folder)
    assert len(got["articles"]) == len({row[0] for row in got["articles"]}) == CLUSTER_ARTICLES
    report(tally, got, dataset(expected_dir))


def test_a_run_killed_while_writing_its_manifest_header_starts_afresh(tmp_path):
    folder = tmp_path / "dataset"
    folder.mkdir()
    staged = folder / f".{DATASET_MANIFEST}.123.tmp"
    staged.write_text('{"format": "communi')
    DatasetDestination(folder)  # not taken for another run's folder
    assert not staged.exists()


def test_parts_a_killed_run_left_aside_are_removed_when_it_starts_again(tmp_path):
    folder = tmp_path / "dataset"
    (folder / "events" / "date=2024-06-28").mkdir(parents=True)
    (folder / DATASET_MANIFEST).write_text("{}\n")
    staged = [
        folder / "events" / "date=2024-06-28" / ".part-000003-0.parquet.123.tmp",
        folder / "events" / ".part-000004.parquet.123.tmp",
    ]
    for path in staged:
        path.write_bytes(b"PAR1")
    mine = folder / "events" / "notes.tmp"
    mine.write_text("not a part")
    DatasetDestination(folder)
    assert [path.exists() for path in staged] == [False, False]
    assert mine.exists()
