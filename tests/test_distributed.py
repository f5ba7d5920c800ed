"""Distributed runs on a local Dask cluster of two worker processes: the same events as the
plain run, byte for byte, whatever happens to a worker; resumable; a Parquet dataset.

The cluster is started once for the module, and each worker loads the coder once (about
three seconds); the runs after the first find it loaded.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from communique import distributed
from communique.cli import EXIT_ERROR, app
from communique.distributed import (
    ClusterSpec,
    ClusterSummary,
    DatasetDestination,
    StoreDestination,
    code_on_cluster,
)
from communique.errors import ClusterError
from communique.pipeline import PipelineConfig, run
from communique.store.duckdb import EventStore
from communique.store.export import event_record
from conftest import shared_path

ARTICLES = 16
CONFIG = PipelineConfig(articles_per_batch=4)  # small batches: several per worker


@pytest.fixture(scope="module")
def client():
    with distributed.connect(ClusterSpec(workers=2)) as client:
        yield client


@pytest.fixture(scope="module")
def inputs() -> list[str]:
    folder = shared_path("corpora", "bbc-fulltext", "bbc", "politics")
    return [str(path) for path in sorted(folder.glob("*.txt"))[:ARTICLES]]


@pytest.fixture(scope="module")
def plain_store(coder, inputs, tmp_path_factory) -> Path:
    """The plain run's store."""
    db = tmp_path_factory.mktemp("plain") / "plain.duckdb"
    with EventStore(db) as store:
        summary = run(inputs, store, dataclasses.replace(coder, config=CONFIG))
    assert summary.coded == ARTICLES
    return db


@pytest.fixture(scope="module")
def plain(plain_store) -> tuple[list[str], list[tuple]]:
    """The plain run's events as `communique events --format jsonl` prints them, sorted, and
    its actor registry."""
    return stored(plain_store)


def event_lines(store: EventStore) -> list[str]:
    return sorted(json.dumps(event_record(e), ensure_ascii=False) for e in store.events())


def people_rows(store: EventStore) -> list[tuple]:
    return [dataclasses.astuple(entry) for entry in store.people()]


def code_into_store(client, inputs, db: Path, **hooks) -> ClusterSummary:
    with EventStore(db) as store:
        return code_on_cluster(
            inputs, client, StoreDestination(store), CONFIG, store.people, **hooks
        )


def stored(db: Path) -> tuple[list[str], list[tuple]]:
    with EventStore(db, read_only=True) as store:
        return event_lines(store), people_rows(store)


def test_two_workers_give_the_plain_runs_events_byte_for_byte(client, inputs, plain, tmp_path):
    summary = code_into_store(client, inputs, tmp_path / "dask.duckdb")
    assert (summary.read, summary.coded, summary.workers) == (ARTICLES, ARTICLES, 2)
    assert summary.batches == ARTICLES // CONFIG.articles_per_batch
    assert stored(tmp_path / "dask.duckdb") == plain
    # A complete run leaves no manifest beside the store.
    assert not (tmp_path / "dask.duckdb.run.jsonl").exists()


def test_a_worker_killed_mid_run_still_gives_the_full_result(client, inputs, plain, tmp_path):
    killed: list[int] = []

    def kill_a_busy_worker(summary: ClusterSummary) -> None:
        if killed:
            return
        busy = [worker for worker, keys in client.processing().items() if keys]
        assert busy, "a worker is coding a batch when the first batch is stored"
        pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    summary = code_into_store(
        client, inputs, tmp_path / "dask.duckdb", on_progress=kill_a_busy_worker
    )
    assert killed
    assert summary.coded == ARTICLES
    assert stored(tmp_path / "dask.duckdb") == plain
    client.wait_for_workers(2, timeout=60)  # the nanny restarts it, for the tests after


def test_each_worker_keeps_the_coder_it_loaded_when_a_run_registers_it(client):
    # Each run registers the coder; a worker that has it must not load another (it did,
    # when the local cluster gave the workers the coder as their own plugin).
    name = distributed.CoderPlugin(PipelineConfig()).name

    def loaded(dask_worker) -> int:
        return id(dask_worker.plugins[name])

    before = client.run(loaded)
    client.register_plugin(distributed.CoderPlugin(PipelineConfig()))
    assert client.run(loaded) == before


def test_local_workers_keep_the_default_malloc_settings(client):
    # Dask's MALLOC_TRIM_THRESHOLD_ made coding 11% slower in a worker.
    found = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
    assert set(found.values()) == {None}


class Stop(Exception):
    """Stands for whatever stops a run part-way (Ctrl-C, a lost driver)."""


def test_a_stopped_run_started_again_skips_its_finished_batches(client, inputs, plain, tmp_path):
    db = tmp_path / "dask.duckdb"

    def stop_after_two(summary: ClusterSummary) -> None:
        if summary.batches == 2:
            raise Stop

    with pytest.raises(Stop):
        code_into_store(client, inputs, db, on_progress=stop_after_two)
    manifest = (tmp_path / "dask.duckdb.run.jsonl").read_text().splitlines()
    assert [json.loads(line)["batch"] for line in manifest[1:]] == [0, 1]
    summary = code_into_store(client, inputs, db)
    assert summary.resumed == 2
    assert summary.coded == ARTICLES - 2 * CONFIG.articles_per_batch
    assert stored(db) == plain


def test_a_run_started_again_keeps_the_registry_it_started_with(client, tmp_path):
    # The first article teaches the store a person the second names without a title. An
    # uninterrupted run codes the second without him (every batch of a run is coded with the
    # registry the run started from); so must a run stopped after the first and started again.
    jsonl = tmp_path / "two.jsonl"
    records = [
        {
            "id": "first",
            "date": "2025-03-01",
            "text": "Peruvian Foreign Minister Elmer "
            "Schialer met with Brazilian President Lula in Lima.",
        },
        {
            "id": "second",
            "date": "2025-03-08",
            "text": "Elmer Schialer met with Brazilian President Lula in Brasilia.",
        },
    ]
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records))
    db = tmp_path / "dask.duckdb"
    one = PipelineConfig(articles_per_batch=1)

    def stop_after_one(summary: ClusterSummary) -> None:
        raise Stop

    with EventStore(db) as store, pytest.raises(Stop):
        code_on_cluster(
            [str(jsonl)],
            client,
            StoreDestination(store),
            one,
            store.people,
            on_progress=stop_after_one,
        )
    with EventStore(db) as store:
        assert store.people("Elmer Schialer")
        summary = code_on_cluster([str(jsonl)], client, StoreDestination(store), one, store.people)
        assert summary.resumed == 1
        # Schialer is nobody the registry the run started with knows: not Peru's minister
        second = [e for e in store.events() if e.article_id == "second"]
        assert "PERGOV" not in {m.code for e in second for m in (e.source, e.target) if m}


def dataset_rows(sql_from: str) -> list[tuple]:
    """Every event column, the date as a date, in one order."""
    db = duckdb.connect()
    rows = db.execute(
        f"SELECT * EXCLUDE (date), TRY_CAST(date AS DATE) AS date FROM {sql_from}"
    ).fetchall()
    return sorted(rows, key=repr)


def test_a_dataset_holds_the_plain_runs_events_by_date(client, inputs, plain_store, tmp_path):
    with EventStore(plain_store, read_only=True) as store:
        store.export_parquet(tmp_path / "plain.parquet")
    folder = tmp_path / "dataset"
    summary = code_on_cluster(inputs, client, DatasetDestination(folder), CONFIG)
    assert summary.coded == ARTICLES
    events = f"read_parquet('{folder}/events/**/*.parquet', hive_partitioning = true)"
    assert dataset_rows(events) == dataset_rows(f"read_parquet('{tmp_path}/plain.parquet')")
    partitions = {path.name for path in (folder / "events").iterdir()}
    assert partitions == {"date=__HIVE_DEFAULT_PARTITION__"}  # BBC articles are undated
    articles = (
        duckdb.connect()
        .execute(f"SELECT count(*) FROM read_parquet('{folder}/articles/*.parquet')")
        .fetchone()
    )
    assert articles == (ARTICLES,)
    # Running the same command again finds every batch finished.
    again = code_on_cluster(inputs, client, DatasetDestination(folder), CONFIG)
    assert (again.resumed, again.coded) == (summary.batches, 0)


def test_a_changed_input_is_coded_again_in_place(client, inputs, tmp_path):
    copies = []
    for name in inputs[:8]:
        copy = tmp_path / "in" / Path(name).name
        copy.parent.mkdir(exist_ok=True)
        copy.write_text(Path(name).read_text(encoding="utf-8", errors="replace"))
        copies.append(str(copy))
    folder = tmp_path / "dataset"
    first = code_on_cluster(copies, client, DatasetDestination(folder), CONFIG)
    Path(copies[-1]).write_text("Iran condemned Israel on Tuesday.\n\nIran condemned Israel.")
    again = code_on_cluster(copies, client, DatasetDestination(folder), CONFIG)
    assert (again.resumed, again.coded) == (first.batches - 1, CONFIG.articles_per_batch)
    ids = (
        duckdb.connect()
        .execute(
            f"SELECT count(*), count(DISTINCT id) FROM read_parquet('{folder}/articles/*.parquet')"
        )
        .fetchone()
    )
    assert ids == (8, 8)  # the old article is gone, the new one there once


def test_a_dataset_of_other_inputs_is_not_overwritten(client, inputs, tmp_path):
    folder = tmp_path / "dataset"
    code_on_cluster(inputs[:4], client, DatasetDestination(folder), CONFIG)
    with pytest.raises(ClusterError, match="another run"):
        code_on_cluster(inputs[4:8], client, DatasetDestination(folder), CONFIG)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(ClusterError, match="not empty"):
        DatasetDestination(tmp_path / "other")


def test_the_command_codes_on_an_existing_cluster(client, inputs, plain, tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "cli.duckdb")
    address = client.scheduler.address
    args = ["code", *inputs, "--db", db, "--scheduler", address, "--batch-size", "4"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert f"{ARTICLES} articles read, {ARTICLES} coded" in result.stderr
    assert "batches on 2 workers" in result.stderr
    printed = runner.invoke(app, ["events", "--db", db, "--format", "jsonl"])
    assert sorted(printed.stdout.splitlines()) == plain[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--output", "out"], "give --workers N or --scheduler"),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
    ],
)
def test_cluster_options_that_do_not_go_together(args, message, tmp_path):
    result = CliRunner().invoke(app, ["code", "x.txt", "--db", str(tmp_path / "x.db"), *args])
    assert result.exit_code == EXIT_ERROR
    assert message in result.stderr


def test_an_unreachable_scheduler_says_how_to_start_one(monkeypatch, tmp_path):
    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", "1s")
    args = ["code", "x.txt", "--db", str(tmp_path / "x.db"), "--scheduler", "tcp://127.0.0.1:9"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == EXIT_ERROR
    assert "dask scheduler" in result.stderr
