"""The store on SQLite and PostgreSQL: migrations, what is new, subscriptions, one row a channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.models import Classification, Item
from bot.storage import NewItem, Store, url_key


@pytest.fixture
async def store(storage: dict[str, Any]) -> AsyncIterator[Store]:
    s = await Store.open(storage["url"], schema=storage.get("schema", ""))
    yield s
    await s.close()


def test_url_key_ignores_tracking_and_cosmetics() -> None:
    a = url_key("https://www.example.com/news/story/?utm_source=rss&id=3")
    assert a == url_key("http://example.com/news/story?id=3&fbclid=x")
    assert a != url_key("https://example.com/news/story?id=4")
    assert url_key("") is None and url_key("mailto:x@y") is None


async def test_migrations_are_idempotent(store: Store, storage: dict[str, Any]) -> None:
    again = await Store.open(storage["url"], schema=storage.get("schema", ""))
    await again.close()
    assert await store.list_sources() == []


async def test_storage_decides_what_is_new(store: Store) -> None:
    src = await store.upsert_source("S", "https://example.com/feed")
    items = [Item(key=k, title=k, summary="", link=f"https://e.com/{k}") for k in "abca"]
    assert [i.key for i in await store.unseen(src.id, items)] == ["a", "b", "c"]
    await store.save_items(src, [NewItem(i, Classification()) for i in items[:2]])
    assert [i.key for i in await store.unseen(src.id, items)] == ["c"]
    again = await store.get_source("s")
    assert again is not None and again.first_poll_done and again.item_count == 0
    assert (await store.list_sources())[0].item_count == 2


async def test_two_subscriptions_of_one_channel_queue_one_alert(store: Store) -> None:
    src = await store.upsert_source("S", "https://example.com/feed")
    await store.subscribe("slack", "C1", "*", ["funding"])
    await store.subscribe("slack", "C1", "Mistral AI", ["funding", "dispute"])
    await store.subscribe("slack", "C2", "OpenAI", ["funding"])  # another company: no alert
    cls = Classification(labels=["funding"], companies=["Mistral AI"], scores={"funding": 0.9})
    item = Item(key="1", title="Mistral AI raises €600 million", summary="",
                link="https://e.com/1")
    result = await store.save_items(src, [NewItem(item, cls)])
    assert (result.events, result.alerts) == (1, 1)
    due = await store.due_deliveries(["slack"])
    assert [(d.channel, d.event.title) for d in due] == [("C1", item.title)]


async def test_subscribe_updates_and_unsubscribe_forgives_case(store: Store) -> None:
    sub, created = await store.subscribe("discord", "9", "OpenAI", ["departure"],
                                         {"role_id": 7})
    assert created and sub.options == {"role_id": 7}
    sub, created = await store.subscribe("discord", "9", "OpenAI", ["funding"])
    assert not created and sub.labels == ["funding"] and sub.options == {}
    assert await store.unsubscribe("discord", "9", "openai")
    assert not await store.unsubscribe("discord", "9", "openai")
