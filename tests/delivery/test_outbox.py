"""The delivery worker against a real webhook endpoint: order, pacing, retries, giving up."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.config import DeliveryConfig
from bot.delivery.base import SenderLimits
from bot.delivery.outbox import DeliveryWorker
from bot.delivery.webhook import WebhookSender
from bot.models import Classification, Item
from bot.storage import NewItem, Store
from bot.testing.webhook_receiver import WebhookReceiver


@pytest.fixture
async def store(storage: dict[str, Any]) -> AsyncIterator[Store]:
    s = await Store.open(storage["url"], schema=storage.get("schema", ""))
    yield s
    await s.close()


async def queue(store: Store, receiver: WebhookReceiver, n: int) -> None:
    """n funding events (of n companies: one story each) for one webhook channel."""
    src = await store.upsert_source("S", "https://example.com/feed")
    await store.subscribe("webhook", "hook", "*", ["funding"], {"url": receiver.url})
    await store.save_items(src, [
        NewItem(Item(key=str(i), title=f"Acme{i} raises round {i}", summary="",
                     link=f"https://e.com/{i}"),
                Classification(labels=["funding"], companies=[f"Acme{i}"])) for i in range(n)])


class PacedWebhook(WebhookSender):
    """The webhook sender with a tighter declared pace, to observe pacing."""

    limits = SenderLimits(max_text=100_000, per_channel_rate=10.0)


async def test_a_channel_gets_its_alerts_in_order_at_its_declared_pace(
        store: Store, receiver: WebhookReceiver) -> None:
    await queue(store, receiver, 5)
    sender = PacedWebhook()
    worker = DeliveryWorker(store, {"webhook": sender}, DeliveryConfig())
    t = time.monotonic()
    stats = await worker.drain()
    elapsed = time.monotonic() - t
    await sender.aclose()
    assert stats.sent == 5
    assert [r["title"] for r in receiver.received] == [f"Acme{i} raises round {i}"
                                                       for i in range(5)]
    assert elapsed >= 0.35  # four gaps of 0.1 s


async def test_transient_failures_give_up_after_max_attempts_and_keep_the_row(
        store: Store, receiver: WebhookReceiver) -> None:
    await queue(store, receiver, 1)
    receiver.fail_next(503, times=10)
    sender = WebhookSender()
    worker = DeliveryWorker(store, {"webhook": sender},
                            DeliveryConfig(max_attempts=3, base_backoff=0.0))
    for _ in range(5):
        await worker.drain()
    await sender.aclose()
    assert await store.outbox_counts() == {("webhook", "failed"): 1}
    [(_, _, _, error)] = await store.failed_deliveries()
    assert "HTTP 503" in error
    assert receiver.received == []


def test_backoff_grows_and_honours_retry_after() -> None:
    worker = DeliveryWorker(None, {}, DeliveryConfig(base_backoff=2, max_backoff=60))  # type: ignore[arg-type]
    assert 1.6 <= worker.backoff(0, None) <= 2.4
    assert 12.8 <= worker.backoff(3, None) <= 19.2
    assert worker.backoff(10, None) <= 72
    assert worker.backoff(0, 30) == 30
