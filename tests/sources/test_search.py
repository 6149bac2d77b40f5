"""Company search sources: the generated URLs, names and types, and that they poll."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.feeds import detect_type
from bot.sources import builtin_types
from bot.sources.bluesky import parse_target
from bot.sources.hackernews import HackerNewsSource, parse_query
from bot.sources.search import google_news_url, search_sources
from bot.testing.fake_social import FakeSocial


def test_google_news_url_matches_the_documented_form() -> None:
    assert google_news_url("Some Company") == (
        "https://news.google.com/rss/search?q=%22Some%20Company%22&hl=en-US&gl=US&ceid=US:en")
    assert google_news_url("Mistral AI", "fr", "FR").endswith("&hl=fr&gl=FR&ceid=FR:fr")
    q = parse_qs(urlsplit(google_news_url("AT&T")).query)["q"]
    assert q == ['"AT&T"']  # an ampersand stays inside the query


def test_search_sources_all_kinds() -> None:
    out = search_sources("Stability  AI", ["news", "hackernews", "bluesky"],
                         [("en", "US"), ("de", "DE")])
    assert [(n, t) for n, _, t, _ in out] == [
        ("News search: Stability AI (en-US)", "feed"),
        ("News search: Stability AI (de-DE)", "feed"),
        ("HN search: Stability AI", "hackernews"),
        ("Bluesky search: Stability AI", "bluesky"),
    ]
    types = builtin_types()
    for _name, url, type_, settings in out:
        # The URL alone says the type, as when someone adds it by hand.
        assert detect_type(url, types) == type_
        assert settings["company"] == "Stability AI"
    assert out[1][3]["lang"] == "de"
    assert parse_query(out[2][1]) == "Stability AI"
    assert parse_target(out[3][1]).query == '"Stability AI"'  # type: ignore[union-attr]


def test_search_sources_rejects_unknown_kind_and_dedups() -> None:
    with pytest.raises(ValueError, match="unknown search kind 'twitter'"):
        search_sources("X", ["twitter"])
    assert len(search_sources("X", ["news", "news"])) == 1
    assert search_sources("X", []) == []


async def test_generated_hn_source_polls(api: FakeSocial, data: Callable[[str], Any],
                                         poller: Callable[..., Any]) -> None:
    recorded = data("hn_search_by_date.json")
    api.hn_hits = recorded["hits"]
    _, url, _, settings = search_sources("Stability AI", ["hackernews"])[0]
    polled = await poller(HackerNewsSource(), url, api_url=api.base_url, **settings).poll()
    assert len(polled.items) == 2
