"""Feed parsing: every format to the same normalised Items; non-feeds are clear errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.parse import ParseError, html_to_text, item_key, parse_feed
from bot.testing.feeds import FeedEntry, atom, json_feed, rdf, rss

WHEN = datetime(2024, 3, 20, 16, 47, tzinfo=UTC)
ENTRY = FeedEntry(title="Stability AI researchers depart",
                  link="https://example.com/stability",
                  summary="<p>Three of the five <b>researchers</b> have left.</p>"
                  "<p>More&hellip;</p>",
                  guid="tag:example.com,2024:1", published=WHEN, author="Kenrick Cai")


@pytest.mark.parametrize("render,version", [(rss, "rss20"), (atom, "atom10"), (rdf, "rss10")])
def test_xml_formats_normalise_alike(render: object, version: str) -> None:
    body = render([ENTRY], title="Example", link="https://example.com/", lang="en")  # type: ignore[operator]
    feed = parse_feed(body.encode(), "application/xml", "https://example.com/feed")
    assert feed.version == version and feed.title == "Example"
    item = feed.items[0]
    assert item.title == ENTRY.title and item.link == ENTRY.link
    assert item.summary == "Three of the five researchers have left. More…"
    assert item.published == WHEN
    assert item.lang == "en"
    assert item.key in (ENTRY.guid, ENTRY.link)


def test_json_feed() -> None:
    body = json_feed([ENTRY], title="Example JSON", link="https://example.com/")
    feed = parse_feed(body.encode(), "application/feed+json")
    assert feed.version == "json1" and feed.items[0].title == ENTRY.title
    assert feed.items[0].summary.startswith("Three of the five researchers")
    assert feed.items[0].published == WHEN


def test_json_that_is_not_a_feed() -> None:
    with pytest.raises(ParseError, match="not a JSON Feed"):
        parse_feed(json.dumps({"hello": "world"}).encode(), "application/json")
    with pytest.raises(ParseError, match="malformed JSON"):
        parse_feed(b"{nope", "application/json")


def test_html_page_points_at_its_feed() -> None:
    page = (b"<!doctype html><html><head><link rel='alternate' type='application/atom+xml' "
            b"href='/atom.xml'></head><body>news</body></html>")
    with pytest.raises(ParseError) as e:
        parse_feed(page, "text/html", "https://blog.example/")
    assert "HTML page" in str(e.value) and "https://blog.example/atom.xml" in str(e.value)


def test_slightly_broken_feed_keeps_what_it_can() -> None:
    body = rss([ENTRY]).replace("</channel>", "<unclosed></channel>")
    feed = parse_feed(body.encode(), "application/rss+xml")
    assert [i.title for i in feed.items] == [ENTRY.title]


def test_untitled_post_gets_its_first_sentence_as_title() -> None:
    body = rss([FeedEntry(title="", link="https://x.com/a/status/1",
                          summary="Multiple Stability AI researchers are departing. More soon.")])
    item = parse_feed(body.encode()).items[0]
    assert item.title == "Multiple Stability AI researchers are departing."
    assert item.summary == "More soon."


def test_item_key_falls_back_from_guid_to_link_to_hash() -> None:
    assert item_key("g", "l", "t", "s") == "g"
    assert item_key(None, "l", "t", "s") == "l"
    k = item_key("", "", "t", "s")
    assert k.startswith("sha256:") and k == item_key(None, None, "t", "s")


def test_html_to_text_drops_scripts_and_keeps_word_breaks() -> None:
    assert html_to_text("<p>a</p><p>b<script>x()</script></p>&amp; c") == "a b & c"


def test_aggregator_titles_lose_the_outlet_suffix() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Google News</title>
    <item><title>Mistral AI raises $600M - Reuters</title>
    <link>https://news.google.com/rss/articles/abc</link><guid>abc</guid>
    <source url="https://www.reuters.com">Reuters</source></item></channel></rss>"""
    item = parse_feed(body).items[0]
    assert item.title == "Mistral AI raises $600M"


def test_only_tweet_links_are_rewritten_to_x() -> None:
    body = rss([
        FeedEntry(title="Status update", link="https://status.example.com/api/status/2024",
                  guid="s1", summary="All systems go."),
        FeedEntry(title="", link="https://nitter.example.net/kenrickcai/status/1770492257498145459#m",
                  summary="Scoop: researchers are departing. More soon."),
    ])
    plain, tweet = parse_feed(body.encode()).items
    assert plain.link == "https://status.example.com/api/status/2024" and plain.key == "s1"
    assert tweet.link == tweet.key == "https://x.com/kenrickcai/status/1770492257498145459"
