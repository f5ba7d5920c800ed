"""From noun phrases in a parsed sentence to actors, with memory across one article.

``ArticleActors`` is made once per article and fed its sentences in reading order. It finds
the actors each sentence mentions (``scan``) and resolves the noun phrase at a given token
(``resolve``): countries by name, demonym or capital-as-metonym, organisations, titled people
and their later short forms, role nouns with a sector ("Chinese troops"), and group phrases
such as "the two sides" that stand for the states in play.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from communique.actors.gazetteer import Gazetteer, GazetteerHit
from communique.actors.registry import PersonDirectory
from communique.actors.sectors import SectorVocabulary
from communique.records import Actor, Mention, Sighting

# Dependency labels of the words that modify a noun from the left inside its phrase.
_MODIFIERS = frozenset({"compound", "amod", "nmod", "poss", "det", "nummod", "flat", "npadvmod"})
# Heads that, with "two" or "both", stand for the pair of states an article is about.
_FLEEING = frozenset({"flee", "escape"})  # people fleeing a place are of it
# Fighters "loyal to the Syrian president" are of the country of whom they serve.
_LOYAL = frozenset({"loyal", "faithful"})
_GROUP_NOUNS = frozenset({"side", "country", "nation", "people", "state", "government", "party"})
_GROUP_WORDS = frozenset({"two", "both"})
_MEMBERS = frozenset({"partner", "ally", "member"})
# What hangs from a noun but is not part of its phrase: clauses, and phrases joined by "and".
_CLAUSES = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp"})
_JOINED = frozenset({"conj", "cc", "preconj"})
# Prepositions and nouns of time: a phrase "on Sunday" or "during the talks" is no actor's.
_POSTED = frozenset({"ambassador", "envoy", "consul", "counterpart", "representative"})
TIME_PREPS = frozenset({"during", "after", "before", "since", "until", "amid", "following"})
# Words of time: "on Sunday" is when, not who or where. Shared with the coder.
TIME_WORDS = frozenset(
    (  # noqa: SIM905 - a list of words reads better as words
        "monday tuesday wednesday thursday friday saturday sunday "
        "january february march april june july august september october november december "
        "today tonight yesterday tomorrow morning afternoon evening night weekend "
        "day days week weeks month months year years time occasion"
    ).split()
)
# Prepositions that make a place of what follows: "in Beijing", "near Kabul".
_PLACE_KINDS = ("country", "adjective", "metonym")
_PLACE_PREPS = frozenset(
    {"in", "at", "near", "inside", "outside", "around", "across", "throughout"}
)
# Verbs whose object is followed by what it is charged with, the parser often hanging that
# on the object: "accused the army of killing civilians" is done to "the army".
_CHARGES = {"accuse": "of", "suspect": "of", "convict": "of", "acquit": "of", "blame": "for"}
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_POSSESSIVE_PERSON = frozenset({"his", "her"})
_GROUP_PRONOUNS = frozenset({"they", "them", "it", "its", "their"})
# Lower-case words inside personal names: "Lula da Silva", "Ursula von der Leyen".
_NAME_PARTICLES = frozenset(
    {"da", "de", "del", "der", "di", "do", "dos", "van", "von", "bin", "al"}
)


@dataclass(frozen=True, slots=True)
class _Match:
    start: int  # token index in the doc
    end: int
    hit: GazetteerHit


def argument_span(head: Token, joined: bool = False) -> tuple[int, int]:
    """Character offsets (in the doc) of the noun phrase headed by ``head``: its modifiers,
    prepositional phrases, appositions and brackets, without the clauses that hang from it
    ("the man who fought ..."); with ``joined``, the phrases joined to it by "and" too."""
    if head.pos_ == "ADP":  # "provided aid to the Haitian people": the phrase after "to"
        objects = [child for child in head.children if child.dep_ == "pobj"]
        if objects:
            return argument_span(objects[0], joined)
    outside = _CLAUSES if joined else _CLAUSES | _JOINED

    def cut_off(child: Token) -> bool:
        if child.dep_ in outside or child.dep_ in ("npadvmod", "advmod"):
            return True  # clauses; "this month", "vigorously"
        if child.dep_ != "prep":
            return False
        if head.dep_ == "dobj" and _CHARGES.get(head.head.lemma_) == child.lower_:
            return True  # "accused the army of killing civilians": the charge
        objects = [g for g in child.children if g.dep_ == "pobj"]
        # "Prime Minister Hariri in Washington", "the Chinese ambassador in Berlin": where a
        # person is, not who.
        return (
            child.lower_ in ("in", "at")
            and head.lower_ in _POSTED
            and any(g.pos_ == "PROPN" for g in objects)
        )

    cut = {t.i for child in head.children if cut_off(child) for t in child.subtree}
    # "on Sunday", "during a weekly briefing": when, not who, also where the parser hangs it
    # deeper in the phrase ("the Taliban on Thursday")
    cut |= {t.i for child in head.subtree if _says_when(child) for t in child.subtree}
    kept = [t for t in head.subtree if t.i not in cut and t.i >= head.left_edge.i]
    while len(kept) > 1 and kept[-1].is_punct and kept[-1].text not in ")\"'":
        kept.pop()
    while len(kept) > 1 and kept[0].is_punct:
        kept.pop(0)
    first, last = kept[0], kept[-1]
    return first.idx, last.idx + len(last.text)


def _says_when(word: Token) -> bool:
    """Whether a prepositional phrase says when: "on Sunday", "during a weekly briefing"."""
    if word.dep_ != "prep":
        return False
    objects = [g for g in word.children if g.dep_ == "pobj"]
    return word.lower_ in TIME_PREPS or any(g.lower_ in TIME_WORDS for g in objects)


def _bracketed(appos: Token) -> bool:
    """Whether an apposition is a name in brackets: "the Workers' Party (PT)"."""
    before = appos.left_edge.i - 1
    return appos.dep_ == "appos" and before >= 0 and appos.doc[before].text == "("


def _dummy_it(pronoun: Token) -> bool:
    """ "It is really important that ...": an "it" that stands for the clause after it."""
    if pronoun.lower_ != "it":
        return False
    if pronoun.dep_ == "expl":
        return True
    verb = pronoun.head
    deps = {child.dep_ for child in verb.children}
    return (
        pronoun.dep_ == "nsubj"
        and bool(deps & {"acomp", "attr"})
        and bool(deps & {"ccomp", "xcomp", "advcl"})
    )


def _role(title: str) -> str:
    """A title as a role: "prime minister" → "Prime Minister"."""
    return " ".join(w[:1].upper() + w[1:] for w in title.split())


def actor_code(country: str | None, sector: str | None) -> str:
    """CAMEO-style code: country (or ``---``) followed by sector; an organisation keeps its own."""
    return f"{country or '---'}{sector or ''}"


class ArticleActors:
    """The actors of one article, remembered across its sentences."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        sectors: SectorVocabulary,
        directory: PersonDirectory | None = None,
        when: dt.date | None = None,
    ) -> None:
        self._gazetteer = gazetteer
        self._sectors = sectors
        # People known beyond this article (the actor registry), as of the article's date.
        self._directory = directory
        self._when = when
        self._sightings: dict[Actor, Sighting] = {}  # titled people, first sentence kept
        self._people: dict[str, Actor] = {}  # alias → person
        self._from_registry: set[Actor] = set()  # people known only from the registry
        self._full_names: dict[str, frozenset[str]] = {}  # last word → words of the first
        # full name it ended (titles left out)
        self._ambiguous: set[str] = set()
        self._countries: Counter[str] = Counter()
        self._last_person: Actor | None = None
        self._antecedents: dict[int, Actor | None] = {}  # pronoun → person named before it
        self._last_group: Mention | None = None  # the latest state, organisation or group
        self._sentence_groups: list[tuple[int, Mention]] = []  # (token index, mention)
        self._previous_group: Mention | None = None  # the latest one before this sentence
        self._matches: dict[int, _Match] = {}  # token index → gazetteer match covering it
        self._offset = 0  # where the current doc starts in the article text

    @property
    def sightings(self) -> tuple[Sighting, ...]:
        """The titled people this article introduced, for the actor registry to learn."""
        return tuple(self._sightings.values())

    # -- per sentence ---------------------------------------------------------------------

    def scan(self, sentence: Span, offset: int) -> list[Mention]:
        """Find the gazetteer phrases and titled people of a sentence, remembering them."""
        self._offset = offset
        self._note_full_names(sentence)
        self._matches = {}  # token indices are per doc: start afresh
        self._sentence_groups = []
        earlier = self._last_group
        self._match_gazetteer(sentence)
        mentions = []
        self._antecedents = {}
        for token in sentence:
            if token.lower_ in _PERSON_PRONOUNS:
                # "He told Today that Mr Clarke ...": the person named before "he", not after.
                self._antecedents[token.i] = self._last_person
            if token.pos_ in ("PROPN", "NOUN") and token.dep_ != "compound":
                for mention in self.resolve(token):
                    mentions.append(mention)
                    self._remember(mention)
                    if mention.actor.kind != "person":
                        self._sentence_groups.append((token.i, mention))
        self._previous_group = earlier
        return mentions

    def _note_full_names(self, sentence: Span) -> None:
        """Remember each name of two or more words by its last word: the surname a later
        "Mr Howard" stands for."""
        titles = self._sectors.titles
        for token in sentence:
            if token.pos_ != "PROPN" or token.dep_ == "compound":
                continue
            words = [
                t.text
                for t in token.lefts
                if t.dep_ == "compound" and t.pos_ == "PROPN" and t.lower_ not in titles
            ]
            if words:
                self._full_names.setdefault(token.text, frozenset([*words, token.text]))

    def _match_gazetteer(self, sentence: Span) -> None:
        doc = sentence.doc
        limit = self._gazetteer.max_words
        i = sentence.start
        while i < sentence.end:
            if not self._gazetteer.may_start(doc[i].text):
                i += 1
                continue
            found = None
            # Longest phrase first, so "South Korea" wins over "Korea".
            for j in range(min(sentence.end, i + limit), i, -1):
                hit = self._gazetteer.lookup(doc[i:j].text)
                if hit is not None:
                    found = _Match(i, j, hit)
                    break
            if found is None:
                i += 1
                continue
            for k in range(found.start, found.end):
                self._matches[k] = found
            i = found.end

    def learn_titled_people(self, words: list[str], evidence: str) -> None:
        """Learn titled people from a passage that is not parsed (it holds no trigger), so
        that "Brazilian President Luiz Inacio Lula da Silva arrived" still makes "Lula" known.
        Works on plain tokens: a title, then capitalised words (with particles like "da").
        ``evidence`` is the passage's text, kept with what the registry learns from it."""
        i = 0
        while i < len(words):
            title, length = self._title_at(words, i) if words[i][:1].isupper() else (None, 0)
            if title is None:
                i += 1
                continue
            name: list[str] = []
            j = i + length
            while j < len(words) and len(name) < 6:
                word = words[j]
                particle = word in _NAME_PARTICLES and j + 1 < len(words) and words[j + 1].istitle()
                if not (word[:1].isupper() and word.isalpha()) and not particle:
                    break
                if self._gazetteer.lookup(word) is not None:
                    break
                name.append(word)
                j += 1
            if name:
                before = self._gazetteer.lookup(words[i - 1]) if i > 0 else None
                country = before.code if before and before.kind != "organisation" else None
                full_name = " ".join(name)
                registered = self._registered(full_name) if country is None else None
                if registered is not None:
                    country, full_name = registered.country, registered.name or full_name
                country = country or self._country_in_focus()
                actor = self._titled_person(title, full_name, country, words[max(0, i - 2) : i])
                self._learn_person(actor, [w for w in name if w not in _NAME_PARTICLES], evidence)
            i = j if name else i + 1

    def _title_at(self, words: list[str], i: int) -> tuple[str | None, int]:
        """The longest title starting at ``words[i]``, whatever its case, and its length."""
        for length in range(min(self._sectors.max_title_words, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + length]).lower()
            if phrase in self._sectors.titles:
                return phrase, length
        return None, 0

    def _remember(self, mention: Mention) -> None:
        actor = mention.actor
        if actor.country is not None and actor not in self._from_registry:
            self._countries[actor.country] += 1
        if actor.kind == "person":
            self._last_person = actor
        else:
            self._last_group = mention

    # -- resolution -----------------------------------------------------------------------

    def resolve(self, head: Token) -> list[Mention]:
        """The actors named by the noun phrase whose head is ``head`` (several for groups)."""
        if head.lower_ in _PERSON_PRONOUNS:
            speaker = self._antecedents.get(head.i, self._last_person)
            return [self._mention(speaker, head, head)] if speaker is not None else []
        if head.lower_ in _GROUP_PRONOUNS:
            if _dummy_it(head):
                return []
            # The nearest state or group named before it, in this sentence or the one before.
            before = [m for i, m in self._sentence_groups if i < head.i]
            antecedent = before[-1] if before else self._previous_group
            return [self._mention(antecedent.actor, head, head)] if antecedent else []
        match = self._matches.get(head.i)
        if match is not None and match.hit.kind != "adjective":
            return [self._mention(self._from_hit(match.hit), *self._match_span(head, match))]
        tokens = self._phrase(head)
        group = self._group(head, tokens)
        if group:
            return group
        person = self._person(head, tokens)
        if person is not None:
            return [person]
        known = self._known_person(head.text) if head.text[:1].isupper() else None
        if known is not None and head.dep_ != "compound":
            # A later short form ("Boluarte") that the tagger did not take for a name.
            return [self._mention(known, head, head)]
        if match is not None and any(t.lower_ == "ethnic" for t in tokens):
            # "ethnic Albanians" in Serbia are civilians of where they live, not Albania.
            country = self._country_in_focus()
            country = None if country == match.hit.code else country
            actor = Actor(actor_code(country, "CVL"), country, "CVL", "group", name=match.hit.name)
            return [self._mention(actor, tokens[0], head)]
        home = [c for c in self._countries_in(tokens[:-1]) if c != match.hit.code] if match else []
        if match is not None and home:
            # "Bosnian Serbs", "Iraqi Kurds": a people of the country that names them first.
            name = match.hit.name
            actor = Actor(actor_code(home[0], "CVL"), home[0], "CVL", "group", name=name)
            return [self._mention(actor, tokens[0], head)]
        if match is not None:  # a demonym used as a noun: "the Chinese", "Israelis"
            return [self._mention(self._from_hit(match.hit), head, head)]
        if head.pos_ == "PROPN":
            # A name we do not know, told by its apposition: "Salaheddine Sidhoum, Algeria's
            # leading human rights activist".
            for child in head.children:
                if child.dep_ == "appos" and child.pos_ == "NOUN":
                    described = self._sector_noun(child, self._phrase(child))
                    if described:
                        return [self._mention(m.actor, tokens[0], head) for m in described]
        return self._sector_noun(head, tokens)

    def resolve_within(self, token: Token, exclude: set[str] | None = None) -> list[Mention]:
        """The first actors found in the phrase under ``token``, nearest the head first.

        Used for targets such as "abides by the one-China principle" (→ China) where the
        object itself is not an actor but names one.
        """
        # (token, whether it lies in a phrase of place, the noun phrase it belongs to)
        queue = [(token, False, token)]
        seen = set()
        while queue:
            current, in_place, phrase_head = queue.pop(0)
            if current.i in seen:
                continue
            seen.add(current.i)
            match = self._matches.get(current.i)
            # An adjective below the phrase names an actor only as a country or organisation:
            # "Chinese investment" is China's, "official contact" and "military aid" nobody's.
            descriptive = current.i != token.i and current.pos_ == "ADJ" and match is None
            # A capital in a phrase of place is the place: "voting in East Jerusalem".
            place = in_place and match is not None and match.hit.kind == "metonym"
            found = []
            if not (descriptive or place):
                found = [
                    m for m in self.resolve(current) if m.actor.country not in (exclude or set())
                ]
            if found:
                start, end = argument_span(phrase_head)
                phrase = (self._offset + start, self._offset + end)
                return [replace(m, phrase=phrase) for m in found]
            # Behind a preposition other than "of" starts a phrase of its own: "sanctions
            # against Burma" names Burma, "the president of Peru" is one phrase.
            own_phrase = current.dep_ == "prep" and current.lower_ != "of"
            # Clauses below the phrase carry their own events; do not look inside them.
            queue.extend(
                (
                    child,
                    in_place or (child.dep_ == "prep" and child.lower_ in _PLACE_PREPS),
                    child if own_phrase else phrase_head,
                )
                for child in current.children
                if child.dep_ not in ("relcl", "acl", "ccomp", "advcl", "xcomp", "appos")
                or _bracketed(child)  # "The International Labor Office (ILO)"
            )
        return []

    @property
    def offset(self) -> int:
        """Where the sentence being coded starts its doc in the article text."""
        return self._offset

    def states_in_play(self) -> list[str]:
        """The two countries the article has mentioned most so far."""
        return [country for country, _ in self._countries.most_common(2)]

    # -- the kinds of actor ---------------------------------------------------------------

    def _from_hit(self, hit: GazetteerHit) -> Actor:
        if hit.kind == "organisation":
            kind = "igo" if hit.code.startswith("IGO") else "organisation"
            return Actor(hit.code, hit.country, hit.sector, kind, name=hit.name)
        # A metonym stands for a body with its own sector: "the Kremlin" GOV, "the Pentagon" MIL.
        sector = hit.sector if hit.kind == "metonym" else None
        return Actor(actor_code(hit.code, sector), hit.code, sector, "state", name=hit.name)

    def _group(self, head: Token, tokens: list[Token]) -> list[Mention]:
        if head.lemma_.lower() not in _GROUP_NOUNS:
            return []
        named = self._countries_in(tokens[:-1])  # "the Turkish and Greek sides"
        if len(named) < 2 and not any(child.lower_ in _GROUP_WORDS for child in head.lefts):
            return []
        members = []
        for country in named if len(named) >= 2 else self.states_in_play():
            name = self._gazetteer.country(country).name
            members.append(self._mention(Actor(country, country, None, "state", name=name), head))
        return members if len(members) == 2 else []

    def _person(self, head: Token, tokens: list[Token]) -> Mention | None:
        if head.pos_ != "PROPN":
            return None
        words = [t.text for t in tokens]
        title, title_end = self._title(words)
        name_tokens = [
            t for t in tokens[title_end:] if t.pos_ == "PROPN" and t.i not in self._matches
        ]
        if not name_tokens or name_tokens[-1].i != head.i:
            return None
        name = " ".join(t.text for t in name_tokens)
        if title is None:
            known = self._known_person(name)
            return self._mention(known, name_tokens[0], head) if known else None
        organisation = self._organisation_in(tokens[:title_end])
        if organisation is not None:
            # "U.N. Secretary-General Kofi Annan": the person speaks for the organisation.
            code, org_country = organisation.code, organisation.country
            role = _role(title)
            actor = Actor(code, org_country, organisation.sector, "person", name=name, role=role)
            self._learn_person(actor, [t.text for t in name_tokens], head.sent.text)
            return self._mention(actor, tokens[0], head)
        country = next(iter(self._countries_in(tokens[:title_end])), None) or self._country_of(head)
        registered = self._registered(name) if country is None else None
        if registered is not None:
            # "President Bush" in 2005: the registry gives the country and the full name.
            country, name = registered.country, registered.name or name
        # "Home Secretary Charles Clarke" in an article about Britain is British.
        country = country or self._country_in_focus()
        title_start = title_end - len(title.split())
        actor = self._titled_person(title, name, country, words[:title_start])
        self._learn_person(actor, [t.text for t in name_tokens], head.sent.text)
        return self._mention(actor, tokens[0], head)

    def _titled_person(
        self, title: str, name: str, country: str | None, before: Sequence[str] = ()
    ) -> Actor:
        """A person by title; the words ``before`` the title may qualify it: a "shadow"
        minister is in opposition (OPP), a "former" one no longer in office (ELI)."""
        sector = self._sectors.titles[title]
        role = _role(title)
        qualifiers = {w.lower().rstrip("-") for w in before}
        if "shadow" in qualifiers:
            sector, role = "OPP", f"Shadow {role}"
        elif qualifiers & {"former", "ex"}:
            sector, role = "ELI", f"Former {role}"
        return Actor(actor_code(country, sector), country, sector, "person", name=name, role=role)

    def _title(self, words: list[str]) -> tuple[str | None, int]:
        """The title among the words before a name that ends last, and where the name starts."""
        best: tuple[str | None, int] = (None, 0)
        for start in range(len(words)):
            title, length = self._title_at(words[: len(words) - 1], start)
            if title is not None and start + length > best[1]:
                best = (title, start + length)
        return best

    def _learn_person(
        self, actor: Actor, name_words: list[str], evidence: str | None = None
    ) -> None:
        """Remember a person by name and short forms; with ``evidence`` (the words that gave
        the title), also as a sighting for the actor registry."""
        aliases = tuple(dict.fromkeys([actor.name or "", *(w for w in name_words if len(w) > 1)]))
        for alias in aliases:
            known = self._people.get(alias)
            if known is not None and known.name != actor.name:
                self._ambiguous.add(alias)
            self._people[alias] = actor
        # Only people with a country: a "---GOV" one would teach the registry a wrong code.
        if evidence is not None and actor.country is not None and actor not in self._sightings:
            # Beyond this article, the full name and the surname only: a first name ("David")
            # would name anyone.
            surname = [w for w in name_words if len(w) > 1 and w not in _NAME_PARTICLES][-1:]
            words = tuple(dict.fromkeys([actor.name or "", *surname]))
            self._sightings[actor] = Sighting(actor, words, evidence)

    def _known_person(self, name: str) -> Actor | None:
        """The person a name stands for: in this article first, else in the registry."""
        if name in self._ambiguous:
            return None
        known = self._people.get(name)
        if known is None and self._directory is not None:
            known = self._directory.person(name, self._when)
            named = self._full_names.get(name)
            if known is not None and named and not named <= set((known.name or "").split()):
                # The article named someone else of that name: "Michael Howard" makes a
                # later "Mr Howard" no one the registry knows.
                return None
            if known is not None:
                # Its short forms now stand for it in the rest of the article too; but a
                # name the article does not explain ("Fraser", perhaps of an institute) does
                # not tell what country the article is about.
                self._learn_person(known, name.split())
                self._from_registry.add(known)
        return known

    def _registered(self, name: str) -> Actor | None:
        """The registry's person for a name titled without a country ("Premier Li Qiang")."""
        return self._directory.person(name, self._when) if self._directory else None

    def _sector_noun(self, head: Token, tokens: list[Token]) -> list[Mention]:
        """A body or group named by a role noun: "Chinese troops", "the Peruvian government";
        several when adjectives are joined: "Hungarian and Romanian officials"."""
        sector = None
        # Two-word role nouns first: "security forces", "foreign ministry".
        if len(tokens) >= 2:
            sector = self._sectors.noun_sector(f"{tokens[-2].text} {head.text}")
        sector = (
            sector or self._sectors.noun_sector(head.text) or self._sectors.noun_sector(head.lemma_)
        )
        if sector is None:
            # "army officers", "police chiefs": the sector is in a noun modifier.
            compounds = [t for t in tokens[:-1] if t.dep_ == "compound" and t.head.i == head.i]
            sector = next(
                (s for t in reversed(compounds) if (s := self._sectors.noun_sector(t.text))), None
            )
        if sector is None:
            # "its NATO allies", "the EU partners": members of an organisation stand for it
            organisation = self._organisation_in(tokens[:-1])
            if organisation is None or head.lemma_.lower() not in _MEMBERS:
                return []
            return [self._mention(self._from_hit(organisation), tokens[0], head)]
        # "Hezbollah militants", "UN peacekeepers", "activists from the Fatah Party":
        # members of a named organisation are it.
        behind = self._behind(head, ("of", "from"))
        organisation = self._organisation_in([*tokens[:-1], *behind])
        kind = "person" if head.text.lower() in self._sectors.titles else "group"
        # "a spokesman for the Chinese foreign ministry" speaks for it; an envoy "for Syria"
        # is posted there.
        speaks_for = kind == "person" and head.lower_ not in _POSTED
        spoken_for = self._behind(head, ("for",)) if speaks_for else []
        organisation = organisation or self._organisation_in(spoken_for)
        if organisation is not None:
            return [self._mention(self._from_hit(organisation), tokens[0], head)]
        countries: list[str | None] = [*self._countries_in(tokens[:-1])] or [
            self._country_of(head) or next(iter(self._countries_in(spoken_for)), None)
        ]
        if countries == [None]:
            countries = [self._owner_country(head)]  # "her government", "his army"
        if countries == [None] and any(t.lower_ == "the" for t in head.lefts):
            countries = [self._country_in_focus()]  # "the government", "the army"
        role = head.text if kind == "person" else None
        return [
            self._mention(
                Actor(actor_code(country, sector), country, sector, kind, role=role),
                tokens[0],
                head,
            )
            for country in countries
        ]

    def _behind(self, head: Token, preps: tuple[str, ...]) -> list[Token]:
        """The words of the phrases behind ``preps`` after a head: "activists from Fatah"."""
        return [
            word
            for prep in head.rights
            if prep.dep_ == "prep" and prep.lower_ in preps
            for obj in prep.children
            if obj.dep_ == "pobj"
            for word in self._phrase(obj)
        ]

    def _owner_country(self, head: Token) -> str | None:
        """The country of the person a possessive pronoun stands for: "the chancellor said
        her government would ..." is the chancellor's country's government."""
        for owner in head.lefts:
            if owner.dep_ == "poss" and owner.lower_ in _POSSESSIVE_PERSON:
                person = self._antecedents.get(owner.i, self._last_person)
                return person.country if person is not None else None
        return None

    def _country_in_focus(self) -> str | None:
        """The country the article is about so far: named more than any other."""
        ranked = self._countries.most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]

    def _organisation_in(self, tokens: Sequence[Token]) -> GazetteerHit | None:
        """The first organisation the gazetteer found among ``tokens``."""
        for token in tokens:
            match = self._matches.get(token.i)
            if match is not None and match.hit.kind == "organisation":
                return match.hit
        return None

    def _countries_in(self, tokens: list[Token]) -> list[str]:
        """Every country among a phrase's modifiers, with adjectives joined by "and"."""
        found: list[str] = []
        for token in tokens:
            for candidate in (token, *token.conjuncts):
                match = self._matches.get(candidate.i)
                kinds = ("country", "adjective", "metonym")
                if match is not None and match.hit.kind in kinds and match.hit.code not in found:
                    found.append(match.hit.code)
        return found

    def _country_of(self, head: Token) -> str | None:
        """A country after the head: "the president of Peru", "rebels in the Ivory Coast",
        "doctors from Cuba"; a capital where they are: "demonstrators in Baghdad"."""
        based = [  # "a newspaper based in Beirut", "a group based in Trinidad"
            p for c in head.rights if c.dep_ == "acl" and c.lemma_ == "base" for p in c.children
        ]
        # "refugees fleeing Liberia", "fleeing the war in Liberia", "escaping from Syria"
        fleeing = [c for c in head.rights if c.dep_ == "acl" and c.lemma_ in _FLEEING]
        fled = [o for verb in fleeing for o in verb.children if o.dep_ == "dobj"]
        for obj in fled:
            match = self._matches.get(obj.i)
            if match is not None and match.hit.kind in _PLACE_KINDS:
                return match.hit.code
        based += [p for word in (*fleeing, *fled) for p in word.children]
        served = self._served_country(head)
        if served is not None:
            return served
        for child in [*head.rights, *based]:
            if child.dep_ == "prep" and child.lower_ in ("of", "in", "from"):
                kinds = ("country", "adjective") if child.lower_ == "of" else _PLACE_KINDS
                for obj in child.children:
                    match = self._matches.get(obj.i)
                    if match is not None and match.hit.kind in kinds:
                        return match.hit.code
        return None

    def _served_country(self, head: Token) -> str | None:
        """The country of whom a group is loyal to: "militants loyal to Iraq's premier"."""
        for loyal in head.rights:
            if loyal.dep_ not in ("amod", "acomp") or loyal.lower_ not in _LOYAL:
                continue
            for prep in loyal.children:
                if prep.dep_ != "prep" or prep.lower_ != "to":
                    continue
                for obj in prep.children:
                    if obj.dep_ != "pobj":
                        continue
                    named = self._countries_in(self._phrase(obj))
                    if named:
                        return named[0]
        return None

    def _phrase(self, head: Token) -> list[Token]:
        """The head and the modifiers to its left that belong to its phrase, in order."""
        collected = [head]
        stack = [head]
        while stack:
            current = stack.pop()
            for child in current.lefts:
                if child.dep_ in _MODIFIERS:
                    collected.append(child)
                    stack.append(child)
        collected.sort(key=lambda t: t.i)
        # Keep only the contiguous run ending at the head.
        run = [head]
        for token in reversed(collected[:-1]):
            # A modifier ends where its own words end: "Hungarian and Romanian officials".
            end = token.right_edge.i if token.dep_ in ("amod", "nmod") else token.i
            between = token.doc[end + 1] if end == run[0].i - 2 else None
            # One token may stand between: a hyphen, or the "'s" of "Vietnam's Prime Minister".
            if end == run[0].i - 1 or (
                between is not None and (between.is_punct or between.dep_ == "case")
            ):
                run.insert(0, token)
        return [t for t in run if not t.is_punct or t.text in "-'"]

    def _match_span(self, head: Token, match: _Match) -> tuple[Token, Token]:
        doc = head.doc
        return doc[match.start], doc[match.end - 1]

    def _mention(self, actor: Actor, first: Token, last: Token | None = None) -> Mention:
        last = last or first
        start = first.idx
        end = last.idx + len(last.text)
        text = first.doc.text[start:end]
        return Mention(actor, text, (self._offset + start, self._offset + end))
