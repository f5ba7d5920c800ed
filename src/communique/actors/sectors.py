"""Sector vocabulary: titles and role nouns → CAMEO actor sectors (``data/sectors.yml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from communique.errors import DataFileError


@dataclass(frozen=True, slots=True)
class SectorVocabulary:
    """Which words name which sector. Keys are lower case."""

    sectors: dict[str, str]  # code → description
    titles: dict[str, str]  # "prime minister" → "GOV"
    nouns: dict[str, str]  # "troops" → "MIL"
    version: str

    @property
    def max_title_words(self) -> int:
        return max((len(t.split()) for t in self.titles), default=1)

    def noun_sector(self, phrase: str) -> str | None:
        """Sector of a role noun or title used as a noun ("government", "president")."""
        key = phrase.lower()
        return self.nouns.get(key) or self.titles.get(key)


def _mapping(path: Path, data: Any, key: str, sectors: dict[str, str] | None) -> dict[str, str]:
    """A word → code mapping; words are lower-cased unless it is the sector list itself."""
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise DataFileError(str(path), f"'{key}' must be a non-empty mapping")
    result = {}
    for word, code in value.items():
        if not isinstance(word, str) or not isinstance(code, str) or not word.strip():
            raise DataFileError(str(path), f"'{key}': {word!r} → {code!r} must map text to text")
        if sectors is not None and code not in sectors:
            raise DataFileError(str(path), f"'{key}': {word!r} has unknown sector {code!r}")
        result[word.strip() if sectors is None else word.strip().lower()] = code
    return result


def load_sectors(path: Path | None = None) -> SectorVocabulary:
    """Load and validate the sector vocabulary."""
    file = path or Path(str(resources.files("communique") / "data" / "sectors.yml"))
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DataFileError(str(file), f"cannot read: {error}") from None
    if not isinstance(data, dict):
        raise DataFileError(str(file), "expected a mapping at the top level")
    sectors = _mapping(file, data, "sectors", None)
    for code in sectors:
        if len(code) != 3 or not code.isupper():
            raise DataFileError(str(file), f"sector code {code!r} is not three capital letters")
    titles = _mapping(file, data, "titles", sectors)
    nouns = _mapping(file, data, "nouns", sectors)
    return SectorVocabulary(sectors, titles, nouns, version=f"sectors-{data.get('version', 0)}")


@cache
def default_sectors() -> SectorVocabulary:
    return load_sectors()
