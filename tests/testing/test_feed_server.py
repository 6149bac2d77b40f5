"""FeedServer answers like a real feed host: conditional GET, gzip, redirects, delays."""

from __future__ import annotations

import asyncio
import gzip
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import feedparser
import pytest

from bot.testing.feed_server import Feed, FeedServer, Fixed, Redirect
from bot.testing.feeds import FeedEntry, gzip_bomb, rss

BODY = rss([FeedEntry(title="Acme raises $10M", link="https://example.com/a")])


@pytest.mark.asyncio
async def test_serves_feed_and_counts_hits() -> None:
    async with FeedServer() as srv, aiohttp.ClientSession() as http:
        assert srv.base_url.startswith("http://127.0.0.1:") and srv.port > 0
        srv.set_feed("/feed.xml", BODY)
        async with http.get(srv.url("/feed.xml")) as r:
            assert r.status == 200
            assert r.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
            text = await r.text()
        assert feedparser.parse(text).entries[0].title == "Acme raises $10M"
        async with http.get(srv.url("/missing")) as r:
            assert r.status == 404
        assert srv.hits["/feed.xml"] == 1 and srv.hits["/missing"] == 1
        assert [p for p, _ in srv.requests] == ["/feed.xml", "/missing"]
        assert "Host" in srv.requests[0][1]


@pytest.mark.asyncio
async def test_etag_and_last_modified_give_304() -> None:
    async with FeedServer() as srv, aiohttp.ClientSession() as http:
        srv.set_feed("/f", BODY)
        async with http.get(srv.url("/f")) as r:
            etag, lm = r.headers["ETag"], r.headers["Last-Modified"]
        async with http.get(srv.url("/f"), headers={"If-None-Match": etag}) as r:
            assert r.status == 304
            assert await r.read() == b""
            assert r.headers["ETag"] == etag
        async with http.get(srv.url("/f"), headers={"If-None-Match": '"other"'}) as r:
            assert r.status == 200
        async with http.get(srv.url("/f"), headers={"If-Modified-Since": lm}) as r:
            assert r.status == 304
        old = format_datetime(datetime.now(UTC) - timedelta(days=1), usegmt=True)
        async with http.get(srv.url("/f"), headers={"If-Modified-Since": old}) as r:
            assert r.status == 200
        # a changed body gets a new ETag and a later Last-Modified at once
        srv.set_feed("/f", BODY + "<!-- v2 -->")
        async with http.get(srv.url("/f"), headers={"If-None-Match": etag}) as r:
            assert r.status == 200 and r.headers["ETag"] != etag
        async with http.get(srv.url("/f"), headers={"If-Modified-Since": lm}) as r:
            assert r.status == 200
        assert srv.requests[1][1]["If-None-Match"] == etag


@pytest.mark.asyncio
async def test_validators_can_be_disabled() -> None:
    async with FeedServer() as srv, aiohttp.ClientSession() as http:
        srv.set_feed("/f", BODY, etag=False, last_modified=False, headers={"X-Test": "1"})
        async with http.get(srv.url("/f"), headers={"If-None-Match": "*"}) as r:
            assert r.status == 200
            assert "ETag" not in r.headers and "Last-Modified" not in r.headers
            assert r.headers["X-Test"] == "1"


@pytest.mark.asyncio
async def test_gzip_on_request_only() -> None:
    async with FeedServer() as srv, aiohttp.ClientSession(auto_decompress=False) as http:
        srv.set_feed("/f", BODY)
        async with http.get(srv.url("/f"), headers={"Accept-Encoding": "gzip"}) as r:
            assert r.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(await r.read()).decode() == BODY
        async with http.get(srv.url("/f"), headers={"Accept-Encoding": "identity"}) as r:
            assert "Content-Encoding" not in r.headers
            assert (await r.read()).decode() == BODY
    # and a normal client (which asks for gzip) sees the plain text
    async with FeedServer() as srv, aiohttp.ClientSession() as http:
        srv.set_feed("/f", BODY)
        async with http.get(srv.url("/f")) as r:
            assert await r.text() == BODY


@pytest.mark.asyncio
async def test_raw_gzip_bomb_is_sent_compressed() -> None:
    bomb = gzip_bomb(10 * 1024 * 1024)
    async with FeedServer() as srv, aiohttp.ClientSession(auto_decompress=False) as http:
        srv.set_raw_gzip("/bomb", bomb)
        async with http.get(srv.url("/bomb"), headers={"Accept-Encoding": "identity"}) as r:
            assert r.headers["Content-Encoding"] == "gzip"
            assert await r.read() == bomb


@pytest.mark.asyncio
async def test_redirects_and_loops() -> None:
    async with FeedServer() as srv, aiohttp.ClientSession() as http:
        srv.set_feed("/new", BODY)
        srv.set_redirect("/old", "/new", status=301)
        async with http.get(srv.url("/old")) as r:
            assert r.status == 200 and str(r.url) == srv.url("/new")
            assert r.history[0].status == 301
        srv.set_redirect("/abs", srv.url("/new"))
        async with http.get(srv.url("/abs"), allow_redirects=False) as r:
            assert r.status == 302 and r.headers["Location"] == srv.url("/new")
        srv.set_redirect("/a", "/b")
        srv.set_redirect("/b", "/a")
        with pytest.raises(aiohttp.TooManyRedirects):
            async with http.get(srv.url("/a"), max_redirects=5):
                pass
        assert srv.hits["/a"] >= 2 and srv.hits["/b"] >= 2


@pytest.mark.asyncio
async def test_delay_triggers_client_timeout() -> None:
    async with FeedServer() as srv, aiohttp.ClientSession() as http:
        srv.set_feed("/slow", BODY)
        srv.set_delay("/slow", 2.0)
        loop = asyncio.get_running_loop()
        start = loop.time()
        with pytest.raises(asyncio.TimeoutError):
            async with http.get(srv.url("/slow"), timeout=aiohttp.ClientTimeout(total=0.2)):
                pass
        assert loop.time() - start < 1.5
        srv.set_delay("/slow", 0.05)
        async with http.get(srv.url("/slow")) as r:
            assert r.status == 200


@pytest.mark.asyncio
async def test_fixed_responses() -> None:
    async with FeedServer() as srv, aiohttp.ClientSession() as http:
        srv.set_response("/busy", 429, headers={"Retry-After": "120"})
        srv.set_response("/html", 200, "<!doctype html><html><body>Login</body></html>")
        srv.set_response("/err", 500, b"boom")
        async with http.get(srv.url("/busy")) as r:
            assert r.status == 429 and r.headers["Retry-After"] == "120"
        async with http.get(srv.url("/html")) as r:
            assert r.headers["Content-Type"].startswith("text/html")
        async with http.get(srv.url("/err")) as r:
            assert r.status == 500 and await r.read() == b"boom"


@pytest.mark.asyncio
async def test_sequence_then_last_repeats() -> None:
    async with FeedServer() as srv, aiohttp.ClientSession() as http:
        srv.set_feed("/target", BODY)
        srv.set_sequence(
            "/f",
            [Fixed(500), Fixed(429, headers={"Retry-After": "1"}), Redirect("/target"),
             Feed(BODY.encode())],
        )
        statuses = []
        for _ in range(5):
            async with http.get(srv.url("/f"), allow_redirects=False) as r:
                statuses.append(r.status)
        assert statuses == [500, 429, 302, 200, 200]
        # setting a plain reply replaces the sequence
        srv.set_response("/f", 410)
        async with http.get(srv.url("/f")) as r:
            assert r.status == 410
        with pytest.raises(ValueError):
            srv.set_sequence("/f", [])


@pytest.mark.asyncio
async def test_close_releases_port() -> None:
    srv = FeedServer()
    await srv.start()
    url = srv.url("/x")
    await srv.close()
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.ClientConnectionError):
            async with http.get(url):
                pass
