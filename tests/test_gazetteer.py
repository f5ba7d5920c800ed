"""The gazetteer: the packaged country and organisation files, lookup rules and validation."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pycountry
import pytest

from communique.actors.gazetteer import Body, Gazetteer, GazetteerHit, default_gazetteer
from communique.actors.sectors import default_sectors
from communique.errors import DataFileError
from communique.pipeline import code_batch
from communique.records import Article


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


def hit(gazetteer: Gazetteer, phrase: str) -> GazetteerHit:
    found = gazetteer.lookup(phrase)
    assert found is not None, f"{phrase!r} not found"
    return found


# --- The packaged data -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "iso3"),
    [
        ("China", "CHN"),
        ("People's Republic of China", "CHN"),
        ("PRC", "CHN"),
        ("Mainland China", "CHN"),
        ("United States", "USA"),
        ("the United States", "USA"),
        ("United States of America", "USA"),
        ("U.S.", "USA"),
        ("US", "USA"),
        ("USA", "USA"),
        ("America", "USA"),
        ("Britain", "GBR"),
        ("United Kingdom", "GBR"),
        ("UK", "GBR"),
        ("U.K.", "GBR"),
        ("Great Britain", "GBR"),
        ("Russia", "RUS"),
        ("Russian Federation", "RUS"),
        ("Soviet Union", "RUS"),
        ("Burma", "MMR"),
        ("Ivory Coast", "CIV"),
        ("Côte d'Ivoire", "CIV"),
        ("Czech Republic", "CZE"),
        ("Czechia", "CZE"),
        ("Holland", "NLD"),
        ("the Netherlands", "NLD"),
        ("Swaziland", "SWZ"),
        ("Eswatini", "SWZ"),
        ("North Korea", "PRK"),
        ("DPRK", "PRK"),
        ("South Korea", "KOR"),
        ("Republic of Korea", "KOR"),
        ("ROK", "KOR"),
        ("Iran", "IRN"),
        ("Syria", "SYR"),
        ("Vietnam", "VNM"),
        ("Viet Nam", "VNM"),
        ("Bolivia", "BOL"),
        ("Venezuela", "VEN"),
        ("Tanzania", "TZA"),
        ("Laos", "LAO"),
        ("Moldova", "MDA"),
        ("Peru", "PER"),
        ("Chad", "TCD"),
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("Georgia", "GEO"),
        ("Kosovo", "XKX"),
        ("Palestine", "PSE"),
        ("Taiwan", "TWN"),
        ("DRC", "COD"),
        ("Republic of Congo", "COG"),
    ],
)
def test_country_names(gazetteer: Gazetteer, phrase: str, iso3: str) -> None:
    found = hit(gazetteer, phrase)
    assert (found.kind, found.code, found.country, found.sector) == ("country", iso3, iso3, None)


@pytest.mark.parametrize(
    ("phrase", "iso3"),
    [
        ("Chinese", "CHN"),
        ("Sino", "CHN"),
        ("Peruvian", "PER"),
        ("Peruvians", "PER"),
        ("Ivorian", "CIV"),
        ("American", "USA"),
        ("Americans", "USA"),
        ("British", "GBR"),
        ("Briton", "GBR"),
        ("Britons", "GBR"),
        ("Filipino", "PHL"),
        ("Philippine", "PHL"),
        ("Saudi", "SAU"),
        ("Saudis", "SAU"),
        ("Israeli", "ISR"),
        ("Israelis", "ISR"),
        ("Emirati", "ARE"),
        ("Georgian", "GEO"),
        ("Polish", "POL"),
        ("Salvadoran", "SLV"),
        ("Dominican", "DOM"),
    ],
)
def test_demonyms(gazetteer: Gazetteer, phrase: str, iso3: str) -> None:
    found = hit(gazetteer, phrase)
    assert (found.kind, found.code, found.sector) == ("adjective", iso3, None)


@pytest.mark.parametrize(
    ("phrase", "iso3"),
    [
        ("Beijing", "CHN"),
        ("Zhongnanhai", "CHN"),
        ("the Kremlin", "RUS"),
        ("Kremlin", "RUS"),
        ("Moscow", "RUS"),
        ("Downing Street", "GBR"),
        ("Whitehall", "GBR"),
        ("the Blue House", "KOR"),
        ("Blue House", "KOR"),
        ("Washington", "USA"),
        ("the White House", "USA"),
        ("White House", "USA"),
        ("the Elysee", "FRA"),
        ("Élysée", "FRA"),
        ("Tokyo", "JPN"),
        ("Pyongyang", "PRK"),
        ("Tehran", "IRN"),
        ("Kyiv", "UKR"),
        ("Kiev", "UKR"),
        ("Lima", "PER"),
    ],
)
def test_metonyms_stand_for_the_government(gazetteer: Gazetteer, phrase: str, iso3: str) -> None:
    found = hit(gazetteer, phrase)
    assert (found.kind, found.code, found.country, found.sector) == ("metonym", iso3, iso3, "GOV")


@pytest.mark.parametrize(
    ("phrase", "code", "sector"),
    [
        ("United Nations", "IGOUNO", "IGO"),
        ("UN", "IGOUNO", "IGO"),
        ("U.N.", "IGOUNO", "IGO"),
        ("UN Security Council", "IGOUNOSEC", "IGO"),
        ("NATO", "IGOWSTNAT", "IGO"),
        ("APEC", "IGOASAAPC", "IGO"),
        ("Asia-Pacific Economic Cooperation", "IGOASAAPC", "IGO"),
        ("ASEAN", "IGOSEAASN", "IGO"),
        ("World Bank", "IGOUNOWBK", "IGO"),
        ("European Union", "IGOEUREEC", "IGO"),
        ("EU", "IGOEUREEC", "IGO"),
        ("Red Cross", "NGOHLHIRC", "NGO"),
        ("ICRC", "NGOHLHIRC", "NGO"),
        ("Doctors Without Borders", "NGOHLHMSF", "NGO"),
        ("MSF", "NGOHLHMSF", "NGO"),
        ("Amnesty International", "NGOHRIAMN", "NGO"),
        ("Islamic State", "IMGMOSISI", "IMG"),
        ("Daesh", "IMGMOSISI", "IMG"),
    ],
)
def test_organisations(gazetteer: Gazetteer, phrase: str, code: str, sector: str) -> None:
    found = hit(gazetteer, phrase)
    assert (found.kind, found.code, found.country, found.sector) == (
        "organisation",
        code,
        None,
        sector,
    )


@pytest.mark.parametrize(
    ("phrase", "code", "iso3"),
    [
        ("Hamas", "PSEREBHMS", "PSE"),
        ("Hezbollah", "LBNREBHEZ", "LBN"),
        ("FARC", "COLREBFRC", "COL"),
    ],
)
def test_groups_carry_their_country(
    gazetteer: Gazetteer, phrase: str, code: str, iso3: str
) -> None:
    found = hit(gazetteer, phrase)
    assert (found.code, found.country, found.sector) == (code, iso3, "REB")


def test_canonical_names(gazetteer: Gazetteer) -> None:
    assert hit(gazetteer, "Sino").name == "China"
    assert hit(gazetteer, "U.N.").name == "United Nations"
    assert gazetteer.country("USA").capital == "Washington"


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("PERU", "PER"),
        ("SALVADORAN", "SLV"),
        ("THE KREMLIN", "RUS"),
        ("UNITED STATES", "USA"),
        ("Chad", "TCD"),
        ("Côte d\u2019Ivoire", "CIV"),
        ("People\u2019s  Republic\nof China", "CHN"),
        ("The Kremlin", "RUS"),
    ],
)
def test_phrases_found_by_the_case_and_spacing_rules(
    gazetteer: Gazetteer, phrase: str, code: str
) -> None:
    assert hit(gazetteer, phrase).code == code


@pytest.mark.parametrize(
    "phrase",
    ["us", "Us", "chad", "peru", "who", "Peru Lima", "", "the", "Atlantis"],
)
def test_phrases_not_found(gazetteer: Gazetteer, phrase: str) -> None:
    assert gazetteer.lookup(phrase) is None


@pytest.mark.parametrize("phrase", ["Congo", "Congolese", "Korea", "Korean", "KOREA"])
def test_declared_ambiguous_phrases_find_nothing(gazetteer: Gazetteer, phrase: str) -> None:
    assert gazetteer.lookup(phrase) is None


def test_a_name_outranks_a_metonym_of_the_same_entry(gazetteer: Gazetteer) -> None:
    assert gazetteer.country("DJI").capital == "Djibouti"
    assert hit(gazetteer, "Djibouti").kind == "country"


def test_every_iso_3166_country_is_present(gazetteer: Gazetteer) -> None:
    missing = {c.alpha_3 for c in pycountry.countries} - set(gazetteer.countries)
    assert not missing


def test_every_listed_phrase_finds_its_own_entry(gazetteer: Gazetteer) -> None:
    ambiguous = {"Congo", "Congolese", "Korea", "Korean", "Koreans", "Virgin Islands"}
    for iso3, country in gazetteer.countries.items():
        combining = [f"{form}-" for form in country.combining]
        bodies = [body.name for body in country.bodies]
        phrases = [*country.names, *country.adjectives, *combining, *country.metonyms, *bodies]
        for phrase in (country.name, *phrases):
            found = gazetteer.lookup(phrase)
            assert phrase in ambiguous or (found is not None and found.code == iso3), phrase
    for code, organisation in gazetteer.organisations.items():
        for phrase in (organisation.name, *organisation.names):
            found = gazetteer.lookup(phrase)
            assert found is not None and found.code == code, phrase


def test_version_and_sizes(gazetteer: Gazetteer) -> None:
    assert gazetteer.version == "countries-3+organisations-2"
    assert len(gazetteer.countries) >= 250
    assert len(gazetteer.organisations) >= 170
    # "the United Kingdom of Great Britain and Northern Ireland"
    assert gazetteer.max_words >= 9


@pytest.mark.parametrize(
    ("phrase", "iso3"),
    [
        ("Zaire", "COD"),
        ("Ceylon", "LKA"),
        ("Persia", "IRN"),
        ("Siam", "THA"),
        ("Rhodesia", "ZWE"),
        ("Dahomey", "BEN"),
        ("Upper Volta", "BFA"),
        ("Abyssinia", "ETH"),
        ("Kampuchea", "KHM"),
        ("East Pakistan", "BGD"),
        ("Tanganyika", "TZA"),
        ("Kingdom of Swaziland", "SWZ"),
        ("Macedonia", "MKD"),
        ("North Macedonia", "MKD"),
        ("Cote d'Ivoire", "CIV"),
        ("Turkiye", "TUR"),
        ("Northern Ireland", "GBR"),  # not Ireland
        ("Northern Cyprus", "CYP"),
    ],
)
def test_historical_and_other_names_map_to_the_state_of_today(
    gazetteer: Gazetteer, phrase: str, iso3: str
) -> None:
    found = hit(gazetteer, phrase)
    assert (found.kind, found.code) == ("country", iso3)


@pytest.mark.parametrize(
    ("phrase", "iso3"),
    [
        ("Zairean", "COD"),
        ("Ceylonese", "LKA"),
        ("Greek Cypriot", "CYP"),  # the longer phrase, not "Greek"
        ("Turkish Cypriots", "CYP"),
        ("Saudi Arabian", "SAU"),
        ("Argentinean", "ARG"),
        ("Nigeriens", "NER"),
        ("Scottish", "GBR"),
    ],
)
def test_more_demonyms(gazetteer: Gazetteer, phrase: str, iso3: str) -> None:
    found = hit(gazetteer, phrase)
    assert (found.kind, found.code, found.sector) == ("adjective", iso3, None)


@pytest.mark.parametrize(
    ("phrase", "iso3"),
    [
        ("Sino-", "CHN"),
        ("Sino\u2013", "CHN"),  # "Sino\u2013US", set with an en dash
        ("Russo-", "RUS"),
        ("Franco-", "FRA"),
        ("Anglo-", "GBR"),
        ("Turco-", "TUR"),
        ("Greco-", "GRC"),
        ("Austro-", "AUT"),
    ],
)
def test_combining_forms_are_adjectives_before_a_hyphen(
    gazetteer: Gazetteer, phrase: str, iso3: str
) -> None:
    found = hit(gazetteer, phrase)
    assert (found.kind, found.code, found.sector) == ("adjective", iso3, None)


@pytest.mark.parametrize("phrase", ["Franco", "Russo", "Anglo", "Turco", "Indo", "Indo-"])
def test_combining_forms_alone_find_nothing(gazetteer: Gazetteer, phrase: str) -> None:
    # "General Franco" is a person; the Indo-Pacific is a region, not India.
    assert gazetteer.lookup(phrase) is None


@pytest.mark.parametrize(
    ("phrase", "iso3", "sector"),
    [
        ("the Kremlin", "RUS", "GOV"),
        ("Quai d'Orsay", "FRA", "GOV"),
        ("Kantei", "JPN", "GOV"),
        ("the Pentagon", "USA", "MIL"),
        ("Pentagon", "USA", "MIL"),
        ("Capitol Hill", "USA", "LEG"),
        ("CIA", "USA", "SPY"),
        ("FBI", "USA", "COP"),
        ("USAID", "USA", "GOV"),
        ("Immigration and Customs Enforcement", "USA", "COP"),
        ("the Justice Department", "USA", "JUD"),
        ("Scotland Yard", "GBR", "COP"),  # not Scotland
        ("MI6", "GBR", "SPY"),
        ("the Knesset", "ISR", "LEG"),
        ("Mossad", "ISR", "SPY"),
        ("IDF", "ISR", "MIL"),
        ("the Duma", "RUS", "LEG"),
        ("State Duma", "RUS", "LEG"),
        ("People's Liberation Army", "CHN", "MIL"),
        ("National People's Congress", "CHN", "LEG"),
        ("Revolutionary Guards", "IRN", "MIL"),
        ("Bundestag", "DEU", "LEG"),
        ("Verkhovna Rada", "UKR", "LEG"),
        ("Tatmadaw", "MMR", "MIL"),
    ],
)
def test_metonyms_carry_the_sector_of_their_body(
    gazetteer: Gazetteer, phrase: str, iso3: str, sector: str
) -> None:
    found = hit(gazetteer, phrase)
    assert (found.kind, found.code, found.country, found.sector) == (
        "metonym",
        iso3,
        iso3,
        sector,
    )


def test_a_country_lists_its_bodies(gazetteer: Gazetteer) -> None:
    bodies = gazetteer.country("USA").bodies
    assert Body("the Pentagon", "MIL") in bodies
    assert "the Pentagon" not in gazetteer.country("USA").metonyms


def test_every_sector_in_the_gazetteer_is_a_listed_sector(gazetteer: Gazetteer) -> None:
    listed = set(default_sectors().sectors)
    used = {body.sector for c in gazetteer.countries.values() for body in c.bodies}
    used |= {o.sector for o in gazetteer.organisations.values() if o.sector is not None}
    assert used - listed == set()


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("UNHCR", "IGOUNOHCR"),
        ("UNICEF", "IGOUNOKID"),
        ("WHO", "IGOUNOWHO"),
        ("World Food Programme", "IGOUNOWFP"),
        ("UNESCO", "IGOUNOEDU"),
        ("IAEA", "IGOUNOIAE"),
        ("Security Council", "IGOUNOSEC"),
        ("UN General Assembly", "IGOUNOGAS"),
        ("OCHA", "IGOUNOOCH"),
        ("UNIFIL", "IGOUNOUNF"),
        ("European Commission", "IGOEUREEC"),
        ("European Parliament", "IGOEURPAR"),
        ("European Council", "IGOEURCOU"),
        ("Council of the EU", "IGOEURCEU"),
        ("ECB", "IGOEURECB"),
        ("African Union", "IGOAFRAFU"),
        ("AU", "IGOAFRAFU"),
        ("WTO", "IGOBUSWTO"),
        ("IMF", "IGOBUSIMF"),
        ("OPEC", "IGOBUSOPC"),
        ("OSCE", "IGOEURSCE"),
        ("Arab League", "IGOMEAARL"),
        ("GCC", "IGOPGSGCC"),
        ("SCO", "IGOCASSCO"),
        ("BRICS", "IGOBUSBRC"),
        ("Mercosur", "IGOSAMMRC"),
        ("MERCOSUR", "IGOSAMMRC"),
        ("OAS", "IGOOAS"),
        ("ECOWAS", "IGOWAFWAS"),
        ("SADC", "IGOSAFDEV"),
        ("IGAD", "IGOEAFIAD"),
        ("the Commonwealth", "IGOCWN"),
        ("G7", "IGOBUSGOS"),
        ("G-20", "IGOBUSGTW"),
        ("ICC", "IGOJUDICC"),
        ("ICJ", "IGOUNOICJ"),
        ("Interpol", "IGOCOPITP"),
        ("CSTO", "IGOCASCST"),
        ("CARICOM", "IGOCRBCRC"),
    ],
)
def test_intergovernmental_organisations(gazetteer: Gazetteer, phrase: str, code: str) -> None:
    found = hit(gazetteer, phrase)
    assert (found.kind, found.code, found.country, found.sector) == (
        "organisation",
        code,
        None,
        "IGO",
    )


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("Red Crescent", "NGOHLHRCR"),
        ("Médecins Sans Frontières", "NGOHLHMSF"),
        ("Human Rights Watch", "NGOHRIHRW"),
        ("HRW", "NGOHRIHRW"),
        ("Save the Children", "NGODEVSTC"),
        ("Norwegian Refugee Council", "NGODEVNRC"),  # not a Norwegian body
    ],
)
def test_non_governmental_organisations(gazetteer: Gazetteer, phrase: str, code: str) -> None:
    found = hit(gazetteer, phrase)
    assert (found.kind, found.code, found.country, found.sector) == (
        "organisation",
        code,
        None,
        "NGO",
    )


@pytest.mark.parametrize(
    ("phrase", "code", "iso3", "sector"),
    [
        ("Taliban", "AFGREBTAL", "AFG", "REB"),
        ("Houthis", "YEMREBHTH", "YEM", "REB"),
        ("al-Shabaab", "SOMREBSHB", "SOM", "REB"),
        ("Boko Haram", "NGAREBBKH", "NGA", "REB"),
        ("PKK", "TURREBPKK", "TUR", "REB"),
        ("ELN", "COLREBELN", "COL", "REB"),
        ("M23", "CODREBMAR", "COD", "REB"),
        ("March 23 Movement", "CODREBMAR", "COD", "REB"),
        ("RSF", "SDNREBRSF", "SDN", "REB"),
        ("Rapid Support Forces", "SDNREBRSF", "SDN", "REB"),
        ("Wagner Group", "RUSMILWAG", "RUS", "MIL"),
        ("Hayat Tahrir al-Sham", "SYRREBHTS", "SYR", "REB"),
        ("UNITA", "AGOREBUNT", "AGO", "REB"),
        ("Kosovo Liberation Army", "XKXREBKLA", "XKX", "REB"),
        ("Qassam Brigades", "PSEREBHMS", "PSE", "REB"),
        ("Sinaloa Cartel", "MEXCRMSIN", "MEX", "CRM"),
        ("ISIS", "IMGMOSISI", None, "IMG"),
        ("ISIL", "IMGMOSISI", None, "IMG"),
        ("ISIS-K", "IMGMOSISK", None, "IMG"),
        ("al-Qaeda", "IMGMOSALQ", None, "IMG"),
        ("Al Qaida", "IMGMOSALQ", None, "IMG"),
        ("AQAP", "IMGMOSAQP", None, "IMG"),
    ],
)
def test_armed_groups(
    gazetteer: Gazetteer, phrase: str, code: str, iso3: str | None, sector: str
) -> None:
    found = hit(gazetteer, phrase)
    assert (found.kind, found.code, found.country, found.sector) == (
        "organisation",
        code,
        iso3,
        sector,
    )


@pytest.mark.parametrize(
    "phrase",
    ["who", "Who", "icc", "au", "Au", "isis", "Isis", "milf", "Unita", "hamas", "Wagner"],
)
def test_acronyms_and_names_do_not_fire_on_ordinary_words(
    gazetteer: Gazetteer, phrase: str
) -> None:
    assert gazetteer.lookup(phrase) is None


@pytest.mark.parametrize(
    ("phrase", "code"), [("HAMAS", "PSEREBHMS"), ("HEZBOLLAH", "LBNREBHEZ"), ("UNITA", "AGOREBUNT")]
)
def test_names_in_capitals_are_found(gazetteer: Gazetteer, phrase: str, code: str) -> None:
    assert hit(gazetteer, phrase).code == code


@pytest.mark.parametrize(
    ("phrase", "iso3"),
    [
        ("Niger", "NER"),
        ("Nigeria", "NGA"),
        ("Nigerien", "NER"),
        ("Nigerian", "NGA"),
        ("Guinea", "GIN"),
        ("Guinea-Bissau", "GNB"),
        ("Equatorial Guinea", "GNQ"),
        ("Papua New Guinea", "PNG"),
        ("Dominican", "DOM"),  # the Dominican Republic's, not Dominica's
        ("Dominica", "DMA"),
    ],
)
def test_names_that_contain_or_resemble_each_other(
    gazetteer: Gazetteer, phrase: str, iso3: str
) -> None:
    assert hit(gazetteer, phrase).code == iso3


# --- Through the pipeline ----------------------------------------------------------------


def mentions(coder, text: str) -> set[tuple[str, str]]:
    """The (text, code) of every actor mention the coder finds in one sentence."""
    article = Article(id="t", text=text, published=dt.date(2024, 3, 9), origin="test")
    (result,) = code_batch([article], coder)
    return {(m.text, m.actor.code) for m in result.mentions}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Kremlin condemned the sanctions.", ("The Kremlin", "RUSGOV")),
        ("The Pentagon condemned the attack.", ("The Pentagon", "USAMIL")),
        ("The Knesset condemned the attack.", ("The Knesset", "ISRLEG")),
        ("Papua New Guinea criticised Australia.", ("Papua New Guinea", "PNG")),
        ("M23 rebels attacked the town.", ("M23 rebels", "CODREBMAR")),
    ],
)
def test_phrases_resolve_to_actors(coder, text: str, expected: tuple[str, str]) -> None:
    assert expected in mentions(coder, text)


def test_a_combining_form_names_its_country(coder) -> None:
    found = mentions(coder, "Sino-Peruvian officials met in Lima on Monday.")
    assert {code for _, code in found} >= {"CHNGOV", "PERGOV"}


def test_a_surname_like_a_combining_form_is_not_a_country(coder) -> None:
    found = mentions(coder, "Brazilian President Itamar Franco met Argentine officials.")
    assert ("Brazilian President Itamar Franco", "BRAGOV") in found
    assert not any(code.startswith("FRA") for _, code in found)


def test_unknown_country_code_is_a_key_error(gazetteer: Gazetteer) -> None:
    with pytest.raises(KeyError):
        gazetteer.country("XYZ")


# --- Validation --------------------------------------------------------------------------

ORGANISATIONS = """\
version: 1
organisations:
  IGOUNO:
    name: United Nations
    names: [UN]
    kind: igo
    sector: IGO
"""

COUNTRIES = """\
version: 1
countries:
  PER:
    name: Peru
    adjectives: [Peruvian]
    capital: Lima
    metonyms: [Lima]
"""


def load(
    tmp_path: Path, countries: str = COUNTRIES, organisations: str = ORGANISATIONS
) -> Gazetteer:
    country_file = tmp_path / "countries.yml"
    organisation_file = tmp_path / "organisations.yml"
    country_file.write_text(textwrap.dedent(countries), encoding="utf-8")
    organisation_file.write_text(textwrap.dedent(organisations), encoding="utf-8")
    return Gazetteer.load(country_file, organisation_file)


def load_error(tmp_path: Path, **files: str) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        load(tmp_path, **files)
    return caught.value


def test_small_files_load(tmp_path: Path) -> None:
    gazetteer = load(tmp_path)
    assert gazetteer.version == "countries-1+organisations-1"
    assert hit(gazetteer, "Lima").sector == "GOV"
    assert hit(gazetteer, "UN").code == "IGOUNO"


def test_phrase_claimed_by_two_countries(tmp_path: Path) -> None:
    countries = COUNTRIES + "  BOL:\n    name: Bolivia\n    metonyms: [Lima]\n"
    error = load_error(tmp_path, countries=countries)
    assert error.path == str(tmp_path / "countries.yml")
    assert error.line == 10
    assert "countries.yml:10" in str(error)
    assert "'Lima'" in str(error) and "PER" in str(error) and "BOL" in str(error)


def test_phrase_claimed_by_a_country_and_an_organisation(tmp_path: Path) -> None:
    countries = COUNTRIES + "  USA:\n    name: United States\n    names: [UN]\n"
    error = load_error(tmp_path, countries=countries)
    assert f"{tmp_path / 'organisations.yml'}:5" in str(error)
    assert f"{tmp_path / 'countries.yml'}:10" in str(error)


def test_declared_ambiguous_phrase_finds_nothing(tmp_path: Path) -> None:
    countries = (
        COUNTRIES.replace("countries:", "ambiguous: [Lima]\ncountries:")
        + "  BOL:\n    name: Bolivia\n    metonyms: [Lima]\n"
    )
    assert load(tmp_path, countries=countries).lookup("Lima") is None


def test_ambiguous_phrase_must_be_claimed_twice(tmp_path: Path) -> None:
    countries = COUNTRIES.replace("countries:", "ambiguous: [Lima]\ncountries:")
    error = load_error(tmp_path, countries=countries)
    assert error.line == 2
    assert "ambiguous" in error.problem


def test_phrase_listed_twice_for_one_entry(tmp_path: Path) -> None:
    countries = COUNTRIES.replace("metonyms: [Lima]", "metonyms: [Lima, the Lima]")
    error = load_error(tmp_path, countries=countries)
    assert error.line == 7
    assert "twice" in error.problem


def test_one_entry_may_give_a_phrase_several_readings(tmp_path: Path) -> None:
    countries = COUNTRIES + "  DJI:\n    name: Djibouti\n    metonyms: [Djibouti]\n"
    assert hit(load(tmp_path, countries=countries), "Djibouti").kind == "country"


def test_combining_forms_and_bodies_load(tmp_path: Path) -> None:
    countries = COUNTRIES + (
        "  USA:\n    name: United States\n    combining: [Americo]\n"
        "    bodies:\n      the Pentagon: MIL\n"
    )
    gazetteer = load(tmp_path, countries=countries)
    assert gazetteer.country("USA").combining == ("Americo",)
    assert gazetteer.country("USA").bodies == (Body("the Pentagon", "MIL"),)
    assert hit(gazetteer, "Americo-").kind == "adjective"
    assert gazetteer.lookup("Americo") is None
    assert hit(gazetteer, "Pentagon").sector == "MIL"


@pytest.mark.parametrize(
    ("bodies", "problem"),
    [
        ("[the Pentagon]", "should be a mapping"),
        ("{the Pentagon: military}", "sector 'military' is not three upper-case letters"),
        ("{the Pentagon: [MIL]}", "should be text"),
    ],
)
def test_bad_bodies(tmp_path: Path, bodies: str, problem: str) -> None:
    countries = COUNTRIES + f"  USA:\n    name: United States\n    bodies: {bodies}\n"
    error = load_error(tmp_path, countries=countries)
    assert error.line == 10
    assert problem in error.problem


def test_body_claimed_by_two_countries(tmp_path: Path) -> None:
    countries = COUNTRIES + "  BOL:\n    name: Bolivia\n    bodies: {Lima: LEG}\n"
    error = load_error(tmp_path, countries=countries)
    assert error.line == 10
    assert "'Lima' is claimed by both PER" in error.problem


def test_a_body_is_not_also_a_metonym(tmp_path: Path) -> None:
    bodies = "metonyms: [Lima]\n    bodies: {Lima: MIL}"
    error = load_error(tmp_path, countries=COUNTRIES.replace("metonyms: [Lima]", bodies))
    assert "'Lima' is listed twice for PER" in error.problem


@pytest.mark.parametrize("code", ["PE", "Per", "PERU", "P3R"])
def test_bad_country_code(tmp_path: Path, code: str) -> None:
    error = load_error(tmp_path, countries=COUNTRIES.replace("  PER:", f"  {code}:"))
    assert error.line == 3
    assert "three upper-case letters" in error.problem
    assert f"{tmp_path / 'countries.yml'}:3" in str(error)


def test_duplicate_country_code(tmp_path: Path) -> None:
    countries = COUNTRIES + "  PER:\n    name: Peru again\n"
    error = load_error(tmp_path, countries=countries)
    assert error.line == 8
    assert "twice" in error.problem and "line 3" in error.problem


def test_missing_name(tmp_path: Path) -> None:
    countries = COUNTRIES + "  BOL:\n    adjectives: [Bolivian]\n"
    error = load_error(tmp_path, countries=countries)
    assert error.line == 8
    assert "BOL is missing 'name'" in str(error)
    assert "countries.yml:8" in str(error)


def test_unknown_top_level_key(tmp_path: Path) -> None:
    error = load_error(tmp_path, countries="version: 1\nnotes: hello\ncountries: {}\n")
    assert error.line == 2
    assert "unknown key 'notes'" in error.problem


def test_unknown_entry_key(tmp_path: Path) -> None:
    error = load_error(tmp_path, countries=COUNTRIES.replace("capital:", "capitol:"))
    assert error.line == 6


@pytest.mark.parametrize(
    ("replacement", "problem"),
    [
        ("adjectives: [Peruvian, 12]", "should be text"),
        ("adjectives: [Peruvian, yes]", "should be text"),
        ("adjectives: [Peruvian, '']", "empty"),
        ("adjectives: Peruvian", "should be a list"),
        ("adjectives: [[Peruvian]]", "should be text"),
    ],
)
def test_values_must_be_non_empty_text(tmp_path: Path, replacement: str, problem: str) -> None:
    error = load_error(tmp_path, countries=COUNTRIES.replace("adjectives: [Peruvian]", replacement))
    assert error.line == 5
    assert problem in error.problem


def test_version_must_be_a_positive_integer(tmp_path: Path) -> None:
    error = load_error(tmp_path, countries=COUNTRIES.replace("version: 1", "version: one"))
    assert error.line == 1


def test_invalid_yaml(tmp_path: Path) -> None:
    error = load_error(tmp_path, countries=COUNTRIES + "  BOL: [unclosed\n")
    assert error.line is not None
    assert "not valid YAML" in error.problem


@pytest.mark.parametrize(
    ("old", "new", "line", "problem"),
    [
        ("  IGOUNO:", "  IGOUN:", 3, "6 or 9 upper-case letters"),
        ("    kind: igo", "    kind: club", 6, "kind 'club' is not one of"),
        ("    sector: IGO", "    sector: IGO\n    country: XYZ", 8, "'XYZ' is not a known country"),
        ("    sector: IGO", "    sector: government", 7, "not three upper-case letters"),
        ("    name: United Nations\n", "", 3, "IGOUNO is missing 'name'"),
    ],
)
def test_bad_organisations(tmp_path: Path, old: str, new: str, line: int, problem: str) -> None:
    error = load_error(tmp_path, organisations=ORGANISATIONS.replace(old, new))
    assert error.path == str(tmp_path / "organisations.yml")
    assert error.line == line
    assert problem in error.problem


def test_group_code_starts_with_its_country(tmp_path: Path) -> None:
    organisations = (
        ORGANISATIONS + "  LBNREBHEZ:\n    name: Hezbollah\n    kind: group\n    country: PER\n"
    )
    error = load_error(tmp_path, organisations=organisations)
    assert error.line == 8
    assert "does not start with its country PER" in error.problem
