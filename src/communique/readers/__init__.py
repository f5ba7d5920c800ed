"""Read articles from files, folders and stdin; each format has its own module.

``read_inputs`` only decides which reader a path goes to. Every reader is a generator that
yields ``Article`` or ``Rejected`` and never raises on bad input, so one bad file or line
cannot stop a run. Each takes the ``ReadLimits`` it must keep to (``limits.py``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from communique.limits import DEFAULT_READ_LIMITS, ReadLimits
from communique.readers.html import read_html_file
from communique.readers.jsonl import read_jsonl_file, read_jsonl_stream
from communique.readers.text import read_text_file
from communique.readers.warc import read_warc_file
from communique.records import Article, Rejected

__all__ = ["READERS", "read_inputs", "reader_for"]

Reader = Callable[[Path, str, ReadLimits], Iterator[Article | Rejected]]

# By suffix; "x.jsonl.gz" is read by the reader of ".jsonl", through gzip.
READERS: dict[str, Reader] = {
    ".txt": read_text_file,
    ".jsonl": read_jsonl_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".warc": read_warc_file,
}
STDIN = "-"
STDIN_ORIGIN = "<stdin>"


def read_inputs(
    inputs: Iterable[str],
    stdin: TextIO | None = None,
    limits: ReadLimits = DEFAULT_READ_LIMITS,
) -> Iterator[Article | Rejected]:
    """Yield every article (or rejection) from files, folders (recursively) and ``-`` (stdin)."""
    for name in inputs:
        if name == STDIN:
            stream = sys.stdin if stdin is None else stdin
            yield from read_jsonl_stream(stream, STDIN_ORIGIN, limits)
        elif Path(name).is_dir():
            yield from _read_folder(Path(name), limits)
        else:
            yield from _read_file(Path(name), shown_path(name), limits)


def reader_for(path: Path) -> Reader | None:
    """The reader for a file name, or None when its suffix is not one we read."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return READERS.get(suffixes[-1]) if suffixes else None


def shown_path(name: str) -> str:
    """A path as reports and the store show it. Python holds the bytes of a name that is not
    UTF-8 as lone surrogates, which no store takes: they are written out, "caf\\xe9.txt"."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _read_file(path: Path, origin: str, limits: ReadLimits) -> Iterator[Article | Rejected]:
    reader = reader_for(path)
    if not path.exists() and not path.is_symlink():
        yield Rejected(origin, "no such file or directory")
    elif reader is None:
        yield Rejected(origin, f"unsupported file type {''.join(path.suffixes) or '(none)'!r}")
    else:
        yield from reader(path, origin, limits)


def _read_folder(folder: Path, limits: ReadLimits) -> Iterator[Article | Rejected]:
    """Files in sorted order, depth first; files we do not read are passed over silently."""
    try:
        entries = sorted(folder.iterdir())
    except OSError as err:
        yield Rejected(shown_path(str(folder)), f"unreadable folder ({err.strerror or err})")
        return
    for entry in entries:
        # Not following symlinked folders avoids walking in circles.
        if entry.is_dir() and not entry.is_symlink():
            yield from _read_folder(entry, limits)
            continue
        reader = reader_for(entry)
        if reader is not None and entry.is_file():
            yield from reader(entry, shown_path(str(entry)), limits)
