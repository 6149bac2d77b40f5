"""X accounts through an RSS bridge (nitter, RSSHub) are ordinary `feed` sources."""

from __future__ import annotations

from pathlib import Path

from bot.fetch import Fetcher
from bot.models import Item
from bot.sources.feed import FeedSource
from bot.storage import SourceRow
from bot.testing.feed_server import FeedServer

NITTER = (Path(__file__).resolve().parent.parent / "data" / "nitter_user.rss").read_bytes()


async def _poll(fetcher: Fetcher) -> list[Item]:
    async with FeedServer() as srv:
        srv.set_feed("/kenrickcai/rss", NITTER)
        row = SourceRow(id=1, name="x", type="feed", url=srv.url("/kenrickcai/rss"),
                        origin="test", settings={}, interval_s=None, enabled=True)
        polled = await FeedSource().poll(fetcher, row)
    assert polled.title == "Kenrick Cai / @kenrickcai"
    return polled.items


async def test_nitter_feed_polls_with_stable_keys_and_handles(fetcher: Fetcher) -> None:
    items = await _poll(fetcher)
    assert len(items) == 3
    assert [i.author for i in items] == ["@kenrickcai", "@aireporter", "@kenrickcai"]
    assert items[0].key == "https://x.com/kenrickcai/status/1771122334455667788"
    assert items[0].title.startswith("Scoop: Stability AI is in talks")


async def test_nitter_title_is_the_first_sentence(fetcher: Fetcher) -> None:
    items = await _poll(fetcher)
    assert items[0].title == ("Scoop: Stability AI is in talks to raise new funding at a "
                              "lower valuation.")


async def test_nitter_key_survives_an_instance_change(fetcher: Fetcher) -> None:
    items = await _poll(fetcher)
    assert items[0].link == "https://x.com/kenrickcai/status/1771122334455667788"
