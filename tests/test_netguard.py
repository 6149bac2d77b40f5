"""The SSRF guard: addresses inside the network are refused, at every hop."""

from __future__ import annotations

import pytest

from bot.config import PollingConfig
from bot.fetch import Fetcher, FetchError
from bot.netguard import GuardedResolver, UnsafeURL, check_url, is_public
from bot.testing.feed_server import FeedServer


@pytest.mark.parametrize("addr", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1",
                                  "169.254.169.254", "224.0.0.1", "0.0.0.0", "::1", "fe80::1",
                                  "::ffff:127.0.0.1", "fd00::1", "100.64.0.1"])
def test_inside_addresses_are_not_public(addr: str) -> None:
    assert not is_public(addr)


@pytest.mark.parametrize("addr", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_internet_addresses_are_public(addr: str) -> None:
    assert is_public(addr)


@pytest.mark.parametrize("url,why", [
    ("http://127.0.0.1/feed", "private address 127.0.0.1"),
    ("http://[::1]:8080/", "private address ::1"),
    ("http://169.254.169.254/latest/meta-data/", "private address"),
    ("http://localhost:5432/", "localhost"),
    ("http://api.localhost/", "localhost"),
    ("file:///etc/passwd", "only http and https"),
    ("gopher://example.com/", "only http and https"),
    ("http:///nohost", "no host"),
])
def test_check_url_refuses(url: str, why: str) -> None:
    with pytest.raises(UnsafeURL, match=why):
        check_url(url, allow_private=False)


def test_allow_private_lets_loopback_through_but_not_other_schemes() -> None:
    check_url("http://127.0.0.1:8080/feed", allow_private=True)
    with pytest.raises(UnsafeURL):
        check_url("file:///etc/passwd", allow_private=True)


async def test_a_name_resolving_inside_the_network_is_refused_at_connect_time() -> None:
    resolver = GuardedResolver()
    try:
        with pytest.raises(OSError, match="non-public address"):
            await resolver.resolve("localhost", 80)
    finally:
        await resolver.close()


async def test_every_redirect_hop_is_checked() -> None:
    async with FeedServer() as srv, Fetcher(PollingConfig(allow_private=True)) as f:
        srv.set_redirect("/r", "file:///etc/passwd")
        with pytest.raises(FetchError) as e:
            await f.fetch(srv.url("/r"))
        assert e.value.kind == "unsafe_url" and "only http and https" in str(e.value)
        assert srv.hits["/r"] == 1


async def test_too_many_redirects() -> None:
    async with FeedServer() as srv, Fetcher(PollingConfig(allow_private=True,
                                                         max_redirects=2)) as f:
        for i in range(5):
            srv.set_redirect(f"/r{i}", f"/r{i + 1}")
        with pytest.raises(FetchError, match="more than 2 redirects"):
            await f.fetch(srv.url("/r0"))
