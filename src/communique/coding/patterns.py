"""Event trigger patterns (``data/verbs.yml``), validated against the CAMEO ontology."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from spacy.tokens import Token

from communique.coding.ontology import Ontology, default_ontology
from communique.errors import DataFileError

_LOWER_WORD = re.compile(r"[a-z]+")


def inflections(lemma: str) -> set[str]:
    """The regular forms of an English verb or noun, generously: over-generating is harmless."""
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", lemma + "ing"}
    if lemma.endswith("e"):
        forms.add(lemma[:-1] + "ing")
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}  # "banned", "shelling"
    return forms


def _irregular_forms(data: dict[str, Any], path: Path) -> dict[str, list[str]]:
    """Lemma → its forms that the regular rules miss, checked."""
    irregular = data.get("irregular_forms") or {}
    if not isinstance(irregular, dict):
        raise DataFileError(str(path), "'irregular_forms' must map a lemma to its forms")
    for lemma, forms in irregular.items():
        if not isinstance(forms, list):
            raise DataFileError(str(path), f"'irregular_forms': {lemma!r} must list its forms")
    return {str(lemma): [str(form).lower() for form in forms] for lemma, forms in irregular.items()}


def _surface_forms(irregular: dict[str, list[str]], words: set[str]) -> frozenset[str]:
    forms: set[str] = set()
    for word in words:
        head = word.split()[0]
        forms |= inflections(head) | set(irregular.get(head, []))
    return frozenset(forms)


@dataclass(frozen=True, slots=True)
class Patterns:
    """What words trigger which CAMEO codes, and the words that change their meaning."""

    verbs: dict[str, str]  # "meet" or "call on" → CAMEO code
    nouns: dict[str, str]  # "talks" → CAMEO code
    light_verbs: frozenset[str]
    target_preps: frozenset[str]
    noun_target_preps: frozenset[str]
    intent_frames: frozenset[str]
    intent_verbs: frozenset[str]
    intent_codes: dict[str, str]  # CAMEO root of the intended act → intent code; "default"
    aspect_verbs: frozenset[str]
    hypothetical_modals: frozenset[str]
    future_auxiliaries: frozenset[str]
    symmetric: frozenset[str]
    mutual: frozenset[str]  # "X met Y": Y met X as well
    place_directed_roots: frozenset[str]  # "a curfew in Cizre" acts on the people there
    measures: frozenset[str]  # "curfew", "restrictions": what is imposed on a place's people
    no_target: frozenset[str]
    alone_roots: frozenset[str]  # CAMEO roots (or codes) whose events may lack a target
    needs_target: frozenset[str]  # triggers that say nothing without one ("released", "told")
    needs_object: frozenset[str]  # verbs that are no event without an object ("returned to")
    intransitive_readings: dict[str, str]  # "strike" → 143 with no object: a labour strike
    undergoers_act: frozenset[str]  # codes whose passive subject does them: "were demobilized"
    human_objects: frozenset[str]  # objects that are people: "released 20 prisoners"
    named_bodies: frozenset[str]  # "the Umma party": a body a proper noun names is an actor
    ways: frozenset[str]  # "blocked roads": a way blocked is a protest, no actor needed
    helping_verbs: frozenset[str]  # "aid to help Haiti": whom aid is for
    refuges: frozenset[str]  # "sought asylum in Canada": asked of the place it is sought in
    organisation_readings: dict[str, str]  # 174 → 166: expelling an agency, not people
    administrative_measures: frozenset[str]  # "lifted a curfew": 081, not 085
    human_readings: dict[str, str]  # "evacuate" → 073 when people are evacuated
    bound_objects: dict[str, frozenset[str]]  # "end" codes only "the strike", "the boycott"
    attitudes: dict[str, str]  # "pessimistic" → 012: a stated attitude
    weapons: frozenset[str]  # "bomb", "missile": violence whose user may go unnamed
    verbal_readings: dict[str, str]  # "attack" → 111 when done to a plan or a policy
    abstract_objects: frozenset[str]  # "plans", "policy": objects no force is done to
    accusations: frozenset[str]  # "rejected accusations": denying them (016)
    object_readings: dict[str, dict[str, str]]  # "violate" → "ceasefire" → 190
    taking_part: dict[str, str]  # "engage" → "in": the noun after it is the act
    gathering_verbs: frozenset[str]  # "gathered for a rally": the act they came for
    refusal_codes: dict[str, str]  # CAMEO code or root of a cooperative act → its refusal
    failure_verbs: frozenset[str]  # "failed to reach": the act was not done
    asking_roots: frozenset[str]  # CAMEO roots of asking: what is asked for is not done
    reducing_verbs: frozenset[str]  # "reduced aid": less of what the noun gives (162)
    speech_verbs: frozenset[str]
    claiming_verbs: frozenset[str]  # "claimed they had attacked": claiming responsibility
    moving_verbs: frozenset[str]  # "withdrew its troops from Abyei": moved, not acted upon
    moved_units: frozenset[str]  # "troops", "warships": what a moving verb moves
    forces_readings: dict[str, str]  # 042 → 074: forces arriving are deployed, not visiting
    dispatched_roots: frozenset[str]  # "sent a team to investigate": sending them does it
    deontic_modals: dict[str, str]  # "must" → CAMEO code of the demand it voices
    surface_forms: frozenset[str]  # every word form that can start an event
    lemmas: dict[str, str]  # irregular form → lemma, where the tagger misses it ("overran")
    version: str

    def lemma(self, token: Token) -> str:
        """A word's lemma, mended where the tagger misses it ("overran", "staged" → "stag")."""
        return self.lemmas.get(token.lower_) or token.lemma_.lower()

    def may_hold_event(self, text: str) -> bool:
        """Whether a passage contains any trigger word: a cheap test before parsing it."""
        return not self.surface_forms.isdisjoint(_LOWER_WORD.findall(text.lower()))

    def stands_alone(self, word: str, code: str, direct: bool, human: bool = False) -> bool:
        """Whether an event of ``word`` may be coded with a source and no target actor:
        always for ``no_target`` words ("protesters rallied"); for a subject the parse gives
        directly, when the code's root may lack a target and the word needs none, or what
        it acts on is a person all the same (``human``: "freed the blogger"). ``word`` is
        the trigger as the patterns name it: "call" needs someone called, "call off" does not."""
        if word in self.no_target or word.split()[0] in self.no_target:
            return True
        if not direct or not (code in self.alone_roots or code[:2] in self.alone_roots):
            return False
        return word not in self.needs_target or human

    def done_by_the_undergoer(self, code: str) -> bool:
        """Whether those who undergo an act with no agent named are the ones who do it:
        "the rebels were demobilized" (0873)."""
        return any(code.startswith(prefix) for prefix in self.undergoers_act)

    def refusal_code(self, code: str) -> str | None:
        """The refusal of a cooperative act ("will not release" → 1243), most specific
        first; None when not doing it is no event ("did not meet")."""
        for prefix in (code, code[:3], code[:2]):
            if prefix in self.refusal_codes:
                return self.refusal_codes[prefix]
        return None

    def threat_code(self, code: str) -> str:
        """An act announced on a condition ("will withdraw unless ..."): the threat of it."""
        intent = self.intent_code(code)
        return intent if intent.startswith("13") else "130"

    def intent_code(self, intended: str | None) -> str:
        if intended is not None and intended[:2] in self.intent_codes:
            return self.intent_codes[intended[:2]]
        return self.intent_codes["default"]


def _words(path: Path, data: dict[str, Any], key: str) -> frozenset[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise DataFileError(str(path), f"'{key}' must be a list of words")
    return frozenset(w.lower() for w in value)


def _pairs(path: Path, data: dict[str, Any], key: str) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise DataFileError(str(path), f"'{key}' must map words to words (quote 'on', 'no')")
    return {k.lower(): v.lower() for k, v in value.items()}


def _codes(path: Path, data: dict[str, Any], key: str, ontology: Ontology) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise DataFileError(str(path), f"'{key}' must be a non-empty mapping")
    result = {}
    for words, code in value.items():
        if not isinstance(words, str) or not isinstance(code, str):
            raise DataFileError(str(path), f"'{key}': {words!r} must map to a quoted CAMEO code")
        if code not in ontology:
            raise DataFileError(str(path), f"'{key}': {words!r} has unknown CAMEO code {code!r}")
        result[" ".join(words.lower().split())] = code
    return result


def load_patterns(path: Path | None = None, ontology: Ontology | None = None) -> Patterns:
    """Load and validate the trigger patterns; every code must be a known CAMEO code."""
    file = path or Path(str(resources.files("communique") / "data" / "verbs.yml"))
    known = ontology or default_ontology()
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DataFileError(str(file), f"cannot read: {error}") from None
    if not isinstance(data, dict):
        raise DataFileError(str(file), "expected a mapping at the top level")
    intent = data.get("intent")
    if not isinstance(intent, dict):
        raise DataFileError(str(file), "'intent' must be a mapping")
    intent_codes = _codes(file, intent, "codes", known)
    if "default" not in intent_codes:
        raise DataFileError(str(file), "'intent.codes' needs a 'default' code")
    verbs = _codes(file, data, "verbs", known)
    nouns = _codes(file, data, "nouns", known)
    intent_frames = _words(file, intent, "frames")
    intent_verbs = _words(file, intent, "verbs")
    triggers = set(verbs) | set(nouns) | intent_frames | intent_verbs
    triggers |= set(data.get("deontic_modals") or {}) | set(data.get("attitudes") or {})
    irregular = _irregular_forms(data, file)
    symmetric = _words(file, data, "symmetric")
    for code in symmetric:
        if code not in known:
            raise DataFileError(str(file), f"'symmetric': unknown CAMEO code {code!r}")
    return Patterns(
        verbs=verbs,
        nouns=nouns,
        light_verbs=_words(file, data, "light_verbs"),
        target_preps=_words(file, data, "target_preps"),
        noun_target_preps=_words(file, data, "target_preps_for_nouns"),
        intent_frames=intent_frames,
        intent_verbs=intent_verbs,
        intent_codes=intent_codes,
        aspect_verbs=_words(file, data, "aspect_verbs"),
        hypothetical_modals=_words(file, data, "hypothetical_modals"),
        future_auxiliaries=_words(file, data, "future_auxiliaries"),
        symmetric=symmetric,
        mutual=_words(file, data, "mutual"),
        place_directed_roots=_words(file, data, "place_directed_roots"),
        measures=_words(file, data, "measures"),
        no_target=_words(file, data, "no_target"),
        alone_roots=_words(file, data, "alone_roots"),
        needs_target=_words(file, data, "needs_target"),
        needs_object=_words(file, data, "needs_object"),
        intransitive_readings=_codes(file, data, "intransitive_readings", known),
        undergoers_act=_words(file, data, "undergoers_act"),
        human_objects=_words(file, data, "human_objects"),
        named_bodies=_words(file, data, "named_bodies"),
        ways=_words(file, data, "ways"),
        helping_verbs=_words(file, data, "helping_verbs"),
        refuges=_words(file, data, "refuges"),
        organisation_readings=_codes(file, data, "organisation_readings", known),
        administrative_measures=_words(file, data, "administrative_measures"),
        human_readings=_codes(file, data, "human_readings", known),
        bound_objects={
            verb: frozenset(str(w).lower() for w in words)
            for verb, words in (data.get("bound_objects") or {}).items()
        },
        attitudes=_codes(file, data, "attitudes", known),
        weapons=_words(file, data, "weapons"),
        verbal_readings=_codes(file, data, "verbal_readings", known),
        abstract_objects=_words(file, data, "abstract_objects"),
        accusations=_words(file, data, "accusations"),
        object_readings={
            verb: _codes(file, data["object_readings"], verb, known)
            for verb in data.get("object_readings") or {}
        },
        taking_part=_pairs(file, data, "taking_part"),
        gathering_verbs=_words(file, data, "gathering_verbs"),
        refusal_codes=_codes(file, data, "refusal_codes", known),
        failure_verbs=_words(file, data, "failure_verbs"),
        asking_roots=_words(file, data, "asking_roots"),
        reducing_verbs=_words(file, data, "reducing_verbs"),
        speech_verbs=_words(file, data, "speech_verbs"),
        claiming_verbs=_words(file, data, "claiming_verbs"),
        moving_verbs=_words(file, data, "moving_verbs"),
        moved_units=_words(file, data, "moved_units"),
        forces_readings=_codes(file, data, "forces_readings", known),
        dispatched_roots=_words(file, data, "dispatched_roots"),
        deontic_modals=_codes(file, data, "deontic_modals", known),
        surface_forms=_surface_forms(irregular, triggers),
        lemmas={form: lemma for lemma, forms in irregular.items() for form in forms},
        version=f"verbs-{data.get('version', 0)}",
    )


@cache
def default_patterns() -> Patterns:
    return load_patterns()
