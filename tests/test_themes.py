"""Themes from the taxonomy in data/themes.yml, and tone from VADER's lexicon."""

from __future__ import annotations

import pytest

from communique.errors import DataFileError
from communique.themes import default_themes, load_themes
from communique.tone import default_tone


@pytest.fixture(scope="module")
def themes():
    return default_themes()


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Both sides should continue to expand trade and deepen cooperation in traditional "
            "areas such as mining, electricity, ports and infrastructure.",
            {"trade", "mining", "energy", "infrastructure"},
        ),
        (
            "They agreed to cooperate on the digital economy and artificial intelligence.",
            {"digital"},
        ),
        ("The WHO said the outbreak had spread to three hospitals.", {"health"}),
        ("Troops shelled the disputed border town.", {"military", "territory"}),
        ("Rights groups condemned the crackdown on journalists.", {"human_rights", "culture"}),
    ],
)
def test_a_sentence_has_the_themes_whose_words_it_holds(themes, sentence, expected):
    assert set(themes.of(sentence)) == expected


def test_words_match_whole_words_and_their_plurals(themes):
    assert themes.of("The company is determining its prices.") == ()  # not "mining"
    assert themes.of("New ports and railways were opened.") == ("infrastructure",)
    assert themes.of("Two economies grew.") == ()  # "economy" alone is no theme


def test_an_article_ranks_its_themes_by_mentions(themes):
    ranked = themes.ranked(["Trade grew. Trade deals and tariffs.", "A new port opened."])
    assert ranked == ("trade", "infrastructure")


def test_every_theme_is_documented(themes):
    assert len(themes.themes) >= 12
    ids = {theme.id for theme in themes.themes}
    assert {"trade", "investment", "mining", "energy", "infrastructure", "digital"} <= ids
    assert {"health", "education", "security", "territory", "human_rights"} <= ids
    assert all(theme.label and theme.description for theme in themes.themes)
    assert themes.version == "themes-1"


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("  trade:\n    label: Trade\n    description: goods\n", 3, "needs label"),
        ("  trade:\n    label: Trade\n    description: goods\n    words: Trade\n", 6, "a list"),
        (
            "  trade:\n    label: Trade\n    description: goods\n    words: [Tariffs]\n",
            6,
            "should be lower-case words",
        ),
        ("  Trade Deals:\n    label: x\n    description: y\n    words: [a]\n", 3, "lower-case"),
    ],
)
def test_a_bad_theme_file_is_named_with_its_line(tmp_path, body, line, message):
    path = tmp_path / "themes.yml"
    path.write_text("version: 1\nthemes:\n" + body, encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        load_themes(path)
    assert str(error.value).startswith(f"{path}:{line}: ")
    assert message in str(error.value)


def test_tone_reads_positive_and_negative_wording():
    tone = default_tone()
    assert tone.score("The two sides hailed their friendship and fruitful cooperation.") > 0.5
    assert tone.score("Rebels killed twelve civilians in a brutal attack.") < -0.5
    assert tone.score("The meeting took place in Beijing.") == 0.0
    assert tone.mean([]) is None
    assert tone.version.startswith("vader-")


def test_events_and_articles_carry_themes_and_tone(coder):
    from communique.pipeline import code_batch
    from communique.records import Article, CodedArticle

    text = (
        "Chinese Premier Li Qiang met Peruvian President Dina Boluarte in Beijing on Friday.\n\n"
        "Li said China is willing to expand trade and mining cooperation with Peru."
    )
    (result,) = code_batch([Article("t", text)], coder)
    assert isinstance(result, CodedArticle)
    assert set(result.themes) == {"trade", "mining"}
    assert result.tone is not None and result.tone > 0
    willing = next(e for e in result.events if "trade" in e.themes)
    assert willing.tone is not None and willing.tone > 0
    meeting = next(e for e in result.events if e.cameo.startswith("04"))
    assert meeting.themes == ()
