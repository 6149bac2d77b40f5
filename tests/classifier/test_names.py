"""Company names recognised from text structure, per language, and the names that are not."""

from __future__ import annotations

import pytest

from bot.classifier import build_classifier
from bot.classifier.names import clean_name, name_lists
from bot.classifier.rules import RulesClassifier
from bot.config import ClassifierConfig


@pytest.fixture(scope="module")
def clf() -> RulesClassifier:
    c = build_classifier(ClassifierConfig())
    assert isinstance(c, RulesClassifier)
    return c


@pytest.mark.parametrize(
    ("title", "summary", "lang", "company"),
    [
        ("Smart-bus startup Qwello acquires Brantu", "", "en", "Qwello"),
        ("Smart-bus startup Qwello acquires Brantu", "", "en", "Brantu"),
        ("Vendrix thinks payments can onboard investors", "", "en", "Vendrix"),
        ("Layoffs at the edtech", "Korvana, the media conglomerate, cuts jobs.", "en", "Korvana"),
        ("Défense orbitale : Sylvex se réarme auprès d'un fonds", "", "fr", "Sylvex"),
        ("Les investisseurs de Florvane s'impatientent", "", "fr", "Florvane"),
        ("Der Lieferdienst Brumbly entlässt 300 Mitarbeiter", "", "de", "Brumbly"),
        ("Der Zahlungsdienstleister Brumbly streicht Stellen", "", "de", "Brumbly"),
        ("Brumbly-Gründer verlässt das Unternehmen", "", "de", "Brumbly"),
        ("Layoffs hit Korvana as its parent goes shopping", "", "en", "Korvana"),
        ("Klage gegen Brumbly wegen Datenschutz", "", "de", "Brumbly"),
        ("Los despidos en Tarvex afectan a 200 personas", "", "es", "Tarvex"),
        ("Plainte contre Florvane pour contrefaçon", "", "fr", "Florvane"),
        ("Demanda de la compañía española Tarvex Power contra Apple", "", "es", "Tarvex Power"),
    ],
)
def test_unknown_company_from_structure(
    clf: RulesClassifier, title: str, summary: str, lang: str, company: str
) -> None:
    assert company in clf.classify(title, summary, lang).companies


@pytest.mark.parametrize(
    ("title", "lang", "wrong"),
    [
        ("Elon Musk's Twitter hit with a lawsuit", "en", "Elon Musk"),
        ("Pakistan central bank revokes approval of fintech Tag", "en", "Pakistan"),
        ("Ousted Flexport CEO Dave Clark Strikes Back", "en", "Ousted Flexport"),
        ("Es ist wieder richtig was los in Berlin", "de", "Es"),
        ("Former top SpaceX exec sets up a new VC firm", "en", "SpaceX"),
        ("Anthropic's $5B, 4-year plan to take on OpenAI", "en", "OpenAI"),
        ("Quarvel Tisdane, the CEO of Vendrix, resigns", "en", "Quarvel Tisdane"),
        ("Le fondateur Quarvel Tisdane quitte Vendrix", "fr", "Quarvel Tisdane"),
        ("Gründer Quarvel Tisdane verlässt Vendrix", "de", "Quarvel Tisdane"),
    ],
)
def test_not_companies(clf: RulesClassifier, title: str, lang: str, wrong: str) -> None:
    assert wrong not in clf.classify(title, "", lang).companies


def test_clean_name() -> None:
    lists = name_lists()
    assert clean_name("Smartflash LCC", frozenset(), lists) == "Smartflash"
    assert clean_name("Israel's Tower", frozenset(), lists) == "Tower"
    assert clean_name("France Digitale", frozenset(), lists) == "France Digitale"
    assert clean_name("Planet A Foods", frozenset(), lists) == "Planet A Foods"
    assert clean_name("Korvana A", frozenset(), lists) == "Korvana"
    assert clean_name("Banco de Tarvex", frozenset(), lists) == "Banco de Tarvex"
    assert clean_name("Glovo de España", frozenset(), lists) == "Glovo"
    assert clean_name("Zelvo in Dortmund", frozenset(), lists) == "Zelvo"
    assert clean_name("Berlin Startup", frozenset(), lists) is None
    assert clean_name("Apple CEO", frozenset(), lists) == "Apple"
    assert clean_name("Reuters", frozenset(), lists) is None
    assert clean_name("New York Times", frozenset({"new"}), lists) is None
    assert clean_name("Garry Tan", frozenset(), lists) is None
    # a German head noun, maybe after an adjective, says what the company is
    assert clean_name("Lieferdienst Brumbly", frozenset(), lists) == "Brumbly"
    assert clean_name("Bayerischer Leuchtenhersteller Zorbel", frozenset(), lists) == "Zorbel"
    assert clean_name("Ex-Google-Manager", frozenset(), lists) is None
    # a role word ends the company's name: the person comes after
    assert clean_name("Zorbly-Chef Jane Roe", frozenset(), lists) == "Zorbly"
    assert clean_name("Zorbly-Co-Chef", frozenset(), lists) == "Zorbly"
    assert clean_name("FC Zorbly", frozenset(), lists) is None
    # someone named by the family name alone
    assert clean_name("Scholz", frozenset(), lists) is None
    # public, sports and non-profit bodies
    assert clean_name("Zorbland Cricket Board", frozenset(), lists) is None
    assert clean_name("Fundación Zorbly", frozenset(), lists) is None


def test_public_bodies_and_german_topic_nouns_are_not_companies() -> None:
    lists = name_lists()
    for body in ("BaFin", "CNMC", "SEC", "European Commission", "Bundeskartellamt", "CNIL"):
        assert clean_name(body, frozenset(), lists) is None, body
    for noun in ("Führungswechsel", "Massenentlassungen", "Rekordsummen", "Minister-Rücktritte"):
        assert clean_name(noun, frozenset(), lists) is None, noun
    assert clean_name("Samsung", frozenset(), lists) == "Samsung"  # "-ung" alone is no ending


def test_a_headline_name_takes_its_fuller_form_from_the_lede(clf: RulesClassifier) -> None:
    res = clf.classify(
        "Israel's Brontel plans $8 billion chip plant",
        "Chipmaker Brontel Semiconductor has submitted a proposal. Brontel Una said no.",
        "en",
    )
    assert res.companies == ["Brontel Semiconductor"]
    # Title Case headlines capitalise every word: the name does not grow from them.
    res = clf.classify(
        "IVF Lawsuit Filed Over Velmora Embryo Culture Media",
        "Fertility company Velmora faces a proposed class action",
        "en",
    )
    assert res.companies == ["Velmora"]


@pytest.mark.parametrize(
    ("text", "lang", "names"),
    [
        (
            "Las megarrondas en las francesas Pelvo y Quornet suman 1.300 millones",
            "es",
            ["Pelvo", "Quornet"],
        ),
        ("Fintech startups Zarvo and Kelbit raise $20M", "en", ["Zarvo", "Kelbit"]),
        ("Die Start-ups Zarvo und Kelbit sammeln 20 Millionen Euro ein", "de", ["Zarvo", "Kelbit"]),
    ],
)
def test_a_cue_introduces_a_list(
    clf: RulesClassifier, text: str, lang: str, names: list[str]
) -> None:
    companies = clf.classify(text, "", lang).companies
    assert all(n in companies for n in names), companies


def test_a_headline_subject_counts_when_the_lede_names_it_again(clf: RulesClassifier) -> None:
    lede = "Key officials have been dismissed or resigned since Saturday"
    assert (
        "Zorvadi" not in clf.classify("Zorvadi ramps up a drive as officials exit", lede).companies
    )
    lede = "Zorvadi, which sells software, said it had closed a round."
    assert "Zorvadi" in clf.classify("Zorvadi ramps up a drive as staff exit", lede).companies
