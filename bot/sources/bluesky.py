"""The `bluesky` source type: an account's posts or a post search, via the public AppView."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from bot.fetch import Fetcher, FetchError
from bot.models import Item
from bot.parse import item_key, parse_iso, split_post
from bot.sources import Polled
from bot.sources.mastodon import load_cursor
from bot.sources.ratelimit import RateGate, gated_json
from bot.storage import SourceRow

#: Unauthenticated reads (getAuthorFeed, getProfile) go to the public AppView cache.
PUBLIC_APPVIEW = "https://public.api.bsky.app"
#: public.api.bsky.app answers 403 to searchPosts; the main AppView host still serves it.
SEARCH_APPVIEW = "https://api.bsky.app"
PAGE = 50
MAX_PAGES = 5

_PROFILE = re.compile(r"^/profile/([^/]+)/?$")
_REPOST = "app.bsky.feed.defs#reasonRepost"
_PIN = "app.bsky.feed.defs#reasonPin"
_EXTERNAL_VIEW = "app.bsky.embed.external#view"
_LINK = "app.bsky.richtext.facet#link"


@dataclass(frozen=True, slots=True)
class Target:
    """An account (handle or DID) or a search query."""

    actor: str = ""
    query: str = ""


def parse_target(url: str) -> Target | None:
    """https://bsky.app/profile/HANDLE (or DID) and https://bsky.app/search?q=QUERY."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in (
            "bsky.app", "www.bsky.app"):
        return None
    if m := _PROFILE.match(unquote(parts.path)):
        return Target(actor=m.group(1).lstrip("@").lower())
    if parts.path.rstrip("/") == "/search":
        q = parse_qs(parts.query).get("q", [""])[0].strip()
        return Target(query=q) if q else None
    return None


def search_url(query: str) -> str:
    """The bsky.app web URL of a post search (what a bluesky search source is configured by)."""
    from urllib.parse import quote

    return f"https://bsky.app/search?q={quote(query, safe='')}"


def web_url(at_uri: str, handle: str = "") -> str:
    """https://bsky.app/profile/DID/post/RKEY from at://DID/app.bsky.feed.post/RKEY."""
    m = re.match(r"^at://([^/]+)/app\.bsky\.feed\.post/([^/]+)$", at_uri)
    if not m:
        return ""
    # The DID, not the handle: the link must survive a rename (and dedup on it stays stable).
    return f"https://bsky.app/profile/{m.group(1)}/post/{m.group(2)}"


def apply_facets(text: str, facets: Any) -> str:
    """Replace shortened link text with the facet's full URI (facets index UTF-8 bytes)."""
    if not isinstance(facets, list):
        return text
    raw = text.encode("utf-8")
    spans: list[tuple[int, int, str]] = []
    for f in facets:
        if not isinstance(f, dict):
            continue
        idx = f.get("index") or {}
        start, end = idx.get("byteStart"), idx.get("byteEnd")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(
                raw):
            continue
        for feat in f.get("features") or []:
            if isinstance(feat, dict) and feat.get("$type") == _LINK and feat.get("uri"):
                spans.append((start, end, str(feat["uri"])))
    out, pos = b"", 0
    for start, end, uri in sorted(spans):
        if start < pos:
            continue  # overlapping facets: keep the first
        out += raw[pos:start] + uri.encode("utf-8")
        pos = end
    # Mentions and tags already read as @handle and #tag in the text: kept as they are.
    return (out + raw[pos:]).decode("utf-8", "replace")


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def author_of(author: dict[str, Any]) -> str:
    """'Display Name (@handle)', or '@handle' without a display name."""
    handle = str(author.get("handle") or author.get("did") or "")
    name = " ".join(str(author.get("displayName") or "").split())
    return f"{name} (@{handle})" if name else f"@{handle}"


def post_item(post: dict[str, Any]) -> Item:
    """A PostView as an Item: facets expanded, an external embed gives title/summary."""
    record = _obj(post.get("record"))
    text = apply_facets(str(record.get("text") or ""), record.get("facets")).strip()
    embed = _obj(post.get("embed"))
    external = embed.get("external") if embed.get("$type") == _EXTERNAL_VIEW else None
    ext_title = str(external.get("title") or "").strip() if isinstance(external, dict) else ""
    if isinstance(external, dict) and ext_title:
        title = " ".join(ext_title.split())
        desc = str(external.get("description") or "")
        summary = " ".join(" ".join((text, desc)).split())
    else:
        title, summary = split_post(text)
        summary = " ".join(summary.split())
    uri = str(post.get("uri") or "")
    author = _obj(post.get("author"))
    link = web_url(uri)
    langs = record.get("langs")
    lang = str(langs[0]).lower().split("-")[0] if isinstance(langs, list) and langs else None
    return Item(key=item_key(uri, link, title, summary), title=title, summary=summary,
                link=link, published=parse_iso(record.get("createdAt")) or parse_iso(
                    post.get("indexedAt")), author=author_of(author), lang=lang)


def _is_reply(post: dict[str, Any]) -> bool:
    record = post.get("record")
    return isinstance(record, dict) and bool(record.get("reply"))


class BlueskySource:
    """Posts of one account (getAuthorFeed) or a search (searchPosts), newest since the cursor."""

    name = "bluesky"

    def __init__(self, gate: RateGate | None = None) -> None:
        self.gate = gate or RateGate()

    def matches(self, url: str) -> bool:
        """True for https://bsky.app/profile/HANDLE and https://bsky.app/search?q=..."""
        return parse_target(url) is not None

    async def poll(self, fetcher: Fetcher, source: SourceRow) -> Polled:
        """Fetch new posts; the cursor keeps the account's DID and the newest time seen."""
        target = parse_target(source.url)
        if target is None:
            raise FetchError("config", f"not a Bluesky profile or search URL: {source.url} "
                             "(expected https://bsky.app/profile/HANDLE or "
                             "https://bsky.app/search?q=QUERY)")
        state = load_cursor(source.cursor)
        replies = bool(source.settings.get("replies", False))
        reposts = bool(source.settings.get("reposts", source.settings.get("boosts", False)))
        api = source.settings.get("api_url")
        if target.query:
            base = str(api or SEARCH_APPVIEW).rstrip("/")
            posts, newest = await self._search(fetcher, base, target.query, state.get("latest"))
            items = [post_item(p) for p in posts if replies or not _is_reply(p)]
            cursor = {"latest": newest or state.get("latest")}
            return Polled("ok", items, f"Bluesky search: {target.query}",
                          cursor=json.dumps(cursor))
        base = str(api or PUBLIC_APPVIEW).rstrip("/")
        entries = await self._author_feed(fetcher, base, target.actor, state,
                                          "posts_with_replies" if replies else "posts_no_replies")
        items, newest, title, did = [], state.get("latest"), None, state.get("did")
        for e in entries:
            post, reason = e["post"], e.get("reason") or {}
            sort_at = str(reason.get("indexedAt") or post.get("indexedAt") or "")
            if newest is None or sort_at > newest:
                newest = sort_at
            if reason.get("$type") == _PIN:
                continue
            is_repost = reason.get("$type") == _REPOST
            if (is_repost and not reposts) or (_is_reply(post) and not replies):
                continue
            items.append(post_item(post))
            author = post.get("author") or {}
            if not is_repost and isinstance(author, dict):
                title, did = f"{author_of(author)} on Bluesky", author.get("did") or did
        return Polled("ok", items, title, cursor=json.dumps({"did": did, "latest": newest}))

    async def _get(self, fetcher: Fetcher, url: str, params: dict[str, str]) -> Any:
        data, _ = await gated_json(self.gate, fetcher, url, params=params)
        if not isinstance(data, dict):
            raise FetchError("parse", f"expected a JSON object from {url}")
        return data

    async def _author_feed(self, fetcher: Fetcher, base: str, actor: str,
                           state: dict[str, Any], filter_: str) -> list[dict[str, Any]]:
        url = f"{base}/xrpc/app.bsky.feed.getAuthorFeed"
        latest = state.get("latest")
        params = {"actor": actor, "limit": str(PAGE), "filter": filter_}
        out: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES if latest else 1):
            try:
                data = await self._get(fetcher, url, params)
            except FetchError as e:
                raise await self._explain(fetcher, base, actor, state.get("did"), e) from None
            feed = data.get("feed")
            if not isinstance(feed, list):
                raise FetchError("parse", f"no 'feed' list in getAuthorFeed answer for {actor}")
            page = [x for x in feed if isinstance(x, dict) and isinstance(x.get("post"), dict)]
            for x in page:
                self._check_visible(x["post"], actor)
            fresh = [x for x in page
                     if latest is None or str((x.get("reason") or {}).get("indexedAt")
                                              or x["post"].get("indexedAt") or "") > latest]
            out.extend(fresh)
            nxt = data.get("cursor")
            # Stop at the first page that reaches back to what we saw, or at the end.
            if not nxt or len(fresh) < len(page) or len(page) == 0:
                break
            params["cursor"] = str(nxt)
        return out

    @staticmethod
    def _check_visible(post: dict[str, Any], actor: str) -> None:
        author = post.get("author") or {}
        labels = author.get("labels") if isinstance(author, dict) else None
        for lab in labels or []:
            if isinstance(lab, dict) and lab.get("val") == "!no-unauthenticated":
                raise FetchError("private", f"@{actor} hides their posts from logged-out "
                                 "viewers; they cannot be followed without signing in")

    async def _explain(self, fetcher: Fetcher, base: str, actor: str, did: str | None,
                       err: FetchError) -> FetchError:
        """Turn the AppView's 400 into 'deleted' or 'renamed' (the DID survives a rename)."""
        if err.status in (401, 403):
            return FetchError("private", f"the AppView at {base} refuses @{actor} without "
                              "signing in", status=err.status)
        if err.status != 400:
            return err
        if did and did != actor:
            try:
                prof = await self._get(fetcher, f"{base}/xrpc/app.bsky.actor.getProfile",
                                       {"actor": did})
            except FetchError:
                prof = None
            handle = str(prof.get("handle") or "") if prof else ""
            if handle and handle.lower() != actor:
                return FetchError("renamed", f"Bluesky handle @{actor} was renamed to "
                                  f"@{handle} ({did}): update the source URL to "
                                  f"https://bsky.app/profile/{handle}", status=400)
        return FetchError("not_found", f"Bluesky account @{actor} not found (deleted, "
                          "deactivated, or the handle changed)", status=400)

    async def _search(self, fetcher: Fetcher, base: str, query: str,
                      latest: str | None) -> tuple[list[dict[str, Any]], str | None]:
        url = f"{base}/xrpc/app.bsky.feed.searchPosts"
        params = {"q": query, "sort": "latest", "limit": str(PAGE)}
        if latest:
            params["since"] = latest
        try:
            # No cursor paging: the AppView refuses `cursor` on unauthenticated search.
            data = await self._get(fetcher, url, params)
        except FetchError as e:
            if e.status == 403:
                raise FetchError("forbidden", f"{base} refuses unauthenticated post search "
                                 "(HTTP 403); set api_url to an AppView that allows it",
                                 status=403) from None
            raise
        posts = data.get("posts")
        if not isinstance(posts, list):
            raise FetchError("parse", f"no 'posts' list in searchPosts answer for {query!r}")
        posts = [p for p in posts if isinstance(p, dict) and p.get("uri")]
        fresh = [p for p in posts if latest is None or str(p.get("indexedAt") or "") > latest]
        newest = max((str(p.get("indexedAt") or "") for p in posts), default=None) or None
        return fresh, newest
