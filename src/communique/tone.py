"""How positive or negative a text reads: VADER's lexicon and rules, offline.

vaderSentiment (MIT; Hutto and Gilbert, 2014) ships its lexicon inside the package and reads
it from there, so nothing is downloaded. Its compound score runs from -1 (most negative) to
+1 (most positive). VADER is made for sentences: an event takes the tone of its sentence, an
article the mean tone of its passages (paragraphs), so that a long text does not saturate.
This is the tone of the wording, not a judgement of the event: "killed" reads negative
whoever did it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import version

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


@dataclass(frozen=True)
class ToneScorer:
    """VADER, loaded once; its lexicon's version is recorded with each run."""

    analyzer: SentimentIntensityAnalyzer = field(repr=False)
    version: str

    def score(self, text: str) -> float:
        """-1 (negative) to +1 (positive), rounded to 3 decimals."""
        return round(float(self.analyzer.polarity_scores(text)["compound"]), 3)

    def mean(self, texts: Iterable[str]) -> float | None:
        """The mean tone of several texts (an article's passages); None for none."""
        scores = [self.score(text) for text in texts if text.strip()]
        return round(sum(scores) / len(scores), 3) if scores else None


@cache
def default_tone() -> ToneScorer:
    return ToneScorer(SentimentIntensityAnalyzer(), f"vader-{version('vaderSentiment')}")
