"""A per-host rate-limit gate for API sources: honour remaining/reset headers and 429s."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from bot.fetch import Fetcher, FetchError, parse_retry_after
from bot.parse import parse_iso

#: Cool-down after a 429 (or 503) that did not say how long to wait.
DEFAULT_COOLDOWN = 60.0
#: Never trust a reset further away than this (a bad header must not park a host for days).
MAX_COOLDOWN = 6 * 3600.0

# Header names per API: Mastodon X-RateLimit-*, Bluesky ratelimit-*, Reddit X-Ratelimit-*.
_REMAINING = ("x-ratelimit-remaining", "ratelimit-remaining")
_RESET = ("x-ratelimit-reset", "ratelimit-reset")


def host_of(url: str) -> str:
    """The gate key of a URL: host and port, lower-cased."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def reset_seconds(value: str, now: float) -> float | None:
    """Seconds until a reset header: delta seconds, epoch seconds, ISO 8601 or HTTP date."""
    value = value.strip()
    try:
        n = float(value)
    except ValueError:
        n = None
    if n is not None:
        # Reddit and the IETF draft send a delta; Bluesky sends an epoch timestamp.
        return max(0.0, n - now) if n > 1e9 else max(0.0, n)
    when = parse_iso(value)
    if when is not None:
        return max(0.0, when.timestamp() - now)
    return parse_retry_after(value, datetime.fromtimestamp(now, UTC))


@dataclass(slots=True)
class _HostState:
    until: float = 0.0  # monotonic time before which no request goes out
    reason: str = ""


class RateGate:
    """Per-host cool-downs learnt from responses; a cooling host fails fast, others go on."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._wall = wall
        self._hosts: dict[str, _HostState] = {}

    def wait_for(self, host: str) -> float:
        """Seconds left in the host's cool-down (0 when it may be asked)."""
        st = self._hosts.get(host)
        return max(0.0, st.until - self._clock()) if st else 0.0

    def check(self, host: str) -> None:
        """Raise FetchError('rate_limited') while the host cools down, without a request."""
        left = self.wait_for(host)
        if left > 0:
            why = self._hosts[host].reason
            raise FetchError("rate_limited", f"{host} is rate limited ({why}); "
                             f"next request in {left:.0f}s", retry_after=left)

    def cool(self, host: str, seconds: float, reason: str) -> None:
        """Hold requests to a host for `seconds` (the longer of two cool-downs wins)."""
        seconds = min(max(seconds, 0.0), MAX_COOLDOWN)
        until = self._clock() + seconds
        st = self._hosts.setdefault(host, _HostState())
        if until > st.until:
            st.until, st.reason = until, reason

    def _reset(self, headers: Mapping[str, str]) -> float | None:
        h = {k.lower(): v for k, v in headers.items()}
        raw = next((h[k] for k in _RESET if k in h), None)
        return reset_seconds(raw, self._wall()) if raw else None

    def record(self, host: str, headers: Mapping[str, str]) -> None:
        """Learn from a successful response: out of quota means wait until the reset."""
        h = {k.lower(): v for k, v in headers.items()}
        remaining = next((h[k] for k in _REMAINING if k in h), None)
        if remaining is None:
            return
        try:
            left = float(remaining)
        except ValueError:
            return
        # Reddit counts in fractions ("0.0"); below one whole request is none left.
        if left >= 1:
            return
        wait = self._reset(h)
        self.cool(host, DEFAULT_COOLDOWN if wait is None else wait, "quota used up")

    def record_error(self, host: str, err: FetchError) -> None:
        """Learn from a failure: 429 (and 503 with Retry-After) cool the host down.

        A 429 without Retry-After often still says when the quota resets (Reddit's
        X-Ratelimit-Reset, Bluesky's ratelimit-reset): that beats a blind default.
        """
        if err.status == 429:
            wait = err.retry_after if err.retry_after is not None else self._reset(err.headers)
            self.cool(host, DEFAULT_COOLDOWN if wait is None else wait, "HTTP 429")
        elif err.status == 503 and err.retry_after is not None:
            self.cool(host, err.retry_after, "HTTP 503")


async def gated_json(gate: RateGate, fetcher: Fetcher, url: str,
                     headers: dict[str, str] | None = None,
                     params: dict[str, str] | None = None) -> tuple[Any, dict[str, str]]:
    """fetcher.get_json behind the gate: fail fast while cooling, learn from every answer."""
    host = host_of(url)
    gate.check(host)
    try:
        data, hdrs = await fetcher.get_json(url, headers=headers, params=params)
    except FetchError as e:
        gate.record_error(host, e)
        if e.retry_after is None and e.status == 429:
            e.retry_after = gate.wait_for(host)  # so the pipeline's backoff honours the gate
        raise
    gate.record(host, hdrs)
    return data, hdrs
