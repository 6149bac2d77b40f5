"""A real HTTP feed server on 127.0.0.1 for tests and benchmarks (aiohttp.web, random port).

Usage::

    async with FeedServer() as srv:
        srv.set_feed("/feed.xml", rss([...]))
        await poll(srv.url("/feed.xml"))
        assert srv.hits["/feed.xml"] == 1
"""

from __future__ import annotations

import asyncio
import collections
import gzip
import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from types import TracebackType

from aiohttp import web

from bot.testing.loopback import serve

__all__ = ["Feed", "FeedServer", "Fixed", "RawGzip", "Redirect", "Reply"]


def _as_bytes(body: str | bytes) -> bytes:
    """Encode str bodies as UTF-8."""
    return body.encode("utf-8") if isinstance(body, str) else body


@dataclass(frozen=True)
class Feed:
    """A feed document, served with validators (ETag / Last-Modified) and optional gzip."""

    body: bytes
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: bool = True
    last_modified: bool = True
    headers: dict[str, str] = field(default_factory=dict)
    # Fixed when the reply is built, so repeated polls see a stable Last-Modified.
    modified_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    @property
    def etag_value(self) -> str:
        """Strong ETag derived from the body hash."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'

    @property
    def last_modified_value(self) -> str:
        """Last-Modified as an HTTP date."""
        return format_datetime(self.modified_at, usegmt=True)


@dataclass(frozen=True)
class Fixed:
    """A fixed reply: any status, body and headers (500, 429 + Retry-After, an HTML page...)."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Redirect:
    """A redirect to a path on this server or an absolute URL."""

    to: str
    status: int = 302


@dataclass(frozen=True)
class RawGzip:
    """Pre-compressed bytes sent with Content-Encoding: gzip whatever the client asked for."""

    compressed: bytes
    content_type: str = "application/rss+xml"


Reply = Feed | Fixed | Redirect | RawGzip


def _accepts_gzip(header: str) -> bool:
    """True if an Accept-Encoding header allows gzip (q=0 forbids it)."""
    for part in header.split(","):
        token, _, params = part.strip().partition(";")
        if token.strip().lower() in ("gzip", "x-gzip", "*"):
            q = params.strip().lower()
            if q.startswith("q="):
                try:
                    return float(q[2:]) > 0
                except ValueError:
                    return False
            return True
    return False


def _etag_matches(header: str, etag: str) -> bool:
    """Weak comparison of If-None-Match against our ETag, as RFC 9110 asks for GET."""
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in header.split(","))


def _not_modified_since(header: str, modified_at: datetime) -> bool:
    """True if If-Modified-Since is at or after the feed's modification time."""
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False  # unparsable dates are ignored, per RFC 9110
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return since >= modified_at


class FeedServer:
    """HTTP server on 127.0.0.1 with a random port serving scripted replies per path.

    Routes match the request path (query string ignored, unless a route was set for
    the exact path-with-query). Unknown paths answer 404.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        """Create a stopped server; use `async with` or `start()`/`close()`."""
        self._host = host
        self._routes: dict[str, Reply] = {}
        self._sequences: dict[str, collections.deque[Reply]] = {}
        self._delays: dict[str, float] = {}
        self._runner: web.AppRunner | None = None
        self.base_url: str = ""
        self.hits: collections.Counter[str] = collections.Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Bind to a free port and start serving."""
        if self._runner is not None:
            return
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner, host, port = await serve(app, self._host)
        self.base_url = f"http://{host}:{port}"

    async def close(self) -> None:
        """Stop serving and release the port."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> FeedServer:
        """Start the server."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server."""
        await self.close()

    @property
    def port(self) -> int:
        """The bound TCP port (0 before start)."""
        return int(self.base_url.rsplit(":", 1)[1]) if self.base_url else 0

    def url(self, path: str) -> str:
        """Absolute URL for `path` on this server."""
        if not self.base_url:
            raise RuntimeError("FeedServer is not started")
        return self.base_url + (path if path.startswith("/") else "/" + path)

    # ------------------------------------------------------------------ scripting
    def _set(self, path: str, reply: Reply) -> None:
        """Install a reply for `path`, replacing any reply or sequence there."""
        self._sequences.pop(path, None)
        self._routes[path] = reply

    def set_feed(
        self,
        path: str,
        body: str | bytes,
        content_type: str = "application/rss+xml; charset=utf-8",
        etag: bool = True,
        last_modified: bool = True,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve `body` at `path` with ETag / Last-Modified (304 on match) and gzip on request."""
        feed = Feed(_as_bytes(body), content_type, etag, last_modified, dict(headers or {}))
        old = self._routes.get(path)
        if isinstance(old, Feed) and old.body != feed.body and feed.modified_at <= old.modified_at:
            # HTTP dates have 1 s resolution: a body changed within the same second must
            # still look newer, or If-Modified-Since would wrongly answer 304.
            feed = replace(feed, modified_at=old.modified_at + timedelta(seconds=1))
        self._set(path, feed)

    def set_response(
        self,
        path: str,
        status: int,
        body: bytes | str = b"",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer `path` with a fixed status, body and headers."""
        self._set(path, Fixed(status, _as_bytes(body), dict(headers or {})))

    def set_redirect(self, path: str, to: str, status: int = 302) -> None:
        """Redirect `path` to another path here or an absolute URL (two paths make a loop)."""
        self._set(path, Redirect(to, status))

    def set_delay(self, path: str, seconds: float) -> None:
        """Sleep `seconds` before answering `path` (0 removes the delay)."""
        if seconds > 0:
            self._delays[path] = seconds
        else:
            self._delays.pop(path, None)

    def set_raw_gzip(
        self, path: str, compressed: bytes, content_type: str = "application/rss+xml"
    ) -> None:
        """Send `compressed` as-is with Content-Encoding: gzip (e.g. a gzip bomb)."""
        self._set(path, RawGzip(compressed, content_type))

    def set_sequence(self, path: str, responses: list[Reply]) -> None:
        """Answer successive requests with `responses` in order; the last one then repeats."""
        if not responses:
            raise ValueError("responses must not be empty")
        self._routes.pop(path, None)
        self._sequences[path] = collections.deque(responses)

    def clear(self, path: str | None = None) -> None:
        """Forget the routes, delays and counters (of one path, or all)."""
        if path is None:
            self._routes.clear()
            self._sequences.clear()
            self._delays.clear()
            self.hits.clear()
            self.requests.clear()
            return
        self._routes.pop(path, None)
        self._sequences.pop(path, None)
        self._delays.pop(path, None)
        del self.hits[path]
        self.requests[:] = [r for r in self.requests if r[0] != path]

    # ------------------------------------------------------------------ serving
    def _lookup(self, key: str) -> Reply | None:
        """The reply for one route key, advancing a sequence if there is one."""
        seq = self._sequences.get(key)
        if seq is not None:
            return seq.popleft() if len(seq) > 1 else seq[0]
        return self._routes.get(key)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        """Record the request, apply any delay, then build the scripted reply."""
        path = request.path
        self.hits[path] += 1
        self.requests.append((path, dict(request.headers)))
        exact = request.path_qs in self._routes or request.path_qs in self._sequences
        key = request.path_qs if exact else path
        delay = self._delays.get(key, self._delays.get(path, 0.0))
        if delay:
            await asyncio.sleep(delay)
        reply = self._lookup(key)
        if reply is None:
            return web.Response(status=404, text="not found")
        if isinstance(reply, Feed):
            return self._feed_response(request, reply)
        if isinstance(reply, Fixed):
            return self._fixed_response(reply)
        if isinstance(reply, Redirect):
            location = self.url(reply.to) if reply.to.startswith("/") else reply.to
            return web.Response(status=reply.status, headers={"Location": location})
        return web.Response(
            body=reply.compressed,
            headers={"Content-Type": reply.content_type, "Content-Encoding": "gzip"},
        )

    @staticmethod
    def _fixed_response(reply: Fixed) -> web.Response:
        """A fixed reply; a body that looks like markup defaults to text/html."""
        headers = dict(reply.headers)
        if reply.body and not any(k.lower() == "content-type" for k in headers):
            looks_html = reply.body.lstrip()[:1] == b"<"
            headers["Content-Type"] = (
                "text/html; charset=utf-8" if looks_html else "text/plain; charset=utf-8"
            )
        return web.Response(status=reply.status, body=reply.body, headers=headers)

    @staticmethod
    def _feed_response(request: web.Request, feed: Feed) -> web.Response:
        """Serve a feed, honouring conditional GET and Accept-Encoding: gzip."""
        validators: dict[str, str] = {}
        if feed.etag:
            validators["ETag"] = feed.etag_value
        if feed.last_modified:
            validators["Last-Modified"] = feed.last_modified_value
        inm = request.headers.get("If-None-Match")
        ims = request.headers.get("If-Modified-Since")
        # If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2).
        if inm is not None and feed.etag:
            fresh = _etag_matches(inm, feed.etag_value)
        elif inm is None and ims is not None and feed.last_modified:
            fresh = _not_modified_since(ims, feed.modified_at)
        else:
            fresh = False
        headers = {**validators, **feed.headers}
        if fresh:
            return web.Response(status=304, headers=headers)
        body = feed.body
        headers["Content-Type"] = feed.content_type
        headers["Vary"] = "Accept-Encoding"
        if _accepts_gzip(request.headers.get("Accept-Encoding", "")):
            # Compressed on the fly; the ETag stays the body's, like most CDNs do.
            body = gzip.compress(body, compresslevel=6, mtime=0)
            headers["Content-Encoding"] = "gzip"
        return web.Response(body=body, headers=headers)
