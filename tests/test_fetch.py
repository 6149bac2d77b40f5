"""The fetcher against a real local server: validators, caps, Retry-After, Cache-Control."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from bot.config import PollingConfig
from bot.fetch import Fetcher, FetchError, parse_max_age, parse_retry_after
from bot.testing.feed_server import FeedServer
from bot.testing.feeds import FeedEntry, rss

FEED = rss([FeedEntry(title="Hello", link="https://example.com/1")])


@pytest.fixture
async def fetcher() -> Fetcher:
    async with Fetcher(PollingConfig(allow_private=True, timeout=2, max_body_bytes=50_000)) as f:
        yield f  # type: ignore[misc]


async def test_conditional_get_sends_validators_and_reads_304(fetcher: Fetcher) -> None:
    async with FeedServer() as srv:
        srv.set_feed("/f", FEED)
        first = await fetcher.fetch(srv.url("/f"))
        assert first.status == "ok" and first.etag and first.last_modified
        second = await fetcher.fetch(srv.url("/f"), first.etag, first.last_modified)
        assert second.status == "not_modified" and second.body == b""
        headers = srv.requests[-1][1]
        assert {k.lower() for k in headers} >= {"if-none-match", "if-modified-since"}


async def test_same_body_hash_is_unchanged(fetcher: Fetcher) -> None:
    async with FeedServer() as srv:
        srv.set_feed("/f", FEED, etag=False, last_modified=False)
        first = await fetcher.fetch(srv.url("/f"))
        again = await fetcher.fetch(srv.url("/f"), body_hash=first.body_hash)
        assert again.status == "unchanged" and again.body == b""


async def test_declared_length_over_the_cap_is_refused_before_reading(fetcher: Fetcher) -> None:
    async with FeedServer() as srv:
        srv.set_response("/big", 200, b"x" * 60_000, {"Content-Type": "application/rss+xml"})
        with pytest.raises(FetchError) as e:
            await fetcher.fetch(srv.url("/big"))
        assert e.value.kind == "too_large"


async def test_429_carries_retry_after(fetcher: Fetcher) -> None:
    async with FeedServer() as srv:
        srv.set_response("/busy", 429, "slow down", {"Retry-After": "90"})
        with pytest.raises(FetchError) as e:
            await fetcher.fetch(srv.url("/busy"))
        assert e.value.status == 429 and e.value.retry_after == 90


async def test_cache_control_max_age_is_reported(fetcher: Fetcher) -> None:
    async with FeedServer() as srv:
        srv.set_feed("/f", FEED, headers={"Cache-Control": "public, max-age=1800"})
        assert (await fetcher.fetch(srv.url("/f"))).max_age == 1800


async def test_connection_refused_is_a_network_error(fetcher: Fetcher) -> None:
    async with FeedServer() as srv:
        url = srv.url("/gone")
    with pytest.raises(FetchError) as e:
        await fetcher.fetch(url)
    assert e.value.kind == "network"


async def test_local_files_and_plain_paths(fetcher: Fetcher, tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(FEED)
    a = await fetcher.fetch(str(path))
    b = await fetcher.fetch(path.as_uri(), body_hash=a.body_hash)
    assert a.status == "ok" and b.status == "unchanged"
    with pytest.raises(FetchError, match="cannot read"):
        await fetcher.fetch(str(tmp_path / "missing.xml"))


def test_retry_after_forms() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30)), now) == 30
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_max_age_forms() -> None:
    assert parse_max_age("max-age=60, must-revalidate") == 60
    assert parse_max_age("no-cache") is None


async def test_per_host_concurrency_is_a_limit() -> None:
    import asyncio
    import time

    async with FeedServer() as srv:
        for i in range(4):
            srv.set_feed(f"/slow{i}", FEED)
            srv.set_delay(f"/slow{i}", 0.3)
        urls = [srv.url(f"/slow{i}") for i in range(4)]
        timings = {}
        for per_host in (1, 4):
            cfg = PollingConfig(allow_private=True, timeout=5, per_host_concurrency=per_host)
            async with Fetcher(cfg) as f:
                t = time.monotonic()
                await asyncio.gather(*(f.fetch(u) for u in urls))
                timings[per_host] = time.monotonic() - t
    assert timings[1] >= 1.1  # one at a time: four delays in a row
    assert timings[4] < timings[1] / 2
