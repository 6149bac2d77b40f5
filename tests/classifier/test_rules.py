"""Rule classifier: languages, edge cases, seeds, extraction, user labels, CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.classifier import Classifier, build_classifier
from bot.classifier.cli import classify_lines
from bot.classifier.extract import parse_number
from bot.classifier.rules import RulesClassifier
from bot.config import ClassifierConfig, CompanyConfig, LabelRuleConfig

# Copies of the shared seed (a tweet and a French article), so a checkout alone passes.
SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"


@pytest.fixture(scope="module")
def clf() -> RulesClassifier:
    c = build_classifier(ClassifierConfig())
    assert isinstance(c, RulesClassifier)
    return c


def test_is_a_classifier(clf: RulesClassifier) -> None:
    assert isinstance(clf, Classifier)


@pytest.mark.parametrize(
    ("text", "lang", "label"),
    [
        ("OpenAI co-founder resigns to join Anthropic", "en", "departure"),
        ("Le directeur technique quitte Mistral AI", "fr", "departure"),
        ("Le PDG a quitté l'entreprise la semaine dernière, selon la société", "fr", "departure"),
        ("Der CEO verlässt das Unternehmen Ende des Jahres", "de", "departure"),
        ("Dimite el consejero delegado de la empresa", "es", "departure"),
        ("Mistral AI raises €600M in Series B", "en", "funding"),
        ("La start-up Qonto lève 486 millions d'euros", "fr", "funding"),
        ("Das Start-up Celonis sammelt 1,2 Mrd. Euro ein", "de", "funding"),
        ("Glovo cierra una ronda de financiación de 150 millones de euros", "es", "funding"),
        ("Nokia sues Amazon over video patent infringement", "en", "dispute"),
        ("La CNIL inflige une amende de 20 millions d'euros à Clearview AI", "fr", "dispute"),
        ("Bafin verhängt Bußgeld gegen N26", "de", "dispute"),
        ("Un juez condena a Glovo por falsos autónomos", "es", "dispute"),
    ],
)
def test_each_language(clf: RulesClassifier, text: str, lang: str, label: str) -> None:
    res = clf.classify(text)
    assert res.lang == lang
    assert label in res.labels, res
    assert res.evidence[label]
    assert 0 <= res.scores[label] <= 1


@pytest.mark.parametrize(
    "text",
    [
        "Anthropic CEO denies she is leaving the company",  # denial
        "Le PDG de Qonto dément qu'il quitte l'entreprise",
        "OpenAI hires former Google executive as CTO",  # a hire
        "Revolut appoints new UK CEO",
        "Netflix raises prices again for US subscribers",  # not funding
        "OpenAI's plan raises concerns among regulators' critics",
        "Google acquires AI avatar startup Alter for $100 million",  # acquisition
        "Shaheen Afridi leaves for London for rehab before the cricket World Cup",  # sports
        "California prepares to sue feds after Senate revokes EV rule",  # politics
        "Minister resigns from the government after scandal",
    ],
)
def test_edge_cases_are_not_labelled(clf: RulesClassifier, text: str) -> None:
    assert clf.classify(text).labels == []


def test_poaching_is_a_departure(clf: RulesClassifier) -> None:
    res = clf.classify("Google poaches Apple senior director for secret project")
    assert res.labels == ["departure"]


def test_french_seed_is_all_three(clf: RulesClassifier) -> None:
    tweet = (SEEDS / "000_c750f512756cb74a_tweet.txt").read_text("utf-8")
    article = (SEEDS / "000_c750f512756cb74a_article_fr.txt").read_text("utf-8")
    res = clf.classify("", article)
    assert set(res.labels) == {"departure", "funding", "dispute"}
    assert "Stability AI" in res.companies
    assert res.extracted["funding"]["amount_value"] == 100_000_000
    assert res.extracted["funding"]["currency"] == "USD"
    assert res.extracted["dispute"]["kind"] == "accusation"
    assert res.extracted["funding"]["investors"] == ["Intel"]
    # The other side is who accuses; not the investor (Intel) nor the outlet cited (Forbes).
    assert res.extracted["dispute"]["parties"] == ["Midjourney"]
    assert "Forbes" not in res.companies and not any("Intel" in c for c in res.companies)
    res2 = clf.classify(tweet)
    assert "departure" in res2.labels and "Stability AI" in res2.companies


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("Jasper raises $125M at a $1.5B valuation", 125e6, "USD"),
        ("Synapse Medicine lève 7 M€ auprès d'investisseurs", 7e6, "EUR"),
        ("Mostaque a levé 100 millions de dollars pour l'entreprise", 100e6, "USD"),
        ("Die Firma Celonis erhält 1,2 Mrd. Euro in einer Finanzierungsrunde", 1.2e9, "EUR"),
        ("Glovo cierra una ronda de financiación de 600 millones de euros", 600e6, "EUR"),
    ],
)
def test_amounts_in_each_format(
    clf: RulesClassifier, text: str, value: float, currency: str
) -> None:
    facts = clf.classify(text).extracted["funding"]
    assert facts["amount_value"] == pytest.approx(value)
    assert facts["currency"] == currency


def test_valuation_and_round(clf: RulesClassifier) -> None:
    facts = clf.classify(
        "Jasper raises $125M Series A at a $1.5B valuation led by Insight Partners"
    )
    f = facts.extracted["funding"]
    assert f["valuation"] == "$1.5B" and f["round"] == "Series A"
    assert f["investors"] == ["Insight Partners"]


def test_departure_people(clf: RulesClassifier) -> None:
    res = clf.classify("VAT: CEO Mike Allison tritt zurück")
    assert res.extracted["departure"]["people"][0] == {"name": "Mike Allison", "role": "CEO"}


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1,2", 1.2), ("1.300", 1300), ("532.9", 532.9), ("1,250.5", 1250.5), ("4,25", 4.25)],
)
def test_parse_number(raw: str, value: float) -> None:
    assert parse_number(raw) == value


def test_user_label_and_disabled_builtin() -> None:
    cfg = ClassifierConfig(
        labels={
            "acquisition": LabelRuleConfig(phrases={"en": ["acquires", "buy*"], "fr": ["rachète"]}),
            "dispute": LabelRuleConfig(enabled=False),
        }
    )
    c = build_classifier(cfg)
    res = c.classify("Google acquires Alter after a lawsuit")
    assert res.labels == ["acquisition"]
    assert "dispute" not in res.scores
    assert c.classify("Doctolib rachète une start-up").labels == ["acquisition"]


def test_user_veto_and_threshold() -> None:
    cfg = ClassifierConfig(labels={"funding": LabelRuleConfig(exclude={"*": ["grant"]})})
    assert build_classifier(cfg).classify("Acme raises $5M grant").labels == []
    strict = ClassifierConfig(labels={"funding": LabelRuleConfig(min_score=0.99)})
    assert build_classifier(strict).classify("Acme Labs raises $5M").labels == []


def test_config_and_runtime_companies() -> None:
    c = build_classifier(ClassifierConfig(), [CompanyConfig(name="Zeelo", aliases=["Zeelo Ltd"])])
    assert c.classify("Zeelo Ltd lays off staff").companies == ["Zeelo"]
    c.add_company("Kura Buses")
    assert "Kura Buses" in c.classify("Kura Buses raises $3M").companies


def test_company_in_passing_is_not_about(clf: RulesClassifier) -> None:
    res = clf.classify("Uber alum rakes in $9.7M for Onward")
    assert "Uber" not in res.companies


@pytest.mark.parametrize(
    "text",
    [
        "Zorbly, the Instagram rival, raises $5M",
        "Zorbly raises $5M as its app challenges Instagram",
        "Show HN: A local-first Instagram alternative built on SQLite",
    ],
)
def test_a_rival_named_in_passing_is_not_about(clf: RulesClassifier, text: str) -> None:
    assert "Instagram" not in clf.classify(text).companies


def test_jsonl_errors_name_the_line(clf: RulesClassifier) -> None:
    src = io.StringIO(
        '{"id": 1, "title": "Nokia sues Amazon"}\nnot json\n{"id": 2, "title": "x"}\n'
    )
    out, err = io.StringIO(), io.StringIO()
    assert classify_lines(clf, src, out, err) == 1
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [x["id"] for x in lines] == [1, 2]
    assert lines[0]["labels"] == ["dispute"]
    assert set(lines[0]) == {"id", "labels", "scores", "companies", "extracted", "evidence"}
    assert "line 2" in err.getvalue()


@pytest.mark.parametrize(
    ("text", "amount", "value", "currency"),
    [
        (
            "Mistral AI raises a billion dollars in a Series C round",
            "a billion dollars",
            1e9,
            "USD",
        ),
        (
            "La start-up Qonto lève un milliard d'euros en série D",
            "un milliard d'euros",
            1e9,
            "EUR",
        ),
        (
            "Celonis sammelt in einer Finanzierungsrunde eine Milliarde Euro ein",
            "eine Milliarde Euro",
            1e9,
            "EUR",
        ),
        (
            "Glovo cierra una ronda de financiación de mil millones de euros",
            "mil millones de euros",
            1e9,
            "EUR",
        ),
    ],
)
def test_amounts_written_in_words(
    clf: RulesClassifier, text: str, amount: str, value: float, currency: str
) -> None:
    facts = clf.classify(text).extracted["funding"]
    assert (facts["amount"], facts["amount_value"], facts["currency"]) == (amount, value, currency)


def test_an_amount_followed_by_bewertet_is_a_valuation(clf: RulesClassifier) -> None:
    res = clf.classify(
        "Celonis schließt eine Finanzierungsrunde über 100 Millionen Dollar ab und wird "
        "mit elf Milliarden Dollar bewertet, zuvor mit 2 Milliarden Dollar bewertet",
        lang="de",
    )
    facts = res.extracted["funding"]
    assert facts["amount"] == "100 Millionen Dollar"
    assert facts["valuation"] == "2 Milliarden Dollar"


@pytest.mark.parametrize(
    ("text", "leavers"),
    [
        ("OpenAI CEO Sam Altman said CTO Mira Murati is leaving the company", ["Mira Murati"]),
        ("Stability AI CEO Emad Mostaque resigns", ["Emad Mostaque"]),
        ("Twitter CEO Dick Costolo Steps Down, Jack Dorsey Steps In", ["Dick Costolo"]),
        (
            "Le PDG Jean Dupont a annoncé que le directeur technique Marc Petit quitte Qonto",
            ["Marc Petit"],
        ),
    ],
)
def test_departure_lists_who_leaves_not_who_announces(
    clf: RulesClassifier, text: str, leavers: list[str]
) -> None:
    people = [p["name"] for p in clf.classify(text).extracted["departure"]["people"]]
    assert people[: len(leavers)] == leavers
    assert not any(p.endswith(" " + leavers[0]) for p in people)
    assert "Sam Altman" not in people and "Jean Dupont" not in people


def test_eval_on_one_half(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from bot.classifier.cli import run_eval
    from bot.classifier.evaluate import split_half
    from bot.config import Config

    rows = [{"id": f"x{i}", "title": "Qonto raises $10M", "labels": ["funding"]} for i in range(20)]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    run_eval(argparse.Namespace(file=str(path), half="A"), Config())
    wanted = sum(split_half(r["id"]) == "A" for r in rows)
    assert 0 < wanted < len(rows)
    assert f"{wanted} items in" in capsys.readouterr().out


def test_a_role_with_a_company_is_no_name(clf: RulesClassifier) -> None:
    res = clf.classify("OpenAI CTO resigns")
    assert res.extracted["departure"]["people"] == [{"role": "CTO"}]


@pytest.mark.parametrize(
    "text",
    [
        "Acme CEO Jane Doe resigns",
        "Acme: Jane McDonald-Smith resigns",
        "Ludovic Le Moan remplacé à la tête de Sigfox",
    ],
)
def test_people_look_like_people(clf: RulesClassifier, text: str) -> None:
    for p in clf.classify(text).extracted["departure"]["people"]:
        words = p["name"].split()
        assert len(words) >= 2
        assert not any(w.isupper() and len(w) > 1 for w in words)
        assert p.get("role") not in words


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Mistral AI raises €600 million.", "€600 million"),
        ("Celonis sammelt 1,2 Mrd. Euro ein", "1,2 Mrd. Euro"),
        ("Qonto lève 1,2 Md€.", "1,2 Md€"),
    ],
)
def test_extracted_strings_end_without_punctuation(
    clf: RulesClassifier, text: str, amount: str
) -> None:
    facts = clf.classify(text).extracted["funding"]
    assert facts["amount"] == amount


def test_lead_investors_are_not_the_companies(clf: RulesClassifier) -> None:
    res = clf.classify(
        "Anthropic raises $2 billion in Series E led by Lightspeed at a $60 billion valuation"
    )
    assert res.companies == ["Anthropic"]
    assert res.extracted["funding"]["investors"] == ["Lightspeed"]


@pytest.mark.parametrize(
    ("text", "companies"),
    [
        ("Twitter CEO Dick Costolo Steps Down; Jack Dorsey To Be Interim CEO", ["Twitter"]),
        ("Ludovic Le Moan remplacé à la tête de Sigfox", ["Sigfox"]),
        # a family name that is also a registered company ("Grover", the rental start-up)
        ("Ashneer Grover resigns from BharatPe amid bitter board feud", ["BharatPe"]),
        # a given name that is also a registered company ("Alan", the insurer)
        ("Truecaller co-founders Alan Mamedi and Nami Zarringhalam step down", ["Truecaller"]),
        # an acronym is no given name: TIM (Telecom Italia) before "Brasil"
        ("TIM Brasil raises $500 million in bond sale", ["Telecom Italia"]),
        # an appointee whose given name no list knows
        ("Microsoft names Judson Althoff CEO of its commercial business", ["Microsoft"]),
    ],
)
def test_a_person_is_not_a_company(clf: RulesClassifier, text: str, companies: list[str]) -> None:
    assert clf.classify(text).companies == companies


def test_a_possessive_ends_a_persons_name(clf: RulesClassifier) -> None:
    res = clf.classify(
        "Musk's Zorbly raises $10 million", "Elon Musk's Zorbly is raising $10 million."
    )
    assert res.companies == ["Zorbly"]


def test_a_rubric_before_a_colon_is_not_a_name(clf: RulesClassifier) -> None:
    res = clf.classify(
        "Pitch Deck Teardown: Zorbly Market's $550K angel deck",
        "Zorbly Market, a platform for publishers, raised an angel round of $550,000.",
    )
    assert res.companies == ["Zorbly Market"]
    assert clf.classify("TukToro: Bewertung von 5 Millionen Euro").companies == ["TukToro"]


def test_a_corporate_suffix_alone_is_not_a_name(clf: RulesClassifier) -> None:
    res = clf.classify(
        "FTC sues to block merger of Zorbly and Quarkly",
        "The FTC issued a complaint against Zorbly, Inc. and Quarkly, Inc., alleging harm.",
    )
    assert "Inc" not in res.companies


def test_dispute_parties_are_the_other_side(clf: RulesClassifier) -> None:
    res = clf.classify("Midjourney sues Stability AI over scraped data")
    assert res.extracted["dispute"]["parties"] == ["Stability AI"]
    res = clf.classify(
        "Zeelo sues Kura over stolen designs, according to Bloomberg. Reuters reported "
        "that Kura denies it."
    )
    assert res.extracted["dispute"]["parties"] == ["Kura"]
    assert "Bloomberg" not in res.companies and "Reuters" not in res.companies


@pytest.mark.parametrize(
    ("title", "summary", "lang", "companies"),
    [
        # a lower-case headline verb after one name: the subject, even unnamed in the lede
        (
            "Throne fixes security bug that exposed home addresses",
            "A bug at a platform.",
            "en",
            ["Throne"],
        ),
        # Title Case: the name stops at "to"; the lede must name it again
        (
            "BetterHelp to Pay $7.8 Million for Divulging Health Data",
            "The FTC said BetterHelp, Inc. shared data.",
            "en",
            ["BetterHelp"],
        ),
        (
            "Crowdcube and Seedrs agree to merge",
            "Crowdcube and Seedrs agreed terms.",
            "en",
            ["Crowdcube", "Seedrs"],
        ),
        (
            "Zorblat et Quintal fusionnent",
            "Zorblat et Quintal ont annoncé leur fusion.",
            "fr",
            ["Zorblat", "Quintal"],
        ),
        (
            "Zorblat und Quintal fusionieren",
            "Zorblat und Quintal haben sich geeinigt.",
            "de",
            ["Zorblat", "Quintal"],
        ),
        (
            "Zorblat y Quintal se fusionan",
            "Zorblat y Quintal anunciaron su fusión.",
            "es",
            ["Zorblat", "Quintal"],
        ),
        (
            "Reliance-backed Zorblat agrees to buy a unit",
            "Reliance-backed Zorblat agreed.",
            "en",
            ["Zorblat"],
        ),
        # people, places and generic openers are not subjects
        ("Jack Dorsey launches new app", "The former boss launched.", "en", []),
        ("Berlin launches startup fund", "The city said.", "en", []),
        ("Summer brings layoffs to tech", "Many firms cut.", "en", []),
        ("Zorblat and Quintal agree to merge", "The two firms agreed.", "en", []),
        (
            "Les start-up réduisent leurs effectifs",
            "Des entreprises comme Zorbly, Quintal ou encore Mervo réduisent leurs effectifs.",
            "fr",
            ["Zorbly", "Quintal", "Mervo"],
        ),
        ("Oracle to cut jobs at Zorbly unit", "Hundreds of jobs go.", "en", ["Oracle", "Zorbly"]),
        ("Uber alum rakes in $9M", "Jane Roe founded Zorbly to help parents.", "en", ["Zorbly"]),
        (
            "We've raised $16M for Zorbly Health's B Round",
            "We closed our round.",
            "en",
            ["Zorbly Health"],
        ),
        (
            "Un ancien de Google lève 5 millions",
            "Jean Dupont a fondé Zorbly en 2020.",
            "fr",
            ["Zorbly"],
        ),
        (
            "Ex-Google-Manager sammelt Millionen",
            "Er gründete Zorbly im Jahr 2020.",
            "de",
            ["Zorbly"],
        ),
        (
            "Un exdirectivo de Google levanta 5 millones",
            "Juan Pérez fundó Zorbly en 2020.",
            "es",
            ["Zorbly"],
        ),
        (
            "Jane Quorra, Microsoft's chief designer, to depart",
            "Quorra will set up her own studio.",
            "en",
            ["Microsoft"],
        ),
        (
            "Jane Quorra dimite como consejera delegada de Microsoft",
            "La directiva anunció su salida.",
            "es",
            ["Microsoft"],
        ),
        (
            "Zorbly sammelt 900 Millionen Dollar ein",
            "Quintal Capital führt die Runde an, die Bewertung liegt bei 5 Mrd. Dollar.",
            "de",
            ["Zorbly"],
        ),
        (
            "Zorbly raises $50 million",
            "Quintal Capital led the round, which values Zorbly at $1 billion.",
            "en",
            ["Zorbly"],
        ),
        (
            "Zorbly lève 50 millions d'euros",
            "La néobanque pour PME est valorisée 1 milliard. Quintal Capital mène l'opération.",
            "fr",
            ["Zorbly"],
        ),
        (
            "Insolvenz: Zorbly stellt Betrieb ein",
            "Zorbly hat Insolvenz angemeldet.",
            "de",
            ["Zorbly"],
        ),
        # a company announcing results is no outlet citing a source
        (
            "Microsoft reported record revenue",
            "Sales rose 20%, Reuters reported.",
            "en",
            ["Microsoft"],
        ),
        ("Microsoft meldet Rekordumsatz", "Der Konzern profitiert.", "de", ["Microsoft"]),
        # investors named as such are not the company raising
        ("Zorbly raises $750M, with Quintal Capital putting in $500M", "", "en", ["Zorbly"]),
        (
            "Zorbly raises $665M",
            "New backers including Quintal Capital and Mervo Partners.",
            "en",
            ["Zorbly"],
        ),
        ("Zorbly lève 1 milliard, Quintal devient son premier actionnaire", "", "fr", ["Zorbly"]),
        # a judge and a former employer are not the company of the news
        ("Judge Jane Quorra rules against Microsoft", "The judge ruled.", "en", ["Microsoft"]),
        (
            "Jane Quorra dimite como consejera delegada de Microsoft",
            "La directiva, fichada desde Quintal Media en 2023, anunció su salida.",
            "es",
            ["Microsoft"],
        ),
        # laptops are not their maker's news
        ("Man jailed for selling 1,000 stolen MacBooks", "He resold them.", "en", []),
        (
            "Zorbly extends Series C to $250M with Quintal",
            "The round values it at $2B.",
            "en",
            ["Zorbly"],
        ),
        (
            "Checkout startup Zorbly is shutting down",
            "It raised more than $120 million from Quintal and others.",
            "en",
            ["Zorbly"],
        ),
        (
            "Zorbly lève 40 millions d'euros",
            "Auprès de ses investisseurs historiques, dont Quintal Capital.",
            "fr",
            ["Zorbly"],
        ),
        (
            "Zorbly sammelt 750 Mio. Dollar ein, Quintal steigt ein",
            "Das Start-up wächst.",
            "de",
            ["Zorbly"],
        ),
        (
            "Zorbly levanta 350 millones liderados por Quintal y Mervo",
            "La fintech crece.",
            "es",
            ["Zorbly"],
        ),
        (
            "Microsoft rachète l'américain Zorbly",
            "La plateforme d'analytics.",
            "fr",
            ["Microsoft", "Zorbly"],
        ),
        (
            "Jane Roe gana el juicio contra el Santander",
            "El juzgado condena al banco.",
            "es",
            ["Santander"],
        ),
        ("Microsoft-Rider legen Arbeit nieder", "Die Fahrer protestieren.", "de", ["Microsoft"]),
        ("Brasil suspende X en todo el país", "El juez ordenó el bloqueo.", "es", []),
        ("El Real Madrid gana la Champions", "", "es", []),
        # a name does not begin inside a word ("n8n", not "8n"); "Co-Chef" is a role
        ("Berliner Start-up n8n sammelt 60 Mio. Dollar ein", "n8n will wachsen.", "de", ["n8n"]),
        ("Zalando-Co-Chef Rubin Ritter hört auf", "Er verlässt den Vorstand.", "de", ["Zalando"]),
        ("Co-Chefin Jane Doe verlässt SAP", "Der Co-CEO führt nun allein.", "de", ["SAP"]),
        # investors named as such, in every language
        (
            "Perplexity raised $73.6M led by IVP, with NVIDIA, Databricks and others participating",
            "",
            "en",
            ["Perplexity"],
        ),
        (
            "Wallapop capta 157 millones de la coreana Naver",
            "La plataforma vale 690 millones.",
            "es",
            ["Wallapop"],
        ),
        (
            "Trade Republic sammelt 900 Millionen Dollar ein",
            "Der Neobroker wird in der von Sequoia angeführten Runde mit 5 Milliarden bewertet.",
            "de",
            ["Trade Republic"],
        ),
        (
            "Verkor boucle un financement de 2 milliards d'euros",
            "Renault et le fonds Macquarie font partie des investisseurs.",
            "fr",
            ["Verkor"],
        ),
        # activist investors and short sellers are parties; Title Case hides a verb after a comma
        (
            "Elliott Takes $4 Billion Stake in PepsiCo, Pushes for Overhaul",
            "The activist investor wants a new board.",
            "en",
            ["Elliott Management", "PepsiCo"],
        ),
        (
            "Thomas Glanzmann dimite como presidente de Grifols tras el ataque de Gotham",
            "El fondo bajista acusó a la farmacéutica de inflar sus beneficios.",
            "es",
            ["Grifols", "Gotham City Research"],
        ),
        # a headline that describes the company, a lede that opens with its name and a verb
        (
            "File-transfer software maker hit with wave of class actions after hack",
            "Zorbly Software faces more than a dozen proposed class action lawsuits.",
            "en",
            ["Zorbly Software"],
        ),
        ("Parfümeriekette wagt den Börsengang", "Die Kette nimmt 890 Mio. Euro ein.", "de", []),
        # workers of a company, a place, a funder: none of them is the company
        ("Trabajadores de Zorbly estallan huelga", "La aerolínea no paga.", "es", ["Zorbly"]),
        (
            "Dans le Nord, la grève des salariées dure depuis six semaines",
            "Des employées de l'entrepôt de Zorbly réclament des hausses de salaire.",
            "fr",
            ["Zorbly"],
        ),
        (
            "Apprenticeship startup hits $1.7bn valuation with $220m raise",
            "Zorbly's Series D was led by StepStone, with existing backers Lightspeed taking part.",
            "en",
            ["Zorbly"],
        ),
        # a kicker before a clause that names its own subject is a rubric; a given name alone
        # after the full name is the same person
        ("Salmonelle : Lactalis mis en examen pour tromperie", "", "fr", ["Lactalis"]),
        (
            "Thierry Breton démissionne de la Commission européenne",
            "Le commissaire accuse Ursula von der Leyen d'avoir demandé son retrait.",
            "fr",
            [],
        ),
        ("AMD to buy Finnish startup Silo AI for $665 million", "", "en", ["AMD", "Silo AI"]),
        # regulators and NGOs are no companies; a nationality noun is no name
        ("Bafin verhängt Bußgeld gegen N26", "Die Finanzaufsicht rügt Mängel.", "de", ["N26"]),
        (
            "Deutsche Umwelthilfe verklagt BMW",
            "Der Verein fordert mehr Klimaschutz.",
            "de",
            ["BMW"],
        ),
        ("IA : la start-up cofondée par un Français lève 500 millions de dollars", "", "fr", []),
        # words that open a post are no name alone, but may open a longer one
        ("Under Armour cuts 10% of its staff", "The company confirmed it.", "en", ["Under Armour"]),
        ("Show Labs raises $5M seed round", "The company confirmed it.", "en", ["Show Labs"]),
        ("Just got laid off from Salesforce after 8 years", "", "en", ["Salesforce"]),
        # a Hacker News title's host says where the post is, not who the news is about
        ("Ilya Sutskever to leave OpenAI (x.com)", "", "en", ["OpenAI"]),
        ("Introducing the next generation of Claude (anthropic.com)", "", "en", ["Anthropic"]),
        # the company bought is one the item is about too
        (
            "Zorbly compra la plataforma de viajes Quintal por 1.700 millones",
            "",
            "es",
            ["Zorbly", "Quintal"],
        ),
        (
            "Capgemini va racheter l'indien Quintal pour 3,3 milliards",
            "",
            "fr",
            ["Capgemini", "Quintal"],
        ),
        # a German genitive head noun describes the name after it
        ("Klage gegen den Milka-Herstellers Mondelez", "", "de", ["Mondelez"]),
        ("KTM-Mutter Zorbly Mobility baut 300 Stellen ab", "Der Hersteller leidet.", "de", ["KTM"]),
        ("La Corte Suprema ordena suspender la red en todo el país", "", "es", []),  # a court
        # an article, a place's adjective and a head noun describe; they do not name
        (
            "Celonis verklagt SAP in den USA",
            "Das Münchner Process-Mining-Unternehmen wirft dem Walldorfer Konzern Behinderung vor.",
            "de",
            ["Celonis", "SAP"],
        ),
        (
            "L'assurtech Zorbly lève 17 millions d'euros",
            "Elle vaut 400 millions.",
            "fr",
            ["Zorbly"],
        ),
        # forum prefixes, common words opening a headline, central banks
        ("Show HN: I built a self-hosted alternative to Notion", "", "en", []),
        (
            "Another co-founder heads for the exit at Elon Musk's AI start-up",
            "Igor Babuschkin, who helped found xAI in 2023, said he is leaving.",
            "en",
            ["xAI"],
        ),
        (
            "La BCE relève ses taux directeurs",
            "Christine Lagarde évoque d'autres hausses.",
            "fr",
            [],
        ),
        # a headline's subject the lede describes as a company instead of naming it again
        (
            "Zorblax warns it may not survive without more cash",
            "The hydrogen-truck maker said it has cash only into the first quarter.",
            "en",
            ["Zorblax"],
        ),
        ("Zorblax warns it may not survive", "Analysts doubt it, they said.", "en", []),
        # the other side of a dispute; a yardstick; a labour inspectorate
        (
            "Zorbly pulls smartwatch from US stores",
            "An import ban follows a patent dispute with medical device maker Quintal.",
            "en",
            ["Zorbly", "Quintal"],
        ),
        (
            "Zorbly raises $400M as Europe's answer to OpenAI",
            "It is valued at $2bn.",
            "en",
            ["Zorbly"],
        ),
        ("Inspección de Trabajo multa a Zorbly con 79 millones", "", "es", ["Zorbly"]),
        # a name a rule offers with a role ("Mercedes CEO") cleans to a registered alias: one
        # company, not that company and its alias
        ("Mercedes CEO steps down", "", "en", ["Mercedes-Benz"]),
        # a known company vouches for the unknown one it opens the headline with
        (
            "WhatsApp and Zorbly raise concerns over the Online Safety Bill",
            "The messaging services wrote an open letter.",
            "en",
            ["WhatsApp", "Zorbly"],
        ),
    ],
)
def test_the_companies_an_item_is_about(
    clf: RulesClassifier, title: str, summary: str, lang: str, companies: list[str]
) -> None:
    assert clf.classify(title, summary, lang).companies == companies


@pytest.mark.parametrize(
    ("title", "summary", "companies"),
    [
        # a product named alone is its maker's news; "ChatGPT-like" is a yardstick
        ("Italy bans ChatGPT over privacy", "Regulators ordered a halt.", ["OpenAI"]),
        ("Zorbly adds ChatGPT-like answers, raises $5M", "Zorbly said it raised $5M.", ["Zorbly"]),
        # lower-case "grok" is a verb, not xAI's chatbot
        ("Regulators grok the risks, fine Microsoft", "Microsoft was fined $2M.", ["Microsoft"]),
    ],
)
def test_a_product_points_at_its_maker(
    clf: RulesClassifier, title: str, summary: str, companies: list[str]
) -> None:
    assert clf.classify(title, summary, "en").companies == companies


def test_lede_companies_that_report_the_event_are_about() -> None:
    clf = RulesClassifier(
        ClassifierConfig(), [CompanyConfig(name=n) for n in ("Zorbly", "Quintal", "Mervo")]
    )
    res = clf.classify(
        "Why fintech layoffs keep coming",
        "Zorbly said it would lay off 10% of its staff. Quintal confirmed it is cutting 200 "
        "jobs, months after Mervo won its appeal against a regulator.",
        "en",
    )
    # Mervo's earlier win is a yardstick, not part of this event
    assert res.companies == ["Zorbly", "Quintal"]


def test_an_owner_qualifying_the_actor_is_not_a_party() -> None:
    clf = RulesClassifier(ClassifierConfig(), [CompanyConfig(name="Quintal")])
    res = clf.classify(
        "Patent war heats up",
        "Alphabet's Google sued Quintal on Monday over its speaker patents.",
        "en",
    )
    assert "Alphabet" not in res.companies
    assert "Google" in res.companies


@pytest.mark.parametrize(
    ("title", "summary", "lang"),
    [
        ("Zorbly is sued by Rep. Jane Quinlan Dorr", "Rep. Jane Quinlan Dorr sued Zorbly.", "en"),
        ("Stock picker Dana Quarrel sues Zorbly", "Investor Dana Quarrel sued Zorbly.", "en"),
        ("Le milliardaire Paul Quintard attaque Zorbly", "M. Paul Quintard accuse Zorbly.", "fr"),
        ("Investor Karl Quendt verklagt Zorbly", "Investor Karl Quendt klagt.", "de"),
        ("El empresario Juan Quiroga demanda a Zorbly", "El empresario Juan Quiroga.", "es"),
    ],
)
def test_a_person_introduced_by_a_title_is_not_a_company(
    clf: RulesClassifier, title: str, summary: str, lang: str
) -> None:
    res = clf.classify(title, summary, lang)
    assert res.companies == ["Zorbly"], res.companies


@pytest.mark.parametrize(
    ("title", "summary", "lang", "companies"),
    [
        (
            "Top engineer leaves Microsoft for Nvidia",
            "The engineer left Microsoft.",
            "en",
            ["Microsoft"],
        ),
        (
            "Le directeur technique quitte Microsoft pour rejoindre Nvidia",
            "Il quitte Microsoft.",
            "fr",
            ["Microsoft"],
        ),
        ("El director deja Microsoft para unirse a Nvidia", "Deja Microsoft.", "es", ["Microsoft"]),
    ],
)
def test_where_leavers_go_is_not_the_company_they_leave(
    clf: RulesClassifier, title: str, summary: str, lang: str, companies: list[str]
) -> None:
    res = clf.classify(title, summary, lang)
    assert "departure" in res.labels
    assert res.companies == companies


def test_a_former_employer_introducing_a_person_is_in_passing(clf: RulesClassifier) -> None:
    res = clf.classify("Zorbly CEO quits, replaced by former Quintal boss Jane Roe", "", "en")
    assert res.companies == ["Zorbly"]


def test_a_word_that_starts_like_ex_is_not_former(clf: RulesClassifier) -> None:
    # "exploitant" (operating) is no "ex-"
    res = clf.classify(
        "Clash à la direction de Zorbly",
        "Le conseil de la société exploitant Zorbly a décidé la révocation de son PDG.",
        "fr",
    )
    assert res.companies == ["Zorbly"]


def test_a_legal_name_does_not_lengthen_the_name_in_use(clf: RulesClassifier) -> None:
    res = clf.classify(
        "Zorbly CEO Jane Roe quits", "Truck maker Zorbly International Corp said its CEO quit."
    )
    assert res.companies == ["Zorbly"]


@pytest.mark.parametrize(
    ("title", "summary", "lang"),
    [
        (
            "New CEOs are older and come from rivals",
            "New chief executives left rivals, according to a study by the consultancy Zorbly.",
            "en",
        ),
        (
            "Los nuevos CEO dejan otras compañías",
            "Según un estudio elaborado por la firma Zorbly, los nuevos CEO dejan sus empresas.",
            "es",
        ),
    ],
)
def test_who_wrote_a_cited_study_is_not_a_company_of_the_item(
    clf: RulesClassifier, title: str, summary: str, lang: str
) -> None:
    assert "Zorbly" not in clf.classify(title, summary, lang).companies


@pytest.mark.parametrize(
    ("title", "summary", "lang", "parties"),
    [
        # "multa a 1.316 trabajadores": a head count is no party
        ("Multa de 8 millones a Zorbly", "Multa a 1.316 trabajadores de Zorbly.", "es", None),
        ("Zorbly sues Competitor over ads", "The firm sued a rival.", "en", None),
        ("Jane Roe sues Zorbly over data", "Jane Roe sued Zorbly.", "en", ["Jane Roe"]),
    ],
)
def test_a_dispute_party_is_a_company_or_a_person(
    clf: RulesClassifier, title: str, summary: str, lang: str, parties: list[str] | None
) -> None:
    res = clf.classify(title, summary, lang)
    assert "dispute" in res.labels
    assert res.extracted["dispute"].get("parties") == parties


def test_parties_the_lede_names_count_even_after_the_headline_named_one(
    clf: RulesClassifier,
) -> None:
    res = clf.classify(
        "Regulator opposes Microsoft merger",
        "The FTC issued a complaint against Zorbly, Inc. and Quintal, Inc., alleging harm.",
        "en",
    )
    assert res.companies == ["Microsoft", "Zorbly", "Quintal"]


def test_a_dash_sets_off_an_appositive_like_a_comma(clf: RulesClassifier) -> None:
    res = clf.classify(
        "Tech layoffs this year: who cut",
        "Zorbly Digital Group -- the parent company of several outlets -- laid off 8% of staff.",
        "en",
    )
    assert res.companies == ["Zorbly Digital Group"]


def test_names_joined_in_a_german_compound_stand_alone(clf: RulesClassifier) -> None:
    res = clf.classify(
        "Kommentar: Nach dem Microsoft-Zorbly-Deal",
        "Die Übernahme von Zorbly durch Microsoft hemmt die Branche.",
        "de",
    )
    assert res.companies == ["Microsoft", "Zorbly"]


def test_the_ledes_subject_introduced_as_a_company_counts(clf: RulesClassifier) -> None:
    res = clf.classify(
        "Layoffs hit Microsoft unit as its parent goes shopping",
        "Zorbly Media, the media conglomerate that owns several outlets, is laying off 15%.",
        "en",
    )
    assert res.companies == ["Microsoft", "Zorbly Media"]


@pytest.mark.parametrize(
    ("title", "summary", "lang", "companies"),
    [
        # a headline that describes a company, a lede that names it: with no label too
        (
            "La petrolera portuguesa se dispara en bolsa tras un hallazgo",
            "Zorbly estima que el yacimiento podría contener mucho petróleo.",
            "es",
            ["Zorbly"],
        ),
        (
            "Zorbly lifts sales as shoppers flock to deals",
            "The bakery chain said sales rose.",
            "en",
            ["Zorbly"],
        ),
        (
            "Space balloon company offers first look at its cabins",
            "Zorbly has sold 600 tickets so far.",
            "en",
            ["Zorbly"],
        ),
        # a headline that describes nothing: the lede's opening name is not its subject
        (
            "Virat Kohli flopped again, says former captain",
            "Zorbly Quintal said it was sad.",
            "en",
            [],
        ),
    ],
)
def test_a_company_the_headline_describes_and_the_lede_names(
    clf: RulesClassifier, title: str, summary: str, lang: str, companies: list[str]
) -> None:
    res = clf.classify(title, summary, lang)
    assert res.labels == []
    assert res.companies == companies


@pytest.mark.parametrize(
    ("title", "lang", "company"),
    [
        ("Jane Roe says Zorbly began selling its Quintal stake", "en", "Zorbly"),
        ("Digg founder offers to buy an app from Zorbly", "en", "Zorbly"),
        ("Le fondateur affirme que Zorbly prépare une levée", "fr", "Zorbly"),
        ("Der Gründer sagt, Zorbly plane eine Finanzierungsrunde", "de", "Zorbly"),
        ("El fundador dice que Zorbly prepara una ronda", "es", "Zorbly"),
        ("Quintal compra el 20% de una app a Zorbly", "es", "Zorbly"),
    ],
)
def test_who_a_statement_is_about_and_who_sells_are_companies(
    clf: RulesClassifier, title: str, lang: str, company: str
) -> None:
    assert company in clf.classify(title, "", lang).companies


def test_a_bodys_board_is_not_a_companys_board(clf: RulesClassifier) -> None:
    res = clf.classify(
        "Star bowler leaves for rehab",
        "The Zorbland Cricket Board today announced the bowler has left for London.",
        "en",
    )
    assert res.companies == []
    assert clf.classify("Zorbly board fires its CEO", "", "en").companies == ["Zorbly"]


@pytest.mark.parametrize(
    ("title", "summary", "lang"),
    [
        (
            "Zorbly lays off 10% of its staff",
            "Startups raised a record $90B last year, but the slowdown in VC funding bites.",
            "en",
        ),
        (
            "Zorbly supprime 50 postes",
            "Les start-up ont levé 8 milliards, mais avec la diminution des levées de fonds, "
            "Zorbly coupe.",
            "fr",
        ),
        (
            "Zorbly entlässt 50 Mitarbeiter",
            "Deutsche Startups haben frisches Kapital erhalten wie nie, doch Zorbly spart.",
            "de",
        ),
        (
            "Zorbly despide a 50 empleados",
            "Las startups captaron 2.000 millones, pero la caída de la inversión golpea a Zorbly.",
            "es",
        ),
    ],
)
def test_the_markets_funding_trend_is_no_companys_funding(
    clf: RulesClassifier, title: str, summary: str, lang: str
) -> None:
    assert "funding" not in clf.classify(title, summary, lang).labels


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        ("Zorbly raises $50M despite the slowdown in VC funding", "en"),
        ("Zorbly lève 50 millions d'euros malgré la baisse des levées de fonds", "fr"),
        ("Zorbly sammelt 50 Millionen Euro trotz Rückgang der Finanzierungen", "de"),
        ("Zorbly levanta 50 millones pese a la caída de la inversión", "es"),
    ],
)
def test_a_raise_amid_the_trend_is_still_funding(
    clf: RulesClassifier, title: str, lang: str
) -> None:
    assert "funding" in clf.classify(title, "", lang).labels


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        ("Zorbly raises $235M from Microsoft, Google, Nvidia and others", "en"),
        ("Zorbly lève 20 millions d'euros auprès de Microsoft et Google", "fr"),
        ("Zorbly sammelt 20 Millionen Euro von Microsoft und Google ein", "de"),
        ("Zorbly levanta 20 millones de euros de Microsoft y Google", "es"),
    ],
)
def test_who_money_comes_from_is_not_the_company_raising(
    clf: RulesClassifier, title: str, lang: str
) -> None:
    res = clf.classify(title, "", lang)
    assert "funding" in res.labels
    assert res.companies == ["Zorbly"]


@pytest.mark.parametrize(
    ("title", "summary", "lang"),
    [
        (
            "SAP verklagt Startup",
            "SAP hat Klage gegen das Berliner Startup Zorbly eingereicht.",
            "de",
        ),
        (
            "Microsoft attaqué en justice",
            "Microsoft dépose plainte contre la start-up Zorbly.",
            "fr",
        ),
        ("Demanda de Microsoft", "Microsoft presenta una demanda contra la startup Zorbly.", "es"),
        (
            "Microsoft attaqué par un concurrent",
            "La société allemande Zorbly accuse Microsoft de concurrence déloyale.",
            "fr",
        ),
    ],
)
def test_the_other_party_named_with_an_article(
    clf: RulesClassifier, title: str, summary: str, lang: str
) -> None:
    assert "Zorbly" in clf.classify(title, summary, lang).companies


def test_an_owner_before_a_unit_is_not_the_company_of_the_news(clf: RulesClassifier) -> None:
    res = clf.classify(
        "Cruise CEO Kyle Vogt resigns",
        "Kyle Vogt, the co-founder and CEO of GM's self-driving unit Cruise, has resigned.",
        "en",
    )
    assert res.companies == ["Cruise"]


@pytest.mark.parametrize(
    ("title", "summary", "lang", "label"),
    [
        ("Zorbly will bis zu 2.000 Stellen streichen", "Der Konzern spart.", "de", "departure"),
        ("Zorbly baut weltweit 3.000 Stellen um", "Der Konzern spart.", "de", "departure"),
        (
            "Jane Roe gibt Chefposten bei Microsoft ab",
            "Ein Nachfolger wird gesucht.",
            "de",
            "departure",
        ),
        ("Microsoft stellt Betrieb ein", "500 Mitarbeiter verlieren ihren Job.", "de", "departure"),
        ("Zorbly recortará 750 empleos", "El banco cerrará oficinas.", "es", "departure"),
        ("Zorbly erhält Seed-Finanzierung", "Das Start-up wächst.", "de", "funding"),
        (
            "Zorbly verhandelt über neue Finanzierung",
            "Das Start-up spricht mit Investoren.",
            "de",
            "funding",
        ),
        (
            "Zorbly obtiene 40 millones en deuda",
            "Para la compra de vehículos eléctricos.",
            "es",
            "funding",
        ),
        (
            "Zorbly cuts off Quintal's access to its API",
            "It cited a terms violation.",
            "en",
            "dispute",
        ),
        ("Zorbly workers in Leeds stage fresh strike over pay", "The union said.", "en", "dispute"),
        (
            "Fund to vote against Zorbly's pay package for its CEO",
            "Shareholders object.",
            "en",
            "dispute",
        ),
        (
            "Kartellamt geht gegen Microsofts Preiskontrolle vor",
            "Die Behörde prüft.",
            "de",
            "dispute",
        ),
        (
            "El consejo de Zorbly destituye a su fundador",
            "Tras enfrentamientos con los inversores.",
            "es",
            "departure",
        ),
        ("Jane Roe is officially leaving @Microsoft, the CEO confirms", "", "en", "departure"),
        ("Zorbly pushes out CEO Jane Roe", "The board acted.", "en", "departure"),
        (
            "Microsoft cuts Zorbly's first-party access to its models",
            "Zorbly said.",
            "en",
            "dispute",
        ),
        (
            "Zorbly shuts down after failing to find new funding",
            "Staff were told.",
            "en",
            "funding",
        ),
        ("La licorne Zorbly se sépare d'une centaine de salariés", "", "fr", "departure"),
        ("Jane Roe muss gehen: Microsoft wechselt Chef aus", "", "de", "departure"),
        ("Microsoft baut 7150 Stellen in der Autosparte ab", "", "de", "departure"),
        ("Jane Roe dejará de ser CEO de Microsoft", "", "es", "departure"),
        ("Zorbly debuta en la Bolsa de Nueva York tras su fusión con un SPAC", "", "es", "funding"),
        ("Microsoft to invest up to $4 billion in AI startup Zorbly", "", "en", "funding"),
        ("Zorbly awarded up to $8.5 billion in CHIPS Act grants", "", "en", "funding"),
        ("Microsoft CEO Resigns Under Pressure From Investors", "", "en", "dispute"),
        ("Microsoft Cuts Off Zorbly's App From Its Friend Finder", "", "en", "dispute"),
        ("Microsoft : son PDG évincé sous la pression des fonds activistes", "", "fr", "dispute"),
        ("Microsoft retire de ses rayons les produits de Zorbly", "", "fr", "dispute"),
        ("IG Metall ruft zu Warnstreiks bei Microsoft auf", "", "de", "dispute"),
        ("Microsoft abusó de su posición dominante, dictamina el tribunal", "", "es", "dispute"),
        ("Microsoft to let 11,000 employees go", "The CEO told staff.", "en", "departure"),
        (
            "Delaware judge voids Microsoft CEO's pay package",
            "A shareholder sued.",
            "en",
            "dispute",
        ),
        ("Microsoft finalizes $7.86 billion CHIPS Act award", "", "en", "funding"),
        ("Dépakine : Microsoft mis en examen", "", "fr", "dispute"),
        ("Lokführer bei Microsoft im Ausstand", "", "de", "dispute"),
        ("Zorbly recibe 250 millones de Advent International", "La adtech crece.", "es", "funding"),
        # a social post about one's own exit
        ("Personal news: today is my last day at Zorbly. Onwards!", "", "en", "departure"),
        ("Après 4 ans, c'est mon dernier jour chez Zorbly.", "", "fr", "departure"),
        ("Heute ist mein letzter Tag bei Zorbly. Danke!", "", "de", "departure"),
        ("Hoy es mi último día en Zorbly. Gracias, equipo", "", "es", "departure"),
        ("Zorbly despedirá a 250 empleados", "La empresa ajusta su estructura.", "es", "departure"),
        ("Après six ans chez Doctolib, aujourd'hui c'est mon dernier jour.", "", "fr", "departure"),
        (
            "Fox News parts ways with its prime-time host",
            "The network confirmed it.",
            "en",
            "departure",
        ),
        ("Wolfspeed to receive up to $750 million in CHIPS Act funding", "", "en", "funding"),
        (
            "Orpea limoge son directeur général Yves Le Masne",
            "Le gouvernement a lancé une enquête administrative.",
            "fr",
            "departure",
        ),
        (
            "Adept's co-founders head out as the startup licenses its technology",
            "",
            "en",
            "departure",
        ),
        (
            "Adidas holt Puma-Chef Björn Gulden an die Spitze",
            "Er übernimmt im Januar.",
            "de",
            "departure",
        ),
        (
            "SAP baut um: 8.000 Stellen betroffen",
            "Der Softwarekonzern richtet sich neu aus.",
            "de",
            "departure",
        ),
        ("159 Google employees took the buyout and left", "", "en", "departure"),
        (
            "EV start-up warns of 'substantial doubt' about its future",
            "Lordstown Motors said it does not have enough cash.",
            "en",
            "funding",
        ),
        (
            "Northvolt beantragt Sanierungsverfahren in Eigenverwaltung",
            "Das Geld wird knapp.",
            "de",
            "funding",
        ),
        ("La CNIL inflige 50 millions d'euros d'amende à Orange", "", "fr", "dispute"),
        (
            "Le fabricant va fermer deux usines, 1 254 salariés concernés",
            "Michelin l'a annoncé.",
            "fr",
            "departure",
        ),
        ("Hoy tomamos la decisión de despedirnos de 80 personas de Bitso.", "", "es", "departure"),
        ("Hoy NotCo se convierte en unicornio con 235 millones de dólares", "", "es", "funding"),
        (
            "noyb reicht Datenschutzbeschwerde gegen Bumble ein",
            "Die App verarbeite Daten.",
            "de",
            "dispute",
        ),
        (
            "Zorbly and its lenders take $1.2 billion loan fight to court",
            "The company skipped a $40 million interest payment.",
            "en",
            "funding",
        ),
        (
            "Orpea : un plan de sauvetage",
            "Une augmentation de capital de 1,5 milliard.",
            "fr",
            "funding",
        ),
        ("Trabajadores de Zorbly en huelga por falta de pago de salarios", "", "es", "funding"),
        (
            "Got laid off from Zorbly this morning along with 7% of the company.",
            "",
            "en",
            "departure",
        ),
        (
            "La licorne Zorbly supprime 12 % de ses effectifs",
            "La société l'a annoncé.",
            "fr",
            "departure",
        ),
        # loans and cash warnings are money too
        ("Zorbly secures $500 million loan backed by Nvidia chips", "", "en", "funding"),
        (
            "Zorbly warns it may not survive without more cash",
            "The company said so.",
            "en",
            "funding",
        ),
        ("Zorbly geht das Geld aus", "Das Start-up sucht Investoren.", "de", "funding"),
        ("La AEPD prohíbe a Zorbly escanear el iris", "La empresa deberá cesar.", "es", "dispute"),
        # shareholder revolts, court-ordered damages, a channel cut off, the Supreme Court
        ("Fund seeks CEO's ouster at Zorbly", "The activist holds 5%.", "en", "dispute"),
        ("BGH: VW muss Diesel-Käufern Schadenersatz zahlen", "", "de", "dispute"),
        ("Zorbly coupe la diffusion des chaînes de Quintal", "Faute d'accord.", "fr", "dispute"),
        (
            "El Supremo dictamina que los 'riders' de Glovo son falsos autónomos",
            "",
            "es",
            "dispute",
        ),
        # bank financing, grants, debt restructured, money running short, a SPAC listing
        (
            "Zorbly sichert sich Milliardenfinanzierung von Banken",
            "Das Start-up wächst.",
            "de",
            "funding",
        ),
        (
            "EU genehmigt 902 Millionen Euro Förderung für Northvolt-Fabrik",
            "Bund und Land unterstützen die Fabrik des Herstellers.",
            "de",
            "funding",
        ),
        (
            "Zorbly pacta con la banca reestructurar su deuda",
            "La empresa gana liquidez.",
            "es",
            "funding",
        ),
        (
            "Zorbly va entrer en Bourse via une fusion avec un SPAC",
            "La société lève 300 M€.",
            "fr",
            "funding",
        ),
        (
            "Humane is looking for a buyer as the cash runs low",
            "The company declined to comment.",
            "en",
            "funding",
        ),
        # cuts given as a share of the staff; bans and patent fights; a name opening with Ÿ
        (
            "Zorbly se sépare de 12 % de ses effectifs",
            "La société invoque le marché.",
            "fr",
            "departure",
        ),
        (
            "Importverbot: Zorbly stoppt den Verkauf seiner Uhren",
            "Der Konzern prüft Rechtsmittel.",
            "de",
            "dispute",
        ),
        (
            "Ynsect placé en redressement judiciaire",
            "La start-up cherche un repreneur.",
            "fr",
            "funding",
        ),
        # a regulator's president is in sight, and the companies it fines are named as a group
        (
            "La CNMC multa con 52 millones de euros a las empresas por vulnerar la competencia",
            "Su presidente lo anunció el martes.",
            "es",
            "dispute",
        ),
        # a regulator fines a company named as the verb's object
        (
            "Spain fines Zorbly €20 million over hidden fees",
            "The company said it disagreed.",
            "en",
            "dispute",
        ),
        ("Staff scientists leave Zorbly for a rival lab", "", "en", "departure"),
        ("Zorbly shuts down, most of its 90 staff made redundant", "", "en", "departure"),
        ("Zorbly confirms 300 support jobs cut as chatbots take over", "", "en", "departure"),
        (
            "State attorney general orders Zorbly, Quintal to stop taking bets",
            "The company said it disagreed.",
            "en",
            "dispute",
        ),
        (
            "Zorbly to cut costs and preserve cash until it turns a profit",
            "The startup said so.",
            "en",
            "funding",
        ),
        (
            "Paro de pilotos de Zorbly obliga a cancelar 200 vuelos",
            "La aerolínea lo confirmó.",
            "es",
            "dispute",
        ),
        # a SPAC merger is a listing, not an acquisition
        (
            "EV maker Zorbly files for bankruptcy",
            "It went public through a blank-check merger in 2021.",
            "en",
            "funding",
        ),
        ("Zorbly eliminará 900 empleos, 75 de ellos en España", "", "es", "departure"),
        ("Zorbly streicht rund 2000 Fahrerjobs in Deutschland", "", "de", "departure"),
        ("Zorbly setzt Konzernchef Max Muster vor die Tür", "", "de", "departure"),
        ("Zorbly se sienta en el banquillo por el accidente de la mina", "", "es", "dispute"),
        ("Zorbly says former employee misappropriated confidential data", "", "en", "dispute"),
        (
            "Zorbly wins appeal against central bank over money-laundering checks",
            "",
            "en",
            "dispute",
        ),
        ("Zorbly investors vote to remove founder as CEO", "", "en", "dispute"),
        ("Zorbly invierte 30 millones de euros en Quintal", "", "es", "funding"),
        (
            "Crypto lender Zorbly pauses all withdrawals",
            "The company cited market conditions.",
            "en",
            "funding",
        ),
        ("Zorbly to close all stores with loss of 12,500 jobs", "", "en", "departure"),
        ("La licorne Zorbly va se séparer d'environ 300 salariés", "", "fr", "departure"),
        ("La licorne Zorbly supprime la moitié de ses effectifs", "", "fr", "departure"),
        ("Zorbly baut fast ein Drittel der Belegschaft ab", "", "de", "departure"),
        ("Zorbly shuts down", "The startup could not secure new funding.", "en", "funding"),
        ("Zorbly Therapeutics launches with $1 billion to bring AI to drugs", "", "en", "funding"),
        (
            "Zorbly collapses into administration",
            "The airline ceased trading overnight.",
            "en",
            "funding",
        ),
        (
            "Hotel owners protest against Zorbly over unpaid dues",
            "The chain said so.",
            "en",
            "dispute",
        ),
        (
            "Zorbly cuts ties with Quintal over compliance concerns",
            "The company said so.",
            "en",
            "dispute",
        ),
        (
            "EU-Kommission verhängt 1,8 Mrd. Euro Strafe gegen Zorbly",
            "Der Konzern wehrt sich.",
            "de",
            "dispute",
        ),
        ("Zorbly-Aktionäre verweigern dem Vorstand die Entlastung", "", "de", "dispute"),
        (
            "US-Behörde nimmt Zorbly ins Visier",
            "Der Konzern bestätigte die Anfrage.",
            "de",
            "dispute",
        ),
        (
            "Zorbly reconoce colusión en el mercado del papel",
            "La empresa lo confirmó.",
            "es",
            "dispute",
        ),
        (
            "Zorbly supprime des postes",
            "La start-up est confrontée à des difficultés de trésorerie.",
            "fr",
            "funding",
        ),
    ],
)
def test_each_language_reports_an_event(
    clf: RulesClassifier, title: str, summary: str, lang: str, label: str
) -> None:
    assert label in clf.classify(title, summary, lang).labels


@pytest.mark.parametrize(
    ("title", "summary", "lang", "label"),
    [
        (
            "Global venture funding fell 20% in the quarter",
            "Investors deployed $66B.",
            "en",
            "funding",
        ),
        (
            "Zorbly cierra su fondo de clima con 300 millones",
            "La gestora de capital riesgo.",
            "es",
            "funding",
        ),
        ("Zorbly boucle son nouveau fonds de 200 millions", "Le fonds investira.", "fr", "funding"),
        (
            "Zorbly placée en redressement judiciaire",
            "Par le tribunal de commerce de Paris.",
            "fr",
            "dispute",
        ),
        (
            "Zorbly vuelve a la bolsa con una OPV",
            "Es la mayor salida a bolsa del año.",
            "es",
            "departure",
        ),
        ("Kartellamt geht gegen Zorbly vor", "Die Behörde prüft.", "de", "departure"),
        (
            "Kanzler entlässt Finanzminister nach Streit",
            "Die Koalition zerbricht.",
            "de",
            "dispute",
        ),
        ("Quintal to buy shares from Zorbly employees", "A tender offer.", "en", "dispute"),
        (
            "Zorbly Ventures raises $7.2 billion for new funds",
            "The pools go to growth.",
            "en",
            "funding",
        ),
        (
            "French Tech : les levées de fonds ont chuté de 38 %",
            "Selon le baromètre.",
            "fr",
            "funding",
        ),
        (
            "Start-up-Investitionen brechen ein",
            "Es flossen 6 Mrd. Euro an Risikokapital in junge Unternehmen.",
            "de",
            "funding",
        ),
        ("FC Zorbland trennt sich von seinem Trainer", "", "de", "departure"),
        ("Jean Dupont démissionne de la Commission européenne", "", "fr", "departure"),
        # a role in a public, academic or sports body; money running out is no exit; a call
        # for an exit is not one yet
        ("Harvard president Jane Dupont resigns", "", "en", "departure"),
        # a notice filed with the market regulator is no case against the company
        (
            "BBVA nombra a Onur Genç consejero delegado",
            "Asumirá el cargo tras la junta, según ha comunicado la entidad a la CNMV.",
            "es",
            "dispute",
        ),
        (
            "HV Zorbly sammelt 860 Mio. Euro für neue Fonds ein",
            "Der Investor will investieren.",
            "de",
            "funding",
        ),
        (
            "Start-up-Finanzierungen in Deutschland brechen um ein Drittel ein",
            "Junge Unternehmen haben sechs Milliarden Euro an Risikokapital eingesammelt.",
            "de",
            "funding",
        ),
        (
            "Zorbly pide salir a bolsa",
            "Será una de las mayores salidas a bolsa del año.",
            "es",
            "departure",
        ),
        # a court and a president, no company: politics, not a company's dispute
        (
            "Appeals court rules most of the tariffs are illegal",
            "The court said the president overstepped his authority.",
            "en",
            "dispute",
        ),
        ("Zorbly geht das Geld aus", "Das Start-up sucht Investoren.", "de", "departure"),
        (
            "Fund takes stake in Zorbly, seeks CEO's ouster",
            "The company declined to comment.",
            "en",
            "departure",
        ),
        # a denial reaches over a report's wording; "and" starts what it does not deny
        (
            "Zorbly denies a newspaper report that its founder will step down next year",
            "",
            "en",
            "departure",
        ),
        ("Zorbly dementiert Bericht über vorzeitigen Abgang des Chefs", "", "de", "departure"),
        (
            "Zorbly desmiente la información publicada el lunes sobre la salida"
            " de su consejero delegado",
            "",
            "es",
            "departure",
        ),
        (
            "Zorbly dévoile une montre conçue avec le créateur de l'iPod",
            "Elle coûte 279 dollars.",
            "fr",
            "funding",
        ),
        (
            "Zorbly posts first annual profit since going public",
            "The company earned $1 billion in 2023, its first year in the black"
            " since its 2019 market debut.",
            "en",
            "funding",
        ),
        (
            "Zorbly to invest $5 billion in Ohio to expand its data centers",
            "The company said so.",
            "en",
            "funding",
        ),
        (
            "Zorbly despedirá a 400 empleados",
            "Presentó un expediente de regulación de empleo.",
            "es",
            "dispute",
        ),
        ("Zorbly cuts support costs", "AI now handles most customer inquiries.", "en", "dispute"),
        (
            "Half the internet is down",
            "Zorbly says the company is investigating an issue.",
            "en",
            "dispute",
        ),
        (
            "EU rules on chatbots enter into force",
            "The company Zorbly must comply by 2026.",
            "en",
            "dispute",
        ),
        (
            "Texas sues Biden administration over border wire",
            "The company Zorbly built it.",
            "en",
            "dispute",
        ),
        (
            "Zorbly's star midfielder wins appeal against doping ban",
            "The club said so.",
            "en",
            "dispute",
        ),
        (
            "Zorbly placé en redressement judiciaire",
            "La start-up a obtenu l'ouverture d'une procédure auprès du tribunal de commerce.",
            "fr",
            "dispute",
        ),
        (
            "Zorbly closes $975 million across two new funds",
            "The venture firm said so.",
            "en",
            "funding",
        ),
        ("Zorbly calls reports of CEO Jane Roe's exit 'baseless'", "", "en", "departure"),
        (
            "Take-Two completes acquisition of Zorbly",
            "It brings Grand Theft Auto to mobile.",
            "en",
            "dispute",
        ),
        (
            "Zorbly relève son objectif de rentabilité",
            "La banque vise un rendement des fonds propres tangibles de 12 %.",
            "fr",
            "funding",
        ),
        (
            "Zorbly lays off staff in third round of cuts",
            "The company, valued at more than $2 billion in 2021, let go of a third of its staff.",
            "en",
            "funding",
        ),
        (
            "Zorbly se place sous la protection du tribunal",
            "La start-up a demandé une procédure de sauvegarde.",
            "fr",
            "dispute",
        ),
        # a disagreement is no dispute until it has legal or public consequences
        (
            "Zorbly : trois cofondateurs quittent la start-up",
            "Ils invoquent des « divergences opérationnelles ».",
            "fr",
            "dispute",
        ),
    ],
)
def test_what_looks_like_an_event_but_is_not(
    clf: RulesClassifier, title: str, summary: str, lang: str, label: str
) -> None:
    assert label not in clf.classify(title, summary, lang).labels


@pytest.mark.parametrize(
    ("title", "summary", "lang", "company"),
    [
        (
            "Regulator probes Microsoft deal",
            "Zorbly accused Microsoft of hiding data.",
            "en",
            "Zorbly",
        ),
        (
            "Microsoft dans la tourmente",
            "La société Zorbly accuse Microsoft de concurrence déloyale.",
            "fr",
            "Zorbly",
        ),
        (
            "BGH: Werbeblocker bleiben erlaubt",
            "Die Klage von Zorbly gegen Quintal wurde abgewiesen.",
            "de",
            "Quintal",
        ),
        (
            "Microsoft se desploma en Bolsa",
            "Después de que Zorbly acuse a la compañía de inflar sus beneficios.",
            "es",
            "Zorbly",
        ),
    ],
)
def test_who_brings_a_dispute_is_a_party(
    clf: RulesClassifier, title: str, summary: str, lang: str, company: str
) -> None:
    assert company in clf.classify(title, summary, lang).companies


def test_where_something_was_said_is_not_a_party(clf: RulesClassifier) -> None:
    res = clf.classify(
        "Microsoft's AI director is leaving the company",
        "The director said on Twitter he was departing after five years.",
        "en",
    )
    assert res.companies == ["Microsoft"]


def test_an_investor_investing_up_to_an_amount_is_not_the_company(clf: RulesClassifier) -> None:
    res = clf.classify("Microsoft to invest up to $4 billion in AI startup Zorbly", "", "en")
    assert res.companies == ["Zorbly"]


def test_an_outlet_that_sues_is_a_party_one_cited_is_not(clf: RulesClassifier) -> None:
    res = clf.classify(
        "The New York Times sues Microsoft over copyright",
        "The lawsuit, Reuters reported, names millions of articles.",
        "en",
    )
    assert set(res.companies) == {"Microsoft", "The New York Times"}
    assert "Reuters" not in res.companies


@pytest.mark.parametrize(
    ("title", "lang", "label"),
    [
        ("Microsoft trennt sich von seiner Healthcare-Sparte", "de", "departure"),
        ("Microsoft retire des rayons des produits contaminés", "fr", "dispute"),
    ],
)
def test_divestments_and_recalls_are_no_events(
    clf: RulesClassifier, title: str, lang: str, label: str
) -> None:
    assert label not in clf.classify(title, "", lang).labels


def test_negation_tried_at_its_openings_finds_what_a_search_of_the_window_finds(
    clf: RulesClassifier,
) -> None:
    # The classifier tries the negation regex only where one of its openings stands; on
    # real texts in every language that must decide exactly as searching the window does.
    from bot.classifier.rules import NEGATION_WINDOW, _negated, _negation_opens
    from bot.companies.matcher import _lower_same_length

    data = Path(__file__).resolve().parents[1] / "data" / "classifier"
    rows = [json.loads(x) for f in sorted(data.glob("check_*.jsonl")) for x in f.open()]
    tried = negated = 0
    for row in rows:
        lex = clf._lexicons[row["lang"]]
        assert lex.negation is not None
        text = " ".join(f"{row['title']} {row['summary']}".split())
        opens = _negation_opens(lex, _lower_same_length(text))
        assert opens is not None  # every bundled negation has known openings
        for start in range(1, len(text) + 1):
            if text[start - 1] != " ":
                continue  # a phrase starts a word
            lo = max(0, start - NEGATION_WINDOW)
            expected = lex.negation.search(text, lo, start) is not None
            assert _negated(lex.negation, opens, text, 0, start) == expected, (row["id"], start)
            tried += 1
            negated += expected
    assert tried > 10_000 and negated > 100  # the texts hold negations to find


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        ("Dax schließt erstmals über 18.000 Punkten", "de"),
        ("Nikkei hits 33-year high as foreign investors pile into Japanese stocks", "en"),
    ],
)
def test_a_stock_market_index_is_not_a_company(clf: RulesClassifier, title: str, lang: str) -> None:
    assert clf.classify(title, "", lang).companies == []


@pytest.mark.parametrize(
    ("title", "lang", "companies"),
    [
        ("Nintendo sues Palworld developer Pocketpair", "en", ["Nintendo", "Pocketpair"]),
        ("AMD to buy server maker Zorbly Systems for $4.9B", "en", ["AMD", "Zorbly Systems"]),
        (
            "FTC sues to block Zorbly's $24.6 billion takeover of Quintal",
            "en",
            ["Zorbly", "Quintal"],
        ),
        ("Zorbly acquires Quintal Saga maker Mervo for $1 billion", "en", ["Zorbly", "Mervo"]),
        ("Nintendo verklagt Palworld-Entwickler Pocketpair", "de", ["Nintendo", "Pocketpair"]),
        ("Nintendo attaque l'éditeur de Palworld, Pocketpair", "fr", ["Nintendo", "Pocketpair"]),
        (
            "Nintendo demanda a la desarrolladora de Palworld, Pocketpair",
            "es",
            ["Nintendo", "Pocketpair"],
        ),
    ],
)
def test_a_product_before_its_maker_is_not_a_company(
    clf: RulesClassifier, title: str, lang: str, companies: list[str]
) -> None:
    assert sorted(clf.classify(title, "", lang).companies) == sorted(companies)


def test_a_given_name_in_the_lede_is_not_a_party(clf: RulesClassifier) -> None:
    res = clf.classify(
        "EssilorLuxottica : les deux dirigeants étalent leur guerre au grand jour",
        "Leonardo Del Vecchio a saisi la justice arbitrale en accusant son associé de ne pas"
        " respecter l'accord conclu lors de la fusion entre Essilor et Luxottica.",
        "fr",
    )
    assert "dispute" in res.labels
    assert res.companies == ["EssilorLuxottica"]


def test_a_chairman_is_a_role_in_german_news(clf: RulesClassifier) -> None:
    res = clf.classify(
        "Tata Sons setzt Chairman Cyrus Mistry ab",
        "Der Machtkampf eskaliert: Mistry wirft dem Verwaltungsrat vor, ihn abgesetzt zu haben.",
        "de",
    )
    assert res.companies == ["Tata Group"]


@pytest.mark.parametrize(
    ("title", "summary", "lang", "companies"),
    [
        # a fund's vintage name is the firm's fund, not a longer name of the firm
        (
            "Partech boucle son fonds Partech Africa II à 280 millions d'euros",
            "Le fonds investira dans des start-up.",
            "fr",
            ["Partech"],
        ),
        # a German description before the name ("Marinewerft", "US-Softwarehaus")
        ("Rheinmetall übernimmt Marinewerft NVL", "", "de", ["Rheinmetall", "NVL"]),
        ("Siemens kauft US-Softwarehaus Mentor Graphics", "", "de", ["Siemens", "Mentor Graphics"]),
        # a rubric, a government, a people's plural: no companies
        ("Mercato : le PSG officialise l'arrivée de João Neves", "", "fr", []),
        ("El Gobierno aprueba reducir la jornada laboral", "", "es", []),
        ("Lawmakers approve a ban on new petrol cars", "", "en", []),
    ],
)
def test_words_that_look_like_names_but_are_not_companies(
    clf: RulesClassifier, title: str, summary: str, lang: str, companies: list[str]
) -> None:
    assert clf.classify(title, summary, lang).companies == companies
