"""Adding sources by URL, shared by the CLI and the chat commands: fetch once, then save."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.fetch import Fetcher, FetchError, is_local
from bot.parse import ParseError
from bot.sources import SourceType
from bot.storage import SourceRow, Store


class AddError(Exception):
    """The URL cannot be added; the message says why, for the person who asked."""


@dataclass(frozen=True, slots=True)
class Preview:
    """What one fetch of a new source found."""

    type: str
    title: str
    items: int


def detect_type(url: str, source_types: dict[str, SourceType]) -> str:
    """The source type for a URL: API-backed types recognise their own URLs, else `feed`."""
    for name, st in source_types.items():
        matches = getattr(st, "matches", None)
        if name != "feed" and matches is not None and matches(url):
            return name
    return "feed"


async def preview(fetcher: Fetcher, source_types: dict[str, SourceType], url: str,
                  type_: str) -> Preview:
    """Fetch and parse a source once without saving it; AddError says what went wrong."""
    st = source_types.get(type_)
    if st is None:
        raise AddError(f"unknown source type {type_!r} (known: {', '.join(sorted(source_types))})")
    probe = SourceRow(id=0, name="(new)", type=type_, url=url, origin="preview", settings={},
                      interval_s=None, enabled=True)
    try:
        polled = await st.poll(fetcher, probe)
    except (FetchError, ParseError) as e:
        raise AddError(f"{url}: {e}") from None
    return Preview(type_, polled.title or "", len(polled.items))


def default_name(url: str, title: str) -> str:
    """A readable name: the feed's title, else the URL's host and path."""
    if title.strip():
        return re.sub(r"\s+", " ", title.strip())[:150]
    if is_local(url):
        return url.rsplit("/", 1)[-1][:150]
    parts = urlsplit(url)
    return f"{parts.hostname or ''}{parts.path}".rstrip("/")[:150] or url[:150]


async def add_source(store: Store, fetcher: Fetcher, source_types: dict[str, SourceType],
                     url: str, *, name: str | None = None, type_: str | None = None,
                     interval_s: float | None = None, origin: str = "cli",
                     check: bool = True, allow_local: bool = True
                     ) -> tuple[SourceRow, Preview | None]:
    """Validate by fetching (unless check=False), then save with a unique name.

    Chat users pass allow_local=False: a file path from chat must not read the host's files.
    """
    url = url.strip().strip("<>")  # Slack wraps links in <...>
    if is_local(url) and not allow_local:
        raise AddError(f"{url}: only http(s) URLs can be added here")
    type_ = type_ or detect_type(url, source_types)
    for s in await store.list_sources():
        if s.url == url:
            raise AddError(f"already polling {url} as {s.name!r}")
    pv = await preview(fetcher, source_types, url, type_) if check else None
    base = name or default_name(url, pv.title if pv else "")
    final, n = base, 2
    while await store.get_source(final) is not None:
        if name:
            raise AddError(f"a source named {name!r} exists already")
        final, n = f"{base} ({n})", n + 1
    row = await store.upsert_source(final, url, type_, origin, {}, interval_s)
    return row, pv


