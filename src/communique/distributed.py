"""Coding on a Dask cluster: the plain run's batches, coded by workers.

    read → batches ─► workers: code_batch ─► driver, in input order: the store, or a Parquet
                                              dataset; then the batch in the manifest

1. The batches are the plain run's (``pipeline.batches``): the same articles in the same
   batches, coded by the same function, ``pipeline.code_batch``. A batch's id is a hash of
   what was read into it, so that a run started again knows which batches it finished.
2. Every batch of a run is coded with the actor registry as the run found it (the plain
   run's rule too, see pipeline.py), so batches never wait on each other and the result is
   the plain run's, whatever the number of workers.
3. A worker loads the coder once, as soon as it has joined, and keeps it for its life
   (``CoderPlugin``); the people the run's registry starts from beyond the leaders that
   ship (which the coder holds) reach each worker once (``RunPlugin``). Dask gives
   the batches of a worker that dies to the others, and a worker process restarted by its
   nanny gets both plugins again.
4. The driver takes results in input order. Into the store, each article goes through
   ``EventStore.add``, as in the plain run (the store merges reports of one event across
   articles, which needs the whole store). With ``--output DIR``, a worker writes its batch
   as a Parquet part (``store/parts.py``), and the driver puts its files in ``DIR``.
5. The manifest, a JSON Lines file, starts with the run (its inputs, batch size and the
   people the registry started from), and gets a line per finished batch. A run stopped
   part-way and started again with the same inputs skips those batches and codes the others
   with the registry of its first start: the result is that of an uninterrupted run. A
   store's manifest (``STORE.run.jsonl``) is removed when its run is complete; a dataset's
   (``DIR/_manifest.jsonl``) stays with it, so running the same command again does nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

import dask
from distributed import Client, Future, LocalCluster, WorkerPlugin, as_completed, get_worker

from communique.actors.registry import PersonEntry, PersonRegistry
from communique.errors import ClusterError, CommuniqueError
from communique.pipeline import Coder, PipelineConfig, RunSummary, batches, code_batch
from communique.readers import STDIN, read_inputs
from communique.records import Article, CodedArticle, Rejected
from communique.store.duckdb import EventStore
from communique.store.parts import part_name, write_part

MANIFEST_FORMAT = "communique-run/1"
# Spark, Hive and pyarrow pass over files whose names start with "_" when reading a dataset.
DATASET_MANIFEST = "_manifest.jsonl"
STORE_MANIFEST_SUFFIX = ".run.jsonl"
# Batches in flight per worker: enough to keep each busy while the driver takes results in
# input order, few enough that results waiting for an earlier batch stay small.
TASKS_PER_WORKER = 4
CONNECT_TIMEOUT = "10s"
# Dask's worker profiler samples every thread's stack 100 times a second, and its event loop
# checks its own health 50 times: both take the GIL from the coder, which is pure Python.
# Coding 300 BBC articles in a worker took 27% more CPU time than in a plain process with
# them, 13% without. A local cluster's workers do without the profiler and check less often;
# README, "Running on a cluster", says how to start the workers of a real cluster alike.
# Dask's nanny also sets MALLOC_TRIM_THRESHOLD_ in its workers, so that they give memory back
# sooner; that fixes glibc's mmap threshold, and spaCy's many small allocations then cost
# three times as many page faults: coding took 11% more CPU time. It is left unset.
WORKER_SETTINGS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}
WORKERS_TIMEOUT = 60  # seconds to wait for the first worker of an existing cluster


# -- the cluster -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClusterSpec:
    """Where batches are coded: a local cluster of ``workers`` processes, or the existing
    cluster whose scheduler is at ``scheduler`` (``tcp://HOST:PORT``)."""

    workers: int | None = None
    scheduler: str | None = None


@contextmanager
def connect(spec: ClusterSpec, config: PipelineConfig | None = None) -> Iterator[Client]:
    """A client of the cluster ``spec`` names, closed (with a local cluster) on exit. The
    workers of a local cluster start loading the coder of ``config`` as soon as they are up."""
    if spec.scheduler:
        try:
            client = Client(spec.scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterError(
                f"cannot reach the Dask scheduler at {spec.scheduler} ({error}); start one "
                f"with `dask scheduler` and its workers with `dask worker {spec.scheduler}`"
            ) from None
        with client:
            try:
                client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
            except TimeoutError:
                raise ClusterError(
                    f"the Dask scheduler at {spec.scheduler} has no workers: start some with "
                    f"`dask worker {spec.scheduler}`"
                ) from None
            yield client
        return
    # One thread per worker: spaCy and the coder are pure Python, so a process per core
    # is what runs in parallel.
    with dask.config.set(WORKER_SETTINGS):
        cluster = LocalCluster(
            n_workers=spec.workers or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: 8787 may be taken
            silence_logs=logging.ERROR,
        )
    with cluster, Client(cluster) as client:
        # Through the scheduler, not as the workers' own plugin: the scheduler gives it to
        # a worker its nanny restarts, and knows it when the run registers it again. Given
        # both ways, each worker loaded the coder twice at once (4.5 s of CPU time).
        client.register_plugin(CoderPlugin(config or PipelineConfig()))
        yield client


class CoderPlugin(WorkerPlugin):
    """The coder of a worker: loaded once, as soon as the worker has the plugin, kept for
    the worker's life, and shared by the runs that use the same configuration."""

    idempotent = True  # a run finds it on workers a run before it set up

    def __init__(self, config: PipelineConfig) -> None:
        self.config = config
        self.name = f"communique-coder-{_digest(repr(config))}"
        self._coder: Coder | CommuniqueError | None = None
        self._loading: threading.Thread | None = None

    def setup(self, worker: object) -> None:
        # Loaded aside, so that the worker answers its scheduler meanwhile, and loads while
        # the driver reads the first batches.
        self._loading = threading.Thread(target=self._load, name=self.name, daemon=True)
        self._loading.start()

    def _load(self) -> None:
        try:
            self._coder = Coder.load(self.config)
        except CommuniqueError as error:  # a missing model: every batch says so
            self._coder = error

    def coder(self) -> Coder:
        assert self._loading is not None, "the plugin is set up on its worker first"
        self._loading.join()
        if isinstance(self._coder, CommuniqueError):
            raise self._coder
        assert self._coder is not None
        return self._coder


class RunPlugin(WorkerPlugin):
    """What one run's batches share on a worker: the registry as the run found it."""

    def __init__(self, run_id: str, people: Sequence[PersonEntry]) -> None:
        self.name = f"communique-run-{run_id}"
        self.people = tuple(people)  # beyond the built-in leaders
        self._registry: PersonRegistry | None = None

    def registry(self, coder: Coder) -> PersonRegistry:
        """The plain run's registry: the leaders that ship (the coder has them), then the
        people the run found. Made on the worker, once: the driver need not load the
        leaders, nor ship them."""
        if self._registry is None:
            self._registry = PersonRegistry([*coder.people.entries(), *self.people])
        return self._registry


# -- one batch, on a worker --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Batch:
    """The articles of one batch that are to be coded, and where the batch is in the run."""

    ordinal: int  # its place in input order, from 0
    id: str  # a hash of what was read into it
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """A coded batch: its coded articles (into a store) or its Parquet files (a dataset)."""

    ordinal: int
    id: str
    coded: int
    events: int
    rejected: tuple[Rejected, ...] = ()
    notes: tuple[str, ...] = ()  # "origin: note", what was left out of coded articles
    articles: tuple[CodedArticle, ...] = ()
    files: dict[str, bytes] = field(default_factory=dict)


def code_part(batch: Batch, coder_plugin: str, run_plugin: str, parquet: bool) -> BatchResult:
    """The task a worker runs: one batch, with the coder and registry its plugins hold."""
    plugins = get_worker().plugins
    coder, run = plugins[coder_plugin], plugins[run_plugin]
    assert isinstance(coder, CoderPlugin) and isinstance(run, RunPlugin)
    loaded = coder.coder()
    return code_batch_part(batch, loaded, run.registry(loaded), parquet)


def code_batch_part(
    batch: Batch, coder: Coder, registry: PersonRegistry, parquet: bool
) -> BatchResult:
    """Code a batch, and with ``parquet`` write it as a Parquet part."""
    results = code_batch(batch.articles, coder, registry)
    coded = tuple(r for r in results if isinstance(r, CodedArticle))
    rejected = tuple(r for r in results if isinstance(r, Rejected))
    events = sum(len(c.events) for c in coded)
    notes = tuple(f"{c.article.article.origin}: {note}" for c in coded for note in c.notes)
    result = BatchResult(batch.ordinal, batch.id, len(coded), events, rejected, notes)
    if parquet:
        return dataclasses.replace(result, files=write_part(coded, part_name(batch.ordinal)))
    return dataclasses.replace(result, articles=coded)


# -- where results go --------------------------------------------------------------------


class Destination(Protocol):
    """Where a run puts its coded batches."""

    parquet: bool  # whether workers write Parquet parts
    manifest_path: Path
    keeps_manifest: bool  # after a complete run

    def is_stored(self, article_id: str) -> bool: ...

    def put(self, result: BatchResult, replaced: Sequence[str]) -> list[str]:
        """Keep a coded batch (and drop the files ``replaced`` of a batch it replaces);
        the files written, if any."""
        ...

    def drop(self, files: Sequence[str]) -> None: ...


class StoreDestination:
    """A DuckDB store: each article through ``EventStore.add``, as the plain run stores it."""

    parquet = False
    keeps_manifest = False

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.manifest_path = Path(f"{store.path}{STORE_MANIFEST_SUFFIX}")

    def is_stored(self, article_id: str) -> bool:
        return self.store.has_article(article_id)

    def put(self, result: BatchResult, replaced: Sequence[str]) -> list[str]:
        for coded in result.articles:
            self.store.add(coded)
        return []

    def drop(self, files: Sequence[str]) -> None:
        return None


class DatasetDestination:
    """A folder of Parquet parts, one per batch (see ``store/parts.py``)."""

    parquet = True
    keeps_manifest = True

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.manifest_path = folder / DATASET_MANIFEST
        # Files a run was killed while writing (``_write_aside``): never renamed into place.
        staged = [*folder.glob(f".{DATASET_MANIFEST}.*.tmp"), *folder.glob("*/**/.part-*.tmp")]
        if (
            folder.exists()
            and not self.manifest_path.exists()
            and any(path not in staged for path in folder.iterdir())
        ):
            raise ClusterError(
                f"{folder}: not empty and holds no communique run; give --output a new or "
                "empty folder"
            )
        for path in staged:
            path.unlink(missing_ok=True)

    def is_stored(self, article_id: str) -> bool:
        return False

    def put(self, result: BatchResult, replaced: Sequence[str]) -> list[str]:
        self.drop(replaced)
        for name, data in result.files.items():
            path = self.folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written aside and renamed: a reader never sees half a file.
            _write_aside(path, data)
        return sorted(result.files)

    def drop(self, files: Sequence[str]) -> None:
        for name in files:
            (self.folder / name).unlink(missing_ok=True)


def _write_aside(path: Path, data: bytes) -> None:
    """Write a file aside and rename it into place: a reader, or a run started again after
    a kill, never sees half of it. What a kill leaves aside starts with "." and ends with
    ".tmp": readers of a dataset pass over it, and the next run removes it."""
    staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    staged.write_bytes(data)
    staged.replace(path)


# -- the manifest ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunKey:
    """What makes two starts of a run the same run."""

    inputs: tuple[str, ...]  # files and folders, resolved; "-" for stdin
    articles_per_batch: int
    config: str  # the whole configuration: its limits change what is coded, too

    @classmethod
    def of(cls, inputs: Iterable[str], config: PipelineConfig) -> RunKey:
        names = tuple(n if n == STDIN else str(Path(n).resolve()) for n in inputs)
        return cls(names, config.articles_per_batch, repr(config))

    def record(self) -> dict[str, Any]:
        return {
            "inputs": list(self.inputs),
            "articles_per_batch": self.articles_per_batch,
            "config": self.config,
        }


@dataclass(frozen=True, slots=True)
class BatchEntry:
    """A finished batch, as the manifest records it."""

    ordinal: int
    id: str
    read: int
    coded: int
    events: int
    files: tuple[str, ...] = ()

    def record(self) -> dict[str, Any]:
        return {
            "batch": self.ordinal,
            "id": self.id,
            "read": self.read,
            "coded": self.coded,
            "events": self.events,
            "files": list(self.files),
        }


class Manifest:
    """The run, and the batches it finished, in a JSON Lines file."""

    def __init__(self, path: Path, people: list[PersonEntry], entries: dict[int, BatchEntry]):
        self.path = path
        self.people = people  # beyond the built-in leaders, as the run found them
        self.entries = entries

    @classmethod
    def open(
        cls, path: Path, key: RunKey, people: Callable[[], list[PersonEntry]], strict: bool
    ) -> Manifest:
        """The manifest of the run ``key``: the one at ``path`` if it is this run's, else a
        new one (or, if ``strict``, an error when ``path`` holds another run's)."""
        if path.exists():
            found = _read_manifest(path)
            if found is not None and found[0] == key.record():
                return cls(path, found[1], found[2])
            if strict:
                raise ClusterError(
                    f"{path.parent}: holds the output of another run, of other inputs or "
                    "settings; give --output a new folder, or run the same command as before"
                )
        manifest = cls(path, people(), {})
        header: dict[str, Any] = {"format": MANIFEST_FORMAT, "run": key.record()}
        header["people"] = [_entry_record(entry) for entry in manifest.people]
        path.parent.mkdir(parents=True, exist_ok=True)
        # Whole or not at all: a run killed while writing its header starts afresh, where
        # half a header would look like another run's.
        _write_aside(path, (json.dumps(header, ensure_ascii=False) + "\n").encode("utf-8"))
        return manifest

    def finished(self, batch: Batch) -> BatchEntry | None:
        entry = self.entries.get(batch.ordinal)
        return entry if entry is not None and entry.id == batch.id else None

    def add(self, entry: BatchEntry) -> None:
        self.entries[entry.ordinal] = entry
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry.record(), ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())

    def forget_beyond(self, count: int) -> list[BatchEntry]:
        """Drop the batches from ``count`` on (the inputs became shorter); those dropped."""
        dropped = [e for ordinal, e in sorted(self.entries.items()) if ordinal >= count]
        if dropped:
            for entry in dropped:
                del self.entries[entry.ordinal]
            header = self.path.read_text(encoding="utf-8").splitlines()[0]
            lines = [header, *(json.dumps(e.record()) for _, e in sorted(self.entries.items()))]
            _write_aside(self.path, ("\n".join(lines) + "\n").encode("utf-8"))
        return dropped


def _read_manifest(
    path: Path,
) -> tuple[dict[str, Any], list[PersonEntry], dict[int, BatchEntry]] | None:
    lines = path.read_text(encoding="utf-8").splitlines()
    try:
        header = json.loads(lines[0])
        if header.get("format") != MANIFEST_FORMAT:
            return None
        people = [_entry_of(record) for record in header["people"]]
    except (IndexError, KeyError, TypeError, ValueError):
        return None
    entries: dict[int, BatchEntry] = {}
    for line in lines[1:]:
        try:
            record = json.loads(line)
            entry = BatchEntry(
                record["batch"],
                record["id"],
                record["read"],
                record["coded"],
                record["events"],
                tuple(record["files"]),
            )
        except (KeyError, TypeError, ValueError):
            continue  # the last line of a run killed while writing it
        entries[entry.ordinal] = entry
    return dict(header["run"]), people, entries


def _entry_record(entry: PersonEntry) -> dict[str, Any]:
    record = dataclasses.asdict(entry)
    for name, value in record.items():
        if isinstance(value, dt.date):
            record[name] = value.isoformat()
    return record


def _entry_of(record: dict[str, Any]) -> PersonEntry:
    values = dict(record)
    for name in ("first_seen", "last_seen", "valid_from", "valid_to"):
        if values[name] is not None:
            values[name] = dt.date.fromisoformat(values[name])
    values["aliases"] = tuple(values["aliases"])
    return PersonEntry(**values)


# -- a whole run -------------------------------------------------------------------------


@dataclass
class ClusterSummary(RunSummary):
    """What a distributed run did: the plain run's counts, and its batches."""

    batches: int = 0
    resumed: int = 0  # batches finished by an earlier start of the run
    workers: int = 0


@dataclass(frozen=True, slots=True)
class _Planned:
    """A batch as read: what is to be coded, and what was counted on the way."""

    batch: Batch
    read: int
    already_stored: int
    rejected: tuple[Rejected, ...]
    finished: BatchEntry | None  # by an earlier start of the run


def code_on_cluster(
    inputs: Iterable[str],
    client: Client,
    destination: Destination,
    config: PipelineConfig | None = None,
    people: Callable[[], list[PersonEntry]] = list,
    on_progress: Callable[[ClusterSummary], None] | None = None,
    on_skip: Callable[[Rejected], None] | None = None,
    stdin: TextIO | None = None,
    on_note: Callable[[str], None] | None = None,
) -> ClusterSummary:
    """Code ``inputs`` on the cluster of ``client`` into ``destination``, as ``pipeline.run``
    codes them into a store. ``people``: those the registry knows beyond the built-in
    leaders (the store's), asked for only when the run starts afresh."""
    config = config or PipelineConfig()
    inputs = list(inputs)
    manifest = Manifest.open(
        destination.manifest_path,
        RunKey.of(inputs, config),
        people,
        strict=destination.keeps_manifest,
    )
    coder_plugin = CoderPlugin(config)
    client.register_plugin(coder_plugin)  # the workers start loading the coder
    run_plugin = RunPlugin(uuid.uuid4().hex[:12], manifest.people)
    client.register_plugin(run_plugin)
    summary = ClusterSummary(workers=len(client.scheduler_info()["workers"]))
    try:
        _drive(
            _plan(inputs, config, destination, manifest, stdin),
            client,
            destination,
            manifest,
            (coder_plugin.name, run_plugin.name),
            summary,
            _Hooks(on_progress, on_skip, on_note),
        )
    finally:
        client.unregister_worker_plugin(run_plugin.name)
    for entry in manifest.forget_beyond(summary.batches):
        destination.drop(entry.files)
    if not destination.keeps_manifest:
        manifest.path.unlink(missing_ok=True)
    return summary


def _plan(
    inputs: Sequence[str],
    config: PipelineConfig,
    destination: Destination,
    manifest: Manifest,
    stdin: TextIO | None,
) -> Iterator[_Planned]:
    """The run's batches, as the plain run forms them."""
    # Articles put in an earlier batch: the plain run finds them stored by then. (One that
    # code_batch rejected, too long say, the plain run codes and rejects again; here it is
    # counted as already stored. No event differs.)
    earlier: set[str] = set()
    articles = read_inputs(inputs, stdin=stdin, limits=config.read)
    for ordinal, items in enumerate(batches(articles, config.articles_per_batch)):
        fresh: list[Article] = []
        fresh_ids: set[str] = set()
        rejected: list[Rejected] = []
        already = 0
        for item in items:
            if isinstance(item, Rejected):
                rejected.append(item)
            elif item.id in fresh_ids or item.id in earlier or destination.is_stored(item.id):
                already += 1
            else:
                fresh.append(item)
                fresh_ids.add(item.id)
        earlier |= fresh_ids
        batch = Batch(ordinal, _batch_id(items), tuple(fresh))
        read = len(items) - len(rejected)
        yield _Planned(batch, read, already, tuple(rejected), manifest.finished(batch))


def _batch_id(items: Sequence[Article | Rejected]) -> str:
    digest = hashlib.sha256()
    for item in items:
        digest.update(repr(item).encode("utf-8"))
        digest.update(b"\x1e")
    return digest.hexdigest()[:16]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class _Hooks:
    """What the caller of a run hears as it goes."""

    on_progress: Callable[[ClusterSummary], None] | None
    on_skip: Callable[[Rejected], None] | None
    on_note: Callable[[str], None] | None

    def skip(self, summary: ClusterSummary, rejected: Rejected) -> None:
        summary.skipped.append(rejected)
        if self.on_skip:
            self.on_skip(rejected)


def _drive(
    planned: Iterator[_Planned],
    client: Client,
    destination: Destination,
    manifest: Manifest,
    plugins: tuple[str, str],
    summary: ClusterSummary,
    hooks: _Hooks,
) -> None:
    """Submit the batches, a few per worker at a time, and take them back in input order."""
    window = TASKS_PER_WORKER * max(1, summary.workers)
    waiting: deque[_Planned] = deque()  # in input order, until their turn
    running = as_completed()
    pending: set[Future[BatchResult]] = set()  # Dask keeps a result while it is held
    done: dict[int, BatchResult] = {}

    def take(future: Future[BatchResult]) -> None:
        pending.discard(future)
        try:
            result = future.result()
        except Exception as error:
            # Dask gave the batch to other workers if its worker died; what is left is a
            # batch that killed every worker it went to, or a bug.
            raise ClusterError(f"batch {future.key} failed on the cluster: {error!r}") from None
        done[result.ordinal] = result

    def put_ready() -> None:
        while waiting and _ready(waiting[0], done):
            _put(waiting.popleft(), done, destination, manifest, summary, hooks)
            if hooks.on_progress:
                hooks.on_progress(summary)

    try:
        for item in planned:
            waiting.append(item)
            if not _ready(item, done):
                future: Future[BatchResult] = client.submit(
                    code_part,
                    item.batch,
                    *plugins,
                    destination.parquet,
                    key=f"{plugins[1]}-{item.batch.ordinal}",
                )
                pending.add(future)
                running.add(future)
            put_ready()
            while running.count() >= window:
                take(next(running))
                put_ready()
        for finished in running:
            take(finished)
            put_ready()
    finally:
        client.cancel(list(pending))


def _ready(item: _Planned, done: dict[int, BatchResult]) -> bool:
    """Whether a batch can be put: finished before, with nothing to code, or coded."""
    return item.finished is not None or not item.batch.articles or item.batch.ordinal in done


def _put(
    item: _Planned,
    done: dict[int, BatchResult],
    destination: Destination,
    manifest: Manifest,
    summary: ClusterSummary,
    hooks: _Hooks,
) -> None:
    """Count a batch as the plain run counts it, keep its coding, and note it finished."""
    summary.batches += 1
    summary.read += item.read
    summary.already_stored += item.already_stored
    for rejected in item.rejected:
        hooks.skip(summary, rejected)
    if item.finished is not None:
        summary.resumed += 1
        return
    batch = item.batch
    result = done.pop(batch.ordinal, None) or BatchResult(batch.ordinal, batch.id, 0, 0)
    for rejected in result.rejected:
        hooks.skip(summary, rejected)
    # A batch of the same place that was read differently before: its files go.
    before = manifest.entries.get(batch.ordinal)
    files = destination.put(result, before.files if before else ())
    summary.coded += result.coded
    summary.events += result.events
    for note in result.notes:
        if hooks.on_note:
            hooks.on_note(note)
    entry = BatchEntry(batch.ordinal, batch.id, item.read, result.coded, result.events)
    manifest.add(dataclasses.replace(entry, files=tuple(files)))
