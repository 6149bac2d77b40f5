"""The bundled sample feeds parse cleanly and hold the seed items."""

from __future__ import annotations

import pathlib

import feedparser
import pytest

from bot.samples import SAMPLES, sample_paths

# file name -> (feedparser version, number of items, feed language prefix)
EXPECTED: dict[str, tuple[str, int, str]] = {
    "techcrunch_en.rss.xml": ("rss20", 21, "en"),
    "frenchweb_fr.atom.xml": ("atom10", 23, "fr"),
    "heise_de.rdf.xml": ("rss10", 24, "de"),
    "lainformacion_es.rss.xml": ("rss20", 24, "es"),
    "x_kenrickcai.rss.xml": ("rss20", 1, "en"),
}


def _parsed(name: str) -> feedparser.FeedParserDict:
    """Parse one bundled sample by file name."""
    path = dict((p.name, p) for _, p in sample_paths())[name]
    return feedparser.parse(path.read_bytes())


def test_sample_paths_exist_and_cover_all_files() -> None:
    paths = sample_paths()
    assert [p.name for _, p in paths] == [f for _, f in SAMPLES]
    assert {p.name for _, p in paths} == set(EXPECTED)
    for display, path in paths:
        assert display
        assert isinstance(path, pathlib.Path)
        assert path.is_file()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_parses_cleanly(name: str) -> None:
    version, count, lang = EXPECTED[name]
    d = _parsed(name)
    assert d.bozo == 0, d.get("bozo_exception")
    assert d.version == version
    assert len(d.entries) == count
    assert d.feed.get("language", "").startswith(lang)
    for e in d.entries:
        assert e.get("title")
        assert e.get("link", "").startswith("https://")
        assert e.get("id")
        # every item is dated, so "newest first" and age filters behave
        assert e.get("published_parsed") or e.get("updated_parsed")
    assert len({e.id for e in d.entries}) == count  # ids are unique


def test_seed_tweet_in_bridge_feed() -> None:
    d = _parsed("x_kenrickcai.rss.xml")
    (e,) = d.entries
    assert e.title.startswith("Scoop: Multiple Stability AI researchers are departing")
    assert "cash-strapped startup" in e.title
    assert e.link.startswith("https://x.com/kenrickcai/status/")
    assert e.id == e.link
    assert e.author == "@kenrickcai"
    assert e.published_parsed[:3] == (2024, 3, 20)


def test_seed_article_in_french_feed() -> None:
    d = _parsed("frenchweb_fr.atom.xml")
    hits = [e for e in d.entries if e.title.startswith("Stability AI :")]
    assert len(hits) == 1
    e = hits[0]
    assert e.summary_detail.language == "fr"
    assert e.summary_detail.type == "text/html"
    assert "Emad Mostaque" in e.summary
    assert "Midjourney" in e.summary
    assert "100 millions de dollars" in e.summary
    assert e.link.startswith("https://www.frenchweb.fr/")


def test_samples_mix_alertable_and_unrelated_news() -> None:
    # A few known titles: unrelated news must be present too, so the bot visibly ignores it.
    titles = {e.title for name in EXPECTED for e in _parsed(name).entries}
    assert "Waymo begins robotaxi testing in Atlanta" in titles
    assert "Ousted Flexport CEO Dave Clark strikes back" in titles
    assert "Microsoft-CEO Ballmer kündigt Rücktritt an" in titles
    assert "Glovo cierra una ronda de financiación de 150 millones de euros" in titles
