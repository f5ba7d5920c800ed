"""The coder on hand-made sentences: one phenomenon each, none taken from the gold sets."""

from __future__ import annotations

import datetime as dt

import pytest

from communique.actors.resolve import ArticleActors
from communique.pipeline import code_batch
from communique.records import Article, CodedArticle


def events_of(coder, text: str, published: dt.date = dt.date(2024, 3, 9)):
    article = Article(id="t", text=text, published=published, origin="test")
    (result,) = code_batch([article], coder)
    assert isinstance(result, CodedArticle)
    return [
        (
            e.source.actor.code if e.source else None,
            e.cameo,
            e.target.actor.code if e.target else None,
        )
        for e in result.events
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a titled person, and the verb's preposition giving the target
        (
            "French President Emmanuel Macron met with German Chancellor Olaf Scholz.",
            ("FRAGOV", "040", "DEUGOV"),
        ),
        # a demonym with a sector noun; a capital standing for its government
        # "Kharkiv" is a city, not an actor: the attack stands without a target
        ("Russian troops attacked Kharkiv.", ("RUSMIL", "190", None)),
        ("Washington criticized Beijing over the new rules.", ("USAGOV", "111", "CHNGOV")),
        # passive voice: the agent acts
        ("Ukraine was attacked by Russia.", ("RUS", "190", "UKR")),
        # a light verb with a trigger noun
        ("The European Union imposed sanctions on Iran.", ("IGOEUREEC", "163", "IRN")),
        ("Japan held talks with South Korea.", ("JPN", "040", "KOR")),
        # intent frames
        ("Egypt is willing to cooperate with Sudan.", ("EGY", "031", "SDN")),
        ("Kenya pledged to work with Uganda on trade.", ("KEN", "030", "UGA")),
        # call on: an appeal
        ("Germany called on Turkey to release the journalists.", ("DEU", "020", "TUR")),
        # statements with an addressee (CAMEO 01)
        ("Italy told Libya that the border would stay open.", ("ITA", "010", "LBY")),
        ("Norway expressed concern over Sweden.", ("NOR", "012", "SWE")),
        # a role noun's sector from its modifier; two-word trigger nouns
        ("Peru arrested Bolivian opposition candidates.", ("PER", "173", "BOLOPP")),
        (
            "Bolivian miners began a hunger strike against the government.",
            ("BOLLAB", "142", "BOLGOV"),
        ),
        # a form the tagger does not reduce to its lemma; a trigger noun under a light verb
        ("Nigerian rebels overran the army base.", ("NGAREB", "192", "NGAMIL")),
        # a role noun owned by a person ("her government") is of that person's country
        (
            "Germany's chancellor said her government would send aid to Turkey.",
            ("DEUGOV", "033", "TUR"),
        ),
        # mediating between two sides acts on each
        ("Egypt mediated between Israel and Hamas.", ("EGY", "045", "ISR")),
        ("Egypt mediated between Israel and Hamas.", ("EGY", "045", "PSEREBHMS")),
        # members of an organisation stand for it
        ("Hungary criticized its European Union partners.", ("HUN", "111", "IGOEUREEC")),
        (
            "Turkey demanded that its NATO allies stop arming the militants.",
            ("TUR", "100", "IGOWSTNAT"),
        ),
        # a protest is against whom it calls for the removal of, or the one it followed did
        (
            "Kenyan protesters rallied in Nairobi, calling for the removal of President Ruto.",
            ("KENCVL", "141", "KENGOV"),
        ),
        (
            "Peruvian farmers rioted following a demonstration calling for the removal of the "
            "Peruvian president.",
            ("PERAGR", "145", "PERGOV"),
        ),
        # forces of no country named are the mover's own: the target is whom they go against
        ("France mobilized army reservists for a war against Mali.", ("FRA", "154", "MLI")),
        (
            "India deployed troops for an offensive against the Maoist rebels.",
            ("IND", "154", "INDREB"),
        ),
        # a concession is made to the partner of the talks it followed
        (
            "Kenyan teachers called off their strike after negotiations with the government.",
            ("KENEDU", "080", "KENGOV"),
        ),
        (
            "Ghanaian doctors ended their boycott following talks with the health ministry.",
            ("GHAHLH", "080", "GHAGOV"),
        ),
        # two sides agreeing together to cooperate agree with each other
        ("Chile and Peru agreed to sign a new trade pact.", ("PER", "032", "CHL")),
        ("Japan and Vietnam have agreed to share intelligence.", ("JPN", "031", "VNM")),
        # a spokesman speaks for the body he is a spokesman for
        (
            "A spokesman for the Chinese foreign ministry criticized Japan.",
            ("CHNGOV", "111", "JPN"),
        ),
        ("A spokeswoman for the United Nations criticized Israel.", ("IGOUNO", "111", "ISR")),
        # denying accusations is done to whoever made them
        (
            "Russia denied accusations from Ukraine that it shelled the plant.",
            ("RUS", "016", "UKR"),
        ),
        (
            "The minister rejected charges by the opposition that he lied to parliament.",
            ("---GOV", "016", "---OPP"),
        ),
        # a group loyal to someone is of that one's country
        (
            "Gunmen loyal to the Libyan government kidnapped two Italian workers.",
            ("LBYUAF", "181", "ITALAB"),
        ),
        ("Troops loyal to Damascus shelled the town.", ("SYRMIL", "194", None)),
        ("Israel established diplomatic ties with Bhutan.", ("ISR", "050", "BTN")),
        # a trigger that needs a target stands with a person who is no actor
        ("A Zimbabwean court freed the pastor Evan Mawarire.", ("ZWEJUD", "0841", None)),
        # a trigger noun of two words under a quantity
        ("Germany provided $2 billion in humanitarian aid to Jordan.", ("DEU", "073", "JOR")),
        # an adjective inside the object is no actor; a capital in a phrase of place is a place
        ("Russia suspended part of a military aid program for Bosnia.", ("RUS", "160", "BIH")),
        ("Israel threatened to ban voting in East Jerusalem.", ("ISR", "130", "PSECVL")),
        # statements: refusing to comment, claiming responsibility, stated attitudes
        ("Peru declined to comment.", ("PER", "011", None)),
        ("Hamas claimed responsibility for the attack.", ("PSEREBHMS", "015", None)),
        ("Japan is optimistic about the talks with South Korea.", ("JPN", "013", "KOR")),
        # reducing what a trigger noun gives; the "of" phrase of an act on people
        ("Britain reduced humanitarian aid to Yemen.", ("GBR", "162", "YEM")),
        ("Iran announced the release of two Kuwaiti nationals.", ("IRN", "0841", "KWTCVL")),
        # who issued a statement does what the statement does
        (
            "Amnesty International issued a statement calling on Peru to free the journalists.",
            ("NGOHRIAMN", "020", "PER"),
        ),
        # "it" in what someone says is the speaker, not the nearest group before it
        (
            "The Chilean navy, which guards Peruvian fishermen, said it had freed the hostages.",
            ("CHLMIL", "0841", "---CVL"),
        ),
        # an intent frame with a gerund; an attempted act is done; swearing to fight
        ("Vietnam is committed to opening its markets to Japan.", ("VNM", "030", "JPN")),
        ("Militants tried to assassinate the Iraqi prime minister.", ("---INS", "186", "IRQGOV")),
        ("The Iraqi Prime Minister swore to fight the insurgents.", ("IRQGOV", "138", "IRQINS")),
        # members of an organisation named after them; an unknown name told by its apposition
        ("Members of Hamas attacked Israeli soldiers.", ("PSEREBHMS", "190", "ISRMIL")),
        (
            "Salaheddine Sidhoum, Algeria's leading human rights activist, began a hunger strike.",
            ("DZANGO", "142", None),
        ),
        # violence by a weapon, its user unnamed
        ("A car bomb killed three Iraqi soldiers.", (None, "190", "IRQMIL")),
        ("Two Afghan policemen were killed in a roadside bombing.", (None, "190", "AFGCOP")),
        # the act behind "engaged in", also in the passive
        ("Serb forces engaged in ethnic cleansing.", ("SRBMIL", "203", None)),
        ("Serb forces were engaged in ethnic cleansing.", ("SRBMIL", "203", None)),
        # a lemma the tagger gets wrong ("staged" → "stag"); protesting as a purpose
        ("Bolivian miners staged a hunger strike.", ("BOLLAB", "142", None)),
        ("Palestinian workers shunned work to protest against Israel.", ("PSELAB", "140", "ISR")),
        # a "shadow" minister is in opposition, a "former" one no longer in office; a title
        # without a country takes the country the article is about
        (
            "Britain debated. Shadow Chancellor Margaret Oakes criticised the British budget.",
            ("GBROPP", "111", None),
        ),
        ("Former Peruvian President Alan Garcia praised Chile.", ("PERELI", "051", "CHL")),
        ("Peru voted. Interior Minister Jorge Lopez condemned Chile.", ("PERGOV", "111", "CHL")),
        # an ethnic group lives where the article is about, not in the country of its name
        ("Serb forces killed three ethnic Albanians in Serbia.", ("SRBMIL", "190", "SRBCVL")),
        # the act behind "on": a labour strike, an alert
        ("Nigerian teachers went on strike.", ("NGAEDU", "143", None)),
        ("Indian troops remained on alert.", ("INDMIL", "152", None)),
        # a phone call; "on Tuesday" is no "call on"; "call off" needs no one called
        (
            "Iran's president called his Lebanese counterpart on Tuesday.",
            ("IRNGOV", "041", "LBNGOV"),
        ),
        ("The Bolivian miners called off their strike.", ("BOLLAB", "080", None)),
        # force done to a plan is words
        ("Peru's president attacked Chile's plans.", ("PERGOV", "111", "CHL")),
        # a devolved government is the country's
        ("The Welsh Government criticised France.", ("GBRGOV", "111", "FRA")),
        # acting on one's own country is acting alone
        ("The Brazilian minister defended Brazilian policy.", ("BRAGOV", "052", None)),
        # members of a named organisation are the organisation
        ("Hezbollah militants attacked Israeli troops.", ("LBNREBHEZ", "190", "ISRMIL")),
        ("UN peacekeepers arrested two Malian soldiers.", ("IGOUNO", "173", "MLIMIL")),
        # an international organisation
        ("The United Nations condemned Myanmar.", ("IGOUNO", "111", "MMR")),
    ],
)
def test_codes_the_event(coder, text, expected):
    found = events_of(coder, text)
    assert expected in found, found


@pytest.mark.parametrize(
    "text",
    [
        "France did not meet with Germany.",  # negated
        "France should meet with Germany.",  # modal: not something that happened
        "If France attacks Germany, Italy will respond.",  # conditional
        "Will France meet with Germany?",  # a question
        "France refused to meet with Germany.",  # the refusal is the event, not a meeting
    ],
)
def test_no_meeting_or_attack_that_did_not_happen(coder, text):
    found = events_of(coder, text)
    assert not any(code.startswith(("04", "19")) for _, code, _ in found), found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # conflict, yielding and intent stand without a target when the subject is clear
        ("Bolivia rejected the proposal.", ("BOL", "120", None)),
        ("The Ecuadorian army shelled the hills.", ("ECUMIL", "194", None)),
        ("Italy is ready to contribute to peacekeeping.", ("ITA", "033", None)),
        ("Peru banned the rallies.", ("PER", "172", None)),
    ],
)
def test_events_without_a_target(coder, text, expected):
    assert expected in events_of(coder, text)


@pytest.mark.parametrize(
    "text",
    [
        "Chile released a statement.",  # releasing needs someone released
        "Chile met the deadline.",  # a meeting needs a partner
        "Chile thanked the organisers.",  # thanks need an addressee
        "The Peruvian president shot hoops with students.",  # no shooting
    ],
)
def test_no_event_without_the_target_it_needs(coder, text):
    assert events_of(coder, text) == []


def test_argument_phrase_is_kept_with_the_actor(coder):
    text = "Iraqi troops rejected the Croatian government's request for talks."
    article = Article(id="t", text=text, published=dt.date(2024, 3, 9), origin="test")
    (result,) = code_batch([article], coder)
    (event,) = [e for e in result.events if e.cameo == "120"]
    assert event.target is not None and event.target.text == "the Croatian government"
    start, end = event.target.phrase_span
    assert text[start:end] == "the Croatian government's request for talks"
    assert text[slice(*event.source.phrase_span)] == "Iraqi troops"


def coded(coder, text: str) -> CodedArticle:
    article = Article(id="t", text=text, published=dt.date(2024, 3, 9), origin="test")
    (result,) = code_batch([article], coder)
    assert isinstance(result, CodedArticle)
    return result


def test_a_phrase_leaves_out_when_it_happened(coder):
    text = "Former Chilean President Michelle Bachelet on Sunday criticised Peru."
    (event,) = coded(coder, text).events
    assert text[slice(*event.source.phrase_span)] == "Former Chilean President Michelle Bachelet"


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("The ministry accused the rebels of war crimes.", "the rebels"),
        (
            "Britain accused the Russian government of election interference.",
            "the Russian government",
        ),
    ],
)
def test_what_an_actor_is_charged_with_is_no_part_of_it(coder, text, phrase):
    (event,) = coded(coder, text).events
    assert event.target is not None and text[slice(*event.target.phrase_span)] == phrase


def test_an_actor_behind_a_preposition_is_a_phrase_of_its_own(coder):
    text = "Japan lifted the sanctions against the Burmese junta."
    (event,) = coded(coder, text).events
    assert event.target is not None and event.target.actor.code == "MMRMIL"
    assert text[slice(*event.target.phrase_span)] == "the Burmese junta"


def test_what_was_acted_upon_is_kept_when_it_is_no_actor(coder):
    text = "Bolivia rejected the proposal for a new mining law."
    (event,) = coded(coder, text).events
    assert event.target is None and event.object_phrase is not None
    assert text[slice(*event.object_phrase)] == "the proposal for a new mining law"


def test_a_named_place_is_what_an_act_without_target_was_directed_at(coder):
    text = "Bolivia declared a state of siege in Pando."
    (event,) = coded(coder, text).events
    assert event.target is None and event.object_phrase is not None
    assert text[slice(*event.object_phrase)] == "Pando"


def _acted_upon(event, text: str) -> str | None:
    """The words of what an event acted upon: its target's phrase, else its object phrase."""
    if event.target is not None:
        return text[slice(*event.target.phrase_span)]
    return text[slice(*event.object_phrase)] if event.object_phrase else None


@pytest.mark.parametrize(
    ("text", "cameo", "acted_upon"),
    [
        # an attitude is about what follows it, or about the clause it governs
        (
            "The ministry said it is skeptical about the proposed budget.",
            "012",
            "the proposed budget",
        ),
        (
            "A Dutch scientist says she is pessimistic that the delayed summit will go ahead.",
            "012",
            "the delayed summit",
        ),
        ("The union expressed skepticism about the merger plan.", "012", "the merger plan"),
        # a measure imposed on someone acts on them
        ("Britain will not lift the ban imposed on the movement.", "1244", "the movement"),
        ("Japan eased restrictions on foreign travellers.", "081", "foreign travellers"),
        # a curfew or a state of emergency acts on the place it is declared in
        ("Police imposed a curfew in parts of Lagos.", "1723", "parts of Lagos"),
        # the receiver of a trigger noun, named in a dative by no known name
        ("Mexico decided to grant asylum to Juan Perez.", "075", "Juan Perez"),
    ],
)
def test_what_an_act_without_named_target_acted_upon(coder, text, cameo, acted_upon):
    events = [e for e in coded(coder, text).events if e.cameo == cameo]
    assert [_acted_upon(e, text) for e in events] == [acted_upon]


def test_a_time_or_the_trigger_itself_is_not_what_was_acted_upon(coder):
    for text in (
        "Troops remained on alert on Monday.",
        "Peru declared a state of siege on Friday.",
    ):
        (event,) = coded(coder, text).events
        assert event.target is None and event.object_phrase is None, text


def test_aid_to_a_list_of_countries_reaches_each(coder):
    text = "France sent aid to Chad, Niger and Mali."
    targets = {e.target.actor.code for e in coded(coder, text).events if e.target}
    assert targets == {"TCD", "NER", "MLI"}


def test_a_posted_official_is_not_the_city_he_is_posted_in(coder):
    text = "Germany summoned the Russian ambassador in Berlin."
    (event,) = coded(coder, text).events
    assert event.target is not None and event.target.actor.code == "RUSGOV"
    assert text[slice(*event.target.phrase_span)] == "the Russian ambassador"


@pytest.mark.parametrize(
    ("text", "acted_upon"),
    [
        ("Britain is deploying 300 troops to Mali.", "Mali"),
        ("Sudan is willing to withdraw its troops from Abyei.", "Abyei"),
        ("Pakistan refused to deploy peacekeepers in Iraq.", "Iraq"),
    ],
)
def test_forces_moved_act_on_where_they_go_or_leave(coder, text, acted_upon):
    (event,) = coded(coder, text).events
    assert _acted_upon(event, text) == acted_upon


def test_actors_acted_upon_together_are_each_their_own_argument(coder):
    text = "Brazil condemned Iraq and Turkey on Monday."
    events = [e for e in coded(coder, text).events if e.cameo == "111"]
    assert {text[slice(*e.target.phrase_span)] for e in events if e.target} == {"Iraq", "Turkey"}


def test_a_meeting_is_each_sides_but_a_wish_to_meet_only_its_speakers(coder):
    text = "Peru met Chile in Lima."
    assert {(e.source.actor.code, e.target.actor.code) for e in coded(coder, text).events} == {
        ("PER", "CHL"),
        ("CHL", "PER"),
    }
    (wish,) = coded(coder, "Peru is willing to meet Chile.").events
    assert (wish.source.actor.code, wish.target.actor.code) == ("PER", "CHL")


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Nigerian police imposed a curfew in the city of Jos in central Nigeria.", "NGACVL"),
        ("The Nigerian government eased restrictions on Friday in Kano.", "NGACVL"),
        # what is done to someone named stays done to them
        ("Libya freed 37 prisoners from a jail in Tripoli.", None),
    ],
)
def test_a_measure_on_a_named_place_acts_on_its_people(coder, text, target):
    (event,) = coded(coder, text).events
    assert (event.target.actor.code if event.target else None) == target


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a way blocked is a protest with no actor acted upon; people in a capital are its
        ("Demonstrators in Nairobi blocked roads on Monday.", ("KENCVL", "144", None)),
        # who is asked to act, in the clause of a demand
        (
            "The Kenyan union reiterated its demand that Uganda lift restrictions on traders.",
            ("KENLAB", "100", "UGA"),
        ),
        # a name in brackets names the body it follows
        (
            "The International Labor Office (ILO) reiterated its demand that Peru pay the workers.",
            ("IGOUNOLAB", "100", "PER"),
        ),
    ],
)
def test_protests_demands_and_bracketed_names(coder, text, expected):
    assert expected in events_of(coder, text)


def test_blocking_a_plan_is_no_protest(coder):
    assert all(cameo != "144" for _, cameo, _ in events_of(coder, "Kenya blocked the deal."))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # aid stands without a receiver; what it is for names one
        ("The Kenyan government sent humanitarian aid on Monday.", ("KENGOV", "073", None)),
        ("Japan donated ventilators to assist Kenya.", ("JPN", "070", "KEN")),
        # a name no dictionary knows is an actor all the same
        ("The Earth Liberation Front claimed responsibility for the fire.", ("---", "015", None)),
    ],
)
def test_aid_and_unknown_names(coder, text, expected):
    assert expected in events_of(coder, text)


def test_an_unknown_name_keeps_its_words_and_says_it_is_unknown(coder):
    text = "The Earth Liberation Front claimed responsibility for the fire."
    (event,) = coded(coder, text).events
    assert event.source is not None and event.source.actor.kind == "unknown"
    assert event.source.text == "The Earth Liberation Front"


@pytest.mark.parametrize("text", ["The company provided details.", "Kenya gave a briefing."])
def test_giving_what_is_no_aid_to_nobody_is_no_event(coder, text):
    assert events_of(coder, text) == []


@pytest.mark.parametrize(
    ("text", "source"),
    [
        # a people named by its country first is of that country
        ("Bosnian Serbs demanded a truce with the army.", "BIHCVL"),
        # a people with no state of its own is of the country named first, civilians
        ("Syrian Kurds demanded a truce with the army.", "SYRCVL"),
        # people named by their role alone are of the place where they act
        ("Hundreds of people blocked streets in Nairobi.", "KENCVL"),
        # but soldiers are often from elsewhere
        ("Unidentified soldiers attacked a village in Mali.", "---MIL"),
    ],
)
def test_the_country_of_a_people_or_a_role(coder, text, source):
    assert source in {s for s, _, _ in events_of(coder, text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kenya sheltered thousands of refugees fleeing Somalia.", ("KEN", "075", "SOMREF")),
        (
            "Norway will send food aid to refugees fleeing the civil war in Yemen.",
            ("NOR", "033", "YEMREF"),
        ),
    ],
)
def test_people_fleeing_a_place_or_a_war_in_it_are_of_it(coder, text, expected):
    assert expected in events_of(coder, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a protest lodged is an official complaint, not a demonstration
        ("Serbia lodged an official protest with Albania today.", ("SRB", "114", "ALB")),
        # forced out: the people forced out, even with "out of" after them
        ("Kenya forced the Somali traders out of the country.", ("KEN", "174", "SOMBUS")),
        # an agency forced out is an organisation expelled, not people deported
        ("Indonesia forced the UN refugee agency out of the country.", ("IDN", "166", "IGOUNOHCR")),
    ],
)
def test_complaints_and_expulsions(coder, text, expected):
    assert expected in events_of(coder, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a verb that carries an act out or along governs the act's noun
        ("Kenya sped up the delivery of food aid to Somalia.", ("KEN", "070", "SOM")),
        # forces withdrawn act on where they leave, and are no trigger of their own
        ("The United States completed its withdrawal of troops from Iraq.", ("USA", "087", "IRQ")),
    ],
)
def test_acts_carried_out_and_forces_withdrawn(coder, text, expected):
    found = events_of(coder, text)
    assert found == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # lifting a curfew or an emergency eases administrative sanctions, not economic ones
        ("Serbia lifted a night curfew in Kosovo.", ("SRB", "081", "XKXCVL")),
        ("Egypt lifted the state of emergency.", ("EGY", "081", None)),
        ("Japan lifted sanctions on Iran.", ("JPN", "085", "IRN")),
        # a threatened measure acts on the people of the place it would be taken in
        (
            "The Kenyan president threatened to impose a curfew in Mombasa.",
            ("KENGOV", "130", "KENCVL"),
        ),
    ],
)
def test_measures_lifted_and_threatened(coder, text, expected):
    assert expected in events_of(coder, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # evacuating people is aid; evacuating troops is a withdrawal from where they were
        (
            "Aid workers evacuated the injured from the besieged Syrian town of Madaya.",
            ("---NGO", "073", "SYR"),
        ),
        ("France evacuated its troops from Mali.", ("FRA", "087", "MLI")),
    ],
)
def test_who_is_evacuated(coder, text, expected):
    assert expected in events_of(coder, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a protest is against whom its purpose or its defiance names, not the streets' place
        (
            "Students in Nairobi blocked a highway to show their anger at the Ugandan government.",
            ("KENEDU", "144", "UGAGOV"),
        ),
        (
            "Thousands of people blocked roads in Lagos in defiance of the Nigerian army.",
            ("NGACVL", "144", "NGAMIL"),
        ),
    ],
)
def test_whom_a_protest_is_against(coder, text, expected):
    assert events_of(coder, text) == [expected]


def test_a_body_based_in_a_capital_is_of_its_country(coder):
    assert ("KENMED", "111", "UGA") in events_of(
        coder, "A radio station based in Nairobi criticized Uganda on Monday."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # accepting demands or refugees is yielding; refusing to is rejecting
        ("Kenya accepted the demands of the union.", ("KEN", "080", "KENLAB")),
        ("Uganda says it will not accept any more Sudanese refugees.", ("UGA", "124", "SDNREF")),
    ],
)
def test_accepting_is_yielding_and_not_demanding(coder, text, expected):
    assert events_of(coder, text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ending a strike calls it off; refusing to is rejecting; ending a war is not this
        ("The Kenyan union ended the strike on Monday.", [("KENLAB", "080", None)]),
        (
            "Kenyan teachers said they will not end the strike until their pay rises.",
            [("KENEDU", "124", None)],
        ),
        ("Kenya ended the war with Uganda.", []),
    ],
)
def test_ending_a_strike(coder, text, expected):
    assert events_of(coder, text) == expected


def test_actors_joined_by_and_share_their_argument(coder):
    text = "Brazil and Chile condemned Venezuela on Monday."
    events = [e for e in coded(coder, text).events if e.cameo == "111"]
    assert {e.source.actor.code for e in events if e.source} == {"BRA", "CHL"}
    assert {text[slice(*e.source.phrase_span)] for e in events if e.source} == {"Brazil and Chile"}
    assert all(e.target and e.target.actor.code == "VEN" for e in events)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a cooperative act negated or failed is a refusal
        ("Chile will not release the Peruvian soldiers.", ("CHL", "1243", "PERMIL")),
        ("Russia did not lift the ban on Georgian wine.", ("RUS", "1244", "GEO")),
        ("Ecuador and Colombia failed to reach an agreement.", ("ECU", "127", None)),
        # an act announced on a condition is a threat
        (
            "Nigeria will withdraw its troops from Chad unless the fighting stops.",
            ("NGA", "130", "TCD"),
        ),
    ],
)
def test_refusals(coder, text, expected):
    assert expected in events_of(coder, text)


def test_he_is_someone_named_before_him(coder):
    text = (
        "Peruvian President Dina Boluarte met the press. "
        "He told reporters that Chilean Foreign Minister Alberto van Klaveren would visit."
    )
    tellers = [e for e in coded(coder, text).events if e.cameo == "010"]
    assert tellers and all(e.source.actor.code == "PERGOV" for e in tellers if e.source)


def test_it_standing_for_a_clause_is_no_actor(coder):
    actors = ArticleActors(coder.gazetteer, coder.sectors)
    doc = coder.nlp("Peru spoke first. It is important that Chile attacked Bolivia. It won.")
    first, second, third = doc.sents
    for sentence in (first, second, third):
        actors.scan(sentence, 0)
    assert actors.resolve(second[0]) == []  # "It is important that ...": the clause
    assert [m.actor.code for m in actors.resolve(third[0])] == ["BOL"]  # "It won": a state


def test_future_is_an_intent(coder):
    found = events_of(coder, "Chile will meet with Argentina next week.")
    assert ("CHL", "036", "ARG") in found


def test_symmetric_verb_codes_both_directions(coder):
    found = events_of(coder, "Jordan and Britain signed an agreement.")
    assert ("JOR", "057", "GBR") in found
    assert ("GBR", "057", "JOR") in found


def test_later_short_form_resolves_to_the_titled_person(coder):
    text = (
        "Brazilian President Luiz Inacio Lula da Silva arrived on Monday.\n\n"
        "Lula praised Argentina for its reforms."
    )
    found = events_of(coder, text)
    assert ("BRAGOV", "051", "ARG") in found


def test_the_two_sides_are_the_states_in_play(coder):
    text = (
        "Vietnam's Prime Minister Pham Minh Chinh met with "
        "Thai Prime Minister Srettha Thavisin.\n\n"
        "Pham called on the two sides to expand trade."
    )
    found = events_of(coder, text)
    assert ("VNMGOV", "020", "THA") in found
    assert not any(src == "VNMGOV" and tgt == "VNM" for src, _, tgt in found)


def test_weekday_resolves_against_the_publication_date(coder):
    article = Article(
        id="w",
        text="Canadian Prime Minister Mark Carney met with Mexican President Claudia Sheinbaum "
        "in Ottawa on Friday.",
        published=dt.date(2025, 6, 14),  # a Saturday
        origin="test",
    )
    (result,) = code_batch([article], coder)
    meeting = [e for e in result.events if e.cameo == "040"]
    assert len(meeting) == 2  # each side's
    for event in meeting:
        assert event.date is not None
        assert (event.date.date, event.date.origin) == (dt.date(2025, 6, 13), "sentence")
        assert event.location is not None and event.location.name == "Ottawa"
        assert event.location.country == "CAN"


def test_adjectives_joined_by_and_make_one_actor_each(coder):
    found = events_of(coder, "Senior Hungarian and Romanian officials agreed on a new plan.")
    assert ("HUNGOV", "030", "ROUGOV") in found
    assert ("ROUGOV", "030", "HUNGOV") in found


def test_sides_named_by_their_adjectives(coder):
    found = events_of(coder, "The Turkish and Greek sides agreed on a ceasefire.")
    assert ("TUR", "030", "GRC") in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Chinese troops launched mortar and artillery fire against Indian positions.",
            ("CHNMIL", "190", "IND"),
        ),
        (
            "The United States imposed travel restrictions and economic sanctions on Cuba.",
            ("USA", "163", "CUB"),
        ),
    ],
)
def test_a_trigger_noun_later_in_a_list_of_objects(coder, text, expected):
    assert expected in events_of(coder, text)


def test_an_intent_whose_infinitive_the_parser_hangs_apart(coder):
    found = events_of(
        coder, "Somali rebels swore to attack the capital until the government resigns."
    )
    assert ("SOMREB", "138", None) in found


def test_an_infinitive_after_an_offer_and_its_object_is_its_purpose(coder):
    found = events_of(
        coder, "Norway offered emergency aid to Chad to assist refugees fleeing Sudan."
    )
    assert ("NOR", "033", "TCD") in found
    assert not any(code.startswith("03") and target == "SDN" for _, code, target in found)


def test_ordered_killings_are_the_killings(coder):
    found = events_of(coder, "The general ordered the killing of twenty Colombian farmers.")
    assert [code for _, code, _ in found] == ["190"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hundreds of Syrian refugees sought asylum in Sweden last year.",
            ("SYRREF", "020", "SWE"),
        ),
        ("Thousands of Syrian Kurds have sought refuge in Iraq.", ("SYRCVL", "020", "IRQ")),
    ],
)
def test_refuge_is_asked_of_the_place_it_is_sought_in(coder, text, expected):
    assert expected in events_of(coder, text)


def test_support_sought_in_a_place_asks_nothing_of_it(coder):
    assert events_of(coder, "The minister sought support in Parliament.") == []


def test_a_verb_joined_to_an_infinitive_asked_for_is_asked_for_too(coder):
    found = events_of(coder, "Egypt urged Libya to withdraw and negotiate with Chad.")
    assert found == [("EGY", "020", "LBY")]


def test_a_sentence_parsed_as_a_noun_and_its_participle(coder):
    assert events_of(coder, "Two Cuban athletes asked for asylum in Canada.") == [
        ("CUB", "020", "CAN")
    ]
    # with an agent the participle is a passive: the noun is what it was done to
    found = events_of(coder, "Three Chilean activists detained by Bolivian police.")
    assert not any(source == "CHLCVL" for source, _, _ in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Japan returned two islands to Russia.", [("JPN", "084", "RUS")]),
        ("The Chinese ambassador returned to Beijing on Monday.", []),
    ],
)
def test_returning_hands_something_back_or_only_goes_back(coder, text, expected):
    assert events_of(coder, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # whose act would set the threat off is whom it is aimed at
        (
            "Iran has threatened to leave the talks if Britain sends warships.",
            ("IRN", "130", "GBR"),
        ),
        # a place the threatened act is done to names its people instead
        (
            "Serbia threatened to impose a curfew in Mitrovica if Albania sends arms.",
            ("SRB", "130", "SRBCVL"),
        ),
    ],
)
def test_whom_a_conditional_threat_is_aimed_at(coder, text, expected):
    assert expected in events_of(coder, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Peruvian farmers converged on Lima for a protest against the government.",
            [("PERAGR", "140", "PERGOV")],
        ),
        # where they came to is not whom the talks are with
        (
            "Chinese and Indian diplomats returned to Beijing for talks on the border.",
            [("CHNGOV", "040", "INDGOV"), ("INDGOV", "040", "CHNGOV")],
        ),
    ],
)
def test_the_act_people_gathered_for(coder, text, expected):
    assert events_of(coder, text) == expected


def _parsed(words: str, heads: list[int], deps: str, pos: str = "", tags: str = ""):
    """A hand-parsed sentence: words, tags and labels are given space-separated."""
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    optional = {"pos": pos.split() or None, "tags": tags.split() or None}
    return Doc(Vocab(), words=words.split(), heads=heads, deps=deps.split(), **optional)


def test_the_object_a_parser_takes_from_its_preposition_for_a_subject():
    from communique.coding.coder import _stranding_clause

    # "granted asylum to [five officers hiding here]", parsed as the clause "officers hiding"
    words = "Peru granted asylum to five officers hiding here"
    doc = _parsed(words, [1, 1, 1, 1, 5, 6, 1, 6], "nsubj ROOT dobj prep nummod nsubj advcl advmod")
    assert _stranding_clause(doc[3]) == doc[6]
    # a preposition with its object keeps it
    doc = _parsed(words, [1, 1, 1, 1, 5, 3, 5, 6], "nsubj ROOT dobj prep nummod pobj acl advmod")
    assert _stranding_clause(doc[3]) is None


def test_whom_a_protest_named_by_a_noun_is_against(coder):
    text = (
        "Kenyan nurses began a hunger strike on Monday in protest against the abuses "
        "by Ugandan border guards."
    )
    assert ("KENHLH", "142", "UGACOP") in events_of(coder, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # no agent: those withdrawn withdraw, from where they leave
        ("Russian troops were withdrawn from Georgia.", [("RUSMIL", "087", "GEO")]),
        # with an agent, the agent withdraws them
        ("Russian troops were withdrawn from Georgia by Moscow.", [("RUSGOV", "087", "RUSMIL")]),
        # people evacuated are helped, not retreating
        ("Hundreds of Somali civilians were evacuated from Mogadishu.", []),
    ],
)
def test_forces_withdrawn_with_no_agent_named_withdraw(coder, text, expected):
    assert events_of(coder, text) == expected


def test_a_subject_the_parser_hangs_on_the_auxiliary():
    from communique.coding.coder import _arguments

    doc = _parsed(
        "France however has opposed resolutions", [2, 3, 3, 3, 3], "nsubj advmod aux ROOT dobj"
    )
    assert [t.text for t in _arguments(doc[3]) if t.dep_ == "nsubj"] == ["France"]


def test_a_verb_the_parser_hangs_as_a_clause_on_a_listed_subject():
    from communique.coding.coder import _verbless_subject

    # "The government, a number of parties on Monday condemned the decision", the verb
    # parsed as a relative clause of the apposition
    doc = _parsed(
        "The government , a number of parties on Monday condemned the decision",
        [1, 1, 1, 4, 1, 4, 5, 9, 7, 4, 11, 9],
        "det ROOT punct det appos prep pobj prep pobj relcl det dobj",
        pos="DET NOUN PUNCT DET NOUN ADP NOUN ADP PROPN VERB DET NOUN",
        tags="DT NN , DT NN IN NNS IN NNP VBD DT NN",
    )
    assert _verbless_subject(doc[9])
    # a relative clause with a subject of its own modifies its noun: "the decision the
    # parties condemned"
    doc = _parsed(
        "The decision the parties condemned",
        [1, 1, 3, 4, 1],
        "det ROOT det nsubj relcl",
        pos="DET NOUN DET NOUN VERB",
        tags="DT NN DT NNS VBD",
    )
    assert not _verbless_subject(doc[4])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Brazil has launched legal action against Argentina over the tariffs.",
            ("BRA", "115", "ARG"),
        ),
        (
            "Colombia launched a military operation against FARC rebels.",
            ("COL", "190", "COLREBFRC"),
        ),
    ],
)
def test_trigger_nouns_of_two_words(coder, text, expected):
    assert expected in events_of(coder, text)


def test_sending_people_to_investigate_is_investigating(coder):
    text = (
        "Germany has sent five police experts to investigate the bombing of the Turkish consulate."
    )
    assert ("DEU", "090", "TURGOV") in events_of(coder, text)
    # an attack they are sent for has not happened yet
    assert not any(
        code == "190"
        for _, code, _ in events_of(coder, "Russia sent troops to attack Ukrainian towns.")
    )


def test_a_time_hung_deep_in_a_phrase_is_no_part_of_it(coder):
    text = (
        "The Kenyan government, a number of opposition parties and the church on Monday "
        "condemned Uganda's decision to close the border."
    )
    article = Article(id="t", text=text, published=dt.date(2024, 3, 9), origin="test")
    (result,) = code_batch([article], coder)
    sources = {text[slice(*e.source.phrase_span)] for e in result.events if e.source}
    assert sources == {"The Kenyan government, a number of opposition parties and the church"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Israeli jets struck a Hamas training camp in Gaza.", [("ISR", "190", "PSEREBHMS")]),
        # a deal struck is the deal; a strike with nothing struck is a labour strike
        (
            "Egypt and Sudan struck a deal on the dam.",
            [("EGY", "057", "SDN"), ("SDN", "057", "EGY")],
        ),
        ("Thousands of Kenyan teachers are striking over pay.", [("KENEDU", "143", None)]),
        # no one named hits anyone
        ("The crisis hit Greek banks.", []),
    ],
)
def test_striking_and_hitting(coder, text, expected):
    assert events_of(coder, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Israeli troops on Sunday apprehended a Syrian man near the border.",
            ("ISRMIL", "173", "SYR"),
        ),
        (
            "The Syrian army intensified its bombardment of rebel-held areas near Idlib.",
            ("SYRMIL", "194", "---REB"),
        ),
    ],
)
def test_arrests_and_bombardments(coder, text, expected):
    assert expected in events_of(coder, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The ELN rebels said that they will lay down their arms next month.",
            [("COLREBELN", "035", None)],
        ),
        ("Kenya laid down new rules for Somalia.", []),
    ],
)
def test_laying_down_arms(coder, text, expected):
    assert events_of(coder, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Japan promised support for Vietnam's efforts to rebuild.", ("JPN", "032", "VNM")),
        ("Brazil promised aid to Haiti.", ("BRA", "033", "HTI")),
        ("Peru attended talks with Chile on Monday.", ("PER", "040", "CHL")),
    ],
)
def test_acts_promised_or_attended(coder, text, expected):
    assert expected in events_of(coder, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Israel allowed Palestinian workers to enter.", [("ISR", "086", "PSELAB")]),
        (
            "Sudan said it would allow the World Food Programme to deliver food to Darfur.",
            [("SDN", "035", "IGOUNOWFP")],
        ),
        # allowed by no actor, to no actor
        ("The new law allows the police to detain suspects.", []),
    ],
)
def test_allowing_others_in(coder, text, expected):
    assert events_of(coder, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Peru's government on Monday rejected accusations by Chile that its army had "
            "shelled the border.",
            [("PERGOV", "016", "CHL")],
        ),
        ("Kenya rejected the Somali proposal.", [("KEN", "120", "SOM")]),
    ],
)
def test_rejecting_an_accusation_is_denying_it(coder, text, expected):
    assert events_of(coder, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The Houthis claimed that they had attacked a Saudi air base with drones.",
            [("YEMREBHTH", "015", "SAU")],
        ),
        # said, not claimed: the attack is reported
        (
            "The Houthis said that they had attacked a Saudi air base.",
            [("YEMREBHTH", "190", "SAU")],
        ),
    ],
)
def test_violence_its_doers_claim_is_a_claim_of_responsibility(coder, text, expected):
    assert events_of(coder, text) == expected


def test_counterparts_are_their_governments(coder):
    found = events_of(coder, "The US authorities shared evidence with their Chinese counterparts.")
    assert found == [("USAGOV", "064", "CHNGOV")]


def test_a_noun_with_a_subject_and_a_particle_is_a_verb():
    from communique.coding.coder import _has_subject_and_particle

    # "Japan and Kenya hand over supplies", "hand" tagged a noun
    doc = _parsed(
        "Japan and Kenya hand over supplies", [3, 0, 0, 3, 3, 3], "nsubj cc conj ROOT prt dobj"
    )
    assert _has_subject_and_particle(doc[3])
    # "the hand over the table": no subject, no verb
    doc = _parsed("the hand over the table", [1, 1, 1, 4, 2], "det ROOT prep det pobj")
    assert not _has_subject_and_particle(doc[1])


def test_a_people_named_after_a_former_name_of_its_country(coder):
    found = events_of(coder, "Kampuchean troops shelled Thai border villages.")
    assert ("KHMMIL", "194", "THA") in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The Islamist Nahda party has said it will boycott Tunisia's elections unless "
            "the president resigns.",
            [("---", "133", "TUN")],
        ),
        # a thing a proper noun names is no actor
        ("The Ebola outbreak killed 300 people in Guinea.", []),
    ],
)
def test_a_body_a_proper_noun_names_is_an_actor(coder, text, expected):
    assert events_of(coder, text) == expected


def test_a_name_and_an_adjective_joined_before_a_role_make_two_actors(coder):
    found = events_of(coder, "U.S. and Russian negotiators held talks in Geneva.")
    assert found == [("USAGOV", "040", "RUSGOV"), ("RUSGOV", "040", "USAGOV")]


def test_talk_is_a_trigger_noun_as_talks_are(coder):
    found = events_of(
        coder, "Greek and Turkish diplomats returned to Geneva for talk on the island."
    )
    assert ("GRCGOV", "040", "TURGOV") in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The U.S. rolled back tariffs on Chinese goods.", [("USA", "085", "CHN")]),
        ("Britain will not remove the sanctions on Iran.", [("GBR", "1244", "IRN")]),
        # removing what is no measure eases nothing
        ("Kenya removed the minister from office.", []),
    ],
)
def test_measures_removed_or_rolled_back(coder, text, expected):
    assert events_of(coder, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Japan decided on Thursday to ease some sanctions on Myanmar.", ("JPN", "081", "MMR")),
        (
            "Mexico decided to grant political asylum to the Bolivian leader.",
            ("MEX", "075", "BOLGOV"),
        ),
    ],
)
def test_an_act_decided_is_done(coder, text, expected):
    assert expected in events_of(coder, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hundreds of French troops have arrived in Chad to join the peacekeeping mission.",
            [("FRAMIL", "074", "TCD")],
        ),
        ("The French president arrived in Chad on Monday.", [("FRAGOV", "042", "TCD")]),
    ],
)
def test_forces_arriving_are_deployed(coder, text, expected):
    assert events_of(coder, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Al-Shabaab militants held hundreds of Somali civilians as human shields in Kismayo.",
            [("SOMREBSHB", "173", "SOMCVL")],
        ),
        ("Kenya used the summit as a platform.", []),
    ],
)
def test_people_held_as_human_shields(coder, text, expected):
    assert events_of(coder, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Armenian forces violated the ceasefire about 50 times this morning.",
            [("ARMMIL", "190", None)],
        ),
        ("Hungary violated EU law.", [("HUN", "128", "IGOEUREEC")]),
    ],
)
def test_violating_a_ceasefire_is_fighting(coder, text, expected):
    assert events_of(coder, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kenyan police prevented a demonstration by university students in Nairobi.",
            [("KENCOP", "1721", "KENEDU")],
        ),
        (
            "Zimbabwean police dispersed the protesters with tear gas.",
            [("ZWECOP", "175", "ZWECVL")],
        ),
        # preventing what is no protest is no event
        ("Vaccines prevent disease.", []),
    ],
)
def test_protests_prevented_or_dispersed(coder, text, expected):
    assert events_of(coder, text) == expected
