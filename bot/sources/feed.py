"""The `feed` source type: RSS, Atom, RDF and JSON Feed over HTTP(S) or from a file."""

from __future__ import annotations

import asyncio

from bot.fetch import Fetcher
from bot.parse import parse_feed
from bot.sources import Polled
from bot.storage import SourceRow


class FeedSource:
    """Conditional GET, body-hash skip, then feedparser off the event loop."""

    name = "feed"

    async def poll(self, fetcher: Fetcher, source: SourceRow) -> Polled:
        """Fetch the feed and parse it when it changed."""
        res = await fetcher.fetch(source.url, source.etag, source.last_modified, source.body_hash)
        if res.status != "ok":
            return Polled(res.status, etag=res.etag or source.etag,
                          last_modified=res.last_modified or source.last_modified,
                          max_age=res.max_age)
        # feedparser is pure Python and can take tens of ms on a big feed: keep the loop free.
        parsed = await asyncio.to_thread(parse_feed, res.body, res.content_type, res.url)
        return Polled("ok", parsed.items, parsed.title, res.etag, res.last_modified,
                      res.body_hash, max_age=res.max_age)
