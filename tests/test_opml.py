"""OPML: what other readers export imports, and what we export imports again."""

from __future__ import annotations

import pytest

from bot.opml import OPMLError, Outline, parse_opml, render_opml

FEEDLY = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>Feedly</title></head><body>
  <outline text="AI" title="AI">
    <outline type="rss" text="TechCrunch AI" title="TechCrunch AI"
             xmlUrl="https://techcrunch.com/category/artificial-intelligence/feed/"
             htmlUrl="https://techcrunch.com"/>
    <outline text="Nested"><outline text="Sifted &amp; co" xmlUrl="https://sifted.eu/feed"/></outline>
  </outline>
  <outline type="rss" text="Top level" xmlUrl="https://example.com/rss"/>
  <outline text="Just a folder"/>
</body></opml>"""


def test_import_flattens_folders() -> None:
    got = parse_opml(FEEDLY)
    assert got == [
        Outline("TechCrunch AI", "https://techcrunch.com/category/artificial-intelligence/feed/",
                "AI"),
        Outline("Sifted & co", "https://sifted.eu/feed", "AI/Nested"),
        Outline("Top level", "https://example.com/rss", ""),
    ]


def test_round_trip() -> None:
    outlines = parse_opml(FEEDLY)
    assert parse_opml(render_opml(outlines)) == outlines


@pytest.mark.parametrize("text,err", [("<html/>", "expected an <opml>"), ("<opml", "not valid"),
                                      ("<opml></opml>", "no <body>")])
def test_bad_files(text: str, err: str) -> None:
    with pytest.raises(OPMLError, match=err):
        parse_opml(text)
