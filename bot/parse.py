"""Parsing feed documents (RSS 0.9x/1.0/2.0, Atom, RDF, JSON Feed) into normalised Items."""

from __future__ import annotations

import calendar
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import feedparser

from bot.models import Item


class ParseError(Exception):
    """The body is not a feed we can read; the message says what it looks like instead."""


@dataclass(slots=True)
class ParsedFeed:
    """A parsed document: its title, declared language, format and items."""

    title: str
    version: str
    lang: str | None = None
    link: str = ""
    items: list[Item] = field(default_factory=list)


class _Text(HTMLParser):
    # Block elements end a sentence; without a space "a</p><p>b" would become "ab".
    _BLOCKS = frozenset({"p", "br", "div", "li", "h1", "h2", "h3", "h4", "tr", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in self._BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(value: str) -> str:
    """Plain text from an HTML fragment, whitespace folded."""
    if "<" not in value and "&" not in value:
        return " ".join(value.split())
    p = _Text()
    try:
        p.feed(value)
        p.close()
        text = "".join(p.parts)
    except Exception:  # a broken fragment still yields its visible words
        text = re.sub(r"<[^>]*>", " ", value)
    return " ".join(html.unescape(text).split())


def item_key(guid: str | None, link: str | None, title: str, summary: str) -> str:
    """A stable key: guid, else link, else a hash of title and summary."""
    if guid and guid.strip():
        return guid.strip()
    if link and link.strip():
        return link.strip()
    return "sha256:" + hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()


def _time(entry: Any, *names: str) -> datetime | None:
    for name in names:
        st = entry.get(name)
        if st:
            try:
                return datetime.fromtimestamp(calendar.timegm(st), UTC)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def parse_iso(value: Any) -> datetime | None:
    """A UTC datetime from an ISO 8601 string ("Z" included), or None."""
    if not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _lang(value: Any) -> str | None:
    if not value or not isinstance(value, str):
        return None
    return value.strip().lower().replace("_", "-").split("-")[0] or None


def looks_like_json(body: bytes, content_type: str) -> bool:
    """JSON Feed is announced by its media type, or at least starts like JSON."""
    ct = content_type.lower()
    return "json" in ct or body.lstrip()[:1] in (b"{", b"[")


def parse_json_feed(body: bytes, base_url: str = "") -> ParsedFeed:
    """Parse JSON Feed 1.0/1.1 (feedparser does not)."""
    try:
        doc = json.loads(body)
    except ValueError as e:
        raise ParseError(f"malformed JSON: {e}") from None
    if not isinstance(doc, dict) or "jsonfeed.org/version" not in str(doc.get("version", "")):
        raise ParseError("JSON, but not a JSON Feed (no https://jsonfeed.org/version/1.x)")
    lang = _lang(doc.get("language"))
    items = []
    for entry in doc.get("items") or []:
        if not isinstance(entry, dict):
            continue
        link = urljoin(base_url, str(entry.get("url") or entry.get("external_url") or ""))
        title = html_to_text(str(entry.get("title") or ""))
        summary = str(entry.get("summary") or "") or html_to_text(
            str(entry.get("content_html") or "")) or str(entry.get("content_text") or "")
        summary = html_to_text(summary)
        if not title:
            title, summary = split_post(summary)
        authors = entry.get("authors") or (
            [entry["author"]] if isinstance(entry.get("author"), dict) else [])
        author = ", ".join(str(a.get("name", "")) for a in authors if isinstance(a, dict))
        items.append(Item(
            key=item_key(str(entry.get("id") or ""), link, title, summary), title=title,
            summary=summary, link=link,
            published=(parse_iso(entry.get("date_published"))
                       or parse_iso(entry.get("date_modified"))),
            author=author, lang=_lang(entry.get("language")) or lang,
        ))
    return ParsedFeed(str(doc.get("title") or ""), "json1", lang,
                      str(doc.get("home_page_url") or ""), items)


def split_post(text: str, limit: int = 200) -> tuple[str, str]:
    """Title from a short post: its first sentence or line; the rest is the summary."""
    text = text.strip()
    m = re.search(r"(?<=[.!?])\s+|\n", text)
    if m and m.start() <= limit:
        return text[: m.start()].strip(), text[m.end():].strip()
    if len(text) <= limit:
        return text, ""
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…", text


# RSS bridges for X (nitter, RSSHub): instance-bound status links and retweet/reply prefixes.
# Only a tweet's snowflake id (15-20 digits) counts, so an ordinary site's "/x/status/2024"
# page is never taken for a tweet.
_STATUS = re.compile(r"^https?://[^/]+/(\w{1,15})/status/(\d{15,20})(?:[#?/]|$)")
_BRIDGE_PREFIX = re.compile(r"^(?:RT by @\w+:|R to @\w+:)\s*")


def _x_status(url: str) -> str | None:
    """The x.com URL of a bridged tweet, so keys survive a change of bridge instance."""
    m = _STATUS.match(url or "")
    return f"https://x.com/{m.group(1)}/status/{m.group(2)}" if m else None


def _bridge_fix(title: str, summary: str, link: str, guid: str | None
                ) -> tuple[str, str, str, str | None]:
    """Bridge items repeat the tweet as title and body and point at the bridge instance."""
    status = _x_status(link) or _x_status(guid or "")
    if status is None:
        return title, summary, link, guid
    title = _BRIDGE_PREFIX.sub("", title)
    summary = _BRIDGE_PREFIX.sub("", summary)
    if not title or summary.startswith(title.rstrip("…. ")) or title.startswith(summary[:60]):
        title, summary = split_post(summary or title)
    return title, summary, status, status


def _strip_outlet(title: str, entry: Any) -> str:
    """Aggregators (Google News) write "Headline - Outlet"; the outlet is in <source>."""
    src = entry.get("source") or {}
    name = src.get("title") if isinstance(src, dict) else None
    if name and title.endswith(f" - {name}"):
        return title[: -len(name) - 3].rstrip()
    return title


_FEED_LINK = re.compile(
    rb"<link[^>]+type=[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.I)
_HREF = re.compile(rb"href=[\"']([^\"']+)[\"']", re.I)


def _html_hint(body: bytes, base_url: str) -> str:
    """For an HTML page, the feed it advertises (autodiscovery), if any."""
    m = _FEED_LINK.search(body[:200_000])
    if m:
        href = _HREF.search(m.group(0))
        if href:
            return (" — the page advertises a feed at "
                    + urljoin(base_url, href.group(1).decode("utf-8", "replace")))
    return ""


def parse_feed(body: bytes, content_type: str = "", base_url: str = "") -> ParsedFeed:
    """Parse any supported feed format; raise ParseError when it is not a feed."""
    if looks_like_json(body, content_type):
        return parse_json_feed(body, base_url)
    headers = {"content-type": content_type} if content_type else {}
    fp = feedparser.parse(body, response_headers=headers, sanitize_html=False,
                          resolve_relative_uris=False)
    version = fp.get("version") or ""
    if not version:
        head = body[:2000].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
            raise ParseError("got an HTML page, not a feed" + _html_hint(body, base_url))
        exc = fp.get("bozo_exception")
        why = f": {exc}" if exc else ""
        raise ParseError(f"not a feed (malformed XML or unknown format){why}")
    # Real feeds are often slightly broken and feedparser recovers: keep what it recovered,
    # but a broken document that yields nothing readable is an error, not an empty feed.
    entries = [e for e in fp.entries if e.get("title") or e.get("link") or e.get("summary")]
    if fp.get("bozo") and not entries:
        raise ParseError(f"not a feed: malformed XML ({fp.get('bozo_exception')})")
    feed = fp.feed
    lang = _lang(feed.get("language"))
    items = []
    for e in entries:
        link = urljoin(base_url, e.get("link") or "") if e.get("link") else ""
        title = html_to_text(e.get("title") or "")
        raw_summary = e.get("summary") or ""
        if not raw_summary and e.get("content"):
            raw_summary = e["content"][0].get("value", "")
        summary = html_to_text(raw_summary)
        if not title and summary:
            title, summary = split_post(summary)
        title = _strip_outlet(title, e)
        title, summary, link, guid = _bridge_fix(title, summary, link, e.get("id"))
        e_lang = None
        detail = e.get("title_detail") or e.get("summary_detail")
        if detail:
            e_lang = _lang(detail.get("language"))
        items.append(Item(
            key=item_key(guid, link, title, summary), title=title, summary=summary,
            link=link, published=_time(e, "published_parsed", "updated_parsed", "created_parsed"),
            author=html_to_text(e.get("author") or ""), lang=e_lang or lang,
        ))
    return ParsedFeed(html_to_text(feed.get("title") or ""), version, lang,
                      feed.get("link") or "", items)
