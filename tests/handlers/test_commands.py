"""The platform-neutral /alerts logic on a real App: real database, real feed server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import App
from bot.config import config_from_dict
from bot.platforms.runtime import command_service
from bot.testing.feed_server import FeedServer
from bot.testing.feeds import FeedEntry, rss
from handlers.commands import CommandService, split_words
from handlers.replies import Caller

NOW = datetime.now(UTC)
ADMIN = Caller("slack", "C1", "U1", is_admin=True)
USER = Caller("slack", "C1", "U2")


@pytest.fixture
async def app(storage: dict[str, Any], feeds: FeedServer) -> AsyncIterator[App]:
    feeds.set_feed("/ai.xml", rss([
        FeedEntry(title="Stability AI raises $50 million from Intel", guid="1",
                  link="https://n.example/1", published=NOW - timedelta(hours=2)),
        FeedEntry(title="Midjourney sues Stability AI over scraped data", guid="2",
                  link="https://n.example/2", published=NOW - timedelta(hours=1)),
        FeedEntry(title="OpenAI CTO Mira Murati resigns", guid="3",
                  link="https://n.example/3", published=NOW - timedelta(days=20)),
    ], title="AI wire"))
    config = config_from_dict({
        "storage": storage, "polling": {"allow_private": True, "backfill": "all",
                                        "search": ["news"], "search_regions": ["en-US", "fr-FR"]},
        "sources": [{"name": "Wire", "url": feeds.url("/ai.xml")}],
    }, env={})
    async with App(config) as a:
        await a.run_once()
        yield a


@pytest.fixture
def svc(app: App) -> CommandService:
    return command_service(app)


async def test_company_forgives_typos_and_groups_by_label(svc: CommandService) -> None:
    reply = await svc.run(USER, "company stabilty")
    assert reply.ok and reply.text.startswith("Recent events at Stability AI (2)")
    assert [s.title for s in reply.sections] == ["Funding", "Dispute"]
    funding = reply.sections[0].lines[0]
    assert funding.link == "https://n.example/1" and funding.date is not None
    assert any(f.name == "Amount" for f in funding.facts)


async def test_unknown_company_suggests_close_names(svc: CommandService) -> None:
    reply = await svc.run(USER, "company Anthropik Labs")
    assert not reply.ok and "Did you mean: Anthropic" in reply.text


async def test_subscribe_lists_and_unsubscribes(app: App, svc: CommandService) -> None:
    reply = await svc.run(USER, 'subscribe "stability ai" funding dispute')
    assert reply.ok and not reply.ephemeral
    assert "funding, dispute alerts about Stability AI" in reply.text
    reply = await svc.run(USER, "subscriptions")
    assert [ln.text for ln in reply.sections[0].lines] == ["Stability AI: funding, dispute"]
    # A subscribed company brings its own search sources (news, per edition).
    await app.sync_search_sources()
    names = {s.name for s in await app.store.list_sources() if s.origin == "search"}
    assert names == {"News search: Stability AI (en-US)", "News search: Stability AI (fr-FR)"}
    reply = await svc.run(USER, "unsubscribe Stability")
    assert reply.ok and "Unsubscribed this channel from Stability AI" in reply.text
    await app.sync_search_sources()
    assert not [s for s in await app.store.list_sources() if s.origin == "search"]
    reply = await svc.run(USER, "unsubscribe Stability")
    assert not reply.ok


async def test_subscribing_an_unknown_company_adds_it(app: App, svc: CommandService) -> None:
    reply = await svc.run(USER, "subscribe Zeelo")
    assert "Zeelo was not in the registry: added" in reply.text
    assert app.classifier.classify("Zeelo raises $14M Series B", "").companies == ["Zeelo"]
    assert ("Zeelo", []) in await app.store.list_companies()


async def test_events_filters_by_label_and_window(svc: CommandService) -> None:
    reply = await svc.run(USER, "events dispute since 7d")
    assert reply.ok and [ln.text for ln in reply.sections[0].lines] == [
        "[Dispute] Midjourney, Stability AI: Midjourney sues Stability AI over scraped data"]
    reply = await svc.run(USER, "events departure")
    assert "No departure events in the last 7 days" in reply.text
    reply = await svc.run(USER, "events departure since 30d")
    assert len(reply.sections[0].lines) == 1
    reply = await svc.run(USER, "events since soon")
    assert not reply.ok and "not a duration" in reply.text


async def test_feeds_are_for_admins(svc: CommandService, feeds: FeedServer) -> None:
    feeds.set_feed("/new.xml", rss([FeedEntry(title="x", link="https://n.example/x")],
                                   title="New wire"))
    refused = await svc.run(USER, f"feeds add {feeds.url('/new.xml')}")
    assert not refused.ok and "only workspace admins" in refused.text
    assert feeds.hits["/new.xml"] == 0
    added = await svc.run(ADMIN, f"feeds add <{feeds.url('/new.xml')}>")
    assert added.ok and "Added 'New wire' (feed, 1 items)" in added.text
    listed = await svc.run(ADMIN, "feeds list")
    assert any("New wire" in ln.text for ln in listed.sections[0].lines)
    gone = await svc.run(ADMIN, "feeds remove new wire")
    assert gone.ok
    config_source = await svc.run(ADMIN, "feeds remove Wire")
    assert not config_source.ok and "config file" in config_source.text


async def test_bad_input_gets_usage_not_a_crash(svc: CommandService) -> None:
    for text, needle in [("subscribe", "usage"), ("frobnicate", "unknown command"),
                         ('company "unbalanced', "unbalanced quotes"),
                         ("subscribe X gossip", None)]:
        reply = await svc.run(USER, text)
        if needle:
            assert not reply.ok and needle in reply.text
    help_reply = await svc.run(USER, "")
    assert "/alerts subscribe" in "\n".join(ln.text for ln in help_reply.sections[0].lines)


def test_curly_quotes_count_as_quotes() -> None:
    assert split_words("subscribe “Stability AI” funding") == ["subscribe", "Stability AI",
                                                               "funding"]
