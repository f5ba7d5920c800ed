"""Readers during writes (issue 10): `communique events` and `communique serve` keep
answering while `communique code` writes to the same store, and never see half an article.

The articles are made here from a few sentence patterns. The writer runs as a process of its
own, as a user would start it; each answer read meanwhile must hold, for every article it
shows, all the events a clean run stores for that article."""

from __future__ import annotations

import dataclasses
import json
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx2 as httpx
import pytest

from communique.errors import StoreError
from communique.pipeline import PipelineConfig, run
from communique.store.duckdb import EventStore

COMMUNIQUE = Path(sys.executable).parent / "communique"
COUNTRIES = ["China", "Peru", "France", "Germany", "Japan", "Brazil", "India", "Kenya"]
PATTERNS = [
    "{a} criticized {b} on Monday over its new tariffs.",
    "The foreign minister of {a} met with officials from {b} in the capital.",
    "{a} signed a trade agreement with {b} on Tuesday.",
    "{b} accused {a} of violating the ceasefire near the border.",
    "Leaders of {a} praised {b} for its help after the floods.",
]
ARTICLES = 24
BATCH = 2  # many batches: many times the writer takes and lets go of the file
WAIT = 180  # seconds, at most, for anything a test waits for


def articles() -> list[dict[str, str]]:
    made = []
    for n in range(ARTICLES):
        a, b = COUNTRIES[n % len(COUNTRIES)], COUNTRIES[(3 * n + 1) % len(COUNTRIES)]
        text = " ".join(PATTERNS[(n + k) % len(PATTERNS)].format(a=a, b=b) for k in range(3))
        made.append({"id": f"a{n:03d}", "date": f"2024-05-{n % 28 + 1:02d}", "text": text})
    return made


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("concurrency") / "articles.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in articles()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def clean(inputs, tmp_path_factory, coder) -> Counter[str]:
    """Events per article of a run that nobody reads meanwhile, in batches of the same size."""
    batched = dataclasses.replace(coder, config=PipelineConfig(articles_per_batch=BATCH))
    with EventStore(tmp_path_factory.mktemp("clean") / "clean.duckdb") as store:
        summary = run([str(inputs)], store, batched)
        assert summary.coded == ARTICLES and not summary.skipped
        counts = Counter(event.article_id for event in store.events())
    assert len(counts) > ARTICLES // 2, "too few articles with events to check anything"
    return counts


def whole(seen: Counter[str], clean: Counter[str]) -> None:
    """Every article an answer shows has all its events."""
    partial = {a: (n, clean[a]) for a, n in seen.items() if n != clean[a]}
    assert not partial, f"articles seen with part of their events (seen, whole): {partial}"


def events_now(db: Path) -> Counter[str] | None:
    """Events per article as `communique events` prints them; None if the store is not
    there yet."""
    done = subprocess.run(
        [str(COMMUNIQUE), "events", "--db", str(db), "--format", "jsonl"],
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    if done.returncode != 0 and "no such store" in done.stderr:
        return None
    assert done.returncode == 0, done.stderr
    return Counter(json.loads(line)["article_id"] for line in done.stdout.splitlines())


def served_now(port: int) -> Counter[str]:
    answer = httpx.get(f"http://127.0.0.1:{port}/api/events?limit=500", timeout=WAIT)
    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert page["total"] == len(page["events"])
    return Counter(event["article_id"] for event in page["events"])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(COMMUNIQUE), "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read() if server.stderr else ""
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/summary", timeout=5)
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise AssertionError("the server did not answer")


def test_readers_see_whole_articles_while_code_writes(inputs, clean, tmp_path):
    db = tmp_path / "store.duckdb"
    EventStore(db).close()  # an empty store, so that `serve` can start before the writer
    port = free_port()
    server = start_server(db, port)
    writer = subprocess.Popen(
        [str(COMMUNIQUE), "code", str(inputs), "--db", str(db), "--batch-size", str(BATCH)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        reads, serves, growing = 0, 0, set()
        while writer.poll() is None:
            seen = events_now(db)
            if seen is not None:
                whole(seen, clean)
                growing.add(sum(seen.values()))
                reads += 1
            whole(served_now(port), clean)
            serves += 1
        assert writer.wait(timeout=WAIT) == 0, writer.stderr.read() if writer.stderr else ""
        # The writer's whole result, in the store and, after its next look, in the server.
        final = events_now(db)
        assert final == clean
        deadline = time.monotonic() + WAIT
        while (served := served_now(port)) != clean and time.monotonic() < deadline:
            time.sleep(0.5)
        assert served == clean
    finally:
        writer.kill()
        server.terminate()
        server.wait(timeout=30)
    assert reads >= 1 and serves >= 1, (reads, serves)
    print(f"concurrent read checks passed: {reads} reads, {serves} served, totals {growing}")


HOLD = """
import sys, time, duckdb
db = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read")
print("held", flush=True)
time.sleep(float(sys.argv[3]))
"""


def hold(db: Path, mode: str, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the store's file, for reading or writing."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), mode, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_opening_waits_while_another_process_holds_the_file(tmp_path):
    db = tmp_path / "store.duckdb"
    EventStore(db).close()
    holder = hold(db, "read", 1.0)
    try:
        with EventStore(db, wait=WAIT) as store:  # a writer, let in when the reader is done
            assert store.counts()["events"] == 0
    finally:
        holder.wait(timeout=WAIT)


def test_a_store_held_too_long_is_busy(tmp_path):
    db = tmp_path / "store.duckdb"
    EventStore(db).close()
    holder = hold(db, "write", 30.0)
    try:
        with pytest.raises(StoreError, match="busy"):
            EventStore(db, read_only=True, wait=0.2)
    finally:
        holder.kill()
        holder.wait(timeout=WAIT)


def opens(db: Path) -> bool:
    """Whether another process can open the store's file for reading, now."""
    probe = (
        "import sys, duckdb\ntry:\n duckdb.connect(sys.argv[1], read_only=True)\n"
        "except duckdb.IOException:\n sys.exit(1)"
    )
    return subprocess.run([sys.executable, "-c", probe, str(db)], timeout=WAIT).returncode == 0


def test_a_shared_store_is_held_only_within_held(tmp_path):
    db = tmp_path / "store.duckdb"
    with EventStore(db) as store:
        assert not opens(db)
        with store.shared():
            assert opens(db)
            with store.held():
                assert store.counts()["articles"] == 0
                assert not opens(db)
            assert opens(db)
        assert store.counts()["articles"] == 0  # held again after
