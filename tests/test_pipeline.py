"""From a feed on a real local server to alerts at a real webhook, on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import App
from bot.config import config_from_dict
from bot.storage import utcnow
from bot.testing.feed_server import FeedServer
from bot.testing.feeds import FeedEntry, gzip_bomb, rss
from bot.testing.webhook_receiver import WebhookReceiver

NOW = datetime.now(UTC)

DEPARTURE = FeedEntry(
    title="OpenAI CTO Mira Murati resigns", link="https://news.example/openai-cto-resigns",
    summary="The chief technology officer is leaving the company.",
    guid="news-1", published=NOW - timedelta(minutes=5))
FUNDING = FeedEntry(
    title="Mistral AI raises €600 million at a $6 billion valuation",
    link="https://news.example/mistral-raises", summary="The Paris start-up closed its round.",
    guid="news-2", published=NOW - timedelta(minutes=4))
UNRELATED = FeedEntry(
    title="Apple unveils new iPhone at September event", link="https://news.example/iphone",
    summary="The phone has a new camera.", guid="news-3", published=NOW - timedelta(minutes=3))
LATER = FeedEntry(
    title="Midjourney sues Stability AI over scraped data",
    link="https://news.example/midjourney-sues", summary="The lawsuit accuses its staff.",
    guid="news-4", published=NOW)


def make_config(storage: dict[str, Any], feeds: FeedServer, receiver: WebhookReceiver,
                sources: list[tuple[str, str]], **polling: Any) -> Any:
    """A config polling local feeds (private addresses allowed) and alerting a webhook."""
    return config_from_dict({
        "storage": storage,
        "polling": {"allow_private": True, "timeout": "2s", "backfill": "all",
                    "max_body_bytes": 200_000, **polling},
        "delivery": {"base_backoff": 0.01},
        "sources": [{"name": name, "url": feeds.url(path)} for name, path in sources],
        "routes": [{"platform": "webhook", "url": receiver.url}],
    }, env={})


async def test_new_items_alert_once_and_never_again_even_after_restart(
        storage: dict[str, Any], feeds: FeedServer, receiver: WebhookReceiver) -> None:
    feeds.set_feed("/a.xml", rss([DEPARTURE, FUNDING, UNRELATED]))
    config = make_config(storage, feeds, receiver, [("A", "/a.xml")])
    async with App(config) as app:
        outcomes, stats = await app.run_once()
        assert [o.status for o in outcomes] == ["ok"]
        assert outcomes[0].new == 3 and outcomes[0].events == 2
        assert stats.sent == 2
        titles = {r["title"] for r in receiver.received}
        assert titles == {DEPARTURE.title, FUNDING.title}
        by_title = {r["title"]: r for r in receiver.received}
        assert by_title[DEPARTURE.title]["labels"] == ["departure"]
        assert "OpenAI" in by_title[DEPARTURE.title]["companies"]
        assert by_title[FUNDING.title]["links"] == [{"url": FUNDING.link, "source": "A"}]
        # Same feed again: conditional GET answers 304, nothing new.
        outcomes, stats = await app.run_once()
        assert outcomes[0].status == "not_modified" and stats.sent == 0
    feeds.set_feed("/a.xml", rss([DEPARTURE, FUNDING, UNRELATED, LATER]))
    async with App(config) as app:  # a restart: the database remembers what was seen
        outcomes, stats = await app.run_once()
        assert outcomes[0].new == 1 and stats.sent == 1
    assert [r["title"] for r in receiver.received].count(LATER.title) == 1
    assert len(receiver.received) == 3


async def test_unchanged_body_without_validators_skips_parsing(
        storage: dict[str, Any], feeds: FeedServer, receiver: WebhookReceiver) -> None:
    feeds.set_feed("/n.xml", rss([DEPARTURE]), etag=False, last_modified=False)
    async with App(make_config(storage, feeds, receiver, [("N", "/n.xml")])) as app:
        first, _ = await app.run_once()
        second, _ = await app.run_once()
    assert first[0].status == "ok" and second[0].status == "unchanged"
    assert feeds.hits["/n.xml"] == 2


@pytest.mark.parametrize("setup,expect", [
    (lambda s: s.set_response("/bad", 500), "HTTP 500"),
    (lambda s: s.set_feed("/bad", "x") or s.set_delay("/bad", 5), "timed out"),
    (lambda s: (s.set_redirect("/bad", "/loop"), s.set_redirect("/loop", "/bad")),
     "redirect loop"),
    (lambda s: s.set_feed("/bad", "<rss>" + "x" * 300_000 + "</rss>"), "cap"),
    (lambda s: s.set_raw_gzip("/bad", gzip_bomb(50_000_000)), "after decompression"),
    (lambda s: s.set_response("/bad", 200, "<!DOCTYPE html><html><head><link rel='alternate' "
                              "type='application/rss+xml' href='/real.xml'></head></html>",
                              {"Content-Type": "text/html"}), "advertises a feed at"),
    (lambda s: s.set_response("/bad", 200, "<?xml version='1.0'?><rss><channel><item>",
                              {"Content-Type": "application/xml"}), "not a feed"),
], ids=["500", "timeout", "redirect-loop", "too-large", "gzip-bomb", "html", "malformed-xml"])
async def test_a_broken_source_records_its_error_and_others_carry_on(
        storage: dict[str, Any], feeds: FeedServer, receiver: WebhookReceiver,
        setup: Any, expect: str) -> None:
    setup(feeds)
    feeds.set_feed("/good.xml", rss([DEPARTURE]))
    config = make_config(storage, feeds, receiver, [("Bad", "/bad"), ("Good", "/good.xml")],
                         timeout="2s")
    async with App(config) as app:
        outcomes, stats = await app.run_once()
        by_name = {o.source: o for o in outcomes}
        assert by_name["Good"].status == "ok" and stats.sent == 1
        assert by_name["Bad"].status == "error"
        assert expect in (by_name["Bad"].error or "")
        bad = await app.store.get_source("Bad")
        assert bad is not None and bad.error_count == 1 and expect in (bad.last_error or "")
        assert bad.next_check_at is not None and bad.next_check_at > utcnow()


async def test_gzip_feed_is_read(storage: dict[str, Any], feeds: FeedServer,
                                 receiver: WebhookReceiver) -> None:
    feeds.set_raw_gzip("/z.xml", gzip.compress(rss([FUNDING]).encode()))
    async with App(make_config(storage, feeds, receiver, [("Z", "/z.xml")])) as app:
        outcomes, stats = await app.run_once()
    assert outcomes[0].status == "ok" and stats.sent == 1


async def test_loopback_is_refused_unless_allowed(
        storage: dict[str, Any], feeds: FeedServer, receiver: WebhookReceiver) -> None:
    feeds.set_feed("/a.xml", rss([DEPARTURE]))
    config = make_config(storage, feeds, receiver, [("Local", "/a.xml")], allow_private=False)
    async with App(config) as app:
        outcomes, _ = await app.run_once()
    assert outcomes[0].status == "error"
    assert "private address 127.0.0.1" in (outcomes[0].error or "")
    assert feeds.hits["/a.xml"] == 0


async def test_repeated_failures_back_off_then_disable_the_source(
        storage: dict[str, Any], feeds: FeedServer, receiver: WebhookReceiver) -> None:
    feeds.set_response("/down", 503, "", {"Retry-After": "120"})
    config = make_config(storage, feeds, receiver, [("Down", "/down")], max_failures=3)
    async with App(config) as app:
        for _ in range(3):
            src = await app.store.get_source("Down")
            assert src is not None
            out = await app.pipeline.poll(src)
        assert out.status == "error" and out.disabled
        src = await app.store.get_source("Down")
        assert src is not None and not src.enabled and src.error_count == 3
        # Retry-After is a floor on the wait.
        assert src.next_check_at is not None
        assert src.next_check_at >= utcnow() + timedelta(seconds=110)
        outcomes, _ = await app.run_once()  # disabled sources are not polled
        assert outcomes == []


async def test_first_poll_records_old_items_without_alerting(
        storage: dict[str, Any], feeds: FeedServer, receiver: WebhookReceiver) -> None:
    old = FeedEntry(title="Anthropic raises $2 billion in Series E", link="https://n.example/old",
                    guid="old", published=NOW - timedelta(days=3))
    fresh = FeedEntry(title="OpenAI CTO Mira Murati resigns", link="https://n.example/fresh",
                      guid="fresh", published=NOW - timedelta(minutes=10))
    feeds.set_feed("/f.xml", rss([old, fresh]))
    config = make_config(storage, feeds, receiver, [("F", "/f.xml")], backfill="1h")
    async with App(config) as app:
        outcomes, _ = await app.run_once()
    assert outcomes[0].new == 2
    assert [r["title"] for r in receiver.received] == [fresh.title]


async def test_same_article_in_two_feeds_is_one_alert_with_both_links(
        storage: dict[str, Any], feeds: FeedServer, receiver: WebhookReceiver) -> None:
    tracked = FeedEntry(title=LATER.title, link=LATER.link + "?utm_source=rss", guid="other-guid",
                        summary=LATER.summary, published=NOW)
    feeds.set_feed("/one.xml", rss([LATER]))
    feeds.set_feed("/two.xml", rss([tracked]))
    config = make_config(storage, feeds, receiver, [("One", "/one.xml")])
    async with App(config) as app:
        await app.run_once()
    config2 = make_config(storage, feeds, receiver, [("One", "/one.xml"), ("Two", "/two.xml")])
    async with App(config2) as app:
        outcomes, stats = await app.run_once()
        assert stats.sent == 0
        assert {o.source: o.merged for o in outcomes}["Two"] == 1
        events = await app.store.recent_events(company="Midjourney")
        assert len(events) == 1
        assert {lk.source for lk in events[0].links} == {"One", "Two"}
    assert len(receiver.received) == 1


async def test_webhook_retries_429_and_500_then_delivers_exactly_once(
        storage: dict[str, Any], feeds: FeedServer, receiver: WebhookReceiver) -> None:
    feeds.set_feed("/a.xml", rss([DEPARTURE]))
    receiver.fail_next(429, {"Retry-After": "0"})
    receiver.fail_next(500)
    async with App(make_config(storage, feeds, receiver, [("A", "/a.xml")])) as app:
        _, stats = await app.run_once()
        assert stats.sent == 0 and stats.retried == 1
        for _ in range(20):
            await app.worker.drain()
            if receiver.received:
                break
            await _sleep(0.05)
        await app.worker.drain()
        assert await app.store.outbox_counts() == {("webhook", "sent"): 1}
    assert len(receiver.received) == 1


async def test_pending_alerts_survive_a_restart_and_go_out_once(
        storage: dict[str, Any], feeds: FeedServer, receiver: WebhookReceiver) -> None:
    feeds.set_feed("/a.xml", rss([DEPARTURE, FUNDING]))
    receiver.fail_next(503)  # the first try fails; the channel's queue waits behind it
    config = make_config(storage, feeds, receiver, [("A", "/a.xml")])
    async with App(config) as app:
        _, stats = await app.run_once()
        assert stats.sent == 0
        assert await app.store.outbox_counts() == {("webhook", "pending"): 2}
    await _sleep(0.1)  # past the (tiny) backoff
    async with App(config) as app:
        stats = await app.worker.drain()
        assert stats.sent == 2
        assert (await app.worker.drain()).sent == 0
    assert sorted(r["title"] for r in receiver.received) == sorted([DEPARTURE.title,
                                                                    FUNDING.title])


async def test_a_rejected_webhook_flags_the_route_and_stops_retrying(
        storage: dict[str, Any], feeds: FeedServer, receiver: WebhookReceiver) -> None:
    feeds.set_feed("/a.xml", rss([DEPARTURE, FUNDING]))
    receiver.fail_next(404, times=5)
    async with App(make_config(storage, feeds, receiver, [("A", "/a.xml")])) as app:
        _, stats = await app.run_once()
        assert stats.failed == 1
        assert await app.store.outbox_counts() == {("webhook", "failed"): 2}
        subs = await app.store.subscriptions("webhook")
        assert subs[0].status == "error" and "HTTP 404" in (subs[0].last_error or "")
        assert (await app.worker.drain()).sent == 0


async def _sleep(s: float) -> None:
    import asyncio

    await asyncio.sleep(s)


class BrokenClassifier:
    """A classifier backend that fails (a model server down, a bug): the seam's contract."""

    def classify(self, title: str, summary: str = "", lang: str | None = None) -> Any:
        raise RuntimeError("model server unreachable")

    def add_company(self, name: str, aliases: Any = ()) -> None:
        """Nothing to add to."""


async def test_a_classifier_failure_loses_nothing(
        storage: dict[str, Any], feeds: FeedServer, receiver: WebhookReceiver) -> None:
    feeds.set_feed("/a.xml", rss([DEPARTURE]))
    async with App(make_config(storage, feeds, receiver, [("A", "/a.xml")])) as app:
        real = app.pipeline.classifier
        app.pipeline.classifier = BrokenClassifier()
        outcomes, _ = await app.run_once()
        assert outcomes[0].status == "error"
        assert "model server unreachable" in (outcomes[0].error or "")
        src = await app.store.get_source("A")
        assert src is not None and src.etag is None and src.item_count == 0
        app.pipeline.classifier = real
        await app.store.set_source_enabled("A", True)  # poll now rather than after backoff
        outcomes, stats = await app.run_once()
        assert outcomes[0].new == 1 and stats.sent == 1
    assert [r["title"] for r in receiver.received] == [DEPARTURE.title]


async def test_a_rejected_message_fails_alone_and_resubscribing_resumes_a_channel(
        storage: dict[str, Any], feeds: FeedServer, receiver: WebhookReceiver) -> None:
    feeds.set_feed("/a.xml", rss([DEPARTURE, FUNDING]))
    receiver.fail_next(422)  # this body refused: the next alert still goes
    async with App(make_config(storage, feeds, receiver, [("A", "/a.xml")])) as app:
        _, stats = await app.run_once()
        assert stats.failed == 1 and stats.sent == 1
        sub = (await app.store.subscriptions("webhook"))[0]
        assert sub.status == "active"
        await app.store.mark_failed(await _delivery_to_hook(app), "gone")  # pause it
        assert (await app.store.subscriptions("webhook"))[0].status == "error"
        await app.store.subscribe("webhook", sub.channel, "Some Co", ["funding"])
        assert {s.status for s in await app.store.subscriptions("webhook")} == {"active"}


async def _delivery_to_hook(app: App) -> Any:
    """A delivery to the webhook channel, as the worker would fail it for a gone channel."""
    from bot.models import Delivery

    event = (await app.store.recent_events(limit=1))[0]
    return Delivery(id=0, event=event, platform="webhook",
                    channel=(await app.store.subscriptions("webhook"))[0].channel, attempts=0,
                    options={})


async def test_the_seed_story_is_linked_across_outlets_and_languages(
        storage: dict[str, Any], receiver: WebhookReceiver) -> None:
    from bot.samples import sample_paths

    paths = {name: str(path) for name, path in sample_paths()}
    tweet_feed = next(p for n, p in paths.items() if "kenrickcai" in n)
    french_feed = next(p for n, p in paths.items() if "FrenchWeb" in n)

    def config(sources: list[tuple[str, str]]) -> Any:
        return config_from_dict({
            "storage": storage, "polling": {"backfill": "all"},
            "sources": [{"name": n, "url": u} for n, u in sources],
            "routes": [{"platform": "webhook", "url": receiver.url,
                        "companies": ["Stability AI"]}]}, env={})

    async with App(config([("X", tweet_feed)])) as app:  # the tweet breaks the story
        await app.run_once()
    async with App(config([("X", tweet_feed), ("FrenchWeb", french_feed)])) as app:
        await app.run_once()
    tweet, article = receiver.received
    assert "researchers are departing" in tweet["title"]
    assert set(tweet["labels"]) == {"departure", "funding"}
    assert set(article["labels"]) == {"departure", "funding", "dispute"}
    # The fuller French report is alerted (it adds the dispute) and links the tweet too.
    assert {lk["source"] for lk in article["links"]} == {"FrenchWeb", "X"}


async def test_cache_control_max_age_delays_the_next_poll(
        storage: dict[str, Any], feeds: FeedServer, receiver: WebhookReceiver) -> None:
    feeds.set_feed("/c.xml", rss([DEPARTURE]), headers={"Cache-Control": "max-age=7200"})
    async with App(make_config(storage, feeds, receiver, [("C", "/c.xml")])) as app:
        await app.run_once()
        src = await app.store.get_source("C")
    assert src is not None and src.next_check_at is not None
    # The interval is 10 minutes, but the server said the content is fresh for two hours.
    assert src.next_check_at >= utcnow() + timedelta(seconds=7100)
