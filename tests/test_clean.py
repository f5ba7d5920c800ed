"""Cleaner: captions, credits, editor lines, header debris and datelines, all as exact spans."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from communique.clean import (
    Boilerplate,
    clean,
    load_boilerplate,
    split_paragraphs,
)
from communique.errors import DataFileError
from communique.readers import read_inputs
from communique.records import Article, CleanArticle, Dateline

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "xinhua-2024-06-29-china-peru.txt"


def article(
    text: str, published: dt.date | None = dt.date(2024, 6, 29), title: str = ""
) -> Article:
    return Article(id="t", text=text, title=title or None, published=published)


def assert_spans_exact(cleaned: CleanArticle) -> None:
    text = cleaned.article.text
    for passage in cleaned.passages:
        assert text[passage.start : passage.end] == passage.text
        assert passage.text == passage.text.strip() and passage.text
    for piece in cleaned.dropped:
        start, end = piece.span
        assert text[start:end].strip() == text[start:end] != ""
    if cleaned.dateline is not None:
        start, end = cleaned.dateline.span
        assert text[start:end].strip() == text[start:end]


def dropped_texts(cleaned: CleanArticle) -> list[tuple[str, str]]:
    text = cleaned.article.text
    return [(piece.reason, text[piece.span[0] : piece.span[1]]) for piece in cleaned.dropped]


def kept(cleaned: CleanArticle) -> list[str]:
    return [passage.text for passage in cleaned.passages]


# --- the example article ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> CleanArticle:
    (record,) = read_inputs([str(EXAMPLE)])
    assert isinstance(record, Article)
    return clean(record)


def test_example_drops(example: CleanArticle) -> None:
    reasons = [reason for reason, _ in dropped_texts(example)]
    assert reasons == ["header fragment", "caption", "dateline", "repeated", "editor line"]
    texts = dict((reason, text) for reason, text in dropped_texts(example))
    assert texts["header fragment"] == "Xinhua) 09:21, June 29, 2024"
    assert texts["caption"].endswith("(Xinhua/Liu Bin)")
    assert texts["repeated"] == texts["caption"]
    assert texts["editor line"] == "(Web editor: Xian Jiangnan, Wu Chaolan)"


def test_example_dateline(example: CleanArticle) -> None:
    assert example.dateline is not None
    start, end = example.dateline.span
    assert example.article.text[start:end] == "BEIJING, June 28 (Xinhua) --"
    assert example.dateline == Dateline("Beijing", dt.date(2024, 6, 28), "Xinhua", (start, end))
    assert example.reference_date == dt.date(2024, 6, 28)


def test_example_passages(example: CleanArticle) -> None:
    assert example.passages[0].text.startswith("Chinese Premier Li Qiang met with")
    assert len(example.passages) == 10
    assert example.passages[-1].text.startswith("Boluarte noted that Peru abides")
    assert not any("Xinhua" in passage.text for passage in example.passages)
    assert_spans_exact(example)


# --- paragraphs and the span invariant ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "One.\n\nTwo.",
        "  One.  \n \n\n\t Two. \n",
        "One.\r\n\r\nTwo.\r\n",
        "Headline without stop\nFirst paragraph is a line.\nSecond paragraph is a line.",
        "The company said profits rose sharply in the\nquarter, helped by strong sales in\n"
        "its home market.\n  It said it expected a better year.",
        "",
        "\n\n\n",
        "BEIJING, June 28 (Xinhua) -- Talks. (Xinhua)\n\n(Xinhua)\n\nA photo (Photo: X/Y)",
    ],
)
def test_passages_are_exact_substrings(text: str) -> None:
    assert_spans_exact(clean(article(text)))


def test_lines_of_a_block_are_paragraphs_unless_hard_wrapped() -> None:
    text = "Headline here\nOne long line that is a paragraph of its own.\nAnother one."
    assert [text[s:e] for s, e in split_paragraphs(text)] == text.split("\n")
    wrapped = (
        "The company said profits rose sharply in the\n"
        "quarter, helped by strong sales in its home\n"
        "market and lower costs.\n"
        "  It expects a better year ahead, the chairman\n"
        "told shareholders."
    )
    paragraphs = [wrapped[s:e] for s, e in split_paragraphs(wrapped)]
    assert paragraphs == [wrapped[: wrapped.index("\n  It")], wrapped[wrapped.index("It") :]]


# --- captions, credits, editor lines, furniture -------------------------------------------------


@pytest.mark.parametrize(
    "caption",
    [
        "Li Qiang meets Dina Boluarte in Beijing, June 28, 2024. (Xinhua/Liu Bin)",
        "Firefighters work at the site. (AP Photo/Evan Vucci)",
        "The minister speaks to reporters. (Photo: Ministry of Foreign Affairs)",
        "Delegates arrive for the summit (Photo by Jane Doe/Reuters) in Lima.",
        "President Joe Biden speaks in Washington. REUTERS/Kevin Lamarque",
        "Photo taken on June 28, 2024 shows a view of the port.",
        "File photo shows the headquarters of the central bank.",
        "Tegnell at a briefing. Photograph: Jonathan Nackstrand/AFP",
        "Protesters march in Paris. (AFP via Getty Images)",
    ],
)
def test_captions_are_dropped(caption: str) -> None:
    cleaned = clean(article(f"Body text one.\n\n{caption}\n\nBody text two."))
    assert dropped_texts(cleaned) == [("caption", caption)]
    assert kept(cleaned) == ["Body text one.", "Body text two."]


@pytest.mark.parametrize(
    "sentence",
    [
        "The ministry released a photo of the two leaders shaking hands.",
        "A Reuters/Ipsos poll found that 40% of Americans approve of the president.",
        "Reporting by the BBC showed that ministers knew about the problem.",
        "Editors at the newspaper said they stood by the story.",
        "Getty Images agreed to pay the photographer damages, the court said.",
        "The summit will take place on June 28, 2024 in Lima.",
        "NATO - the Western alliance - met in Brussels.",
    ],
)
def test_ordinary_sentences_are_kept(sentence: str) -> None:
    cleaned = clean(article(f"{sentence}\n\nMore text.\n\n{sentence.replace('.', '!')}"))
    assert cleaned.dropped == ()
    assert cleaned.dateline is None
    assert kept(cleaned)[0] == sentence


def test_trailing_credit_is_cut_from_the_passage() -> None:
    text = "The two sides signed the deal. (Xinhua)\n\nIt takes effect in May. (Source: AFP)"
    cleaned = clean(article(text))
    assert kept(cleaned) == ["The two sides signed the deal.", "It takes effect in May."]
    assert dropped_texts(cleaned) == [("credit", "(Xinhua)"), ("credit", "(Source: AFP)")]


@pytest.mark.parametrize(
    "line",
    [
        "(Web editor: Xian Jiangnan, Wu Chaolan)",
        "(Editor: Wang Jing)",
        "Editor: Wang Jing",
        "Reporting by Jane Doe in Lima; Editing by John Smith",
        "(Reporting by Jane Doe; Editing by John Smith)",
        "Writing by David Clarke",
    ],
)
def test_editor_lines_are_dropped(line: str) -> None:
    cleaned = clean(article(f"Body text.\n\n{line}"))
    assert dropped_texts(cleaned) == [("editor line", line)]
    assert kept(cleaned) == ["Body text."]


def test_editor_note_closing_a_paragraph_is_cut() -> None:
    cleaned = clean(article("Talks go on. (Reporting by Jane Doe; Editing by John Smith)"))
    assert kept(cleaned) == ["Talks go on."]
    assert dropped_texts(cleaned) == [
        ("editor line", "(Reporting by Jane Doe; Editing by John Smith)")
    ]


def test_repeated_paragraph_is_dropped_even_if_first_was_kept() -> None:
    cleaned = clean(article("Same words here.\n\nOther.\n\nSame  words\nhere."))
    assert kept(cleaned) == ["Same words here.", "Other."]
    assert [reason for reason, _ in dropped_texts(cleaned)] == ["repeated"]


def test_page_furniture_and_title_are_dropped() -> None:
    text = "Talks go on\n\nAdvertisement\n\nThe talks went on.\n\nAdvertisement"
    cleaned = clean(article(text, title="Talks go on"))
    assert kept(cleaned) == ["The talks went on."]
    assert [reason for reason, _ in dropped_texts(cleaned)] == ["title", "boilerplate", "repeated"]


# --- header fragments ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fragment",
    [
        "Xinhua) 09:21, June 29, 2024",
        "(Xinhua) 09:21, June 29, 2024",
        "Updated: 2024-06-29 09:21 GMT",
        "17:41 JST, October 13, 2024",
        "Saturday, June 29, 2024",
    ],
)
def test_header_fragments_are_dropped_before_the_body(fragment: str) -> None:
    cleaned = clean(article(f"{fragment}\n\nThe body begins.\n\n{fragment}!"))
    assert dropped_texts(cleaned)[0] == ("header fragment", fragment)
    assert kept(cleaned) == ["The body begins.", f"{fragment}!"]


@pytest.mark.parametrize("line", ["Talks resume at 09:21 on June 29", "June 29: talks resume"])
def test_lines_with_words_are_not_header_fragments(line: str) -> None:
    assert kept(clean(article(f"{line}\n\nBody."))) == [line, "Body."]


# --- datelines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "place", "date", "agency"),
    [
        ("BEIJING, June 28 (Xinhua) --", "Beijing", dt.date(2024, 6, 28), "Xinhua"),
        ("WASHINGTON (Reuters) -", "Washington", None, "Reuters"),
        ("LONDON, March 3 (AP) —", "London", dt.date(2024, 3, 3), "AP"),
        ("UNITED NATIONS, June 5 (Xinhua) --", "United Nations", dt.date(2024, 6, 5), "Xinhua"),
        ("KYIV, Ukraine (AP) —", "Kyiv, Ukraine", None, "AP"),
        ("RIO DE JANEIRO, Jan. 5 (Reuters) -", "Rio de Janeiro", dt.date(2024, 1, 5), "Reuters"),
        ("PORT-AU-PRINCE, Sept. 3 (AP) —", "Port-au-Prince", dt.date(2023, 9, 3), "AP"),
        ("N'DJAMENA, Dec 31 (AFP) -", "N'Djamena", dt.date(2023, 12, 31), "AFP"),
        ("Paris (AFP) -", "Paris", None, "AFP"),
        ("WASHINGTON —", "Washington", None, None),
        ("MOSCOW, June 28. /TASS/.", "Moscow", dt.date(2024, 6, 28), "TASS"),
    ],
)
def test_datelines(opening: str, place: str, date: dt.date | None, agency: str | None) -> None:
    text = f"{opening} The minister arrived on Friday."
    cleaned = clean(article(text))
    assert cleaned.dateline == Dateline(place, date, agency, (0, len(opening)))
    assert dropped_texts(cleaned) == [("dateline", opening)]
    assert kept(cleaned) == ["The minister arrived on Friday."]


def test_dateline_year_rolls_back_over_new_year() -> None:
    cleaned = clean(article("BEIJING, Dec. 31 (Xinhua) -- Text.", published=dt.date(2025, 1, 1)))
    assert cleaned.dateline is not None
    assert cleaned.dateline.date == dt.date(2024, 12, 31)


def test_dateline_without_publication_date_has_no_date() -> None:
    cleaned = clean(article("BEIJING, June 28 (Xinhua) -- Text.", published=None))
    assert cleaned.dateline is not None
    assert (cleaned.dateline.place, cleaned.dateline.date) == ("Beijing", None)


def test_only_the_first_body_paragraph_carries_a_dateline() -> None:
    text = "Intro paragraph.\n\nBEIJING, June 28 (Xinhua) -- Second paragraph."
    cleaned = clean(article(text))
    assert cleaned.dateline is None
    assert kept(cleaned) == text.split("\n\n")


@pytest.mark.parametrize(
    "opening",
    [
        "US President Joe Biden said on Friday.",
        "NATO - the alliance met.",
        "Paris - the city of light.",
        "EU — the bloc — agreed.",
    ],
)
def test_not_datelines(opening: str) -> None:
    cleaned = clean(article(opening))
    assert cleaned.dateline is None
    assert kept(cleaned) == [opening]


# --- the vocabulary file ------------------------------------------------------------------------


def test_vocabulary_is_loaded_once_and_frozen() -> None:
    vocabulary = load_boilerplate()
    assert load_boilerplate() is vocabulary
    assert "Xinhua" in vocabulary.agencies
    with pytest.raises(dataclasses.FrozenInstanceError):
        vocabulary.agencies = ()  # type: ignore[misc]


def test_vocabulary_can_be_passed_explicitly() -> None:
    vocabulary = dataclasses.replace(load_boilerplate(), furniture=("Sponsored",))
    cleaned = clean(article("Sponsored\n\nText."), vocabulary)
    assert [reason for reason, _ in dropped_texts(cleaned)] == ["boilerplate"]
    assert isinstance(vocabulary, Boilerplate)


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda text: text.replace("version: 1", "version: 2"), "version must be 1"),
        (lambda text: text.replace("agencies:", "agency_names:", 1), "unknown keys"),
        (lambda text: text + "\nextra: [a]\n", "unknown keys ['extra']"),
        (lambda text: text.replace('  - "on"', "  - on"), "place_particles holds True"),
        (lambda text: text.replace("  Sept: 9", "  Sept: 13"), "is not 1-12"),
        (lambda text: text.replace("  - Reuters\n", "  - Reuters\n  - Reuters\n"), "twice"),
        (lambda text: text + "\nfurniture: [\n", "not valid YAML"),
        (lambda text: "- a list\n", "must be a mapping"),
    ],
)
def test_bad_vocabulary_files(tmp_path: Path, edit: object, problem: str) -> None:
    good = load_boilerplate().path
    path = tmp_path / "boilerplate.yml"
    assert callable(edit)
    path.write_text(edit(Path(good).read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_boilerplate(path)
    assert problem in str(caught.value)
    assert caught.value.path == str(path)


def test_missing_vocabulary_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot be read"):
        load_boilerplate(tmp_path / "absent.yml")
