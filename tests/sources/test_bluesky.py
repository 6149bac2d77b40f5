"""The bluesky source type against a fake AppView answering like the documented XRPC API."""

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
from bot.sources.bluesky import BlueskySource, apply_facets, parse_target, web_url
from bot.testing.fake_social import FakeSocial

URL = "https://bsky.app/profile/kenrickcai.bsky.social"
DID = "did:plc:z72i7hdynmk6r22z27h6tvur"


def new_entry(template: dict[str, Any], rkey: str, text: str, at: str) -> dict[str, Any]:
    """A copy of a recorded FeedViewPost with a new record key, text and time."""
    e = copy.deepcopy(template)
    post = e["post"]
    post["uri"] = f"at://{DID}/app.bsky.feed.post/{rkey}"
    post["record"] = {"$type": "app.bsky.feed.post", "createdAt": at, "langs": ["en"],
                      "text": text}
    post["indexedAt"] = at
    post.pop("embed", None)
    return e


@pytest.fixture
def seeded(api: FakeSocial, data: Callable[[str], Any]) -> FakeSocial:
    api.add_bluesky_account(data("bluesky_profile.json"), data("bluesky_author_feed.json")["feed"])
    return api


def test_url_forms() -> None:
    assert parse_target(URL).actor == "kenrickcai.bsky.social"  # type: ignore[union-attr]
    assert parse_target(f"https://bsky.app/profile/{DID}").actor == DID  # type: ignore[union-attr]
    assert parse_target("https://bsky.app/search?q=%22Stability%20AI%22").query == (  # type: ignore[union-attr]
        '"Stability AI"')
    assert parse_target(f"https://bsky.app/profile/{DID}/post/3kobqvwwrgs2a") is None
    assert detect_type(URL, builtin_types()) == "bluesky"
    assert web_url(f"at://{DID}/app.bsky.feed.post/3kx") == f"https://bsky.app/profile/{DID}/post/3kx"


def test_facets_expand_links_by_bytes() -> None:
    text = "café → example.com/a... ok"
    start = len("café → ".encode())
    end = start + len(b"example.com/a...")
    facets = [{"index": {"byteStart": start, "byteEnd": end}, "features": [
        {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/abc"}]}]
    assert apply_facets(text, facets) == "café → https://example.com/abc ok"
    assert apply_facets(text, [{"index": {"byteStart": 5, "byteEnd": 999}}]) == text


async def test_first_poll(seeded: FakeSocial, poller: Callable[..., Any]) -> None:
    polled = await poller(BlueskySource(), URL, api_url=seeded.base_url).poll()
    assert polled.title == "Kenrick Cai (@kenrickcai.bsky.social) on Bluesky"
    # The reply is filtered by the API, the repost by the source.
    assert [i.link for i in polled.items] == [
        f"https://bsky.app/profile/{DID}/post/3kobqvwwrgs2a",
        f"https://bsky.app/profile/{DID}/post/3kobpk3xw2k2b"]
    scoop, ext = polled.items
    assert scoop.title == ("Scoop: Stability AI is in talks to raise new funding at a lower "
                           "valuation.")
    # The link facet's full URI replaces the shortened text.
    assert scoop.summary == "Details: https://www.example-news.com/stability-ai-talks"
    assert scoop.author == "Kenrick Cai (@kenrickcai.bsky.social)"
    assert scoop.key == f"at://{DID}/app.bsky.feed.post/3kobqvwwrgs2a"
    # An external embed gives title and summary; the mention stays in the text.
    assert ext.title == "Stability AI CEO Emad Mostaque resigns"
    assert ext.summary.startswith("My latest, with @aireporter.bsky.social:")
    query = seeded.requests[-1][1]
    assert query["filter"] == "posts_no_replies" and query["actor"] == "kenrickcai.bsky.social"


async def test_incremental_and_cursor_paging(seeded: FakeSocial, poller: Callable[..., Any],
                                             data: Callable[[str], Any]) -> None:
    p = poller(BlueskySource(), URL, api_url=seeded.base_url)
    await p.poll()
    assert (await p.poll()).items == []
    template = data("bluesky_author_feed.json")["feed"][0]
    # 120 new posts: three pages of 50; the source follows `cursor` until it meets old posts.
    seeded.post_bluesky(DID, *[
        new_entry(template, f"3new{n:04d}", f"Post {n}.", f"2024-03-23T10:{n // 60:02d}:"
                  f"{n % 60:02d}.000Z") for n in range(120)])
    polled = await p.poll()
    assert len(polled.items) == 120
    feeds = [q for path, q, _ in seeded.requests if path.endswith("getAuthorFeed")][-3:]
    assert "cursor" not in feeds[0] and "cursor" in feeds[1] and "cursor" in feeds[2]
    assert (await p.poll()).items == []


async def test_reposts_when_asked_are_the_original(seeded: FakeSocial,
                                                   poller: Callable[..., Any]) -> None:
    polled = await poller(BlueskySource(), URL, api_url=seeded.base_url, reposts=True).poll()
    repost = [i for i in polled.items if "ewvi7" in i.key]
    assert len(repost) == 1
    assert repost[0].key == "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3kobmlayoff"
    assert repost[0].author == "AI Reporter (@aireporter.bsky.social)"


async def test_search(api: FakeSocial, poller: Callable[..., Any],
                      data: Callable[[str], Any]) -> None:
    api.search_posts = data("bluesky_search.json")["posts"]
    p = poller(BlueskySource(), "https://bsky.app/search?q=%22Stability%20AI%22",
               api_url=api.base_url)
    polled = await p.poll()
    assert polled.title == 'Bluesky search: "Stability AI"'
    assert [i.title for i in polled.items] == [
        "Stability AI raises $80 million in new funding round led by Lightspeed."]
    assert (await p.poll()).items == []
    q = api.requests[-1][1]
    assert q["since"] == "2024-03-22T09:30:01.000Z" and q["sort"] == "latest"
    assert "cursor" not in q


async def test_search_forbidden_is_explained(api: FakeSocial,
                                             poller: Callable[..., Any]) -> None:
    api.fail("/xrpc/app.bsky.feed.searchPosts", 403, "Forbidden")
    with pytest.raises(FetchError, match="refuses unauthenticated post search"):
        await poller(BlueskySource(), "https://bsky.app/search?q=x", api_url=api.base_url).poll()


async def test_renamed_handle_names_the_new_one(seeded: FakeSocial,
                                                poller: Callable[..., Any]) -> None:
    p = poller(BlueskySource(), URL, api_url=seeded.base_url)
    await p.poll()  # learns the DID
    seeded.rename_bluesky("kenrickcai.bsky.social", "kenrick.example.com")
    with pytest.raises(FetchError) as ei:
        await p.poll()
    assert ei.value.kind == "renamed"
    assert "https://bsky.app/profile/kenrick.example.com" in str(ei.value)


@pytest.mark.parametrize(("setup", "kind", "words"), [
    ("deleted", "not_found", "@kenrickcai.bsky.social not found"),
    ("logged_out", "private", "hides their posts from logged-out viewers"),
    ("auth", "private", "without signing in"),
    ("malformed", "parse", "malformed JSON"),
    ("no_feed", "parse", "no 'feed' list"),
])
async def test_account_errors(api: FakeSocial, poller: Callable[..., Any],
                              data: Callable[[str], Any], setup: str, kind: str,
                              words: str) -> None:
    feed = data("bluesky_author_feed.json")["feed"]
    if setup == "logged_out":
        for e in feed:
            e["post"]["author"]["labels"] = [{"src": DID, "uri": f"at://{DID}/app.bsky.actor"
                                              ".profile/self", "val": "!no-unauthenticated",
                                              "cts": "2024-01-01T00:00:00.000Z"}]
    if setup != "deleted":
        api.add_bluesky_account(data("bluesky_profile.json"), feed)
    path = "/xrpc/app.bsky.feed.getAuthorFeed"
    if setup == "auth":
        api.fail(path, 401, {"error": "AuthMissing", "message": "Authentication Required"})
    if setup == "malformed":
        api.fail(path, 200, b'{"feed": [', {"Content-Type": "application/json"})
    if setup == "no_feed":
        api.fail(path, 200, {"cursor": "x"})
    with pytest.raises(FetchError) as ei:
        await poller(BlueskySource(), URL, api_url=api.base_url).poll()
    assert ei.value.kind == kind and words in str(ei.value)


async def test_empty_timeline_is_fine(api: FakeSocial, poller: Callable[..., Any],
                                      data: Callable[[str], Any]) -> None:
    api.add_bluesky_account(data("bluesky_profile.json"))
    polled = await poller(BlueskySource(), URL, api_url=api.base_url).poll()
    assert polled.status == "ok" and polled.items == []


async def test_full_run_alerts_once(seeded: FakeSocial, data: Callable[[str], Any],
                                    app_config: Callable[..., dict[str, Any]],
                                    receiver: Any) -> None:
    cfg = config_from_dict(app_config([{"name": "Kenrick on Bluesky", "type": "bluesky",
                                        "url": URL, "api_url": seeded.base_url}]), env={})
    async with App(cfg) as app:
        await app.run_once()
        assert receiver.received == []
        template = data("bluesky_author_feed.json")["feed"][0]
        seeded.post_bluesky(DID, new_entry(
            template, "3knew", "Stability AI CEO Emad Mostaque resigns. More soon.",
            "2024-03-23T10:00:00.000Z"))
        await app.run_once()
        await app.run_once()
        assert len(receiver.received) == 1
        assert receiver.received[0]["labels"] == ["departure"]
        assert receiver.received[0]["link"] == f"https://bsky.app/profile/{DID}/post/3knew"
        events = await app.store.recent_events()
        assert events[0].author == "Kenrick Cai (@kenrickcai.bsky.social)"
