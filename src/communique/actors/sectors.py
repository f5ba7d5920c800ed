"""Sector vocabulary: titles and role nouns → CAMEO actor sectors (``data/sectors.yml``).

The file's format is documented at its top. It is validated when loaded: every code is a
listed sector, and no word is listed twice (YAML itself would silently keep the last one).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode

from communique.errors import DataFileError


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a mapping holding the same key twice."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} is listed twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


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
        normalised = word.strip() if sectors is None else word.strip().lower()
        if normalised in result:
            raise DataFileError(str(path), f"'{key}': {word!r} is listed twice")
        result[normalised] = code
    return result


def load_sectors(path: Path | None = None) -> SectorVocabulary:
    """Load and validate the sector vocabulary."""
    file = path or Path(str(resources.files("communique") / "data" / "sectors.yml"))
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark is not None else None
        raise DataFileError(str(file), f"is not valid: {error.problem}", line) from None
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
