"""The `reddit` source type: a subreddit's new posts or a search, via the JSON listings."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
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

API = "https://www.reddit.com"
PAGE = 100  # the listing maximum
MAX_PAGES = 3

_SUB = re.compile(r"^/r/([A-Za-z0-9_+]+)(?:/(new|hot|top|rising|search))?/?$")


@dataclass(frozen=True, slots=True)
class Target:
    """A subreddit (or several joined with '+'), optionally searched."""

    subreddit: str = ""
    query: str = ""


def parse_target(url: str) -> Target | None:
    """reddit.com/r/SUB[/new], reddit.com/r/SUB/search?q=..., reddit.com/search?q=..."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not (host == "reddit.com"
                                                      or host.endswith(".reddit.com")):
        return None
    q = parse_qs(parts.query).get("q", [""])[0].strip()
    if parts.path.rstrip("/") == "/search":
        return Target(query=q) if q else None
    m = _SUB.match(parts.path)  # .rss URLs do not match: they stay ordinary feeds
    if not m:
        return None
    if m.group(2) == "search":
        return Target(m.group(1), q) if q else None
    return Target(m.group(1))


def user_agent(fetcher: Fetcher) -> str:
    """Reddit asks for '<platform>:<app id>:<version> (contact)' and throttles generic ones."""
    return f"server:alertbot:v0.1 ({fetcher.cfg.user_agent})"


def _explain(e: FetchError, target: Target) -> FetchError:
    where = f"r/{target.subreddit}" if target.subreddit else "reddit search"
    if e.status == 403:
        return FetchError("private", f"{where} is private or quarantined (HTTP 403)",
                          status=403)
    if e.status == 404:
        return FetchError("not_found", f"{where} not found or banned (HTTP 404)", status=404)
    return e


def post_item(d: dict[str, Any]) -> Item:
    """One t3 (link or self post) as an Item; a link post points at the article itself."""
    permalink = "https://www.reddit.com" + str(d.get("permalink") or "")
    url = str(d.get("url_overridden_by_dest") or d.get("url") or "")
    external = bool(url) and not d.get("is_self") and "reddit.com" not in url
    # The article's URL, so the same story from its outlet's feed is one event.
    link = url if external else permalink
    body = html_to_text(str(d.get("selftext") or ""))
    sub = d.get("subreddit_name_prefixed") or f"r/{d.get('subreddit')}"
    summary = body or f"Discussed on {sub}: {permalink}"
    created = d.get("created_utc")
    published = datetime.fromtimestamp(float(created), UTC) if isinstance(
        created, int | float) else None
    author = str(d.get("author") or "[deleted]")
    return Item(key=f"reddit:{d.get('name') or d.get('id')}",
                title=" ".join(html_to_text(str(d.get("title") or "")).split()),
                summary=summary, link=link, published=published, author=f"u/{author}")


class RedditSource:
    """New posts of a subreddit or search, newer than the cursor's created_utc."""

    name = "reddit"

    def __init__(self, gate: RateGate | None = None) -> None:
        self.gate = gate or RateGate()

    def matches(self, url: str) -> bool:
        """True for reddit.com subreddit and search URLs (not their .rss feeds)."""
        return parse_target(url) is not None

    async def poll(self, fetcher: Fetcher, source: SourceRow) -> Polled:
        """Fetch the listing (paging back while everything is new) and keep new posts."""
        target = parse_target(source.url)
        if target is None:
            raise FetchError("config", f"not a subreddit or reddit search URL: {source.url}")
        base = str(source.settings.get("api_url") or API).rstrip("/")
        params = {"limit": str(PAGE), "raw_json": "1"}
        if target.query:
            params |= {"q": target.query, "sort": "new"}
            if target.subreddit:
                url = f"{base}/r/{quote(target.subreddit)}/search.json"
                params["restrict_sr"] = "1"
            else:
                url = f"{base}/search.json"
            title = f"Reddit search: {target.query}" + (
                f" in r/{target.subreddit}" if target.subreddit else "")
        else:
            url = f"{base}/r/{quote(target.subreddit)}/new.json"
            title = f"r/{target.subreddit} (new)"
        state = load_cursor(source.cursor)
        since = state.get("ts")
        headers = {"User-Agent": user_agent(fetcher)}
        posts: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES if since is not None else 1):
            try:
                data, _ = await gated_json(self.gate, fetcher, url, headers, params)
            except FetchError as e:
                raise _explain(e, target) from None
            children, after = self._listing(data, target)
            fresh = [c for c in children
                     if since is None or float(c.get("created_utc") or 0) >= float(since)]
            posts.extend(fresh)
            if not after or len(fresh) < len(children) or not children:
                break
            params["after"] = after
        items = [post_item(p) for p in posts]
        stamps = [float(p["created_utc"]) for p in posts
                  if isinstance(p.get("created_utc"), int | float)]
        newest = max([*stamps, *([float(since)] if since is not None else [])], default=None)
        cursor = json.dumps({"ts": newest}) if newest is not None else source.cursor
        return Polled("ok", items, title, cursor=cursor)

    @staticmethod
    def _listing(data: Any, target: Target) -> tuple[list[dict[str, Any]], str | None]:
        if isinstance(data, dict) and data.get("reason") in ("private", "quarantined",
                                                             "banned"):
            raise FetchError("private", f"r/{target.subreddit} is {data['reason']}")
        if not isinstance(data, dict) or data.get("kind") != "Listing" or not isinstance(
                data.get("data"), dict):
            raise FetchError("parse", "expected a Reddit Listing")
        children = data["data"].get("children") or []
        kinds = {c.get("kind") for c in children if isinstance(c, dict)}
        if kinds and kinds <= {"t5"}:
            # Reddit redirects an unknown subreddit to a subreddit search.
            raise FetchError("not_found", f"r/{target.subreddit} does not exist")
        posts = [c["data"] for c in children
                 if isinstance(c, dict) and c.get("kind") == "t3" and isinstance(c.get("data"),
                                                                                   dict)]
        after = data["data"].get("after")
        return posts, str(after) if after else None
