"""Copies of a store for `communique serve`, so that it never holds the file that
`communique code` writes to, and never answers from half a batch.

DuckDB lets one process write a file or many read it, never both (store/duckdb.py, "Readers
during writes"). A server that kept the file open would stop every run of `communique code`;
so it answers from a copy of its own:

1. Open the store read-only, waiting while a writer holds it: DuckDB's lock then keeps every
   writer out, and the file holds only whole articles (a writer checkpoints before it lets
   go).
2. Copy the file (and its write-ahead log, left by a writer that was stopped), and let go.
3. Add to the copy what makes questions quick (``queries.prepare``: a word index, an event
   index, and the events' rows in an Arrow file beside it, about 10 s and 500 MB of disk
   for a million events), then open it read-only, with the event index's columns in memory
   as arrays (``store/memory.py``, some 60 MB a million events): that is the snapshot the
   requests are answered from.
4. Every few seconds (``refresh``), look at the store file: when it changed, take a new
   snapshot the same way, in the background, and swap it in for the requests that come
   after. Requests under way finish on the old one, which is closed and deleted after them.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from communique.errors import StoreError
from communique.store.duckdb import LOCK_WAIT_SECONDS, EventStore
from communique.store.memory import ROW_FILES, rows_path
from communique.store.queries import StoreQueries, prepare


class _Snapshot:
    """One copy, with the requests answering from it."""

    def __init__(self, store: EventStore, signature: tuple[int, ...], threads: int | None) -> None:
        self.store = store
        self.queries = StoreQueries(store, threads)
        self.signature = signature
        self.users = 0
        self.retired = False
        self.closed = False

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.queries.close()
        self.store.close()
        self.store.path.unlink(missing_ok=True)
        for kind in ROW_FILES:
            rows_path(self.store.path, kind).unlink(missing_ok=True)


class StoreSnapshots:
    """The latest snapshot of the store at ``path``, taken again when the file changes;
    ``threads``: DuckDB's threads for one question (``StoreQueries``)."""

    def __init__(
        self, path: str | Path, wait: float = LOCK_WAIT_SECONDS, threads: int | None = None
    ) -> None:
        self.path = Path(path)
        self.wait = wait
        self.threads = threads
        if not self.path.exists():
            raise StoreError(f"{self.path}: no such store (run `communique code` first)")
        self._folder = Path(tempfile.mkdtemp(prefix="communique-serve-"))
        self._taken = 0
        self._lock = threading.Lock()
        try:
            self._current = self._take()
        except BaseException:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise

    @property
    def store(self) -> EventStore:
        """The store of the current snapshot."""
        return self._current.store

    @contextmanager
    def lease(self) -> Iterator[StoreQueries]:
        """The current snapshot's questions, kept open until the caller is done."""
        with self._lock:
            snapshot = self._current
            snapshot.users += 1
        try:
            yield snapshot.queries
        finally:
            with self._lock:
                snapshot.users -= 1
                done = snapshot.retired and snapshot.users == 0
            if done:
                snapshot.close()

    def refresh(self) -> bool:
        """Take a new snapshot if the store changed since the last; True if it did. Not
        safe to call from two threads at once (the server calls it from one task)."""
        if self._signature() == self._current.signature:
            return False
        fresh = self._take()
        with self._lock:
            old, self._current = self._current, fresh
            old.retired = True
            done = old.users == 0
        if done:
            old.close()
        return True

    def close(self) -> None:
        """Close the snapshot served (after the requests under way) and delete its files;
        closing again does nothing."""
        with self._lock:
            self._current.retired = True
            done = self._current.users == 0
        if done:
            self._current.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    def _signature(self) -> tuple[int, ...]:
        """What changes when a writer writes: the file's and its log's size and time."""
        parts: list[int] = []
        for path in (self.path, _wal(self.path)):
            try:
                found = path.stat()
            except FileNotFoundError:
                parts += [0, 0, 0]
                continue
            parts += [found.st_ino, found.st_size, found.st_mtime_ns]
        return tuple(parts)

    def _take(self) -> _Snapshot:
        self._taken += 1
        copy = self._folder / f"snapshot-{self._taken}.duckdb"
        # Held read-only, the file cannot change while it is copied. (Closing the copy's
        # handle on the file drops this process's lock early, POSIX locks being per
        # process; the copy is whole by then.)
        with EventStore(self.path, read_only=True, wait=self.wait) as source:
            signature = self._signature()
            shutil.copyfile(source.path, copy)
            if _wal(source.path).exists():
                shutil.copyfile(_wal(source.path), _wal(copy))
        try:
            with EventStore(copy) as writable:
                prepare(writable)
        except OSError as error:  # no room for the copy's files, most likely
            for path in (copy, *(rows_path(copy, kind) for kind in ROW_FILES)):
                path.unlink(missing_ok=True)
            raise StoreError(f"{copy}: cannot prepare a snapshot of {self.path}: {error}") from None
        return _Snapshot(EventStore(copy, read_only=True), signature, self.threads)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")
