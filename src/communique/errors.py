"""Every error communique raises, in one place. Library code raises; only the CLI prints."""

from __future__ import annotations


class CommuniqueError(Exception):
    """Base class of every error raised by communique."""


class InputError(CommuniqueError):
    """An input file or record cannot be read as an article."""

    def __init__(self, origin: str, problem: str) -> None:
        super().__init__(f"{origin}: {problem}")
        self.origin = origin
        self.problem = problem


class DataFileError(CommuniqueError):
    """A dictionary or ontology data file is malformed."""

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


class ModelError(CommuniqueError):
    """The spaCy language model is missing or cannot be loaded."""


class StoreError(CommuniqueError):
    """The event store cannot be opened or written."""


class QueryError(CommuniqueError):
    """A question asked of the store is malformed: an unknown QuadClass, dates out of order."""


class ClusterError(CommuniqueError):
    """A distributed run cannot reach its Dask cluster, or cannot go on with it."""
