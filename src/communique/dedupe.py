"""Copies of one article: exact duplicates by content hash, near-duplicates (wire copies,
light edits, syndicated versions) by MinHash LSH over word shingles of the cleaned text.

The text compared is what cleaning kept (captions, credits and editor lines dropped), its words
lowercased: two articles are exact duplicates when those words are the same, whatever their
spacing, punctuation or boilerplate. Near-duplicates share most of their word shingles (runs of
``shingle_words`` words): their estimated Jaccard similarity is at least ``threshold``.

The index is a table of band keys, not an object in memory: each signature is cut into ``b``
bands of ``r`` values (datasketch's choice for the threshold), and each band hashed to one
64-bit key. Articles that share a key are candidates, checked on their whole signatures. The
store keeps the keys indexed, so that finding the candidates of a new article costs the same
however many articles it holds, and nothing is rebuilt when it opens.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from communique.records import CleanArticle

_WORD = re.compile(r"\w+")
_SCHEME = "affine32"  # datasketch's permutation scheme; signatures of other schemes differ


@dataclass(frozen=True, slots=True)
class DedupeConfig:
    """How copies are found. Changing a value makes stored signatures incomparable: the store
    records the version and fingerprints its articles again when it changes."""

    shingle_words: int = 3
    num_perm: int = 128
    threshold: float = 0.5  # estimated Jaccard similarity of shingles

    @property
    def version(self) -> str:
        return f"minhash-{_SCHEME}-{self.num_perm}-w{self.shingle_words}-t{self.threshold}"


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a stored article is compared by."""

    content_hash: str  # of its cleaned words
    signature: bytes  # the MinHash values, uint32
    bands: tuple[int, ...]  # the LSH band keys, signed 64-bit

    @property
    def keys(self) -> tuple[int, ...]:
        """What the store indexes the article by: its band keys, and a key of its content
        hash, so that one lookup finds exact and near duplicates alike."""
        return (*self.bands, _key(b"content" + self.content_hash.encode("ascii")))


@dataclass(frozen=True, slots=True)
class Copy:
    """A stored article that a new one copies."""

    article_id: str
    exact: bool
    similarity: float  # estimated Jaccard similarity of their shingles, 1.0 when exact


def cleaned_text(article: CleanArticle) -> str:
    """The text copies are compared on: the passages cleaning kept."""
    return "\n\n".join(passage.text for passage in article.passages)


def fingerprint(text: str, config: DedupeConfig) -> Fingerprint | None:
    """The fingerprint of a text; None for one without words."""
    words = [word.casefold() for word in _WORD.findall(text)]
    if not words:
        return None
    content_hash = hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()
    size = min(config.shingle_words, len(words))
    shingles = {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
    minhash = MinHash(num_perm=config.num_perm, scheme=_SCHEME)
    minhash.update_batch([shingle.encode("utf-8") for shingle in shingles])
    values = np.asarray(minhash.hashvalues, dtype=np.uint32)
    return Fingerprint(content_hash, values.tobytes(), band_keys(values, config))


def band_keys(values: np.ndarray, config: DedupeConfig) -> tuple[int, ...]:
    """One key per LSH band: the band's number and values, hashed to a signed 64-bit int."""
    return tuple(
        _key(band.to_bytes(2, "big") + values[start:end].tobytes())
        for band, (start, end) in enumerate(_bands(config.threshold, config.num_perm))
    )


def _key(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True)


@cache
def _bands(threshold: float, num_perm: int) -> tuple[tuple[int, int], ...]:
    """datasketch's bands for the threshold: the (b, r) that weighs false positives and
    false negatives equally."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return tuple((i * lsh.r, (i + 1) * lsh.r) for i in range(lsh.b))


def similarity(signature: bytes, other: bytes) -> float:
    """The estimated Jaccard similarity of two signatures' shingle sets (datasketch's)."""
    mine = MinHash(hashvalues=np.frombuffer(signature, dtype=np.uint32), scheme=_SCHEME)
    theirs = MinHash(hashvalues=np.frombuffer(other, dtype=np.uint32), scheme=_SCHEME)
    return float(mine.jaccard(theirs))


def best_copy(
    fingerprint: Fingerprint,
    candidates: Iterable[tuple[str, str, bytes]],
    config: DedupeConfig,
) -> Copy | None:
    """The stored article that ``fingerprint``'s article copies, among ``candidates``
    (article id, content hash, signature): an exact duplicate first, else the most similar
    near-duplicate at or above the threshold; ties go to the first candidate."""
    best: Copy | None = None
    for article_id, content_hash, signature in candidates:
        if content_hash == fingerprint.content_hash:
            return Copy(article_id, True, 1.0)
        score = similarity(fingerprint.signature, signature)
        if score >= config.threshold and (best is None or score > best.similarity):
            best = Copy(article_id, False, round(score, 3))
    return best
