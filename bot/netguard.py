"""Refuse URLs that reach inside the network: feed URLs come from chat users."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver


class UnsafeURL(Exception):
    """A URL the bot will not fetch (scheme, or an address inside the network)."""


def is_public(address: str) -> bool:
    """True for globally routable unicast addresses; False for loopback, private, etc."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
                or ip.is_reserved or ip.is_unspecified or not ip.is_global)


def check_url(url: str, allow_private: bool) -> None:
    """Raise UnsafeURL for a non-HTTP(S) URL, or an IP literal inside the network."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL(f"{url}: only http and https URLs can be fetched")
    host = parts.hostname
    if not host:
        raise UnsafeURL(f"{url}: no host in URL")
    if allow_private:
        return
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host.lower() == "localhost" or host.lower().endswith(".localhost"):
            raise UnsafeURL(f"{url}: refusing to fetch from localhost "
                            "(set [polling] allow_private = true to allow)") from None
        return  # a name: the resolver checks what it resolves to
    if not is_public(host):
        raise UnsafeURL(f"{url}: refusing to fetch from private address {host} "
                        "(set [polling] allow_private = true to allow)")


class GuardedResolver(AbstractResolver):
    """Resolves names and drops addresses inside the network, at connect time (no rebinding)."""

    def __init__(self, inner: AbstractResolver | None = None) -> None:
        self._inner = inner or DefaultResolver()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        """Resolve, keeping only public addresses; none left is an error."""
        found = await self._inner.resolve(host, port, family)
        public = [r for r in found if is_public(r["host"])]
        if not public:
            addrs = ", ".join(sorted({r["host"] for r in found}))
            raise OSError(f"refusing to connect to {host}: it resolves to non-public "
                          f"address {addrs} (set [polling] allow_private = true to allow)")
        return public

    async def close(self) -> None:
        """Close the wrapped resolver."""
        await self._inner.close()


def resolver(allow_private: bool) -> Any:
    """The resolver for a fetch session: guarded unless private addresses are allowed."""
    return DefaultResolver() if allow_private else GuardedResolver()
