"""The hackernews source type against a fake Algolia HN search API."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from bot.app import App
from bot.config import config_from_dict
from bot.feeds import detect_type
from bot.fetch import FetchError
from bot.sources import builtin_types
from bot.sources.hackernews import HackerNewsSource, parse_query, search_url
from bot.testing.fake_social import FakeSocial

URL = search_url("Stability AI")


def new_hit(template: dict[str, Any], oid: int, title: str, ts: int) -> dict[str, Any]:
    """A copy of a recorded hit with a new id, title and time."""
    h = copy.deepcopy(template)
    h.update(objectID=str(oid), story_id=oid, title=title, created_at_i=ts,
             url=f"https://www.example-news.com/hn-{oid}")
    return h


@pytest.fixture
def seeded(api: FakeSocial, data: Callable[[str], Any]) -> FakeSocial:
    recorded = data("hn_search_by_date.json")
    api.hn_hits = recorded.pop("hits")
    api.hn_template = recorded
    return api


def test_url_forms() -> None:
    assert URL == "https://hn.algolia.com/?query=Stability%20AI&sort=byDate&type=story"
    assert parse_query(URL) == "Stability AI"
    assert parse_query("https://hn.algolia.com/api/v1/search?query=x") is None
    assert detect_type(URL, builtin_types()) == "hackernews"


async def test_first_poll(seeded: FakeSocial, poller: Callable[..., Any]) -> None:
    polled = await poller(HackerNewsSource(), URL, api_url=seeded.base_url).poll()
    assert polled.title == "HN search: Stability AI"
    story, ask = polled.items
    assert story.link == "https://www.example-news.com/stability-ai-talks"
    assert story.key == "hn:39791001" and story.author == "@jonbaer"
    assert story.summary == ("31 points, 12 comments: "
                             "https://news.ycombinator.com/item?id=39791001")
    assert ask.link == "https://news.ycombinator.com/item?id=39790500"
    assert ask.summary.startswith("With Emad Mostaque resigning")
    q = seeded.requests[-1][1]
    assert q["tags"] == "story" and "numericFilters" not in q


async def test_incremental_and_pages(seeded: FakeSocial, poller: Callable[..., Any]) -> None:
    p = poller(HackerNewsSource(), URL, api_url=seeded.base_url)
    await p.poll()
    again = await p.poll()
    assert seeded.requests[-1][1]["numericFilters"] == "created_at_i>=1711099200"
    assert [i.key for i in again.items] == ["hn:39791001"]  # same second; the store drops it
    template = seeded.hn_hits[0]
    seeded.hn_hits += [new_hit(template, 40000000 + n, f"Stability AI story {n}",
                               1711200000 + n) for n in range(250)]
    polled = await p.poll()
    assert len({i.key for i in polled.items}) == 251
    pages = [q["page"] for path, q, _ in seeded.requests if path.endswith("search_by_date")]
    assert pages[-3:] == ["0", "1", "2"]


@pytest.mark.parametrize(("reply", "words"), [
    (b'{"hits": [', "malformed JSON"),
    (b'{"message": "invalid query", "status": 200}', "no 'hits' list"),
])
async def test_bad_answers(api: FakeSocial, poller: Callable[..., Any], reply: bytes,
                           words: str) -> None:
    api.fail("/api/v1/search_by_date", 200, reply, {"Content-Type": "application/json"})
    with pytest.raises(FetchError, match=words):
        await poller(HackerNewsSource(), URL, api_url=api.base_url).poll()


async def test_no_hits_is_fine(api: FakeSocial, poller: Callable[..., Any]) -> None:
    polled = await poller(HackerNewsSource(), URL, api_url=api.base_url).poll()
    assert polled.status == "ok" and polled.items == [] and polled.cursor is None


async def test_full_run_alerts_once(seeded: FakeSocial, app_config: Callable[..., Any],
                                    receiver: Any) -> None:
    cfg = config_from_dict(app_config([{"name": "HN: Stability AI", "type": "hackernews",
                                        "url": URL, "api_url": seeded.base_url}]), env={})
    async with App(cfg) as app:
        await app.run_once()
        assert receiver.received == []
        seeded.hn_hits.append(new_hit(seeded.hn_hits[0], 41000000,
                                      "Stability AI CEO Emad Mostaque resigns", 1711300000))
        await app.run_once()
        await app.run_once()
        assert len(receiver.received) == 1
        assert receiver.received[0]["link"] == "https://www.example-news.com/hn-41000000"
        assert receiver.received[0]["labels"] == ["departure"]
