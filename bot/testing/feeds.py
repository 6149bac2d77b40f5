"""Generators of small, valid feed documents (RSS 2.0, Atom 1.0, RDF/RSS 1.0, JSON Feed 1.1)."""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

__all__ = ["FeedEntry", "atom", "gzip_bomb", "json_feed", "rdf", "rss"]


@dataclass(frozen=True)
class FeedEntry:
    """One item of a generated feed."""

    title: str
    link: str
    summary: str = ""
    guid: str | None = None
    published: datetime | None = None
    author: str = ""

    @property
    def id(self) -> str:
        """The stable identifier: guid if given, else the link."""
        return self.guid if self.guid is not None else self.link


def _utc(dt: datetime) -> datetime:
    """Return an aware datetime; naive values are taken as UTC."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


def _iso(dt: datetime) -> str:
    """RFC 3339 timestamp as Atom, RDF dc:date and JSON Feed expect."""
    return _utc(dt).isoformat()


def _latest(items: Sequence[FeedEntry]) -> datetime:
    """Newest item date, or the Unix epoch so output stays deterministic."""
    dates = [_utc(i.published) for i in items if i.published is not None]
    return max(dates) if dates else datetime(1970, 1, 1, tzinfo=UTC)


def rss(
    items: Sequence[FeedEntry],
    title: str = "Test feed",
    link: str = "https://example.com/",
    lang: str | None = None,
    description: str = "A generated test feed",
) -> str:
    """Return an RSS 2.0 document holding `items`."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "<channel>",
        f"<title>{escape(title)}</title>",
        f"<link>{escape(link)}</link>",
        f"<description>{escape(description)}</description>",
    ]
    if lang:
        out.append(f"<language>{escape(lang)}</language>")
    for it in items:
        out.append("<item>")
        out.append(f"<title>{escape(it.title)}</title>")
        out.append(f"<link>{escape(it.link)}</link>")
        if it.guid is not None:
            # A guid that is not the link is not a permalink; saying so keeps readers
            # from treating it as a URL.
            perma = "true" if it.guid == it.link else "false"
            out.append(f'<guid isPermaLink="{perma}">{escape(it.guid)}</guid>')
        if it.published is not None:
            out.append(f"<pubDate>{format_datetime(_utc(it.published))}</pubDate>")
        if it.author:
            out.append(f"<dc:creator>{escape(it.author)}</dc:creator>")
        if it.summary:
            out.append(f"<description>{escape(it.summary)}</description>")
        out.append("</item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def atom(
    items: Sequence[FeedEntry],
    title: str = "Test feed",
    link: str = "https://example.com/",
    lang: str | None = None,
    feed_id: str | None = None,
) -> str:
    """Return an Atom 1.0 document holding `items` (summaries as type="html")."""
    lang_attr = f" xml:lang={quoteattr(lang)}" if lang else ""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom"{lang_attr}>',
        f"<title>{escape(title)}</title>",
        f"<id>{escape(feed_id or link)}</id>",
        f"<updated>{_iso(_latest(items))}</updated>",
        f'<link rel="alternate" type="text/html" href={quoteattr(link)}/>',
    ]
    for it in items:
        # Atom requires <updated> and <author> (here or at feed level); fill them in
        # so the document stays valid whatever the entry carries.
        when = _iso(it.published) if it.published is not None else _iso(_latest(items))
        out.append("<entry>")
        out.append(f"<id>{escape(it.id)}</id>")
        out.append(f"<title>{escape(it.title)}</title>")
        out.append(f'<link rel="alternate" type="text/html" href={quoteattr(it.link)}/>')
        if it.published is not None:
            out.append(f"<published>{when}</published>")
        out.append(f"<updated>{when}</updated>")
        out.append(f"<author><name>{escape(it.author or title)}</name></author>")
        if it.summary:
            out.append(f'<summary type="html">{escape(it.summary)}</summary>')
        out.append("</entry>")
    out += ["</feed>", ""]
    return "\n".join(out)


def rdf(
    items: Sequence[FeedEntry],
    title: str = "Test feed",
    link: str = "https://example.com/",
    lang: str | None = None,
    description: str = "A generated test feed",
) -> str:
    """Return an RDF / RSS 1.0 document holding `items`."""
    # RSS 1.0 identifies an item by rdf:about; use the guid when one is given.
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        f"<channel rdf:about={quoteattr(link)}>",
        f"<title>{escape(title)}</title>",
        f"<link>{escape(link)}</link>",
        f"<description>{escape(description)}</description>",
    ]
    if lang:
        out.append(f"<dc:language>{escape(lang)}</dc:language>")
    out.append("<items><rdf:Seq>")
    out += [f"<rdf:li rdf:resource={quoteattr(it.id)}/>" for it in items]
    out.append("</rdf:Seq></items>")
    out.append("</channel>")
    for it in items:
        out.append(f"<item rdf:about={quoteattr(it.id)}>")
        out.append(f"<title>{escape(it.title)}</title>")
        out.append(f"<link>{escape(it.link)}</link>")
        if it.summary:
            out.append(f"<description>{escape(it.summary)}</description>")
        if it.published is not None:
            out.append(f"<dc:date>{_iso(it.published)}</dc:date>")
        if it.author:
            out.append(f"<dc:creator>{escape(it.author)}</dc:creator>")
        out.append("</item>")
    out += ["</rdf:RDF>", ""]
    return "\n".join(out)


def json_feed(
    items: Sequence[FeedEntry],
    title: str = "Test feed",
    link: str = "https://example.com/",
    lang: str | None = None,
    feed_url: str | None = None,
) -> str:
    """Return a JSON Feed 1.1 document (https://jsonfeed.org/version/1.1) holding `items`."""
    doc: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": link,
    }
    if feed_url:
        doc["feed_url"] = feed_url
    if lang:
        doc["language"] = lang
    entries: list[dict[str, object]] = []
    for it in items:
        e: dict[str, object] = {"id": it.id, "url": it.link, "title": it.title}
        # JSON Feed needs content_html or content_text; send an empty text body if
        # there is no summary so the item is still valid.
        e["content_html" if it.summary else "content_text"] = it.summary
        if it.summary:
            e["summary"] = it.summary
        if it.published is not None:
            e["date_published"] = _iso(it.published)
        if it.author:
            e["authors"] = [{"name": it.author}]
        entries.append(e)
    doc["items"] = entries
    return json.dumps(doc, ensure_ascii=False, indent=2)


def gzip_bomb(decompressed_size: int, fill: bytes = b" ") -> bytes:
    """Return gzip bytes that expand to `decompressed_size` bytes of `fill` (spaces by default)."""
    if decompressed_size < 0:
        raise ValueError("decompressed_size must be >= 0")
    if len(fill) != 1:
        raise ValueError("fill must be a single byte")
    # Stream in chunks so a multi-GB bomb does not need that much memory to build.
    chunk = fill * min(decompressed_size, 1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits=31: gzip container
    parts: list[bytes] = []
    left = decompressed_size
    while left > 0:
        n = min(left, len(chunk))
        parts.append(comp.compress(chunk[:n]))
        left -= n
    parts.append(comp.flush())
    return b"".join(parts)
