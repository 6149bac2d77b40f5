"""One alert per event: which reports are the same story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.models import Classification, Event
from bot.stories import same_story

T0 = datetime(2024, 3, 20, 16, 47, tzinfo=UTC)


def event(title: str, labels: list[str], companies: list[str],
          extracted: dict[str, Any] | None = None, published: datetime = T0,
          lang: str = "en") -> Event:
    return Event(id=1, title=title, link="https://a.example/1", summary="", source="A",
                 published=published, labels=labels, companies=companies, scores={},
                 extracted=extracted or {}, evidence={}, lang=lang)


def report(labels: list[str], companies: list[str], extracted: dict[str, Any] | None = None,
           lang: str = "en") -> Classification:
    return Classification(labels=labels, companies=companies, extracted=extracted or {},
                          lang=lang)


ARTICLE = event("Stability AI : départs de chercheurs, trésorerie en baisse et accusations",
                ["departure", "funding", "dispute"], ["Stability AI", "Midjourney"], lang="fr")


def test_the_seed_tweet_joins_the_french_article_of_the_same_story() -> None:
    tweet = report(["departure", "funding"], ["Stability AI"])
    assert same_story(ARTICLE, "Multiple Stability AI researchers are departing",
                      T0 + timedelta(hours=16), tweet)


def test_same_language_reports_need_shared_wording_or_facts() -> None:
    a = event("Gorillas streicht mehr als 300 Stellen", ["departure"], ["Gorillas"], lang="de")
    b = report(["departure"], ["Gorillas"], lang="de")
    assert not same_story(a, "Online-Supermarkt geschlossen: Gorillas in Dortmund am Ende",
                          T0, b)


def test_a_report_that_adds_a_label_is_news() -> None:
    tweet_event = event("Multiple Stability AI researchers are departing",
                        ["departure", "funding"], ["Stability AI"])
    article = report(["departure", "funding", "dispute"], ["Stability AI", "Midjourney"])
    assert not same_story(tweet_event, ARTICLE.title, T0, article)


def test_other_company_or_other_week_is_another_story() -> None:
    assert not same_story(ARTICLE, "x", T0, report(["departure"], ["OpenAI"]))
    assert not same_story(ARTICLE, "x", T0 + timedelta(days=5),
                          report(["departure"], ["Stability AI"]))
    assert not same_story(ARTICLE, "x", T0, report(["departure"], ["Stability AI"], lang="fr"))


def test_close_wording_merges_even_with_facts_missing() -> None:
    a = event("OpenAI CTO Mira Murati resigns", ["departure"], ["OpenAI"])
    assert same_story(a, "OpenAI CTO Mira Murati resigns, company says",
                      T0 + timedelta(days=2.5), report(["departure"], ["OpenAI"]))


def test_different_people_or_amounts_are_different_events() -> None:
    a = event("OpenAI CTO leaves", ["departure"], ["OpenAI"],
              {"departure": {"people": [{"name": "Mira Murati"}]}})
    b = report(["departure"], ["OpenAI"], {"departure": {"people": [{"name": "Bob McGrew"}]}})
    assert not same_story(a, "Chief research officer departs", T0, b)
    c = event("Mistral lève 600 millions", ["funding"], ["Mistral AI"],
              {"funding": {"amount_value": 600e6}}, lang="fr")
    d = report(["funding"], ["Mistral AI"], {"funding": {"amount_value": 105e6}})
    assert not same_story(c, "Mistral raises seed round", T0, d)
    e = report(["funding"], ["Mistral AI"], {"funding": {"amount_value": 600e6}})
    assert same_story(c, "Mistral AI raises $640M", T0 + timedelta(days=2.5), e)


def test_a_fuller_report_is_related_but_not_merged() -> None:
    tweet_event = event("Multiple Stability AI researchers are departing",
                        ["departure", "funding"], ["Stability AI"])
    article = report(["departure", "funding", "dispute"], ["Stability AI", "Midjourney"],
                     lang="fr")
    assert same_story(tweet_event, ARTICLE.title, T0, article, new_labels_ok=True)
    assert not same_story(tweet_event, ARTICLE.title, T0, article)
    assert not same_story(tweet_event, "x", T0, report(["dispute"], ["Stability AI"], lang="fr"),
                          new_labels_ok=True)
