"""Fetching with one shared aiohttp session: conditional GET, caps, redirects, SSRF guard."""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import aiohttp
from multidict import CIMultiDictProxy

from bot.config import PollingConfig
from bot.netguard import UnsafeURL, check_url, resolver


class FetchError(Exception):
    """A fetch that failed, with a short kind ('http', 'timeout', 'too_large'...)."""

    def __init__(self, kind: str, message: str, retry_after: float | None = None,
                 status: int | None = None, headers: dict[str, str] | None = None,
                 body: bytes = b"") -> None:
        super().__init__(message)
        self.kind = kind
        self.retry_after = retry_after
        self.status = status
        self.headers = headers or {}  # of an HTTP error: APIs put their rate limits here
        self.body = body  # the first bytes of an error body: APIs explain themselves there


@dataclass(slots=True)
class FetchResult:
    """What a fetch brought back; `body` is empty when not modified or unchanged."""

    url: str
    status: str  # "ok" | "not_modified" | "unchanged"
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    max_age: float | None = None  # Cache-Control max-age, seconds
    headers: dict[str, str] = field(default_factory=dict)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


_MAX_AGE = re.compile(r"max-age\s*=\s*(\d+)", re.I)


def parse_max_age(value: str | None) -> float | None:
    """max-age from Cache-Control (no-store/no-cache mean nothing to honour)."""
    if not value:
        return None
    m = _MAX_AGE.search(value)
    return float(m.group(1)) if m else None


def is_local(url: str) -> bool:
    """True for file:// URLs and plain paths (how bundled samples load)."""
    return url.startswith("file://") or "://" not in url


def local_path(url: str) -> Path:
    """The filesystem path of a file:// URL or plain path."""
    if url.startswith("file://"):
        return Path(unquote(urlsplit(url).path))
    return Path(url).expanduser()


class Fetcher:
    """One shared HTTP session for every source; use as an async context manager."""

    def __init__(self, polling: PollingConfig) -> None:
        self.cfg = polling
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        connector = aiohttp.TCPConnector(
            limit=self.cfg.max_concurrency,
            limit_per_host=self.cfg.per_host_concurrency,
            resolver=resolver(self.cfg.allow_private),
            ttl_dns_cache=300,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self.cfg.timeout, sock_connect=self.cfg.timeout),
            headers={"User-Agent": self.cfg.user_agent},
            # Cookies are per-site state a feed poller has no use for.
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        """The shared session (only inside `async with`)."""
        if self._session is None:
            raise RuntimeError("Fetcher used outside 'async with'")
        return self._session

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None,
                    body_hash: str | None = None,
                    headers: dict[str, str] | None = None) -> FetchResult:
        """GET a URL (or read a local file) with validators; raise FetchError on failure."""
        if is_local(url):
            return await self._read_file(url, body_hash)
        req_headers = {"Accept": "application/rss+xml, application/atom+xml, "
                       "application/feed+json, application/json;q=0.9, "
                       "application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5",
                       "Accept-Encoding": "gzip, deflate"}
        if etag:
            req_headers["If-None-Match"] = etag
        if last_modified:
            req_headers["If-Modified-Since"] = last_modified
        req_headers.update(headers or {})
        current = url
        seen = {url}
        for _hop in range(self.cfg.max_redirects + 1):
            try:
                check_url(current, self.cfg.allow_private)
            except UnsafeURL as e:
                raise FetchError("unsafe_url", str(e)) from None
            try:
                async with self.session.get(current, headers=req_headers,
                                            allow_redirects=False) as resp:
                    if resp.status in (301, 302, 303, 307, 308):
                        loc = resp.headers.get("Location")
                        if not loc:
                            raise FetchError("http", f"HTTP {resp.status} without Location",
                                             status=resp.status)
                        nxt = urljoin(current, loc)
                        if nxt in seen:
                            raise FetchError("redirect_loop", f"redirect loop at {nxt}",
                                             status=resp.status)
                        seen.add(nxt)
                        current = nxt
                        continue
                    return await self._finish(current, resp, body_hash)
            except FetchError:
                raise
            except TimeoutError:
                raise FetchError("timeout", f"timed out after {self.cfg.timeout:g}s") from None
            except aiohttp.ClientResponseError as e:
                raise FetchError("http", f"bad response: {e.message}", status=e.status) from None
            except (aiohttp.ClientError, OSError) as e:
                raise FetchError("network", _describe(e)) from None
        raise FetchError("redirect_loop", f"more than {self.cfg.max_redirects} redirects")

    async def _finish(self, url: str, resp: aiohttp.ClientResponse,
                      body_hash: str | None) -> FetchResult:
        h = resp.headers
        if resp.status == 304:
            return FetchResult(url, "not_modified", etag=h.get("ETag"),
                               last_modified=h.get("Last-Modified"),
                               max_age=parse_max_age(h.get("Cache-Control")), headers=_hdrs(h))
        if resp.status >= 400:
            retry = parse_retry_after(h.get("Retry-After"))
            raise FetchError("http", f"HTTP {resp.status} {resp.reason or ''}".strip(),
                             retry_after=retry, status=resp.status, headers=_hdrs(h),
                             body=await resp.content.read(2048))
        if resp.status != 200:
            raise FetchError("http", f"unexpected HTTP {resp.status}", status=resp.status)
        cap = self.cfg.max_body_bytes
        declared = resp.content_length
        if declared is not None and declared > cap and not h.get("Content-Encoding"):
            raise FetchError("too_large", f"body of {declared} bytes is over the "
                             f"{cap}-byte cap")
        chunks, total = [], 0
        # aiohttp decompresses as it streams, so this caps the decompressed size (gzip bombs).
        async for chunk in resp.content.iter_chunked(65536):
            total += len(chunk)
            if total > cap:
                raise FetchError("too_large", f"body is over the {cap}-byte cap "
                                 "(after decompression)")
            chunks.append(chunk)
        body = b"".join(chunks)
        digest = hashlib.sha256(body).hexdigest()
        result = FetchResult(url, "ok", body, h.get("Content-Type", ""), h.get("ETag"),
                             h.get("Last-Modified"), digest,
                             parse_max_age(h.get("Cache-Control")), _hdrs(h))
        if body_hash and digest == body_hash:
            result.status = "unchanged"
            result.body = b""
        return result

    async def _read_file(self, url: str, body_hash: str | None) -> FetchResult:
        path = local_path(url)
        cap = self.cfg.max_body_bytes

        def read() -> bytes:
            with path.open("rb") as f:
                data = f.read(cap + 1)
            return data

        try:
            body = await asyncio.to_thread(read)
        except OSError as e:
            raise FetchError("file", f"cannot read {path}: {e.strerror or e}") from None
        if len(body) > cap:
            raise FetchError("too_large", f"file is over the {cap}-byte cap")
        digest = hashlib.sha256(body).hexdigest()
        if body_hash and digest == body_hash:
            return FetchResult(url, "unchanged", body_hash=digest)
        return FetchResult(url, "ok", body, "", body_hash=digest)

    async def get_json(self, url: str, headers: dict[str, str] | None = None,
                       params: dict[str, str] | None = None) -> tuple[Any, dict[str, str]]:
        """GET a JSON API (same guard, cap and errors as feeds); returns (data, headers)."""
        import json

        if params:
            from urllib.parse import urlencode

            url = f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
        res = await self.fetch(url, headers={"Accept": "application/json", **(headers or {})})
        try:
            return json.loads(res.body), res.headers
        except ValueError as e:
            raise FetchError("parse", f"malformed JSON from {url}: {e}") from None


def _hdrs(h: CIMultiDictProxy[str]) -> dict[str, str]:
    return {k.lower(): v for k, v in h.items()}


def _describe(e: BaseException) -> str:
    text = str(e) or type(e).__name__
    return text.splitlines()[0][:300]
