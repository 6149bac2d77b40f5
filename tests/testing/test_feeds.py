"""The feed generators produce documents feedparser reads as the right format."""

from __future__ import annotations

import gzip
import json
import zlib
from datetime import UTC, datetime

import feedparser
import pytest

from bot.testing.feeds import FeedEntry, atom, gzip_bomb, json_feed, rdf, rss

ITEMS = [
    FeedEntry(
        title="Acme raises $10M & hires <b>",
        link="https://example.com/a?x=1&y=2",
        summary="<p>Acme raised $10M.</p>",
        guid="tag:example.com,2024:a",
        published=datetime(2024, 3, 20, 16, 47, tzinfo=UTC),
        author="Jane Doe",
    ),
    FeedEntry(title="Plain item", link="https://example.com/b"),
]


@pytest.mark.parametrize(
    ("make", "version"), [(rss, "rss20"), (atom, "atom10"), (rdf, "rss10")]
)
def test_xml_generators_parse_cleanly(make: object, version: str) -> None:
    doc = make(ITEMS, title="T & Co", link="https://example.com/", lang="fr")  # type: ignore[operator]
    d = feedparser.parse(doc)
    assert d.bozo == 0, d.get("bozo_exception")
    assert d.version == version
    assert d.feed.title == "T & Co"
    assert d.feed.get("language") == "fr"
    assert [e.title for e in d.entries] == [i.title for i in ITEMS]
    first = d.entries[0]
    assert first.link == "https://example.com/a?x=1&y=2"
    assert first.id == "tag:example.com,2024:a"
    assert "Acme raised $10M." in first.summary
    when = first.get("published_parsed") or first.get("updated_parsed")
    assert when[:5] == (2024, 3, 20, 16, 47)
    assert first.get("author") == "Jane Doe"
    # no guid: RSS 2.0 carries no id (readers fall back to the link); Atom/RDF use the link
    second = d.entries[1]
    assert second.get("id", second.link) == "https://example.com/b"


def test_empty_feeds_are_valid() -> None:
    for make, version in ((rss, "rss20"), (atom, "atom10"), (rdf, "rss10")):
        d = feedparser.parse(make([]))
        assert d.bozo == 0 and d.version == version and d.entries == []


def test_json_feed_has_jsonfeed_11_keys() -> None:
    doc = json.loads(json_feed(ITEMS, title="J", link="https://example.com/", lang="en"))
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["title"] == "J"
    assert doc["home_page_url"] == "https://example.com/"
    assert doc["language"] == "en"
    a, b = doc["items"]
    assert a["id"] == "tag:example.com,2024:a"
    assert a["url"] == "https://example.com/a?x=1&y=2"
    assert a["content_html"] == "<p>Acme raised $10M.</p>"
    assert a["date_published"] == "2024-03-20T16:47:00+00:00"
    assert a["authors"] == [{"name": "Jane Doe"}]
    # every item needs an id and content_html or content_text
    assert b["id"] == "https://example.com/b" and "content_text" in b
    # feedparser 6 does not read JSON Feed, so the bot parses it itself; check the shape only.
    assert [i["title"] for i in doc["items"]] == [i.title for i in ITEMS]


def test_gzip_bomb_expands_to_requested_size() -> None:
    size = 5 * 1024 * 1024 + 3
    bomb = gzip_bomb(size)
    assert len(bomb) < size // 500  # it really is a bomb
    assert gzip.decompress(bomb) == b" " * size
    d = zlib.decompressobj(wbits=31)
    assert len(d.decompress(bomb, 16)) == 16  # readers can cap output while inflating
    assert gzip.decompress(gzip_bomb(0)) == b""
    with pytest.raises(ValueError):
        gzip_bomb(-1)
