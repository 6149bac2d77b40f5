"""Poll benchmark over a mix of source types: items/s per type, feeds as the baseline.

Each type gets its own local fake (RSS from FeedServer, the APIs from FakeSocial) with N
sources of K items; every source is polled once through its real SourceType and Fetcher
(so the SSRF guard, caps, JSON decoding and item building are all in the measurement).

    .venv/bin/python bench/bench_sources.py --sources 50 --items 40 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import PollingConfig
from bot.fetch import Fetcher
from bot.sources import SourceType, builtin_types
from bot.storage import SourceRow
from bot.testing.fake_social import FakeSocial
from bot.testing.feed_server import FeedServer
from bot.testing.feeds import FeedEntry, rss

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
T0 = datetime(2024, 3, 22, tzinfo=UTC)


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _text(s: int, i: int) -> str:
    return (f"Company {s} news item {i}: Acme {s} raises $10M in a Series A led by Example "
            f"Ventures. More details in the full story about item {i}.")


async def seed(feeds: FeedServer, api: FakeSocial, n: int, k: int
               ) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Serve n sources of k items per type; return (url, settings) per type."""
    out: dict[str, list[tuple[str, dict[str, Any]]]] = {t: [] for t in (
        "feed", "mastodon", "bluesky", "reddit", "hackernews")}
    m_acc, m_st = _load("mastodon_account.json"), _load("mastodon_statuses.json")[0]
    b_prof, b_ent = _load("bluesky_profile.json"), _load("bluesky_author_feed.json")["feed"][0]
    r_t3, hn_hit = _load("reddit_new.json")["data"]["children"][0], _load(
        "hn_search_by_date.json")["hits"][0]
    api_settings = {"api_url": api.base_url}
    for s in range(n):
        at = [T0 + timedelta(minutes=i) for i in range(k)]
        feeds.set_feed(f"/f{s}.xml", rss([FeedEntry(title=f"Item {i}", summary=_text(s, i),
                                                    link=f"https://example.com/{s}/{i}",
                                                    published=at[i]) for i in range(k)]))
        out["feed"].append((feeds.url(f"/f{s}.xml"), {}))
        acc = {**m_acc, "id": str(10_000 + s), "acct": f"user{s}", "username": f"user{s}"}
        sts = []
        for i in range(k):
            st = copy.deepcopy(m_st)
            sid = str(112_000_000_000_000_000 + s * 1000 + i)
            st.update(id=sid, content=f"<p>{_text(s, i)}</p>", uri=f"https://m/{s}/{i}",
                      url=f"https://m/@user{s}/{sid}", account=acc)
            sts.append(st)
        api.add_mastodon_account(acc, sts)
        out["mastodon"].append((f"https://mastodon.social/@user{s}", api_settings))
        did = f"did:plc:bench{s:05d}"
        prof = {**b_prof, "did": did, "handle": f"user{s}.bsky.social"}
        ents = []
        for i in range(k):
            e = copy.deepcopy(b_ent)
            e["post"].update(uri=f"at://{did}/app.bsky.feed.post/r{i}",
                             indexedAt=at[i].isoformat().replace("+00:00", ".000Z"),
                             author={**e["post"]["author"], "did": did})
            e["post"]["record"] = {"$type": "app.bsky.feed.post", "text": _text(s, i),
                                   "createdAt": e["post"]["indexedAt"], "langs": ["en"]}
            ents.append(e)
        api.add_bluesky_account(prof, ents)
        out["bluesky"].append((f"https://bsky.app/profile/user{s}.bsky.social", api_settings))
        things = []
        for i in reversed(range(k)):
            t = copy.deepcopy(r_t3)
            t["data"].update(name=f"t3_{s}x{i}", id=f"{s}x{i}", title=f"Acme {s} item {i}",
                             selftext=_text(s, i), is_self=True,
                             created_utc=at[i].timestamp())
            things.append(t)
        api.subreddits[f"sub{s}"] = things
        out["reddit"].append((f"https://www.reddit.com/r/sub{s}", api_settings))
        for i in range(k):
            h = copy.deepcopy(hn_hit)
            h.update(objectID=f"{s}{i:04d}", title=f"Benchq{s}z story {i}",
                     created_at_i=int(at[i].timestamp()), url=f"https://example.com/hn/{s}/{i}")
            api.hn_hits.append(h)
        out["hackernews"].append((f"https://hn.algolia.com/?query=Benchq{s}z", api_settings))
    return out


async def run_type(stype: SourceType, fetcher: Fetcher,
                   targets: list[tuple[str, dict[str, Any]]]) -> tuple[int, float]:
    """Poll every source of one type once, concurrently; (items, seconds)."""
    rows = [SourceRow(id=i, name=f"s{i}", type=stype.name, url=u, origin="bench",
                      settings=st, interval_s=None, enabled=True)
            for i, (u, st) in enumerate(targets)]
    t = time.perf_counter()
    polled = await asyncio.gather(*(stype.poll(fetcher, r) for r in rows))
    return sum(len(p.items) for p in polled), time.perf_counter() - t


async def main(n: int, k: int, rounds: int) -> None:
    """Seed, poll each type `rounds` times, print items/s per type and ratio to feeds."""
    cfg = PollingConfig(allow_private=True, per_host_concurrency=16, max_concurrency=64)
    async with FeedServer() as feeds, FakeSocial() as api, Fetcher(cfg) as fetcher:
        api.rate_limit_headers = False  # measuring throughput, not the quota logic
        targets = await seed(feeds, api, n, k)
        results: dict[str, list[float]] = {}
        counts: dict[str, int] = {}
        for _ in range(rounds):
            # A fresh set of types each round: no cool-down or state carried over.
            types = builtin_types()
            for name, tg in targets.items():
                items, secs = await run_type(types[name], fetcher, tg)
                counts[name] = items
                results.setdefault(name, []).append(items / secs)
        base = statistics.median(results["feed"])
        print(f"{n} sources x {k} items per type, {rounds} rounds (median items/s)")
        print(f"{'type':<12}{'items':>7}{'items/s':>11}{'vs feed':>9}")
        for name, rates in results.items():
            med = statistics.median(rates)
            print(f"{name:<12}{counts[name]:>7}{med:>11.0f}{med / base:>8.2f}x")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=int, default=50)
    ap.add_argument("--items", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    asyncio.run(main(a.sources, a.items, a.rounds))
