"""The long-running app: scheduled polls, sources added at run time, a clean stop."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.app import App, spread_offset
from bot.config import config_from_dict
from bot.testing.feed_server import FeedServer
from bot.testing.feeds import FeedEntry, rss
from bot.testing.webhook_receiver import WebhookReceiver

A = FeedEntry(title="OpenAI CTO Mira Murati resigns", link="https://n.example/a", guid="a")
B = FeedEntry(title="Mistral AI raises €600 million", link="https://n.example/b", guid="b")


async def wait_for(cond: Any, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if cond():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def test_run_forever_polls_adds_sources_at_run_time_and_stops_cleanly(
        storage: dict[str, Any], feeds: FeedServer, receiver: WebhookReceiver) -> None:
    feeds.set_feed("/a.xml", rss([A]))
    feeds.set_feed("/b.xml", rss([B]))
    feeds.set_response("/down", 500)
    config = config_from_dict({
        "storage": storage,
        "polling": {"allow_private": True, "backfill": "all", "interval": "1h"},
        "sources": [{"name": "A", "url": feeds.url("/a.xml")},
                    {"name": "Down", "url": feeds.url("/down")}],
        "routes": [{"platform": "webhook", "url": receiver.url}],
    }, env={})
    async with App(config) as app:
        stop = asyncio.Event()
        runner = asyncio.create_task(app.run_forever(stop))
        await wait_for(lambda: len(receiver.received) == 1)
        await wait_for(lambda: feeds.hits["/down"] == 1)  # the failing source does not block
        # A source added while running (as /alerts feeds add does) is polled without waiting
        # for the next reconcile.
        await app.store.upsert_source("B", feeds.url("/b.xml"), origin="chat",
                                      settings={"backfill": "all"})
        app.sources_changed()
        await wait_for(lambda: len(receiver.received) == 2)
        stop.set()
        await asyncio.wait_for(runner, 10)
    assert [r["title"] for r in receiver.received] == [A.title, B.title]
    # One poll each: the interval is an hour, and the failing source is backing off.
    assert feeds.hits["/a.xml"] == 1 and feeds.hits["/down"] == 1


def test_start_times_spread_with_the_number_of_sources() -> None:
    few = [spread_offset(f"s{i}", 600, 3) for i in range(3)]
    many = [spread_offset(f"s{i}", 600, 2000) for i in range(2000)]
    assert max(few) < 1.0  # a handful start at once
    assert 90 < max(many) <= 100  # 2,000 spread over 100 s (20 per second)
    assert spread_offset("s1", 30, 2000) < 30  # never beyond the interval


async def test_the_embedded_default_runs_on_every_database(
        storage: dict[str, Any], receiver: WebhookReceiver) -> None:
    from bot.config import RouteConfig, StorageConfig
    from bot.defaults import default_config

    config = default_config().model_copy(update={
        "storage": StorageConfig(**storage),
        "routes": [RouteConfig(platform="webhook", url=receiver.url)]})
    async with App(config) as app:
        outcomes, stats = await app.run_once()
    assert [o.status for o in outcomes] == ["ok"] * 5
    assert stats.sent == len(receiver.received) >= 40
    assert any("Stability AI" in r["companies"] for r in receiver.received)
