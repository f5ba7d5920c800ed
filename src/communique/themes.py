"""What an event or an article is about: themes from a taxonomy kept as data.

``data/themes.yml`` lists each theme with the words and phrases that show it; this module
only reads, validates and matches them. A sentence has the themes whose words it contains (as
whole words, or their plurals); an article has those of its whole text, the most mentioned
first.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from types import MappingProxyType

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from communique.errors import DataFileError

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_THEME_ID = re.compile(r"[a-z][a-z_]*")
_THEME_KEYS = frozenset({"label", "description", "words"})


@dataclass(frozen=True, slots=True)
class Theme:
    id: str  # "trade", "human_rights"
    label: str
    description: str


@dataclass(frozen=True, slots=True)
class ThemeTaxonomy:
    """The themes, and every word form that shows one, indexed by its words."""

    themes: tuple[Theme, ...]
    phrases: Mapping[tuple[str, ...], tuple[str, ...]]  # words → theme ids
    max_words: int
    version: str

    def counts(self, text: str) -> Counter[str]:
        """How often each theme's words occur in the text."""
        words = _WORD.findall(text.lower())
        found: Counter[str] = Counter()
        for i in range(len(words)):
            for n in range(1, min(self.max_words, len(words) - i) + 1):
                themes = self.phrases.get(tuple(words[i : i + n]))
                if themes:
                    found.update(themes)
        return found

    def of(self, text: str) -> tuple[str, ...]:
        """The themes of a sentence, in the taxonomy's order."""
        found = self.counts(text)
        return tuple(theme.id for theme in self.themes if theme.id in found)

    def ranked(self, texts: Iterable[str]) -> tuple[str, ...]:
        """The themes of several texts (an article's passages), the most mentioned first."""
        total: Counter[str] = Counter()
        for text in texts:
            total.update(self.counts(text))
        order = {theme.id: i for i, theme in enumerate(self.themes)}
        return tuple(sorted(total, key=lambda t: (-total[t], order[t])))


@cache
def default_themes() -> ThemeTaxonomy:
    """The taxonomy that ships with communique, loaded once per process."""
    return load_themes(resources.files("communique") / "data" / "themes.yml")


def load_themes(source: Path | Traversable) -> ThemeTaxonomy:
    """Read and validate a theme file; a problem is a ``DataFileError`` naming its line."""
    path = str(source)
    try:
        root = yaml.compose(source.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(path, f"cannot be read: {error}") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise DataFileError(
            path, f"is not valid YAML: {error.problem}", mark.line + 1 if mark else None
        ) from None
    if root is None:
        raise DataFileError(path, "is empty")
    top = _mapping(path, root, "the file")
    if set(top) != {"version", "themes"}:
        raise DataFileError(path, "needs exactly the keys 'version' and 'themes'", _line(root))
    version = top["version"][1]
    if not (isinstance(version, ScalarNode) and version.value.isdigit()):
        raise DataFileError(path, "version should be a positive integer", _line(version))
    themes: list[Theme] = []
    phrases: dict[tuple[str, ...], list[str]] = {}
    for theme_id, (key, node) in _mapping(path, top["themes"][1], "themes").items():
        if not _THEME_ID.fullmatch(theme_id):
            raise DataFileError(path, f"theme {theme_id!r}: ids are lower-case words", _line(key))
        fields = _mapping(path, node, f"theme {theme_id!r}")
        if set(fields) != _THEME_KEYS:
            missing = ", ".join(sorted(_THEME_KEYS - set(fields))) or "none"
            unknown = ", ".join(sorted(set(fields) - _THEME_KEYS)) or "none"
            raise DataFileError(
                path,
                f"theme {theme_id!r} needs label, description and words "
                f"(missing: {missing}; unknown: {unknown})",
                _line(key),
            )
        label = _text(path, fields["label"][1], f"theme {theme_id!r} label")
        description = _text(path, fields["description"][1], f"theme {theme_id!r} description")
        words = fields["words"][1]
        if not isinstance(words, SequenceNode) or not words.value:
            raise DataFileError(path, f"theme {theme_id!r} words should be a list", _line(words))
        for item in words.value:
            phrase = _text(path, item, f"theme {theme_id!r} word")
            tokens = tuple(_WORD.findall(phrase.lower()))
            if " ".join(tokens) != phrase:
                raise DataFileError(
                    path, f"theme {theme_id!r}: {phrase!r} should be lower-case words", _line(item)
                )
            for form in _plurals(tokens):
                ids = phrases.setdefault(form, [])
                if theme_id not in ids:
                    ids.append(theme_id)
        themes.append(Theme(theme_id, label, description))
    return ThemeTaxonomy(
        themes=tuple(themes),
        phrases=MappingProxyType({k: tuple(v) for k, v in phrases.items()}),
        max_words=max((len(k) for k in phrases), default=1),
        version=f"themes-{version.value}",
    )


def _plurals(words: tuple[str, ...]) -> set[tuple[str, ...]]:
    head, last = words[:-1], words[-1]
    forms = {last, last + "s", last + "es"}
    if last.endswith("y"):
        forms.add(last[:-1] + "ies")
    return {(*head, form) for form in forms}


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _mapping(path: str, node: Node, what: str) -> dict[str, tuple[ScalarNode, Node]]:
    if not isinstance(node, MappingNode):
        raise DataFileError(path, f"{what} should be a mapping", _line(node))
    found: dict[str, tuple[ScalarNode, Node]] = {}
    for key, value in node.value:
        if not isinstance(key, ScalarNode):
            raise DataFileError(path, f"{what} has a key that is not text", _line(key))
        if key.value in found:
            raise DataFileError(path, f"{what} has {key.value!r} twice", _line(key))
        found[key.value] = (key, value)
    return found


def _text(path: str, node: Node, what: str) -> str:
    if not (isinstance(node, ScalarNode) and isinstance(node.value, str) and node.value.strip()):
        raise DataFileError(path, f"{what} should be text", _line(node))
    return str(node.value)
