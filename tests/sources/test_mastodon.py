"""The mastodon source type against a fake instance answering like the documented API."""

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
from bot.sources.mastodon import MastodonSource, parse_target, post_text
from bot.testing.fake_social import FakeSocial

URL = "https://mastodon.social/@kenrickcai"
ACCOUNT_ID = "109302436954721982"


def new_status(template: dict[str, Any], sid: str, html: str) -> dict[str, Any]:
    """A copy of a recorded status with a new id and content."""
    st = copy.deepcopy(template)
    st.update(id=sid, content=html, card=None, in_reply_to_id=None, reblog=None,
              uri=f"https://mastodon.social/users/kenrickcai/statuses/{sid}",
              url=f"https://mastodon.social/@kenrickcai/{sid}")
    return st


@pytest.fixture
def seeded(api: FakeSocial, data: Callable[[str], Any]) -> FakeSocial:
    api.add_mastodon_account(data("mastodon_account.json"), data("mastodon_statuses.json"))
    return api


def test_url_forms_and_detection() -> None:
    assert parse_target(URL).acct == "kenrickcai"  # type: ignore[union-attr]
    assert parse_target("https://hachyderm.io/@a@mastodon.social").acct == "a@mastodon.social"  # type: ignore[union-attr]
    assert parse_target("https://mastodon.social/tags/StabilityAI").tag == "StabilityAI"  # type: ignore[union-attr]
    types = builtin_types()
    assert detect_type(URL, types) == "mastodon"
    assert detect_type("https://mastodon.social/tags/ai", types) == "mastodon"
    # Look-alikes stay feeds: Medium's @user pages, blog tag pages.
    assert detect_type("https://medium.com/@someone", types) == "feed"
    assert detect_type("https://blog.example.com/tags/ai", types) == "feed"
    assert detect_type("https://mastodon.social/@kenrickcai.rss", types) == "feed"


def test_post_text_keeps_lines() -> None:
    assert post_text("<p>One</p><p>Two<br>three</p>") == "One\nTwo\nthree"


async def test_first_poll(seeded: FakeSocial, poller: Callable[..., Any]) -> None:
    p = poller(MastodonSource(), URL, api_url=seeded.base_url)
    polled = await p.poll()
    assert polled.status == "ok"
    assert polled.title == "Kenrick Cai (@kenrickcai@mastodon.social) on Mastodon"
    # The reply and the boost are left out by default.
    assert [i.link for i in polled.items] == [
        "https://mastodon.social/@kenrickcai/112138795081235003",
        "https://mastodon.social/@kenrickcai/112138701234567890"]
    scoop, card = polled.items
    assert scoop.title == ("Scoop: Stability AI is in talks to raise new funding at a lower "
                           "valuation.")
    assert scoop.summary == ("Investors are weighing a rescue. "
                             "https://www.example-news.com/stability-ai-talks")
    assert scoop.author == "Kenrick Cai (@kenrickcai@mastodon.social)"
    assert scoop.key == "https://mastodon.social/users/kenrickcai/statuses/112138795081235003"
    assert scoop.lang == "en" and scoop.published is not None
    # A link card gives the title; the post and the card's description the summary.
    assert card.title == "Stability AI CEO Emad Mostaque resigns"
    assert card.summary.startswith("My latest, with the details from inside the company:")
    assert card.summary.endswith("after months of turmoil.")
    path, query, _ = seeded.requests[-1]
    assert path == f"/api/v1/accounts/{ACCOUNT_ID}/statuses"
    assert query["exclude_replies"] == "true" and query["exclude_reblogs"] == "true"
    assert "since_id" not in query


async def test_incremental_and_pagination(seeded: FakeSocial, poller: Callable[..., Any],
                                          data: Callable[[str], Any]) -> None:
    p = poller(MastodonSource(), URL, api_url=seeded.base_url)
    await p.poll()
    again = await p.poll()
    assert again.items == []
    assert seeded.requests[-1][1]["since_id"] == "112138795081235003"
    template = data("mastodon_statuses.json")[0]
    # 45 new posts: more than one page of 40, so the source pages back with max_id.
    seeded.post_mastodon(ACCOUNT_ID, *[
        new_status(template, str(112139000000000000 + n), f"<p>Post number {n}.</p>")
        for n in range(45)])
    polled = await p.poll()
    assert len(polled.items) == 45
    assert len({i.key for i in polled.items}) == 45
    pages = [q for path, q, _ in seeded.requests if path.endswith("/statuses")][-2:]
    assert "max_id" not in pages[0] and pages[1]["max_id"] == "112139000000000005"
    assert all(q["since_id"] == "112138795081235003" for q in pages)
    assert (await p.poll()).items == []


async def test_boosts_when_asked_are_the_original(seeded: FakeSocial,
                                                  poller: Callable[..., Any],
                                                  data: Callable[[str], Any]) -> None:
    statuses = data("mastodon_statuses.json")
    boost = statuses[3]
    # A second boost of the same original, in the same timeline: still one item.
    again = copy.deepcopy(boost)
    again["id"] = "112138560000000003"
    seeded.post_mastodon(ACCOUNT_ID, again)
    polled = await poller(MastodonSource(), URL, api_url=seeded.base_url, boosts=True).poll()
    boosted = [i for i in polled.items if "techhub.social" in i.key]
    assert len(boosted) == 1
    assert boosted[0].key == boost["reblog"]["uri"]
    assert boosted[0].author == "AI Reporter (@aireporter@techhub.social)"
    assert boosted[0].title == "Midjourney rival Stability AI lays off staff as cash runs low."


async def test_hashtag_timeline_drops_replies(api: FakeSocial, poller: Callable[..., Any],
                                              data: Callable[[str], Any]) -> None:
    api.tags["stabilityai"] = data("mastodon_statuses.json")
    polled = await poller(MastodonSource(), "https://mastodon.social/tags/StabilityAI",
                          api_url=api.base_url).poll()
    assert polled.title == "#StabilityAI on mastodon.social"
    assert len(polled.items) == 2  # the reply and the boost left out
    assert api.requests[-1][0] == "/api/v1/timelines/tag/StabilityAI"


async def test_empty_timeline_is_fine(api: FakeSocial, poller: Callable[..., Any],
                                      data: Callable[[str], Any]) -> None:
    api.add_mastodon_account(data("mastodon_account.json"))
    polled = await poller(MastodonSource(), URL, api_url=api.base_url).poll()
    assert polled.status == "ok" and polled.items == [] and polled.cursor is None


@pytest.mark.parametrize(("setup", "kind", "words"), [
    ("deleted", "not_found", "not found on mastodon.social"),
    ("suspended", "gone", "suspended"),
    ("moved", "moved", "moved to @kenrick@journa.host"),
    ("locked", "private", "private (locked)"),
    ("auth", "private", "without signing in"),
    ("malformed", "parse", "malformed JSON"),
    ("not_a_list", "parse", "expected a list of statuses"),
])
async def test_account_errors(api: FakeSocial, poller: Callable[..., Any],
                              data: Callable[[str], Any], setup: str, kind: str,
                              words: str) -> None:
    account = data("mastodon_account.json")
    statuses = data("mastodon_statuses.json")
    if setup == "suspended":
        account["suspended"] = True
    if setup == "moved":
        account["moved"] = {**account, "acct": "kenrick@journa.host",
                            "url": "https://journa.host/@kenrick"}
    if setup == "locked":
        account["locked"], statuses = True, []
    if setup != "deleted":
        api.add_mastodon_account(account, statuses)
    path = f"/api/v1/accounts/{ACCOUNT_ID}/statuses"
    if setup == "auth":
        api.fail(path, 401, {"error": "This API requires an authenticated user"})
    if setup == "malformed":
        api.fail(path, 200, b'[{"id": "1", "content": ', {"Content-Type": "application/json"})
    if setup == "not_a_list":
        api.fail(path, 200, {"error": "unexpected"})
    with pytest.raises(FetchError) as ei:
        await poller(MastodonSource(), URL, api_url=api.base_url).poll()
    assert ei.value.kind == kind
    assert words in str(ei.value)


async def test_full_run_alerts_once(api: FakeSocial, data: Callable[[str], Any],
                                    app_config: Callable[..., dict[str, Any]],
                                    receiver: Any) -> None:
    api.add_mastodon_account(data("mastodon_account.json"), data("mastodon_statuses.json"))
    cfg = config_from_dict(app_config([
        {"name": "Kenrick on Mastodon", "type": "mastodon", "url": URL,
         "api_url": api.base_url},
        {"name": "Gone", "type": "mastodon", "url": "https://mastodon.social/@nobody",
         "api_url": api.base_url},
    ]), env={})
    async with App(cfg) as app:
        await app.run_once()  # the first poll records what is there, silently
        assert receiver.received == []
        template = data("mastodon_statuses.json")[0]
        api.post_mastodon(ACCOUNT_ID, new_status(
            template, "112140000000000000",
            "<p>Stability AI raises $80 million in new funding round led by Lightspeed.</p>"))
        outcomes, _ = await app.run_once()
        assert len(receiver.received) == 1
        alert = receiver.received[0]
        assert alert["companies"][0] == "Stability AI" and alert["labels"] == ["funding"]
        assert alert["link"] == "https://mastodon.social/@kenrickcai/112140000000000000"
        events = await app.store.recent_events()
        assert events[0].author == "Kenrick Cai (@kenrickcai@mastodon.social)"
        await app.run_once()
        assert len(receiver.received) == 1
        gone = await app.store.get_source("Gone")
        assert gone is not None and gone.error_count == 3
        assert "@nobody not found on mastodon.social" in (gone.last_error or "")
        assert {o.status for o in outcomes if o.source == "Gone"} == {"error"}
