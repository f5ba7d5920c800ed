"""Copies of one article: content hash and MinHash LSH on hand-made texts, then the store's
groups of copies (built by hand: no spaCy)."""

from __future__ import annotations

import datetime as dt

import pytest

from communique.dedupe import DedupeConfig, best_copy, fingerprint, similarity
from communique.records import Article, CleanArticle, CodedArticle, Dateline, Passage
from communique.store.duckdb import EventStore

CONFIG = DedupeConfig()

# A wire story of our own making, about 150 words.
STORY = (
    "The foreign ministers of Chile and Argentina met in Santiago on Tuesday to discuss a "
    "shared plan for the lithium deposits that straddle their border in the high Andes. "
    "Officials from both governments said the talks covered export quotas, water rights for "
    "the communities near the salt flats, and a joint fund for roads and power lines. The "
    "Chilean minister told reporters that a draft agreement could be ready before the end of "
    "the year, while his Argentine counterpart said provincial governors would be consulted "
    "first. Mining companies welcomed the meeting but asked for clear rules on royalties. "
    "Environmental groups staged a small protest outside the ministry, calling for limits on "
    "the amount of brine that may be pumped from the basins each year. The two ministers are "
    "expected to meet again in Buenos Aires next month, when technical teams will present "
    "their first findings on the geology of the deposits."
)
# The same story as a syndicating outlet runs it: a new first sentence, a few words changed,
# the last sentence cut.
EDITED = (
    "Chile and Argentina held talks on lithium on Tuesday. "
    + STORY.replace("Officials from both governments", "Officials of the two governments")
    .replace("told reporters", "told journalists")
    .replace("staged a small protest", "held a small protest")
    .rsplit(" The two ministers", 1)[0]
)
UNRELATED = (
    "Heavy rain flooded the lower town of the river port overnight, and emergency crews "
    "moved hundreds of families to schools on higher ground. The weather service expects "
    "more storms on Thursday. Farmers said the harvest of rice in the valley was lost, and "
    "the regional government promised grants for seed and equipment once the water falls. "
    "Trains between the port and the capital were halted after a landslide blocked the line."
)


def test_a_text_without_words_has_no_fingerprint():
    assert fingerprint("  ... --- ", CONFIG) is None


def test_spacing_case_and_punctuation_do_not_change_the_content_hash():
    first = fingerprint("Chile and Argentina met.  Talks went well!", CONFIG)
    second = fingerprint("CHILE and argentina met -- talks went well", CONFIG)
    assert first is not None and second is not None
    assert first.content_hash == second.content_hash
    assert first.signature == second.signature


def test_an_exact_copy_is_found_by_its_content_hash():
    original, copy = fingerprint(STORY, CONFIG), fingerprint(STORY + "\n", CONFIG)
    assert original is not None and copy is not None
    found = best_copy(copy, [("orig", original.content_hash, original.signature)], CONFIG)
    assert found is not None
    assert (found.article_id, found.exact, found.similarity) == ("orig", True, 1.0)


def test_a_light_edit_is_a_near_duplicate_and_shares_an_lsh_band():
    original, edited = fingerprint(STORY, CONFIG), fingerprint(EDITED, CONFIG)
    assert original is not None and edited is not None
    assert original.content_hash != edited.content_hash
    assert set(original.bands) & set(edited.bands)
    found = best_copy(edited, [("orig", original.content_hash, original.signature)], CONFIG)
    assert found is not None and not found.exact
    assert CONFIG.threshold <= found.similarity < 1.0


def test_an_unrelated_article_is_no_copy():
    original, other = fingerprint(STORY, CONFIG), fingerprint(UNRELATED, CONFIG)
    assert original is not None and other is not None
    assert similarity(original.signature, other.signature) < 0.1
    assert not set(original.bands) & set(other.bands)
    assert best_copy(other, [("orig", original.content_hash, original.signature)], CONFIG) is None


def test_the_most_similar_candidate_wins_and_an_exact_one_first():
    original, edited = fingerprint(STORY, CONFIG), fingerprint(EDITED, CONFIG)
    assert original is not None and edited is not None
    candidates = [
        ("edited", edited.content_hash, edited.signature),
        ("orig", original.content_hash, original.signature),
    ]
    found = best_copy(original, candidates, CONFIG)
    assert found is not None and found.article_id == "orig" and found.exact


# -- groups of copies in the store -----------------------------------------------------


def article(
    article_id: str,
    text: str,
    published: dt.date | None,
    source: str | None = None,
    agency: str | None = None,
) -> CodedArticle:
    clean = CleanArticle(
        Article(article_id, text, published=published, source=source),
        (Passage(text, 0),),
        Dateline(None, published, agency, (0, 0)) if agency else None,
    )
    return CodedArticle(clean, (), (), ())


@pytest.fixture
def db(tmp_path):
    return tmp_path / "copies.duckdb"


def test_copies_form_one_group_and_unrelated_articles_none(db):
    with EventStore(db) as store:
        store.add(article("wire", STORY, dt.date(2024, 3, 5), "Wire"))
        store.add(article("same", STORY, dt.date(2024, 3, 5), "Paper"))
        store.add(article("edited", EDITED, dt.date(2024, 3, 6), "Daily"))
        store.add(article("flood", UNRELATED, dt.date(2024, 3, 5), "Wire"))
        (group,) = store.article_groups()
    by_id = {member.article_id: member for member in group}
    assert set(by_id) == {"wire", "same", "edited"}
    assert by_id["wire"].original and by_id["wire"].copy_of is None
    assert by_id["same"].exact and by_id["same"].copy_of == "wire"
    assert not by_id["edited"].exact and by_id["edited"].similarity >= CONFIG.threshold
    assert group[0].article_id == "wire"  # the original first


def test_the_first_published_copy_becomes_the_original_whenever_it_arrives(db):
    with EventStore(db) as store:
        store.add(article("reprint", EDITED, dt.date(2024, 3, 7)))
        store.add(article("first", STORY, dt.date(2024, 3, 5)))
        (group,) = store.article_groups()
    assert [(m.article_id, m.original) for m in group] == [("first", True), ("reprint", False)]


def test_copies_are_found_across_runs_from_the_stored_index(db):
    with EventStore(db) as store:
        store.add(article("wire", STORY, dt.date(2024, 3, 5)))
    with EventStore(db) as store:
        assert store.article_groups() == []
        store.add(article("edited", EDITED, dt.date(2024, 3, 6)))
        (group,) = store.article_groups()
    assert {m.article_id for m in group} == {"wire", "edited"}


def test_changed_settings_make_stored_fingerprints_incomparable(db):
    with EventStore(db) as store:
        store.add(article("wire", STORY, dt.date(2024, 3, 5)))
    with EventStore(db, dedupe=DedupeConfig(shingle_words=4)) as store:
        store.add(article("same", STORY, dt.date(2024, 3, 5)))
        assert store.article_groups() == []
