"""Poll benchmark: N generated feeds on loopback, the bot's cycles beside a raw aiohttp fetch.

    .venv/bin/python bench/bench_poll.py            # 2,000 feeds x 50 items, 10% changed
    .venv/bin/python bench/bench_poll.py --feeds 200 --items 20

The feed server runs in its own process (as a real site would be elsewhere), so the figures are
the bot's own cost. Everything is measured in one run, and reported as ratios to the baseline:
- raw GET: aiohttp fetching every URL with the same concurrency, reading the bodies (ceiling);
- raw conditional GET: the same with If-None-Match, answered 304;
- bot, first poll: every feed new (parse, dedup, classify, store every item);
- bot, unchanged poll: every feed answers 304 (conditional GET), then every body unchanged
  but without validators (body-hash check, no parse);
- bot, full cycle with 10% of feeds changed (5 new items each): parse, classify, store, queue.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import App
from bot.config import config_from_dict
from bot.testing.feed_server import FeedServer
from bot.testing.feeds import FeedEntry, rss

HEADLINES = [
    "{c} raises ${n}M Series B to expand its AI platform",
    "{c} CTO steps down after three years",
    "{c} sued by rivals over trade secrets",
    "{c} launches a new developer tool",
    "{c} opens an office in Berlin",
]


def feed_body(i: int, version: int, items: int) -> str:
    """Feed i at a version: `version * 5` newer items pushed on top of the list."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    entries = []
    for k in range(version * 5 + items - 1, version * 5 - 1, -1):
        company = f"Company{i}x{k}"
        entries.append(FeedEntry(
            title=HEADLINES[k % len(HEADLINES)].format(c=company, n=k % 90 + 10),
            link=f"https://news{i % 50}.example/{i}/{k}", guid=f"feed{i}-item{k}",
            summary=f"{company} said on Monday that the news about item {k} is confirmed.",
            published=now + timedelta(minutes=k)))
    return rss(entries[:items], title=f"Feed {i}", link=f"https://news{i}.example/")


def serve(n: int, items: int, port_q: Any, cmd_q: Any, validators: Any) -> None:
    """The feed server process: serves n feeds; 'bump' changes 10% of them."""

    async def main() -> None:
        async with FeedServer() as srv:
            version = [0] * n
            use = True

            def publish(i: int) -> None:
                srv.set_feed(f"/f/{i}.xml", feed_body(i, version[i], items), etag=use,
                             last_modified=use)

            for i in range(n):
                publish(i)
            port_q.put(srv.port)
            loop = asyncio.get_running_loop()
            while True:
                cmd = await loop.run_in_executor(None, cmd_q.get)
                if cmd == "stop":
                    return
                if cmd == "bump":
                    for i in range(0, n, 10):
                        version[i] += 1
                        publish(i)
                elif cmd in ("validators-on", "validators-off"):
                    use = cmd == "validators-on"
                    for i in range(n):
                        publish(i)
                validators.put("ok")

    asyncio.run(main())


async def raw_fetch(urls: list[str], conc: int, etags: dict[str, str] | None = None
                    ) -> tuple[float, dict[str, str]]:
    """The ceiling: plain aiohttp GETs with the same concurrency; returns (seconds, etags)."""
    got: dict[str, str] = {}
    conn = aiohttp.TCPConnector(limit=conc, limit_per_host=conc)
    async with aiohttp.ClientSession(connector=conn) as s:
        sem = asyncio.Semaphore(conc)

        async def one(u: str) -> None:
            headers = {"If-None-Match": etags[u]} if etags and u in etags else {}
            async with sem, s.get(u, headers=headers) as r:
                await r.read()
                if r.headers.get("ETag"):
                    got[u] = r.headers["ETag"]

        t = time.perf_counter()
        await asyncio.gather(*(one(u) for u in urls))
        return time.perf_counter() - t, got


async def run(args: argparse.Namespace) -> None:
    ctx = mp.get_context("spawn")
    port_q, cmd_q, ack_q = ctx.Queue(), ctx.Queue(), ctx.Queue()
    proc = ctx.Process(target=serve, args=(args.feeds, args.items, port_q, cmd_q, ack_q),
                       daemon=True)
    proc.start()
    port = port_q.get(timeout=300)
    urls = [f"http://127.0.0.1:{port}/f/{i}.xml" for i in range(args.feeds)]
    conc = args.concurrency
    tmp = tempfile.mkdtemp(prefix="alertbot-bench-")
    config = config_from_dict({
        "storage": {"url": f"sqlite+aiosqlite:///{tmp}/bench.db"},
        "polling": {"allow_private": True, "max_concurrency": conc,
                    # Every bench feed is on one host; a real list spreads over many.
                    "per_host_concurrency": conc, "backfill": "0h", "timeout": "60s",
                    "max_body_bytes": 50_000_000},
        "sources": [{"name": f"feed {i}", "url": u} for i, u in enumerate(urls)],
        "routes": [{"platform": "console"}],
    }, env={})

    def cmd(c: str) -> None:
        cmd_q.put(c)
        ack_q.get(timeout=300)

    rows: list[tuple[str, float, int, int]] = []
    raw_t, etags = await raw_fetch(urls, conc)
    raw304_t, _ = await raw_fetch(urls, conc, etags)
    rows += [("raw GET (baseline)", raw_t, args.feeds, 0),
             ("raw conditional GET (304)", raw304_t, args.feeds, 0)]
    async with App(config) as app:
        t = time.perf_counter()
        out, _ = await app.run_once()
        first = time.perf_counter() - t
        rows.append(("bot first poll (all new)", first, len(out), sum(o.new for o in out)))
        t = time.perf_counter()
        out, _ = await app.run_once()
        rows.append(("bot unchanged poll (304)", time.perf_counter() - t, len(out),
                     sum(o.new for o in out)))
        assert all(o.status == "not_modified" for o in out), {o.status for o in out}
        cmd("validators-off")
        await app.run_once()  # the first poll without validators stores the body hashes
        t = time.perf_counter()
        out, _ = await app.run_once()
        rows.append(("bot unchanged poll (body hash)", time.perf_counter() - t, len(out), 0))
        assert all(o.status == "unchanged" for o in out), {o.status for o in out}
        cmd("validators-on")
        await app.run_once()
        cmd("bump")
        t = time.perf_counter()
        out, _ = await app.run_once()
        cycle = time.perf_counter() - t
        rows.append(("bot full cycle, 10% changed", cycle, len(out), sum(o.new for o in out)))
    cmd_q.put("stop")
    proc.join(10)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{args.feeds} feeds x {args.items} items, concurrency {conc}, one loopback host\n")
    print(f"{'run':<34} {'seconds':>8} {'feeds/s':>9} {'items/s':>9} {'x raw GET':>10}")
    for name, secs, feeds, items in rows:
        print(f"{name:<34} {secs:>8.2f} {feeds / secs:>9.0f} {items / secs:>9.0f} "
              f"{secs / raw_t:>10.2f}")
    print(f"\npeak memory (bot process, incl. baseline): {peak_mb:.0f} MB")
    print(f"targets: unchanged poll within 2x raw GET -> {rows[3][1] / raw_t:.2f}x; "
          f"full 10%-changed cycle under 10 s -> {cycle:.2f} s")


def main() -> None:
    """Parse arguments and run the benchmark."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--feeds", type=int, default=2000)
    p.add_argument("--items", type=int, default=50)
    p.add_argument("--concurrency", type=int, default=50)
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()
