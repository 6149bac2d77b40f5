"""The per-host rate-limit gate: headers and 429 cool one host down, never the others."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.fetch import Fetcher, FetchError
from bot.sources.hackernews import HackerNewsSource, search_url
from bot.sources.mastodon import MastodonSource
from bot.sources.ratelimit import DEFAULT_COOLDOWN, RateGate, host_of, reset_seconds
from bot.sources.reddit import RedditSource
from bot.testing.fake_social import FakeSocial

NOW = 1_711_100_000.0


def test_reset_formats() -> None:
    assert reset_seconds("420", NOW) == 420  # Reddit: seconds to go
    assert reset_seconds(str(int(NOW) + 90), NOW) == 90  # Bluesky: epoch
    iso = datetime.fromtimestamp(NOW + 30, UTC).isoformat().replace("+00:00", ".000Z")
    assert reset_seconds(iso, NOW) == pytest.approx(30)  # Mastodon: ISO 8601
    http_date = "Fri, 22 Mar 2024 09:34:20 GMT"  # NOW + 60 s, as an HTTP date
    assert reset_seconds(http_date, NOW) == pytest.approx(60)
    assert reset_seconds("garbage", NOW) is None


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_gate_cools_one_host_until_reset() -> None:
    clock = Clock()
    gate = RateGate(clock=clock, wall=lambda: NOW)
    gate.record("a:1", {"X-Ratelimit-Remaining": "0.0", "X-Ratelimit-Reset": "42"})
    gate.record("b:2", {"x-ratelimit-remaining": "57.0", "x-ratelimit-reset": "42"})
    with pytest.raises(FetchError) as ei:
        gate.check("a:1")
    assert ei.value.kind == "rate_limited" and ei.value.retry_after == 42
    gate.check("b:2")  # plenty left: no cool-down
    clock.t += 42
    gate.check("a:1")


def test_429_without_retry_after_uses_default() -> None:
    gate = RateGate(clock=Clock())
    gate.record_error("h", FetchError("http", "HTTP 429", status=429))
    assert gate.wait_for("h") == DEFAULT_COOLDOWN
    gate.record_error("h", FetchError("http", "HTTP 500", status=500))
    assert gate.wait_for("h") == DEFAULT_COOLDOWN


def test_429_without_retry_after_waits_for_the_quota_reset_header() -> None:
    gate = RateGate(clock=Clock(), wall=lambda: NOW)
    gate.record_error("h", FetchError("http", "HTTP 429", status=429,
                                      headers={"x-ratelimit-reset": "7"}))
    assert gate.wait_for("h") == 7


def test_host_key_has_port() -> None:
    assert host_of("http://127.0.0.1:8080/x") == "127.0.0.1:8080"
    assert host_of("https://Mastodon.Social/api") == "mastodon.social"


async def test_quota_headers_stop_requests_to_that_host_only(
        fetcher: Fetcher, data: Callable[[str], Any]) -> None:
    gate = RateGate()
    masto, hn = MastodonSource(gate), HackerNewsSource(gate)
    async with FakeSocial() as busy, FakeSocial() as other:
        busy.hn_hits = data("hn_search_by_date.json")["hits"]
        other.add_mastodon_account(data("mastodon_account.json"),
                                   data("mastodon_statuses.json"))
        reset = datetime.now(UTC) + timedelta(minutes=5)
        busy.extra_headers = {"X-RateLimit-Remaining": "0",
                              "X-RateLimit-Reset": reset.isoformat()}
        row = _row(hn.name, search_url("Stability AI"), busy.base_url)
        assert (await hn.poll(fetcher, row)).items  # this answer still counts
        hits = sum(busy.hits.values())
        with pytest.raises(FetchError) as ei:
            await hn.poll(fetcher, row)
        assert ei.value.kind == "rate_limited"
        assert 280 < (ei.value.retry_after or 0) <= 300
        assert sum(busy.hits.values()) == hits  # no request went out
        # Another host, same gate, same moment: unaffected.
        polled = await masto.poll(fetcher, _row(masto.name, "https://mastodon.social/@kenrickcai",
                                                other.base_url))
        assert polled.status == "ok" and len(polled.items) == 2


async def test_429_retry_after_then_recovers(fetcher: Fetcher, api: FakeSocial,
                                             data: Callable[[str], Any]) -> None:
    clock = Clock()
    reddit = RedditSource(RateGate(clock=clock))
    api.subreddits["stablediffusion"] = data("reddit_new.json")["data"]["children"]
    api.fail("/r/StableDiffusion/new.json", 429, "Too Many Requests",
             {"Retry-After": "7", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "7"})
    row = _row("reddit", "https://www.reddit.com/r/StableDiffusion", api.base_url)
    with pytest.raises(FetchError) as ei:
        await reddit.poll(fetcher, row)
    assert ei.value.status == 429 and ei.value.retry_after == 7
    with pytest.raises(FetchError, match="rate limited"):
        await reddit.poll(fetcher, row)
    assert api.hits["/r/StableDiffusion/new.json"] == 1
    clock.t += 7
    assert len((await reddit.poll(fetcher, row)).items) == 3


async def test_429_without_retry_after_still_backs_off(fetcher: Fetcher,
                                                       api: FakeSocial) -> None:
    hn = HackerNewsSource(RateGate())
    api.fail("/api/v1/search_by_date", 429, "slow down")
    with pytest.raises(FetchError) as ei:
        await hn.poll(fetcher, _row(hn.name, search_url("x"), api.base_url))
    # The pipeline backs the source off at least this long.
    assert ei.value.retry_after == pytest.approx(DEFAULT_COOLDOWN, abs=1)


def _row(type_: str, url: str, api_url: str) -> Any:
    from bot.storage import SourceRow

    return SourceRow(id=1, name="t", type=type_, url=url, origin="test",
                     settings={"api_url": api_url}, interval_s=None, enabled=True)
