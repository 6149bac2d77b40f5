"""The stopword language guesser."""

from __future__ import annotations

from bot.classifier.langdetect import Detector, detect

STOP = {
    "en": frozenset({"the", "and", "of"}),
    "fr": frozenset({"le", "la", "l'", "et"}),
    "de": frozenset({"der", "die", "und"}),
}


def test_most_stopwords_win() -> None:
    d = Detector(STOP)
    assert d.detect("Le PDG et la société") == "fr"
    assert d.detect("Der Chef und die Firma") == "de"
    assert d.detect("The CEO of the company") == "en"


def test_elision_counts_its_head() -> None:
    assert Detector(STOP).detect("l'entreprise l'équipe the") == "fr"


def test_ties_go_to_the_default_and_no_stopword_falls_back_to_letters() -> None:
    d = Detector(STOP)
    assert d.detect("the le") == "en"
    assert d.detect("Börsengang") == "de"
    assert d.detect("") == "en"
    assert detect("Der Chef und die Firma", STOP) == "de"


def test_every_token_counts_once_per_language() -> None:
    stop = {
        "en": frozenset({"the", "it's"}),
        "fr": frozenset({"le", "l'", "l'un", "et"}),
    }
    d = Detector(stop)
    # "l'un" is a French stopword and elides to "l'": one French hit, not two.
    assert d.detect("l'un the") == "en"
    assert d.detect("l’un l'un the") == "fr"
    # Repeated tokens count every time.
    assert d.detect("the the le et") == "en"
    assert d.detect("the le le et") == "fr"
    # No token at all: the default, even with a letter hint like "¿".
    assert d.detect("¿ 12 ¡") == "en"


def test_an_undeclared_language_is_read_from_the_opening_text() -> None:
    from bot.classifier import build_classifier
    from bot.config import ClassifierConfig

    clf = build_classifier(ClassifierConfig())
    french = "Le directeur général quitte la société après dix ans à la tête de la start-up. " * 4
    english = "The company said that it is the best of the year and that it will grow. " * 20
    assert clf.classify("Le PDG de Zorbly démissionne", french + english).lang == "fr"
