"""The `hackernews` source type: stories matching a query, via the Algolia HN search API."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from bot.fetch import Fetcher, FetchError
from bot.models import Item
from bot.parse import html_to_text
from bot.sources import Polled
from bot.sources.mastodon import load_cursor
from bot.sources.ratelimit import RateGate, gated_json
from bot.storage import SourceRow

API = "https://hn.algolia.com"
PAGE = 100
MAX_PAGES = 5


def parse_query(url: str) -> str | None:
    """The query of an https://hn.algolia.com/?query=... URL (the search UI's own form)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() != \
            "hn.algolia.com" or parts.path.startswith("/api/"):
        return None
    qs = parse_qs(parts.query)
    q = (qs.get("query") or qs.get("q") or [""])[0].strip()
    return q or None


def search_url(query: str) -> str:
    """The hn.algolia.com URL of a story search sorted by date."""
    return f"https://hn.algolia.com/?query={quote(query, safe='')}&sort=byDate&type=story"


def hit_item(hit: dict[str, Any]) -> Item:
    """One story hit as an Item: the story's own URL when it links out (dedup with outlets)."""
    oid = str(hit.get("objectID") or hit.get("story_id") or "")
    discussion = f"https://news.ycombinator.com/item?id={oid}"
    link = str(hit.get("url") or "") or discussion
    text = html_to_text(str(hit.get("story_text") or ""))
    summary = text or (f"{hit.get('points') or 0} points, {hit.get('num_comments') or 0} "
                       f"comments: {discussion}")
    ts = hit.get("created_at_i")
    published = datetime.fromtimestamp(ts, UTC) if isinstance(ts, int | float) else None
    author = str(hit.get("author") or "")
    return Item(key=f"hn:{oid}", title=" ".join(html_to_text(str(hit.get("title") or "")).split()),
                summary=summary, link=link, published=published,
                author=f"@{author}" if author else "")


class HackerNewsSource:
    """Stories for a query, newest first, filtered on created_at_i after the cursor."""

    name = "hackernews"

    def __init__(self, gate: RateGate | None = None) -> None:
        self.gate = gate or RateGate()

    def matches(self, url: str) -> bool:
        """True for https://hn.algolia.com/?query=... URLs."""
        return parse_query(url) is not None

    async def poll(self, fetcher: Fetcher, source: SourceRow) -> Polled:
        """search_by_date with numericFilters=created_at_i>=cursor, page by page."""
        query = parse_query(source.url)
        if query is None:
            raise FetchError("config", f"not an HN search URL: {source.url} (expected "
                             "https://hn.algolia.com/?query=WORDS)")
        base = str(source.settings.get("api_url") or API).rstrip("/")
        url = f"{base}/api/v1/search_by_date"
        since = load_cursor(source.cursor).get("ts")
        params = {"query": query, "tags": "story", "hitsPerPage": str(PAGE)}
        if since is not None:
            # >= rather than >: a story in the same second as the last one is not lost;
            # the store drops the one already seen.
            params["numericFilters"] = f"created_at_i>={int(since)}"
        hits: list[dict[str, Any]] = []
        for page in range(MAX_PAGES if since is not None else 1):
            params["page"] = str(page)
            data, _ = await gated_json(self.gate, fetcher, url, params=params)
            if not isinstance(data, dict) or not isinstance(data.get("hits"), list):
                raise FetchError("parse", f"no 'hits' list in the HN search answer from {url}")
            hits.extend(h for h in data["hits"] if isinstance(h, dict) and h.get("objectID"))
            pages = data.get("nbPages")
            if not isinstance(pages, int) or page + 1 >= pages:
                break
        stamps = [int(h["created_at_i"]) for h in hits
                  if isinstance(h.get("created_at_i"), int | float)]
        newest = max([*stamps, *([int(since)] if since is not None else [])], default=None)
        cursor = json.dumps({"ts": newest}) if newest is not None else source.cursor
        return Polled("ok", [hit_item(h) for h in hits], f"HN search: {query}", cursor=cursor)
