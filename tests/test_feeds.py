"""Adding a source by URL: fetched once first, hostile URLs refused, names kept unique."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.config import PollingConfig
from bot.feeds import AddError, add_source, default_name
from bot.fetch import Fetcher
from bot.sources import builtin_types
from bot.storage import Store
from bot.testing.feed_server import FeedServer
from bot.testing.feeds import FeedEntry, rss

FEED = rss([FeedEntry(title="Hello", link="https://example.com/1")], title="Example wire")


async def test_chat_cannot_add_private_addresses_or_local_files(
        storage: dict[str, Any], tmp_path: Path) -> None:
    secret = tmp_path / "feed.xml"
    secret.write_text(FEED)
    store = await Store.open(storage["url"], schema=storage.get("schema", ""))
    try:
        async with FeedServer() as srv, Fetcher(PollingConfig()) as fetcher:
            srv.set_feed("/f.xml", FEED)
            for url, why in [(srv.url("/f.xml"), "private address 127.0.0.1"),
                             ("http://169.254.169.254/latest/meta-data/", "private address"),
                             ("http://localhost:8080/admin", "localhost"),
                             (str(secret), r"only http\(s\) URLs"),
                             (secret.as_uri(), r"only http\(s\) URLs")]:
                with pytest.raises(AddError, match=why):
                    await add_source(store, fetcher, builtin_types(), url, origin="chat",
                                     allow_local=False)
            assert srv.hits["/f.xml"] == 0
        assert await store.list_sources() == []
        # The operator's CLI may add a local file.
        async with Fetcher(PollingConfig()) as fetcher:
            row, pv = await add_source(store, fetcher, builtin_types(), str(secret))
        assert row.name == "Example wire" and pv is not None and pv.items == 1
    finally:
        await store.close()


async def test_names_stay_unique_and_urls_are_not_added_twice(storage: dict[str, Any]) -> None:
    store = await Store.open(storage["url"], schema=storage.get("schema", ""))
    try:
        async with FeedServer() as srv, Fetcher(PollingConfig(allow_private=True)) as fetcher:
            srv.set_feed("/a.xml", FEED)
            srv.set_feed("/b.xml", FEED)
            a, _ = await add_source(store, fetcher, builtin_types(), srv.url("/a.xml"))
            b, _ = await add_source(store, fetcher, builtin_types(), srv.url("/b.xml"))
            assert (a.name, b.name) == ("Example wire", "Example wire (2)")
            with pytest.raises(AddError, match="already polling"):
                await add_source(store, fetcher, builtin_types(), srv.url("/a.xml"))
    finally:
        await store.close()


def test_default_names() -> None:
    assert default_name("https://example.com/feed/", "") == "example.com/feed"
    assert default_name("https://example.com/feed", "  Some   Title ") == "Some Title"
