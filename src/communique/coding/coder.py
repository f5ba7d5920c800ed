"""Code the clauses of a parsed sentence into CAMEO events, from the dependency parse.

Three ways a clause carries an event, tried for every word of the sentence:

1. an intent frame: "China is willing to work with Peru", "Iran pledged to cooperate" (CAMEO 03);
2. a trigger verb, alone or with its preposition: "met with", "called on", "attacked";
3. a trigger noun under a light verb: "held talks with", "imposed sanctions on".

Who acts comes from the clause's subject (shared across "and"-joined verbs, inherited by
participles and infinitives); who is acted upon from the object or the preposition the
pattern names; passives swap them. Negated, conditional, modal ("should", "could") and
questioned clauses are not events; future ones ("will visit") are intents.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from communique.actors.resolve import TIME_PREPS, TIME_WORDS, ArticleActors, argument_span
from communique.coding.patterns import Patterns
from communique.records import Actor, Mention

_SUBJECTS = frozenset({"nsubj", "csubj", "expl"})
_STANCES = frozenset({"defiance", "protest", "opposition", "disapproval", "anger"})
_DESTINATIONS = frozenset({"to", "from", "into", "in", "against"})  # where moved forces go or leave
_OBJECTS = frozenset({"dobj", "dative", "attr", "oprd"})
_REFUGE_PLACES = frozenset({"in", "at"})  # "sought asylum in Canada", "at the embassy"
_RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
_SPEAKER_PRONOUNS = frozenset({"it", "they", "he", "she", "we"})
_CONDITIONS = frozenset({"if", "unless", "whether", "lest"})
_PASSIVE = frozenset({"nsubjpass", "auxpass"})
_MAX_PAIRS = 4
_VIOLENCE = frozenset({"18", "19", "20"})  # CAMEO roots of physical violence
# What a clause tells of its event.
_HAPPENED, _NEGATED, _HYPOTHETICAL = (
    "happened",
    "negated",
    "hypothetical",
)  # "A, B and C met D and E" is rare; cap the fan-out of compound actors


@dataclass(frozen=True, slots=True)
class Coding:
    """An event found in a sentence, before its date and place are attached."""

    source: Mention | None
    target: Mention | None
    code: str
    predicate: Token  # the verb whose clause holds the event's date and place
    trigger: str
    trigger_span: tuple[int, int]  # character offsets within the doc
    confidence: float
    # What was acted upon when it is not an actor, in article offsets: "rejected the proposal".
    object_phrase: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class _Found:
    """Actors found for one role, and how directly the parse gave them."""

    mentions: list[Mention]
    direct: bool
    # The argument's span in the article when no actor was found in it: "the proposal".
    phrase: tuple[int, int] | None = None

    @property
    def named(self) -> bool:
        """Whether it names anything acted upon: actors, or the phrase of what they act on."""
        return bool(self.mentions) or self.phrase is not None


_NONE = _Found([], False)


class SentenceCoder:
    """Finds the events of one sentence. Stateless: all memory lives in ``ArticleActors``."""

    def __init__(self, patterns: Patterns) -> None:
        self._patterns = patterns
        self._offset = 0

    def code(self, sentence: Span, actors: ArticleActors) -> list[Coding]:
        if sentence.text.rstrip().endswith("?"):
            return []  # a question reports nothing
        self._offset = actors.offset  # where the sentence's doc starts in the article
        codings: list[Coding] = []
        for token in sentence:
            codings.extend(
                self._intent(token, actors)
                or self._verb(token, actors)
                or self._noun(token, actors)
                or self._deontic(token, actors)
                or self._attitude(token, actors)
            )
        return _unique(codings)

    # -- the three ways -------------------------------------------------------------------

    def _intent(self, token: Token, actors: ArticleActors) -> list[Coding]:
        patterns = self._patterns
        if token.lower_ in patterns.intent_frames and token.dep_ in ("acomp", "oprd"):
            predicate, frame = token.head, token  # "is willing to", "stands ready to"
        elif token.pos_ == "VERB" and self._patterns.lemma(token) in patterns.intent_verbs:
            predicate = frame = token  # "pledged to", "agreed to"
        else:
            return []
        action = (
            next((c for c in frame.children if c.dep_ == "xcomp"), None)
            or next(
                (  # "is committed to opening up the economy"
                    g
                    for c in frame.children
                    if c.dep_ == "prep" and c.lower_ == "to"
                    for g in c.children
                    if g.dep_ == "pcomp" and g.pos_ == "VERB"
                ),
                None,
            )
            or next(  # "vowed to fight until ...": the parser hangs the infinitive apart;
                # after an object it is a purpose ("offered aid to help rebuild")
                (
                    c
                    for c in frame.children
                    if c.dep_ == "advcl" and _infinitive(c)
                    if not any(o.dep_ == "dobj" for o in frame.children)
                ),
                None,
            )
        )
        if action is None or _negated(frame) or not self._happened(predicate):
            return []
        key, prep = self._pattern_key(action)
        intended = patterns.verbs.get(key) if key else None
        targets = self._objects(action, prep, actors) if key else _NONE
        if not targets.mentions:
            partner = self._partner_within(action, actors, any_object=True)
            # Else what the intended act is done to: "threatened to shell the tree".
            targets = partner if partner.mentions else targets
        code = patterns.intent_code(intended)
        if not targets.mentions and code[:2] == "13":
            targets = self._threatened(predicate, targets, actors)
        sources = self._subjects(predicate, actors)
        if not sources.mentions:  # "Vietnam is committed to opening ...": a passive frame
            sources = self._children(predicate, ("nsubjpass",), actors)
        alone = self._patterns.stands_alone(self._patterns.lemma(frame), code, sources.direct)
        return self._pairs(sources, targets, code, predicate, (frame, action), alone=alone)

    def _verb(self, token: Token, actors: ArticleActors) -> list[Coding]:
        # "Peru abides by", tagged a plural noun; "the EU and UN hand over supplies", a noun
        # with a subject and a particle of its own
        with_particle = token.pos_ == "NOUN" and _has_subject_and_particle(token)
        mistagged = token.pos_ != "VERB" and not with_particle
        if mistagged and not self._mistagged_verb(token):
            return []
        key, prep = self._pattern_key(token)
        if key is None or self._names_its_event(token):
            return []
        reading = self._reading(token, key)
        told = self._as_told(token, reading) if reading is not None else None
        if told is None:
            return []
        code = told
        if code in self._patterns.forces_readings and self._moved_by_subject(token):
            code = self._patterns.forces_readings[code]  # "troops arrived in Mali": deployed
        if code[:2] in _VIOLENCE and self._claimed_by_its_doer(token):
            code = "015"  # "the rebels claimed they had attacked the base": responsibility
        if code == "085" and self._administrative(token):
            code = "081"  # "lifted a night curfew": administrative, not economic, sanctions
        if any(child.dep_ in _PASSIVE for child in token.children):
            sources = self._agent(token, actors)
            targets = self._passive_subjects(token, actors)
            if not sources.mentions and self._patterns.done_by_the_undergoer(code):
                # "the rebels were demobilized", "troops were withdrawn from Georgia": those
                # who undergo it do it, and act on where they leave
                sources = targets
                targets = self._prep_objects(token, _DESTINATIONS, actors)
        else:
            sources = self._subjects(token, actors)
            targets = self._objects(token, prep, actors)
        if not targets.mentions:
            action = next((c for c in token.children if c.dep_ == "xcomp"), None)
            if action is not None:
                targets = self._partner_within(action, actors, any_object=True)
        if mistagged:
            sources = _Found(sources.mentions, False)
        if not targets.mentions and code[:2] == "07":
            targets = self._helped((token,), targets, actors)
        if not targets.mentions and code[:2] == "02":
            targets = self._refuge_giver(token, targets, actors)
        # "called off its strike": a concession whose object is the conceder's own
        own = all(any(_same_actor(s, t) for s in sources.mentions) for t in targets.mentions)
        if own and code[:2] == "08":
            targets = self._yielded_to(token, targets, actors)
        if not targets.mentions and code[:2] == "13":
            targets = self._threatened(token, targets, actors)
        blocked = code[:2] == "14" and any(
            c.dep_ == "dobj" and self._patterns.lemma(c) in self._patterns.ways
            for c in token.children
        )
        if blocked:  # "blocked streets in Hong Kong": the streets' place is not whom it is against
            targets = _Found([], False, targets.phrase)
        if not targets.mentions and code[:2] == "14":
            targets = self._protested(token, targets, actors)
        # "freed the blogger", "blocked roads": done to someone, or a protest, all the same
        human = self._human_object(token) or blocked
        alone = self._patterns.stands_alone(key, code, sources.direct, human)
        unnamed = not sources.mentions and code[:2] in _VIOLENCE and self._by_a_weapon(token)
        return self._pairs(
            sources, targets, code, token, (token, prep), alone=alone, unnamed_source=unnamed
        )

    def _noun(self, token: Token, actors: ArticleActors) -> list[Coding]:
        nouns = self._patterns.nouns
        # Two words first: "hunger strike" (142) is not a strike (143) or an attack.
        left = token.doc[token.i - 1] if token.i > 0 else None
        joined = left is not None and left.dep_ in ("compound", "amod")
        compound = f"{left.lower_} {token.lower_}" if left is not None and joined else ""
        code = nouns.get(compound) or nouns.get(token.lower_) or nouns.get(token.lemma_)
        if code is None or token.pos_ not in ("NOUN", "PROPN"):
            return []
        trigger = token
        while token.dep_ == "conj" and token.head.pos_ in ("NOUN", "PROPN"):
            # "launched artillery and rocket fire against X": the list's first noun holds
            # the place in the clause.
            token = token.head
        predicate = token.head
        if (
            token.dep_ == "pobj"
            and predicate.lower_ in ("of", "in")
            and predicate.head.dep_ == "dobj"
            and not self._names_an_act(predicate.head)  # "the withdrawal of troops"
        ):
            # "provided 25,000 tons of food aid", "$1.7 billion in humanitarian assistance":
            # the trigger sits under a quantity.
            token, predicate = predicate.head, predicate.head.head
        # "gathered for a rally", "returned to Geneva for talks": the act they came for
        purpose = (
            token.dep_ == "pobj"
            and predicate.lower_ == "for"
            and self._patterns.lemma(predicate.head) in self._patterns.gathering_verbs
        )
        through = purpose or (
            token.dep_ == "pobj"
            and self._patterns.taking_part.get(self._patterns.lemma(predicate.head))
            == predicate.lower_
        )
        if through:
            # "engaged in ethnic cleansing", "went on strike", "remained on alert": the act
            # is the noun's; a strike one goes "on" is a labour strike, not an attack.
            if predicate.lower_ == "on" and code[:2] == "19":
                code = "143"
            token, predicate = predicate, predicate.head
        if self._patterns.lemma(predicate) in self._patterns.reducing_verbs and code[:2] == "07":
            code = "162"  # "reduced humanitarian aid to Liberia"
        elif not through and self._patterns.lemma(predicate) not in self._patterns.light_verbs:
            return []
        if token.dep_ in ("dobj", "prep"):
            sources = self._subjects(predicate, actors)
            if not sources.mentions and token.dep_ == "prep":  # "were engaged in"
                sources = self._children(predicate, ("nsubjpass",), actors)
        elif token.dep_ == "nsubjpass":
            sources = self._agent(predicate, actors)
        else:
            return []
        intended = self._patterns.lemma(predicate) in self._patterns.intent_verbs
        told = self._as_told(predicate, code, intended)
        if told is None:
            return []
        code = told
        targets = self._prep_objects(token, self._patterns.noun_target_preps, actors)
        if not targets.named and (through or trigger.dep_ == "conj"):
            # the act's own phrases: "fire against X", "went on strike against X"
            targets = self._prep_objects(trigger, self._patterns.noun_target_preps, actors)
        if _moved_units_of(token, self._patterns):
            # "the withdrawal of troops from Iraq": where the forces go or leave
            where = self._prep_objects(token, _DESTINATIONS, actors)
            targets = where if where.named else targets
        # What the act is done to when no actor: "optimism at a budget deal", "aid to local
        # communities"; not the trigger itself ("a state of siege", "remained on alert").
        trigger_at = actors.offset + trigger.idx
        acted_upon = targets.phrase
        if not targets.mentions and not purpose:  # where they came is not whom it is with
            targets = self._prep_objects(predicate, self._patterns.noun_target_preps, actors)
            acted_upon = acted_upon or targets.phrase
        if not targets.mentions:
            # "sent aid to Chad"; "held civilians as human shields": the act's object
            deps = ("dative", "dobj") if through else ("dative",)
            targets = self._children(predicate, deps, actors)
            acted_upon = acted_upon or targets.phrase  # "granted asylum to the blogger"
        if acted_upon is not None and acted_upon[0] <= trigger_at < acted_upon[1]:
            acted_upon = None
        if not targets.mentions:
            targets = self._partner_within(token, actors)  # "a suspension of links with Serbia"
        if not targets.mentions and code[:2] in self._patterns.asking_roots:
            # "reiterated its demand that Israel ease restrictions": who is asked to act
            for holder in (token, predicate):  # the parser hangs the clause on either
                asked = self._clause_subject(holder, actors)
                if asked.mentions:
                    targets = asked
                    break
        if not targets.mentions:
            targets = _Found([], False, acted_upon)
        if not targets.mentions and code[:2] == "07":
            targets = self._helped((token, predicate), targets, actors)
        if not targets.mentions and code[:2] == "14":  # "staged a sit-in in protest at X"
            targets = self._protested(predicate, targets, actors)
        human = self._human_object(token, ("pobj",))  # "the release of two nationals"
        alone = self._patterns.stands_alone(
            self._patterns.lemma(token), code, sources.direct, human
        )
        shown = trigger if trigger.dep_ == "conj" or purpose else token
        return self._pairs(sources, targets, code, predicate, (predicate, shown), alone=alone)

    def _deontic(self, token: Token, actors: ArticleActors) -> list[Coding]:
        """Reported obligation: "Russia said Sudan must return the helicopter" is Russia
        demanding of Sudan; with "should" it is an appeal."""
        if (
            token.dep_ != "ccomp"
            or self._patterns.lemma(token.head) not in self._patterns.speech_verbs
        ):
            return []
        modal = next(
            (
                c
                for c in token.children
                if c.dep_ == "aux" and c.lower_ in self._patterns.deontic_modals
            ),
            None,
        )
        if modal is None or _negated(token) or not self._happened(token.head):
            return []
        code = self._patterns.deontic_modals[modal.lower_]
        speakers = self._subjects(token.head, actors)
        addressees = self._subjects(token, actors)
        return self._pairs(speakers, addressees, code, token.head, (modal, token))

    def _attitude(self, token: Token, actors: ArticleActors) -> list[Coding]:
        """A stated attitude: "McConnell says he is pessimistic about a deal" (012),
        "Japan is optimistic about the talks with Seoul" (013)."""
        code = self._patterns.attitudes.get(token.lower_)
        if code is None or token.dep_ != "acomp":
            return []
        predicate = token.head
        if _negated(token) or not self._happened(predicate):
            return []
        sources = self._subjects(predicate, actors)
        targets = self._prep_objects(token, self._patterns.noun_target_preps, actors)
        if not targets.mentions and targets.phrase is None:
            targets = self._children(token, ("prep",), actors)  # keeps what it is about
        if not targets.mentions and targets.phrase is None:
            # "pessimistic that the delayed summit will take place": what the clause is about.
            targets = self._clause_subject(token, actors)
        if not targets.mentions and targets.phrase is None:
            targets = self._clause_subject(predicate, actors)  # the parser hangs it on "is"
        return self._pairs(sources, targets, code, predicate, (predicate, token), alone=True)

    def _helped(self, words: tuple[Token, ...], found: _Found, actors: ArticleActors) -> _Found:
        """Who aid goes to, named in what it is for: "donated ventilators to assist
        Ethiopia", "assistance ... to help people in Somalia"; else what was ``found``."""
        holders = [*words, *(c for w in words for c in w.children if c.dep_ == "dobj")]
        for holder in holders:
            for clause in holder.children:
                if clause.dep_ in ("acl", "advcl", "xcomp") and (
                    self._patterns.lemma(clause) in self._patterns.helping_verbs
                ):
                    helped = self._children(clause, ("dobj",), actors)
                    if helped.mentions:
                        return _Found(helped.mentions, False)
                    if found.phrase is None and helped.phrase is not None:
                        return helped
        return found

    def _yielded_to(self, verb: Token, found: _Found, actors: ArticleActors) -> _Found:
        """Whom a concession is made to, named as the partner of the talks it followed:
        "called off the strike after talks with the government"; else what was ``found``."""
        for prep in verb.children:
            if prep.dep_ == "prep" and prep.lower_ in TIME_PREPS - {"before", "until"}:
                for talks in prep.children:
                    if talks.dep_ == "pobj":
                        partner = self._partner_within(talks, actors)
                        if partner.mentions:
                            return partner
        return found

    def _threatened(self, verb: Token, found: _Found, actors: ArticleActors) -> _Found:
        """Whom a threat is aimed at, named as the one whose act would set it off:
        "threatened to quit the talks if the United States deploys missiles", "warned it
        would retaliate unless Japan withdrew"; else what was ``found``."""
        holders = [verb, *(c for c in verb.children if c.dep_ in ("xcomp", "ccomp"))]
        objects = [o for h in holders for o in h.children if o.dep_ == "dobj"]
        named = any(o.pos_ == "PROPN" for o in objects)  # "to shell Haifa if ..."
        if named or any(_named_place((word, None)) for word in (*holders, *objects)):
            return found  # "threatened to ban voting in East Jerusalem if ...": its people
        for holder in holders:
            for clause in holder.children:
                if clause.dep_ == "advcl" and any(
                    m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in clause.children
                ):
                    setting_off = self._children(clause, _SUBJECTS, actors)
                    if setting_off.mentions:
                        return _Found(setting_off.mentions, False)
        return found

    def _refuge_giver(self, verb: Token, found: _Found, actors: ArticleActors) -> _Found:
        """Whom refuge is asked of: the place where it is sought ("sought asylum in Canada",
        "asked for refuge at the Dutch embassy"); else what was ``found``."""
        refuges = [
            o
            for o in (*verb.children, *(g for c in verb.children for g in c.children))
            if o.dep_ in ("dobj", "pobj") and self._patterns.lemma(o) in self._patterns.refuges
        ]
        for holder in (verb, *refuges) if refuges else ():
            where = self._prep_objects(holder, _REFUGE_PLACES, actors)
            if where.mentions:
                return _Found(where.mentions, False)
        return found

    def _protested(self, verb: Token, found: _Found, actors: ArticleActors) -> _Found:
        """Whom a protest is against, named in what it is for or in defiance of: "blocked a
        road to show their disapproval for the United States' policies", "blocked streets in
        defiance of Chinese authorities"; else what was ``found``."""
        reasons = [c for c in verb.children if c.dep_ in ("advcl", "xcomp")]
        # "rioted after a demonstration calling for ...": what the protest it followed was for
        reasons += [
            c
            for p in verb.children
            if p.dep_ == "prep" and p.lower_ in TIME_PREPS
            for o in p.children
            if o.dep_ in ("pobj", "dobj")  # "following" is parsed as a verb or not
            for c in o.children
            if c.dep_ == "acl"
        ]
        nouns = [c for r in reasons for c in r.children if c.dep_ == "dobj"]
        # "calling for the removal of the president"
        nouns += [
            o
            for r in reasons
            for p in r.children
            if p.dep_ == "prep" and p.lower_ == "for"
            for o in p.children
            if o.dep_ == "pobj"
        ]
        nouns += [
            o
            for p in verb.children
            if p.dep_ == "prep" and p.lower_ == "in"
            for o in p.children
            if o.dep_ == "pobj" and o.lower_ in _STANCES
        ]
        for noun in nouns:
            for prep in noun.children:
                if prep.dep_ == "prep" and prep.lower_ in ("for", "against", "of", "over", "at"):
                    against = self._children(prep, ("pobj",), actors)
                    if against.mentions:
                        return _Found(against.mentions, False)
        return found

    def _a_name(self, head: Token) -> bool:
        """Whether a phrase names someone: a proper noun ("The Earth Liberation Front"), or
        a body a proper noun names ("the Umma party", "the Jani Khel tribe")."""
        if head.lower_ in TIME_WORDS:
            return False
        if head.pos_ == "PROPN":
            return True
        return self._patterns.lemma(head) in self._patterns.named_bodies and any(
            c.dep_ in ("compound", "nmod") and c.pos_ == "PROPN" for c in head.lefts
        )

    def _unknown(self, head: Token, actors: ArticleActors) -> Mention:
        """A named actor no dictionary knows: code "---", kind "unknown", its words kept."""
        start, end = argument_span(head)
        span = (actors.offset + start, actors.offset + end)
        actor = Actor(code="---", country=None, sector=None, kind="unknown")
        return Mention(actor=actor, text=head.doc.text[start:end], span=span, phrase=span)

    def _clause_subject(self, token: Token, actors: ArticleActors) -> _Found:
        """The subject of the clause a word governs, as actors or as the phrase acted upon."""
        for clause in token.children:
            if clause.dep_ in ("ccomp", "acl"):  # "pessimistic that ...", "a demand that ..."
                found = self._children(clause, _SUBJECTS, actors)
                if found.named:
                    return found
        return _NONE

    # -- patterns -------------------------------------------------------------------------

    def _pattern_key(self, token: Token) -> tuple[str | None, Token | None]:
        """The most specific pattern for a verb: "pull out of", "call on", then "call"."""
        verbs = self._patterns.verbs
        lemma = self._patterns.lemma(token)
        particles = [c for c in token.children if c.dep_ == "prt"]
        # A preposition of time is not the verb's own: "called his counterpart on Tuesday"
        # is no "call on".
        preps = [
            c
            for c in token.children
            if c.dep_ in ("prep", "agent")
            and not any(g.lower_ in TIME_WORDS for g in c.children if g.dep_ == "pobj")
        ]
        for particle in particles:
            for prep in preps:
                if f"{lemma} {particle.lower_} {prep.lower_}" in verbs:
                    return f"{lemma} {particle.lower_} {prep.lower_}", prep
            if f"{lemma} {particle.lower_}" in verbs:
                return f"{lemma} {particle.lower_}", particle
        for prep in preps:
            if f"{lemma} {prep.lower_}" in verbs:
                return f"{lemma} {prep.lower_}", prep
        if lemma in verbs:
            return lemma, None
        return None, None

    def _by_a_weapon(self, verb: Token) -> bool:
        """Whether the violence was done by a weapon or an attack with no one named: "a
        roadside bombing killed one soldier", "three civilians were killed in a bombing"."""
        weapons = self._patterns.weapons
        nouns = self._patterns.nouns

        def violent(word: Token) -> bool:
            code = nouns.get(word.lower_) or nouns.get(self._patterns.lemma(word), "")
            return self._patterns.lemma(word) in weapons or code[:2] in _VIOLENCE

        if any(c.dep_ == "nsubj" and violent(c) for c in verb.children):
            return True
        passive = any(c.dep_ in _PASSIVE for c in verb.children)
        return passive and any(
            c.dep_ in ("prep", "agent") and c.lower_ in ("in", "by") and violent(g)
            for c in verb.children
            for g in c.children
            if g.dep_ == "pobj"
        )

    def _human_object(self, word: Token, deps: tuple[str, ...] = ("dobj",)) -> bool:
        """Whether what a verb acts on (its object; a noun's "of" phrase) is a person or
        people, named or not."""
        humans = self._patterns.human_objects
        objects = [c for c in word.children if c.dep_ in deps]
        objects += [
            g for c in word.children if c.dep_ == "prep" for g in c.children if g.dep_ in deps
        ]
        objects += [g for o in objects for g in _of_objects(o)]  # "hundreds of civilians"
        return any(
            o.pos_ == "PROPN" or o.lower_ in humans or self._patterns.lemma(o) in humans
            for o in objects
        )

    def _reading(self, verb: Token, key: str) -> str | None:
        """The verb's code, read by its object: force done to a plan or a policy is words
        ("attacked the government's plans", 111) or nothing ("shot hoops")."""
        code = self._patterns.verbs[key]
        bound = self._patterns.bound_objects.get(key)
        if bound is not None and not any(
            c.dep_ in ("dobj", "nsubjpass") and c.lower_ in bound for c in verb.children
        ):
            return None  # "ended the war" is not "ended the strike"
        has_object = any(
            c.dep_ in ("dobj", "nsubjpass")
            # "returned to Brazil last week 21 frogs": the parser takes a late object for
            # a measure
            or (c.dep_ == "npadvmod" and c.lower_ not in TIME_WORDS and not c.ent_type_)
            for c in verb.children
        )
        if key in self._patterns.needs_object and not has_object:
            return None  # "returned to Beijing" goes back; "returned the islands" hands back
        if key in self._patterns.intransitive_readings and not has_object:
            return self._patterns.intransitive_readings[key]  # "teachers are striking"
        verb_alone = key.split()[0]  # "evacuate from" is read as "evacuate"
        people = self._human_object(verb, ("dobj", "nsubjpass"))  # "the wounded were evacuated"
        if verb_alone in self._patterns.human_readings and people:
            return self._patterns.human_readings[verb_alone]  # "evacuated the wounded": aid
        by_object = self._patterns.object_readings.get(key, {})
        for thing in (c for c in verb.children if c.dep_ == "dobj"):
            if self._patterns.lemma(thing) in by_object:
                return by_object[self._patterns.lemma(thing)]  # "violated the ceasefire"
        denied = any(
            c.dep_ == "dobj" and self._patterns.lemma(c) in self._patterns.accusations
            for c in verb.children
        )
        if code[:2] == "12" and denied:
            return "016"  # "rejected accusations of ...": a denial, not a refusal
        if code[:2] not in _VIOLENCE:
            return code
        abstract = any(
            c.dep_ == "dobj"
            and (
                c.lower_ in self._patterns.abstract_objects
                or c.lemma_ in self._patterns.abstract_objects
            )
            for c in verb.children
        )
        return self._patterns.verbal_readings.get(key) if abstract else code

    def _names_its_event(self, verb: Token) -> bool:
        """A light verb whose object is a trigger noun ("provided aid", "gave support"):
        the noun codes the event, the verb only carries it."""
        if self._patterns.lemma(verb) not in self._patterns.light_verbs:
            return False
        nouns = self._patterns.nouns

        def names(noun: Token) -> bool:
            return noun.lower_ in nouns or noun.lemma_ in nouns

        for child in verb.children:
            if child.dep_ != "dobj":
                continue
            # "provided $2 billion in aid": the quantity's trigger noun names the event.
            quantities = [
                grandchild
                for prep in child.children
                if prep.dep_ == "prep" and prep.lower_ in ("of", "in")
                for grandchild in prep.children
                if grandchild.dep_ == "pobj"
            ]
            if names(child) or any(names(noun) for noun in quantities):
                return True
        return False

    def _mistagged_verb(self, token: Token) -> bool:
        """A verb the tagger took for a plural noun: "Peru abides by ..." tagged NNS.

        Only trusted when a verb pattern with its preposition matches and an actor stands
        right before it, as the parser then hangs that actor on it as a compound.
        """
        if token.tag_ != "NNS":
            return False
        key, prep = self._pattern_key(token)
        if key is None or prep is None or " " not in key:
            return False
        return any(child.dep_ == "compound" and child.i == token.i - 1 for child in token.lefts)

    # -- status of a clause ---------------------------------------------------------------

    def _as_told(self, predicate: Token, code: str, intended: bool = False) -> str | None:
        """The code of a clause's event as the clause tells it.

        None when it did not happen: hypothetical, conditional, only asked for or not yet
        done ("threatened to attack", "urged X to talk"). A refusal when a cooperative act is
        negated or failed: "will not lift the ban" (1244), "failed to reach agreement" (127).
        An intent when it is announced: "will visit" (036), a threat when announced on a
        condition: "will withdraw its troops unless ..." (130).
        """
        failed = (
            predicate.dep_ == "xcomp"
            and self._patterns.lemma(predicate.head) in self._patterns.failure_verbs
        )
        done = failed or self._in_protest(predicate, code) or self._dispatched(predicate, code)
        if self._unrealised(predicate) and not done:
            return None
        status = self._status(predicate)
        if status == _HYPOTHETICAL:
            return None
        if status == _NEGATED or failed:
            return self._patterns.refusal_code(code)
        if intended or self._future(predicate):
            if any(
                child.dep_ == "advcl" and any(m.lower_ == "unless" for m in child.children)
                for child in predicate.children
            ):
                return self._patterns.threat_code(code)  # "will withdraw unless ..."
            return self._patterns.intent_code(code)
        return code

    def _moved_by_subject(self, verb: Token) -> bool:
        """Whether a verb's subject is forces: "British troops arrived", "hundreds of
        peacekeepers arrived"."""
        units = self._patterns.moved_units
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        subjects += [o for s in subjects for o in _of_objects(s)]  # "hundreds of troops"
        return any(self._patterns.lemma(s) in units or s.lower_ in units for s in subjects)

    def _claimed_by_its_doer(self, verb: Token) -> bool:
        """Whether an act is only claimed, by those who say they did it: "the rebels claimed
        that they had attacked the base"."""
        return (
            verb.dep_ == "ccomp"
            and self._patterns.lemma(verb.head) in self._patterns.claiming_verbs
            and any(c.dep_ == "nsubj" and c.lower_ in _SPEAKER_PRONOUNS for c in verb.children)
        )

    def _dispatched(self, verb: Token, code: str) -> bool:
        """ "sent a team to investigate the crash": sending people to do it is doing it, for
        the acts that ``dispatched_roots`` lists."""
        return (
            verb.dep_ in ("advcl", "xcomp")
            and code[:2] in self._patterns.dispatched_roots
            and self._patterns.lemma(verb.head) in self._patterns.moving_verbs
            and any(c.dep_ == "dobj" for c in verb.head.children)
        )

    def _in_protest(self, verb: Token, code: str) -> bool:
        """ "shunned work to protest at ...", "staged a sit-in to protest": protesting is
        what the act does, not something still to come."""
        head = self._patterns.lemma(verb.head)
        return (
            code[:2] == "14"
            and verb.dep_ in ("advcl", "xcomp")
            and head not in self._patterns.intent_verbs
            and not self._asks(verb.head)
        )

    def _happened(self, token: Token) -> bool:
        return self._status(token) == _HAPPENED

    def _status(self, token: Token) -> str:
        """Whether a clause tells of something that happened, was negated, or is only
        hypothetical (modal, conditional), looking through "and"-chains."""
        negated = False
        current: Token | None = token
        while current is not None:
            for child in current.children:
                if child.dep_ == "neg":
                    negated = True
                if (
                    child.dep_ == "aux"
                    and child.lower_ in self._patterns.hypothetical_modals
                    and not self._reported_will(child)
                ):
                    return _HYPOTHETICAL
                if child.dep_ == "mark" and child.lower_ in _CONDITIONS:
                    return _HYPOTHETICAL
            current = _governing_verb(current)
        return _NEGATED if negated else _HAPPENED

    def _reported_will(self, auxiliary: Token) -> bool:
        """ "would" in reported speech is the speaker's "will": "they said they would boycott"."""
        if auxiliary.lower_ != "would":
            return False
        clause = auxiliary.head
        while clause.dep_ == "conj":
            clause = clause.head
        return (
            clause.dep_ == "ccomp"
            and self._patterns.lemma(clause.head) in self._patterns.speech_verbs
        )

    def _unrealised(self, verb: Token) -> bool:
        """An infinitive not governed by an aspect verb: "refused to meet", "urged X to talk".

        "continued to attack" did attack; intent frames code their infinitives themselves.
        """
        if verb.dep_ == "conj" and not any(c.dep_ in _SUBJECTS | {"aux"} for c in verb.children):
            return self._unrealised(verb.head)  # "urged X to unite and mobilize": both asked
        if verb.dep_ in ("acl", "ccomp") and verb.head.pos_ == "NOUN":
            head = verb.head
            if head.lower_ in self._patterns.nouns or head.lemma_ in self._patterns.nouns:
                return True  # "its demand that Israel ease restrictions": asked, not done
        if verb.dep_ == "ccomp" and self._asks(verb.head):
            return True  # "demanding that the government provide ...", "renewed its call that"
        infinitive = verb.dep_ == "xcomp" or _infinitive(verb)
        return infinitive and self._patterns.lemma(verb.head) not in self._patterns.aspect_verbs

    def _asks(self, verb: Token) -> bool:
        """Whether a verb asks for something, itself ("demanded that") or through its object
        ("reiterated its demand that"): what it asks for has not happened."""
        asking = self._patterns.asking_roots
        key, _ = self._pattern_key(verb)
        if key is not None and self._patterns.verbs[key][:2] in asking:
            return True
        nouns = self._patterns.nouns
        return any(
            child.dep_ == "dobj"
            and nouns.get(child.lemma_, nouns.get(child.lower_, ""))[:2] in asking
            for child in verb.children
        )

    def _future(self, token: Token) -> bool:
        current: Token | None = token
        while current is not None:
            if any(
                c.dep_ == "aux"
                and (c.lower_ in self._patterns.future_auxiliaries or self._reported_will(c))
                for c in current.children
            ):
                return True
            current = _governing_verb(current)
        return False

    # -- roles ----------------------------------------------------------------------------

    def _subjects(self, verb: Token, actors: ArticleActors, depth: int = 0) -> _Found:
        for child in _arguments(verb):
            if child.dep_ in _SUBJECTS:
                if child.lower_ in _RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                    return _Found(actors.resolve(verb.head), True)
                if child.lower_ in _SPEAKER_PRONOUNS and verb.dep_ == "ccomp" and depth < 4:
                    # "The union announced that it has called off the strike": "it" is the
                    # one who speaks, not the nearest group named before it.
                    speaker = self._subjects(verb.head, actors, depth + 1)
                    if speaker.mentions:
                        return _Found(speaker.mentions, True)
                found = self._resolve_all(child, actors)
                if not found and self._a_name(child):
                    # A name no dictionary knows is an actor all the same, of no known
                    # country: "The Earth Liberation Front claimed responsibility".
                    found = [self._unknown(child, actors)]
                return _Found(found, True)
        if self._mistagged_verb(verb):
            left = next(c for c in verb.lefts if c.dep_ == "compound")
            return _Found(actors.resolve(left), False)
        if _verbless_subject(verb):
            # "Two Cuban athletes asked for asylum.": parsed as a noun and its reduced relative
            # clause, the sentence has no verb but this one, whose subject is that noun.
            before = verb.doc[max(verb.left_edge.i - 1, verb.sent.root.i)]
            end = actors.offset + before.idx + len(before.text)  # where the clause starts
            mentions = self._resolve_all(verb.sent.root, actors)
            trimmed = [
                replace(m, phrase=(m.phrase_span[0], min(m.phrase_span[1], end))) for m in mentions
            ]
            return _Found(trimmed, False)
        if verb.dep_ == "acl" and verb.head.dep_ == "dobj" and depth < 4:
            # "X issued a statement calling on Y": who issued the statement calls.
            inherited = self._subjects(verb.head.head, actors, depth + 1)
            return _Found(inherited.mentions, False)
        if depth < 4 and verb.dep_ in ("conj", "xcomp", "advcl", "acomp"):
            inherited = self._subjects(verb.head, actors, depth + 1)
            # "failed to reach": the subject of the verb above is the one who tried.
            controlled = verb.dep_ == "xcomp" and inherited.direct
            return _Found(inherited.mentions, controlled)
        return _NONE

    def _objects(self, verb: Token, prep: Token | None, actors: ArticleActors) -> _Found:
        if prep is not None and prep.dep_ in ("prep", "agent"):
            found = self._children(prep, ("pobj", "pcomp"), actors)
            if found.named:
                return found
            # "forced the agency out of the country": the preposition has no object of its own
        accuser = self._accuser(verb, actors)
        if accuser.named:
            return accuser
        direct = self._children(verb, _OBJECTS, actors)
        if direct.mentions and self._moves_forces(verb):
            where = self._destination(verb, actors)
            if where.named:
                return where
            # "mobilized army reservists for a war against Mali": forces of no country named
            # are the mover's own; whom they are raised against is the target.
            own = all(m.actor.country is None for m in direct.mentions)
            opposed = self._opposed(verb, actors) if own else _NONE
            return opposed if opposed.mentions else direct
        if direct.mentions:
            return direct
        found = self._prep_objects(verb, self._patterns.target_preps, actors)
        if found.mentions:
            return found
        imposed = self._imposed_on(verb, actors)
        if imposed.named:
            return imposed
        # "welcomes Chinese enterprises to invest": the object is the subject of the complement.
        for child in verb.children:
            if child.dep_ in ("ccomp", "xcomp"):
                for grandchild in child.children:
                    if grandchild.dep_ in _SUBJECTS:
                        return _Found(self._resolve_all(grandchild, actors), False)
        return _Found([], False, direct.phrase)

    def _accuser(self, verb: Token, actors: ArticleActors) -> _Found:
        """Who made the accusations a verb denies: "denied charges by the opposition that
        ..." is a denial to the opposition, not to the charges."""
        for obj in verb.children:
            if obj.dep_ != "dobj" or self._patterns.lemma(obj) not in self._patterns.accusations:
                continue
            for prep in obj.children:
                if prep.dep_ == "prep" and prep.lower_ in ("by", "from"):
                    return self._children(prep, ("pobj",), actors)
        return _NONE

    def _administrative(self, verb: Token) -> bool:
        """Whether what a verb lifts is an administrative measure: "a night curfew", "the
        state of emergency"."""
        lifted = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        lifted += [o for c in lifted for p in c.children if p.lower_ == "of" for o in p.children]
        measures = self._patterns.administrative_measures
        return any(self._patterns.lemma(c) in measures for c in lifted)

    def _names_an_act(self, noun: Token) -> bool:
        """Whether a noun is itself a trigger noun: "withdrawal", "talks"."""
        nouns = self._patterns.nouns
        return noun.lower_ in nouns or noun.lemma_ in nouns

    def _one_sided(self, word: Token) -> bool:
        """Whether a trigger word is one side's wish: "offered to meet", "is willing to meet"."""
        patterns = self._patterns
        return (
            patterns.lemma(word) in patterns.intent_verbs or word.lower_ in patterns.intent_frames
        )

    def _moves_forces(self, verb: Token) -> bool:
        """Whether a verb moves forces: "withdrew its troops", "is deploying 300 troops"."""
        return self._patterns.lemma(verb) in self._patterns.moving_verbs and any(
            c.dep_ == "dobj" and c.lower_ in self._patterns.moved_units for c in verb.children
        )

    def _opposed(self, verb: Token, actors: ArticleActors) -> _Found:
        """Whom a verb's act is against, anywhere in its phrases: "for a war against Mali"."""
        for prep in verb.subtree:
            if prep.dep_ == "prep" and prep.lower_ == "against":
                found = self._children(prep, ("pobj",), actors)
                if found.mentions:
                    return _Found(found.mentions, False)
        return _NONE

    def _destination(self, verb: Token, actors: ArticleActors) -> _Found:
        """Where moved forces go or leave: "troops to Mali", "peacekeepers in Iraq"."""
        for holder in (verb, *(c for c in verb.children if c.dep_ == "dobj")):
            where = self._prep_objects(holder, _DESTINATIONS, actors)
            if where.named:
                return where
        return _NONE

    def _imposed_on(self, verb: Token, actors: ArticleActors) -> _Found:
        """Whom a measure acted upon is imposed on: "lifted the ban imposed on the party",
        "eased sanctions against Cuba"."""
        for measure in verb.children:
            if measure.dep_ != "dobj":
                continue
            holders = [measure, *(c for c in measure.children if c.dep_ == "acl")]
            for holder in holders:
                for prep in holder.children:
                    if prep.dep_ == "prep" and prep.lower_ in ("on", "against"):
                        found = self._children(prep, ("pobj",), actors)
                        if found.named:
                            return _Found(found.mentions, False, found.phrase)
        return _NONE

    def _passive_subjects(self, verb: Token, actors: ArticleActors) -> _Found:
        return self._children(verb, ("nsubjpass",), actors)

    def _agent(self, verb: Token, actors: ArticleActors) -> _Found:
        for child in verb.children:
            if child.dep_ == "agent":
                return self._children(child, ("pobj",), actors)
        return _NONE

    def _children(
        self, token: Token, deps: tuple[str, ...] | frozenset[str], actors: ArticleActors
    ) -> _Found:
        phrase = None
        for child in token.children:
            if child.dep_ in deps:
                if child.pos_ == "ADP":  # "sent aid to Chad, Niger and Mali": the dative's object
                    child = next((c for c in child.children if c.dep_ == "pobj"), child)
                mentions = self._resolve_all(child, actors, joined=False)
                if mentions:
                    return _Found(mentions, True)
                if phrase is None and child.pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
                    start, end = argument_span(child)
                    phrase = (actors.offset + start, actors.offset + end)
        return _Found([], False, phrase)

    def _prep_objects(self, token: Token, preps: frozenset[str], actors: ArticleActors) -> _Found:
        phrase = None
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in preps:
                found = self._children(child, ("pobj",), actors)
                clause = _stranding_clause(child)
                if clause is not None:
                    found = self._children(clause, ("nsubj",), actors)
                if found.mentions:
                    return found
                if not _when(child):
                    phrase = phrase or found.phrase
        return _Found([], False, phrase)

    def _partner_within(
        self, action: Token, actors: ArticleActors, any_object: bool = False
    ) -> _Found:
        """The partner of an intended act: "to work with Peru", "cooperation with China";
        with ``any_object``, also what the act is done to: "threatened to ban the party"."""
        preps = self._patterns.target_preps if any_object else frozenset({"with", "to"})
        for token in action.subtree:
            if token.dep_ == "prep" and token.lower_ in preps:
                found = self._children(token, ("pobj",), actors)
                if found.mentions:
                    return _Found(found.mentions, False)
        if any_object:
            if self._moves_forces(action):
                found = self._destination(action, actors)
            else:
                found = self._children(action, _OBJECTS, actors)
            if found.mentions:
                return _Found(found.mentions, False)
        return _NONE

    def _resolve_all(
        self, head: Token, actors: ArticleActors, joined: bool = True
    ) -> list[Mention]:
        """The actors of a phrase and of the phrases joined to it by "and". Two actors who
        act together are one argument (``joined``: "The US and South Korea signed"); those
        acted upon are each their own ("condemned Iraq and Turkey")."""
        mentions = list(actors.resolve_within(head))
        for conj in head.conjuncts:
            if conj.i > head.i:
                mentions.extend(actors.resolve_within(conj))
        if joined and len(mentions) > 1 and len(head.conjuncts) == 1:
            # "The US and South Korea": two actors, one argument; in a longer list ("Germany,
            # Russia, Sweden and Norway") each is its own.
            start, end = argument_span(head, joined=True)
            phrase = (actors.offset + start, actors.offset + end)
            mentions = [replace(m, phrase=phrase) for m in mentions]
        return mentions

    # -- events ---------------------------------------------------------------------------

    def _pairs(
        self,
        sources: _Found,
        targets: _Found,
        code: str,
        predicate: Token,
        trigger: tuple[Token, Token | None],
        alone: bool = False,
        unnamed_source: bool = False,
    ) -> list[Coding]:
        pairs: list[tuple[Mention | None, Mention | None]] = []
        if unnamed_source and targets.mentions:
            # Violence by a weapon, its user unnamed: "a bombing killed one U.S. soldier".
            pairs = [(None, t) for t in targets.mentions]
        elif sources.mentions and targets.mentions:
            pairs = [(s, t) for s in sources.mentions for t in targets.mentions]
            if code in self._patterns.mutual and not self._one_sided(trigger[0]):
                pairs += [(t, s) for s, t in pairs]  # "X met Y", "X will meet Y": Y met X
        elif len(sources.mentions) >= 2 and code in self._patterns.symmetric:
            # "China and Peru signed", "the two sides held talks": each acts on the other.
            pairs = [(s, t) for s in sources.mentions for t in sources.mentions if s is not t]
        elif sources.mentions and alone:
            pairs = [(s, None) for s in sources.mentions]
        confidence = 0.9
        confidence -= 0.0 if sources.direct else 0.1
        confidence -= 0.0 if targets.direct or not targets.mentions else 0.1
        confidence -= 0.3 if not targets.mentions else 0.0
        confidence -= 0.2 if unnamed_source else 0.0
        if alone and pairs and all(s and t and _same_actor(s, t) for s, t in pairs):
            # "Clinton defended US strategy": acting on one's own country is acting alone,
            # on what the dropped target named ("US strategy").
            own = pairs[0][1]
            targets = _Found([], False, own.phrase_span if own else targets.phrase)
            pairs = [(s, None) for s in dict.fromkeys(s for s, _ in pairs)]
            confidence -= 0.3
        if targets.phrase is None and not targets.mentions:
            # Nothing acted upon but a named place: "declared a state of siege in Pando".
            place = _named_place(trigger)
            if place is not None:
                start, end = argument_span(place)
                targets = _Found([], False, (self._offset + start, self._offset + end))
        trigger_text, trigger_span = _trigger(trigger)
        codings = []
        for source, target in pairs[:_MAX_PAIRS]:
            if source is not None and target is not None and _same_actor(source, target):
                continue
            object_phrase = targets.phrase if target is None else None
            read = code
            if target is not None and target.actor.kind in ("igo", "organisation"):
                read = self._patterns.organisation_readings.get(code, code)
            codings.append(
                Coding(
                    source,
                    target,
                    read,
                    predicate,
                    trigger_text,
                    trigger_span,
                    confidence,
                    object_phrase,
                )
            )
        return codings


def _named_place(trigger: tuple[Token, Token | None]) -> Token | None:
    """A name after "in" or "on" on the trigger's words: where the act was directed."""
    for word in trigger:
        if word is None:
            continue
        for prep in word.children:
            if prep.dep_ == "prep" and prep.lower_ in ("in", "on"):
                for obj in prep.children:
                    # "in Pando", "in parts of Kashmir", "in Bosnian Serb territory"
                    named = any(t.pos_ == "PROPN" for t in obj.subtree)
                    if obj.dep_ == "pobj" and named and not _when(prep):
                        return obj
    return None


def _verbless_subject(verb: Token) -> bool:
    """Whether a participle the parser hung on a noun is the predicate of a sentence
    whose root is that noun: no agent makes it a passive ("weapons seized by the
    police"), and a verb before it makes it a modifier."""
    root = verb.sent.root
    head = verb.head
    while head != root and head.dep_ in ("appos", "conj"):
        head = head.head  # "The government, a number of parties ... condemned"
    return (
        verb.dep_ in ("acl", "relcl")
        and verb.tag_ in ("VBD", "VBN")
        and root.pos_ in ("NOUN", "PROPN")
        and head == root
        and not any(c.dep_ in ("agent", *_SUBJECTS, "nsubjpass") for c in verb.children)
        and not any(t.pos_ in ("VERB", "AUX") for t in verb.sent if t.i < verb.i)
    )


def _has_subject_and_particle(word: Token) -> bool:
    deps = {c.dep_ for c in word.children}
    return "prt" in deps and not deps.isdisjoint(_SUBJECTS)


def _arguments(verb: Token) -> list[Token]:
    """A verb's children, and those the parser hung on its auxiliary instead: the subject
    of "Britain and France however have opposed ..." hangs on "have"."""
    auxiliaries = [g for c in verb.children if c.dep_ == "aux" for g in c.children]
    return [*verb.children, *auxiliaries]


def _stranding_clause(prep: Token) -> Token | None:
    """The clause whose subject is the object the parser took from a preposition left
    bare: "granted asylum to [five officers holed up in ...]", read as a clause "officers
    holed up"."""
    if any(c.dep_ in ("pobj", "pcomp") for c in prep.children):
        return None
    for clause in prep.head.children:
        if clause.dep_ in ("advcl", "ccomp") and clause.i > prep.i:
            subject = next((c for c in clause.children if c.dep_ == "nsubj"), None)
            if subject is not None and subject.left_edge.i == prep.i + 1:
                return clause
    return None


def _governing_verb(token: Token) -> Token | None:
    """The verb whose auxiliaries and negation also govern ``token``: the first conjunct of
    a chain that shares its subject, or the aspect verb of "continue to ..."."""
    if token.dep_ == "conj" and not any(c.dep_ in _SUBJECTS | {"aux"} for c in token.children):
        return token.head
    if token.dep_ == "xcomp":
        return token.head
    return None


def _moved_units_of(noun: Token, patterns: Patterns) -> bool:
    """Whether a noun's "of" phrase names forces moved: "the withdrawal of 300 troops"."""
    return any(o.lower_ in patterns.moved_units for o in _of_objects(noun))


def _of_objects(word: Token) -> list[Token]:
    """The objects of a word's "of" phrase: "hundreds of [troops]", "the withdrawal of
    [troops]"."""
    return [
        o
        for p in word.children
        if p.dep_ == "prep" and p.lower_ == "of"
        for o in p.children
        if o.dep_ == "pobj"
    ]


def _when(prep: Token) -> bool:
    """Whether a prepositional phrase says when: "on Monday", "on 1 April", "after the vote"."""
    return prep.lower_ in TIME_PREPS or any(
        o.dep_ == "pobj" and (o.lower_ in TIME_WORDS or o.ent_type_ in ("DATE", "TIME"))
        for o in prep.children
    )


def _infinitive(verb: Token) -> bool:
    return any(child.dep_ == "aux" and child.tag_ == "TO" for child in verb.children)


def _negated(token: Token) -> bool:
    return any(child.dep_ == "neg" for child in token.children)


def _same_actor(source: Mention, target: Mention) -> bool:
    a, b = source.actor, target.actor
    if a.code == b.code:
        return True
    # A country standing for itself within a group ("called on the two sides"): the source's
    # own country is not its target.
    return b.kind == "state" and b.sector is None and a.country == b.country


def _trigger(tokens: tuple[Token, Token | None]) -> tuple[str, tuple[int, int]]:
    first, last = tokens
    if last is None or last.i < first.i:
        last = first
    doc = first.doc
    # Words far apart ("willing ... work") are shown with an ellipsis between them.
    far = last.i - first.i > 1
    text = f"{first.text} … {last.text}" if far else doc[first.i : last.i + 1].text
    return text, (first.idx, last.idx + len(last.text))


def _unique(codings: list[Coding]) -> list[Coding]:
    seen = set()
    result = []
    for coding in codings:
        key = (
            coding.source.actor.code if coding.source else None,
            coding.target.actor.code if coding.target else None,
            coding.code,
        )
        if key not in seen:
            seen.add(key)
            result.append(coding)
    return result
