"""Who said what: direct and reported speech, with its speaker resolved like any actor.

A quote hangs on a verb of saying (the ``speech_verbs`` of ``data/verbs.yml``: "say", "note",
"stress", ...) in a parsed sentence:

- reported: "Li said China is willing to ..." (the verb's clause), "China stands ready to
  ..., Li said" (the clause the verb is set beside), "Noting that China attaches ..., Li said"
  and "..., Boluarte said, adding that ..." (a second verb of saying, with the first one's
  speaker);
- direct: the words inside quotation marks, with the verb outside them
  ('"We will not give up," he said.'); a quotation left open runs to the sentence's end.

The speaker is the verb's subject, resolved by the article's ``ArticleActors``. A pronoun
("he said", "they added") is the subject of the sentence before when that is of its kind
(person or group): "Li met Boluarte. He said ..." is Li. Else it is the latest speaker of its
kind, else what the actor resolver makes of it. A sentence whose verb of saying is negated
("did not say") holds no quote.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from communique.actors.resolve import ArticleActors
from communique.coding.patterns import Patterns, inflections
from communique.records import Mention, Quote, Sentence

# Past forms that the regular rules miss ("sayed"); verbs.yml lists only those of triggers.
_IRREGULAR = {"say": ("said",), "tell": ("told",)}
_PERSON_PRONOUNS = frozenset({"he", "she"})
_GROUP_PRONOUNS = frozenset({"they", "it", "we"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
# A verb of saying without its own subject takes its governor's: "Noting that ..., Li said",
# "Boluarte said, adding that ...".
_SHARES_SUBJECT = frozenset({"advcl", "xcomp", "conj", "dep"})
_QUOTATION = re.compile(r"[\"“”]")
_CLOSING = frozenset({"”"})
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class SpeechVerbs:
    """The verbs of saying and every form of them, for a cheap test before parsing."""

    lemmas: frozenset[str]
    forms: frozenset[str]

    @classmethod
    def of(cls, patterns: Patterns) -> SpeechVerbs:
        forms: set[str] = set()
        for lemma in patterns.speech_verbs:
            forms |= inflections(lemma) | set(_IRREGULAR.get(lemma, ()))
        return cls(patterns.speech_verbs, frozenset(forms))

    def may_hold_quote(self, text: str) -> bool:
        """Whether a passage has a verb of saying at all: only then is it worth parsing."""
        return not self.forms.isdisjoint(_WORD.findall(text.lower()))


class QuoteFinder:
    """The quotes of one article, sentence by sentence in reading order."""

    def __init__(self, speech: SpeechVerbs, actors: ArticleActors, article_id: str) -> None:
        self._speech = speech
        self._actors = actors
        self._article_id = article_id
        self._last_person: Mention | None = None  # the latest speakers, by kind
        self._last_group: Mention | None = None
        self._previous_subject: Mention | None = None  # of the sentence before

    def find(
        self, sentence: Span, record: Sentence, offset: int, named: Sequence[Mention] = ()
    ) -> list[Quote]:
        """The quotes of a parsed sentence; ``offset`` is where its doc starts in the article,
        ``named`` the actors the sentence was found to name (``ArticleActors.scan``)."""
        quotes = []
        if self._speech.may_hold_quote(record.text):
            quotes = self._quotes(sentence, record, offset)
        self._previous_subject = _subject_of(sentence, offset, named)
        return quotes

    def _quotes(self, sentence: Span, record: Sentence, offset: int) -> list[Quote]:
        marks = _quotations(sentence)
        quotes = []
        for verb in sentence:
            if verb.lemma_.lower() not in self._speech.lemmas or verb.pos_ not in ("VERB", "AUX"):
                continue
            if any(child.dep_ == "neg" for child in verb.children):
                continue
            said = _said(verb, sentence, marks)
            if said is None:
                continue
            (start, end), direct = said
            speaker = self._speaker(verb)
            quotes.append(
                Quote(
                    id=_quote_id(self._article_id, record.index, offset + verb.idx),
                    article_id=self._article_id,
                    sentence=record,
                    speaker=speaker,
                    verb=verb.text,
                    verb_span=(offset + verb.idx, offset + verb.idx + len(verb.text)),
                    text=sentence.doc.text[start:end],
                    span=(offset + start, offset + end),
                    direct=direct,
                )
            )
        return quotes

    def _speaker(self, verb: Token) -> Mention | None:
        subject = _subject(verb)
        if subject is None:
            return None
        remembered = self._antecedent(subject.lower_)
        speaker: Mention | None
        if remembered is not None:
            start = self._actors.offset + subject.idx
            speaker = Mention(remembered.actor, subject.text, (start, start + len(subject.text)))
        else:
            found = self._actors.resolve(subject)
            speaker = found[0] if found else None
        if speaker is not None:
            if speaker.actor.kind == "person":
                self._last_person = speaker
            else:
                self._last_group = speaker
        return speaker

    def _antecedent(self, pronoun: str) -> Mention | None:
        if pronoun in _PERSON_PRONOUNS:
            latest, person = self._last_person, True
        elif pronoun in _GROUP_PRONOUNS:
            latest, person = self._last_group, False
        else:
            return None
        previous = self._previous_subject
        if previous is not None and (previous.actor.kind == "person") == person:
            return previous
        return latest


def _subject_of(sentence: Span, offset: int, named: Sequence[Mention]) -> Mention | None:
    """The actor named as the subject of the sentence's main verb, if any."""
    subject = next((c for c in sentence.root.children if c.dep_ in _SUBJECTS), None)
    if subject is None:
        return None
    at = offset + subject.idx
    return next((m for m in named if m.span[0] <= at < m.span[1]), None)


def _subject(verb: Token) -> Token | None:
    """The speaker's word: the verb's subject, or its governor's when it has none."""
    for _ in range(3):
        subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
        if subject is not None:
            return subject
        if verb.dep_ not in _SHARES_SUBJECT or verb.head is verb:
            return None
        verb = verb.head
    return None


Segment = tuple[int, int]  # character offsets in the doc


def _said(verb: Token, sentence: Span, marks: list[Segment]) -> tuple[Segment, bool] | None:
    """What the verb reports, and whether inside quotation marks."""
    outside = [m for m in marks if not m[0] <= verb.idx < m[1]]
    clause = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    if clause is None and verb.dep_ in ("parataxis", "ccomp") and verb.head is not verb:
        clause = verb.head  # "China stands ready ..., Li said"
        skip = {t.i for t in verb.subtree}
    else:
        skip = set()
    if clause is not None:
        words = [
            t
            for t in clause.subtree
            if t.i not in skip and t.i != verb.i and sentence.start <= t.i < sentence.end
        ]
        words = _trim(words)
        if words:
            segment = (words[0].idx, words[-1].idx + len(words[-1].text))
            for mark in outside:
                if mark[0] < segment[1] and segment[0] < mark[1]:
                    return mark, True
            return segment, False
    # The verb has no clause of its own but the sentence quotes someone: '"...," he said.'
    if outside:
        return outside[0], True
    return None


def _trim(words: list[Token]) -> list[Token]:
    """Without the "that" that opens a reported clause and the punctuation at its ends."""
    while words and (words[0].is_punct or words[0].dep_ == "mark"):
        words = words[1:]
    while words and words[-1].is_punct:
        words = words[:-1]
    return words


def _quotations(sentence: Span) -> list[Segment]:
    """The spans inside quotation marks, without the marks; a quotation still open at the
    sentence's end runs to it, one closed without opening runs from its start."""
    text, base = sentence.text, sentence.start_char
    marks = [m.start() for m in _QUOTATION.finditer(text)]
    segments: list[Segment] = []
    i = 0
    if marks and text[marks[0]] in _CLOSING:
        segments.append((0, marks[0]))
        i = 1
    while i < len(marks):
        opening = marks[i]
        closing = marks[i + 1] if i + 1 < len(marks) else len(text)
        segments.append((opening + 1, closing))
        i += 2
    result = []
    for start, end in segments:
        words = text[start:end]
        stripped = words.strip().rstrip(",")
        if stripped:
            lead = len(words) - len(words.lstrip())
            result.append((base + start + lead, base + start + lead + len(stripped)))
    return result


def quote_of(span: tuple[int, int] | None, quotes: Sequence[Quote]) -> Quote | None:
    """The quote an event was told in: the one whose words or verb hold its trigger."""
    if span is None:
        return None
    for quote in quotes:
        if quote.span[0] <= span[0] and span[1] <= quote.span[1]:
            return quote
        if quote.verb_span[0] <= span[0] < quote.verb_span[1]:
            return quote
    return None


def _quote_id(article_id: str, sentence_index: int, verb_start: int) -> str:
    key = f"{article_id}|{sentence_index}|{verb_start}|quote"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
