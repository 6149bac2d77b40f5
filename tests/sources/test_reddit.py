"""The reddit source type against a fake reddit.com serving JSON listings."""

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
from bot.sources.reddit import RedditSource, parse_target
from bot.testing.fake_social import FakeSocial

URL = "https://www.reddit.com/r/StableDiffusion/new/"


def new_post(template: dict[str, Any], n: int, title: str, ts: float) -> dict[str, Any]:
    """A copy of a recorded t3 thing with a new id, title and time."""
    t = copy.deepcopy(template)
    t["data"].update(id=f"new{n}", name=f"t3_new{n}", title=title, created_utc=ts, created=ts,
                     url=f"https://www.example-news.com/story-{n}",
                     url_overridden_by_dest=f"https://www.example-news.com/story-{n}",
                     permalink=f"/r/StableDiffusion/comments/new{n}/story/")
    return t


@pytest.fixture
def seeded(api: FakeSocial, data: Callable[[str], Any]) -> FakeSocial:
    api.subreddits["stablediffusion"] = data("reddit_new.json")["data"]["children"]
    api.unknown_subreddit = data("reddit_subreddit_search.json")
    return api


def test_url_forms() -> None:
    assert parse_target(URL) == parse_target("https://old.reddit.com/r/StableDiffusion")
    t = parse_target("https://www.reddit.com/r/MachineLearning/search?q=Stability&restrict_sr=1")
    assert t is not None and (t.subreddit, t.query) == ("MachineLearning", "Stability")
    types = builtin_types()
    assert detect_type(URL, types) == "reddit"
    assert detect_type("https://www.reddit.com/r/StableDiffusion/new/.rss", types) == "feed"


async def test_first_poll(seeded: FakeSocial, poller: Callable[..., Any]) -> None:
    polled = await poller(RedditSource(), URL, api_url=seeded.base_url).poll()
    assert polled.title == "r/StableDiffusion (new)"
    link_post, self_post, _image = polled.items
    # A link post points at the article, so the outlet's own feed item is the same story.
    assert link_post.link == "https://www.example-news.com/stability-ai-talks"
    assert link_post.key == "reddit:t3_1bkxq03"
    assert link_post.author == "u/newsbot_fan"
    assert link_post.summary.startswith("Discussed on r/StableDiffusion: https://www.reddit.com/r/")
    assert self_post.link.endswith("/comments/1bkxq02/emad_resigned/")
    assert "Emad Mostaque is stepping down" in self_post.summary
    assert "&gt;" not in self_post.summary
    path, query, headers = seeded.requests[-1]
    assert path == "/r/StableDiffusion/new.json" and query["raw_json"] == "1"
    # Reddit's API rules: a descriptive, unique User-Agent.
    assert headers["User-Agent"].startswith("server:alertbot:v0.1 (")


async def test_incremental_and_after_paging(seeded: FakeSocial, poller: Callable[..., Any],
                                            data: Callable[[str], Any]) -> None:
    p = poller(RedditSource(), URL, api_url=seeded.base_url)
    await p.poll()
    assert [i.key for i in (await p.poll()).items] == ["reddit:t3_1bkxq03"]  # same second: kept,
    # and the store drops it as seen.
    template = data("reddit_new.json")["data"]["children"][0]
    fresh = [new_post(template, n, f"Story {n}", 1711100000.0 + n) for n in range(150)]
    seeded.subreddits["stablediffusion"][:0] = list(reversed(fresh))
    polled = await p.poll()
    assert {f"reddit:t3_new{n}" for n in range(150)} <= {i.key for i in polled.items}
    pages = [q for path, q, _ in seeded.requests if path.endswith("new.json")][-2:]
    assert "after" not in pages[0] and pages[1]["after"] == "t3_new50"


async def test_search(seeded: FakeSocial, poller: Callable[..., Any]) -> None:
    polled = await poller(RedditSource(), "https://www.reddit.com/search?q=Stability",
                          api_url=seeded.base_url).poll()
    assert polled.title == "Reddit search: Stability"
    assert [i.key for i in polled.items] == ["reddit:t3_1bkxq03", "reddit:t3_1bkxq02"]
    assert seeded.requests[-1][1]["sort"] == "new"


@pytest.mark.parametrize(("setup", "kind", "words"), [
    ("unknown", "not_found", "r/StableDiffusion does not exist"),
    ("private", "private", "private"),
    ("banned", "not_found", "not found or banned"),
    ("malformed", "parse", "malformed JSON"),
    ("not_listing", "parse", "expected a Reddit Listing"),
])
async def test_errors(api: FakeSocial, poller: Callable[..., Any],
                      data: Callable[[str], Any], setup: str, kind: str, words: str) -> None:
    api.unknown_subreddit = data("reddit_subreddit_search.json")
    path = "/r/StableDiffusion/new.json"
    if setup != "unknown":
        api.subreddits["stablediffusion"] = []
    if setup == "private":
        api.subreddit_errors["stablediffusion"] = (403, data("reddit_private.json"))
    if setup == "banned":
        api.subreddit_errors["stablediffusion"] = (404, {"reason": "banned", "message":
                                                         "Not Found", "error": 404})
    if setup == "malformed":
        api.fail(path, 200, b"<html>whoa there, pardner!", {"Content-Type": "application/json"})
    if setup == "not_listing":
        api.fail(path, 200, {"kind": "t3", "data": {}})
    with pytest.raises(FetchError) as ei:
        await poller(RedditSource(), URL, api_url=api.base_url).poll()
    assert ei.value.kind == kind and words in str(ei.value)


async def test_empty_subreddit_is_fine(api: FakeSocial, poller: Callable[..., Any]) -> None:
    api.subreddits["stablediffusion"] = []
    polled = await poller(RedditSource(), URL, api_url=api.base_url).poll()
    assert polled.status == "ok" and polled.items == []


async def test_full_run_alerts_once(seeded: FakeSocial, data: Callable[[str], Any],
                                    app_config: Callable[..., dict[str, Any]],
                                    receiver: Any) -> None:
    cfg = config_from_dict(app_config([{"name": "r/StableDiffusion", "type": "reddit",
                                        "url": URL, "api_url": seeded.base_url}]), env={})
    async with App(cfg) as app:
        await app.run_once()
        assert receiver.received == []
        template = data("reddit_new.json")["data"]["children"][0]
        seeded.subreddits["stablediffusion"].insert(0, new_post(
            template, 1, "Stability AI raises $80 million in new funding round led by "
            "Lightspeed", 1711200000.0))
        await app.run_once()
        await app.run_once()
        assert len(receiver.received) == 1
        assert receiver.received[0]["link"] == "https://www.example-news.com/story-1"
        assert receiver.received[0]["labels"] == ["funding"]
