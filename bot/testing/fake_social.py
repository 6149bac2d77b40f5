"""Fake Mastodon, Bluesky AppView, Reddit and Algolia HN APIs on 127.0.0.1 (aiohttp.web).

The fake keeps posts in memory and answers like the real endpoints: since_id/max_id,
cursors, `after`, numericFilters, the APIs' rate-limit headers, and their error shapes.
Tests seed it from recorded-shape fixtures and script failures with `fail()`::

    async with FakeSocial() as api:
        api.add_mastodon_account(account, statuses)
        api.fail("/api/v1/accounts/lookup", 429, headers={"Retry-After": "30"})
"""

from __future__ import annotations

import collections
import json
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.testing.feed_server import Fixed
from bot.testing.loopback import serve

__all__ = ["FakeSocial"]

Json = dict[str, Any]


def _order(status_id: str) -> tuple[int, str]:
    return (len(status_id), status_id)


def _words(text: str) -> list[str]:
    return text.replace('"', " ").lower().split()


class FakeSocial:
    """One server speaking all four APIs; start two for two hosts."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        """A stopped server with no data; use `async with`."""
        self._host = host
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        # Mastodon: acct (lower-case) -> Account; account id -> statuses, newest first.
        self.accounts: dict[str, Json] = {}
        self.statuses: dict[str, list[Json]] = {}
        self.tags: dict[str, list[Json]] = {}
        # Bluesky: handle and DID -> ProfileView; DID -> FeedViewPost list, newest first.
        self.profiles: dict[str, Json] = {}
        self.author_feeds: dict[str, list[Json]] = {}
        self.search_posts: list[Json] = []
        # Reddit: subreddit (lower-case) -> t3 things, newest first; or a forced error.
        self.subreddits: dict[str, list[Json]] = {}
        self.subreddit_errors: dict[str, tuple[int, Json]] = {}
        self.unknown_subreddit: Json = {"kind": "Listing", "data": {"children": []}}
        # Algolia HN: story hits, any order.
        self.hn_hits: list[Json] = []
        self.hn_template: Json = {}
        self.extra_headers: dict[str, str] = {}  # added to every answer (rate-limit scripting)
        self.rate_limit_headers = True  # the APIs' own quota headers (off for benchmarks)
        self._scripted: dict[str, collections.deque[Fixed]] = {}
        self.hits: collections.Counter[str] = collections.Counter()
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []

    # ------------------------------------------------------------------ lifecycle
    async def __aenter__(self) -> FakeSocial:
        """Bind a random port on 127.0.0.1 and serve."""
        app = web.Application(middlewares=[self._middleware])
        r = app.router
        r.add_get("/api/v1/accounts/lookup", self._m_lookup)
        r.add_get("/api/v1/accounts/{id}/statuses", self._m_statuses)
        r.add_get("/api/v1/timelines/tag/{tag}", self._m_tag)
        r.add_get("/xrpc/app.bsky.feed.getAuthorFeed", self._b_author_feed)
        r.add_get("/xrpc/app.bsky.actor.getProfile", self._b_profile)
        r.add_get("/xrpc/app.bsky.feed.searchPosts", self._b_search)
        r.add_get("/r/{sub}/new.json", self._r_new)
        r.add_get("/r/{sub}/search.json", self._r_search)
        r.add_get("/search.json", self._r_search)
        r.add_get("/subreddits/search.json", self._r_subreddit_search)
        r.add_get("/api/v1/search_by_date", self._hn_search)
        self._runner, host, port = await serve(app, self._host)
        self.base_url = f"http://{host}:{port}"
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        """Stop serving."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    # ------------------------------------------------------------------ seeding
    def add_mastodon_account(self, account: Json, statuses: Iterable[Json] = ()) -> None:
        """Serve an account (looked up by its acct) and its statuses."""
        self.accounts[str(account["acct"]).lower()] = account
        self.statuses.setdefault(str(account["id"]), [])
        self.post_mastodon(str(account["id"]), *statuses)

    def post_mastodon(self, account_id: str, *statuses: Json) -> None:
        """Add statuses to an account's timeline (kept newest first)."""
        tl = self.statuses.setdefault(account_id, [])
        tl.extend(statuses)
        tl.sort(key=lambda s: _order(str(s["id"])), reverse=True)

    def add_bluesky_account(self, profile: Json, feed: Iterable[Json] = ()) -> None:
        """Serve a profile (by handle and DID) and its author feed."""
        self.profiles[str(profile["handle"]).lower()] = profile
        self.profiles[str(profile["did"])] = profile
        self.author_feeds.setdefault(str(profile["did"]), [])
        self.post_bluesky(str(profile["did"]), *feed)

    def post_bluesky(self, did: str, *entries: Json) -> None:
        """Add FeedViewPosts to an author feed (kept newest first by sort time)."""
        feed = self.author_feeds.setdefault(did, [])
        feed.extend(entries)
        feed.sort(key=self._sort_at, reverse=True)

    def rename_bluesky(self, old_handle: str, new_handle: str) -> None:
        """The account now answers to a new handle; the old one no longer resolves."""
        prof = self.profiles.pop(old_handle.lower())
        prof["handle"] = new_handle
        self.profiles[new_handle.lower()] = prof

    def fail(self, path: str, status: int, body: bytes | str | Json = b"",
             headers: dict[str, str] | None = None, times: int = 1) -> None:
        """Answer the next `times` requests to `path` with this reply instead."""
        if isinstance(body, dict):
            raw = json.dumps(body).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        else:
            raw = body.encode() if isinstance(body, str) else body
        q = self._scripted.setdefault(path, collections.deque())
        q.extend([Fixed(status, raw, dict(headers or {}))] * times)

    def url(self, path: str = "") -> str:
        """Absolute URL on this server."""
        return self.base_url + path

    # ------------------------------------------------------------------ plumbing
    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.hits[request.path] += 1
        self.requests.append((request.path, dict(request.query), dict(request.headers)))
        q = self._scripted.get(request.path)
        if q:
            f = q.popleft()
            return web.Response(status=f.status, body=f.body,
                                headers={**self.extra_headers, **f.headers})
        resp: web.StreamResponse = await handler(request)
        return resp

    def _json(self, data: Any, status: int = 200, headers: dict[str, str] | None = None
              ) -> web.Response:
        if not self.rate_limit_headers:
            headers = {k: v for k, v in (headers or {}).items() if "ratelimit" not in k.lower()}
        return web.Response(status=status, body=json.dumps(data).encode(),
                            content_type="application/json",
                            headers={**(headers or {}), **self.extra_headers})

    # ------------------------------------------------------------------ Mastodon
    def _m_limits(self, path: str) -> dict[str, str]:
        reset = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)
        used = sum(n for p, n in self.hits.items() if p.startswith("/api/v1/a")
                   or p.startswith("/api/v1/t"))
        return {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": str(max(0, 300 - used)),
                "X-RateLimit-Reset": reset.isoformat().replace("+00:00", ".000Z")}

    async def _m_lookup(self, request: web.Request) -> web.Response:
        acct = request.query.get("acct", "").lstrip("@").lower()
        account = self.accounts.get(acct)
        if account is None:
            return self._json({"error": "Record not found"}, 404)
        return self._json(account, headers=self._m_limits(request.path))

    def _m_page(self, request: web.Request, timeline: list[Json]) -> web.Response:
        q = request.query
        limit = min(int(q.get("limit", "20")), 40)
        out = timeline
        if q.get("exclude_replies") == "true":
            out = [s for s in out if not s.get("in_reply_to_id")]
        if q.get("exclude_reblogs") == "true":
            out = [s for s in out if not s.get("reblog")]
        if "since_id" in q:
            out = [s for s in out if _order(str(s["id"])) > _order(q["since_id"])]
        if "max_id" in q:
            out = [s for s in out if _order(str(s["id"])) < _order(q["max_id"])]
        page = out[:limit]
        headers = self._m_limits(request.path)
        if page:
            base = self.url(request.path)
            headers["Link"] = (f'<{base}?max_id={page[-1]["id"]}>; rel="next", '
                               f'<{base}?min_id={page[0]["id"]}>; rel="prev"')
        return self._json(page, headers=headers)

    async def _m_statuses(self, request: web.Request) -> web.Response:
        timeline = self.statuses.get(request.match_info["id"])
        if timeline is None:
            return self._json({"error": "Record not found"}, 404)
        return self._m_page(request, timeline)

    async def _m_tag(self, request: web.Request) -> web.Response:
        return self._m_page(request, self.tags.get(request.match_info["tag"].lower(), []))

    # ------------------------------------------------------------------ Bluesky
    @staticmethod
    def _sort_at(entry: Json) -> str:
        reason = entry.get("reason") or {}
        return str(reason.get("indexedAt") or entry["post"]["indexedAt"])

    def _b_limits(self) -> dict[str, str]:
        used = sum(n for p, n in self.hits.items() if p.startswith("/xrpc/"))
        return {"ratelimit-limit": "3000", "ratelimit-remaining": str(max(0, 3000 - used)),
                "ratelimit-reset": str(int(time.time()) + 300), "ratelimit-policy": "3000;w=300"}

    def _b_error(self, message: str) -> web.Response:
        return self._json({"error": "InvalidRequest", "message": message}, 400)

    async def _b_profile(self, request: web.Request) -> web.Response:
        prof = self.profiles.get(request.query.get("actor", "").lower()) or self.profiles.get(
            request.query.get("actor", ""))
        if prof is None:
            return self._b_error("Profile not found")
        return self._json(prof, headers=self._b_limits())

    async def _b_author_feed(self, request: web.Request) -> web.Response:
        q = request.query
        actor = q.get("actor", "")
        prof = self.profiles.get(actor.lower()) or self.profiles.get(actor)
        if prof is None:
            return self._b_error("Profile not found")
        feed = self.author_feeds.get(str(prof["did"]), [])
        flt = q.get("filter", "posts_with_replies")
        if flt == "posts_no_replies":
            feed = [e for e in feed if not (e["post"].get("record") or {}).get("reply")]
        if "cursor" in q:
            feed = [e for e in feed if self._sort_at(e) < q["cursor"]]
        page = feed[: min(int(q.get("limit", "50")), 100)]
        body: Json = {"feed": page}
        if page:
            body["cursor"] = self._sort_at(page[-1])
        return self._json(body, headers=self._b_limits())

    async def _b_search(self, request: web.Request) -> web.Response:
        q = request.query
        if "cursor" in q:
            # What the public AppView does to unauthenticated paged search.
            return web.Response(status=403, text="Forbidden")
        words = _words(q.get("q", ""))
        hits = [p for p in self.search_posts
                if all(w in str(p["record"].get("text", "")).lower() for w in words)]
        if "since" in q:
            hits = [p for p in hits if str(p["indexedAt"]) >= q["since"]]
        hits.sort(key=lambda p: str(p["indexedAt"]), reverse=True)
        page = hits[: min(int(q.get("limit", "25")), 100)]
        return self._json({"posts": page, "hitsTotal": len(hits)}, headers=self._b_limits())

    # ------------------------------------------------------------------ Reddit
    def _r_limits(self) -> dict[str, str]:
        used = sum(n for p, n in self.hits.items() if p.endswith(".json"))
        return {"x-ratelimit-used": str(used),
                "x-ratelimit-remaining": f"{max(0.0, 100.0 - used):.1f}",
                "x-ratelimit-reset": "420"}

    def _r_listing(self, request: web.Request, things: list[Json]) -> web.Response:
        q = request.query
        limit = min(int(q.get("limit", "25")), 100)
        if "after" in q:
            names = [t["data"]["name"] for t in things]
            start = names.index(q["after"]) + 1 if q["after"] in names else len(things)
            things = things[start:]
        page = things[:limit]
        after = page[-1]["data"]["name"] if len(things) > limit else None
        return self._json({"kind": "Listing", "data": {
            "after": after, "dist": len(page), "modhash": "", "geo_filter": None,
            "children": page, "before": None}}, headers=self._r_limits())

    async def _r_new(self, request: web.Request) -> web.StreamResponse:
        sub = request.match_info["sub"].lower()
        if sub in self.subreddit_errors:
            status, body = self.subreddit_errors[sub]
            return self._json(body, status, headers=self._r_limits())
        if sub not in self.subreddits:
            # Reddit sends an unknown subreddit to a subreddit search.
            raise web.HTTPFound(f"/subreddits/search.json?q={sub}")
        return self._r_listing(request, self.subreddits[sub])

    async def _r_search(self, request: web.Request) -> web.Response:
        words = _words(request.query.get("q", ""))
        sub = request.match_info.get("sub", "").lower()
        pool = self.subreddits.get(sub, []) if sub else [
            t for ts in self.subreddits.values() for t in ts]
        hits = [t for t in pool if all(
            w in (t["data"]["title"] + " " + t["data"].get("selftext", "")).lower()
            for w in words)]
        hits.sort(key=lambda t: float(t["data"]["created_utc"]), reverse=True)
        return self._r_listing(request, hits)

    async def _r_subreddit_search(self, request: web.Request) -> web.Response:
        return self._json(self.unknown_subreddit, headers=self._r_limits())

    # ------------------------------------------------------------------ Algolia HN
    async def _hn_search(self, request: web.Request) -> web.Response:
        q = request.query
        words = _words(q.get("query", ""))
        hits = [h for h in self.hn_hits if all(
            w in " ".join(str(h.get(k) or "") for k in ("title", "story_text", "url")).lower()
            for w in words)]
        if "story" in q.get("tags", ""):
            hits = [h for h in hits if "story" in h.get("_tags", [])]
        for cond in filter(None, q.get("numericFilters", "").split(",")):
            for op in (">=", ">", "<=", "<", "="):
                if op in cond:
                    field_, value = cond.split(op, 1)
                    n = float(value)
                    ok = {">=": float.__ge__, ">": float.__gt__, "<=": float.__le__,
                          "<": float.__lt__, "=": float.__eq__}[op]
                    hits = [h for h in hits if ok(float(h.get(field_.strip(), 0)), n)]
                    break
        hits.sort(key=lambda h: int(h["created_at_i"]), reverse=True)
        per = int(q.get("hitsPerPage", "20"))
        page = int(q.get("page", "0"))
        chunk = hits[page * per:(page + 1) * per]
        pages = (len(hits) + per - 1) // per
        body = {**self.hn_template, "hits": chunk, "nbHits": len(hits), "nbPages": pages,
                "page": page, "hitsPerPage": per, "query": q.get("query", ""),
                "params": request.query_string, "processingTimeMS": 1}
        return self._json(body)
