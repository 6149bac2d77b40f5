"""Source types: each turns one configured source into ordinary Items (feed, and more)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.fetch import Fetcher
from bot.models import Item
from bot.storage import SourceRow


@dataclass(slots=True)
class Polled:
    """What one poll of a source brought: items, or "not_modified"/"unchanged" and validators."""

    status: str  # "ok" | "not_modified" | "unchanged"
    items: list[Item] = field(default_factory=list)
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    cursor: str | None = None  # API sources: where the next poll starts
    max_age: float | None = None  # Cache-Control max-age, seconds


class SourceType(Protocol):
    """Polls one kind of source through the shared Fetcher."""

    name: str

    async def poll(self, fetcher: Fetcher, source: SourceRow) -> Polled:
        """Fetch and parse; raise FetchError or ParseError with a clear message on failure."""
        ...


def builtin_types() -> dict[str, SourceType]:
    """The source types this build knows, by config `type`."""
    from bot.sources.bluesky import BlueskySource
    from bot.sources.feed import FeedSource
    from bot.sources.hackernews import HackerNewsSource
    from bot.sources.mastodon import MastodonSource
    from bot.sources.ratelimit import RateGate
    from bot.sources.reddit import RedditSource

    gate = RateGate()  # one per app: cool-downs are per host, shared by every API type
    types: dict[str, SourceType] = {
        "feed": FeedSource(),
        "mastodon": MastodonSource(gate),
        "bluesky": BlueskySource(gate),
        "reddit": RedditSource(gate),
        "hackernews": HackerNewsSource(gate),
    }
    return types
