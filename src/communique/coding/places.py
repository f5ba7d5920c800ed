"""Sides that an event's place gives it, once the place is known (``where.py``).

A curfew, a sanction or a threat with no actor named as its target, directed at a place the
sentence names, acts on the people there ("imposed a curfew in Cizre, Turkey" is done to
TURCVL); and sides named by their role alone ("people", "the police") belong to the country
of the place where the sentence says they act ("people blocked streets in Hong Kong", HKGCVL).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from spacy.tokens import Token

from communique.coding.coder import Coding
from communique.coding.patterns import Patterns
from communique.records import Actor, Mention, Place

# Sectors whose people, where no country is named, are of the place where they act; soldiers,
# rebels and refugees are often from elsewhere.
_OF_THE_PLACE = frozenset(
    {"CVL", "COP", "LAB", "EDU", "GOV", "LEG", "JUD", "BUS", "MED", "AGR", "HLH"}
)


def sides_from_place(
    coding: Coding,
    place: Place | None,
    place_of: Callable[[Token], Place | None],
    text: str,
    patterns: Patterns,
) -> Coding:
    """``coding`` with the sides its ``place`` gives it. ``place_of`` finds the place of an
    act the event's verb governs ("threatened to impose a curfew in Algiers"); it is asked
    only for events that may act on a place. ``text`` is the article's."""
    if _may_act_on_a_place(coding, patterns):
        acts = (c for c in coding.predicate.children if c.dep_ == "xcomp")
        for candidate in (place, *(place_of(act) for act in acts)):
            coding = _people_of_the_place(coding, candidate, text, patterns)
            if coding.target is not None:
                break
    return _placed(coding, place)


def _may_act_on_a_place(coding: Coding, patterns: Patterns) -> bool:
    return (
        coding.target is None
        and coding.source is not None
        and any(coding.code.startswith(root) for root in patterns.place_directed_roots)
    )


def _people_of_the_place(
    coding: Coding, place: Place | None, text: str, patterns: Patterns
) -> Coding:
    """The people of ``place`` as the target of an act directed at it."""
    if place is None or place.origin != "sentence" or place.span is None or not place.country:
        return coding
    phrase = coding.object_phrase or place.span
    if not (phrase[0] <= place.span[0] and place.span[1] <= phrase[1]):
        words = text[phrase[0] : phrase[1]].lower().split()
        if not patterns.measures.intersection(words):
            return coding  # done to something else: "freed prisoners from a jail in Juba"
        phrase = place.span  # a measure taken in the place: "eased emergency measures in Kosovo"
    actor = Actor(code=f"{place.country}CVL", country=place.country, sector="CVL", kind="group")
    target = Mention(actor=actor, text=text[slice(*place.span)], span=place.span, phrase=phrase)
    return replace(coding, target=target, object_phrase=None, confidence=coding.confidence - 0.1)


def _placed(coding: Coding, place: Place | None) -> Coding:
    """Sides named by their role alone, of no country, take the place's."""
    if place is None or place.origin != "sentence" or place.country is None:
        return coding
    country = place.country

    def placed(mention: Mention | None) -> Mention | None:
        if mention is None:
            return None
        actor = mention.actor
        if actor.country or actor.code[:3] != "---" or actor.kind != "group":
            return mention
        if actor.sector not in _OF_THE_PLACE:
            return mention
        return replace(
            mention, actor=replace(actor, code=f"{country}{actor.sector}", country=country)
        )

    return replace(coding, source=placed(coding.source), target=placed(coding.target))
