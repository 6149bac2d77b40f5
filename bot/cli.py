"""The `alertbot` command: run, feeds, check-config, classify, eval."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.config import Config, ConfigError, load_config, parse_duration
from bot.logs import setup_logging

Handler = Callable[[argparse.Namespace, Config], int]


class Progress:
    """A one-line progress counter on a terminal; silent when stderr is not a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.live = getattr(self.stream, "isatty", lambda: False)()

    def __call__(self, done: int, total: int, *_: Any) -> None:
        """Show `label done/total`."""
        if self.live:
            self.stream.write(f"\r{self.label} {done}/{total}")
            if done == total:
                self.stream.write("\n")
            self.stream.flush()


def _async(fn: Callable[[argparse.Namespace, Config], Coroutine[Any, Any, int]]) -> Handler:
    def run(args: argparse.Namespace, config: Config) -> int:
        return asyncio.run(fn(args, config))

    return run


# ---- run ------------------------------------------------------------------------------


async def _run(args: argparse.Namespace, config: Config) -> int:
    from bot.app import App, install_signal_handlers
    from bot.platforms.runtime import platform_parts

    senders, services = platform_parts(config)
    async with App(config, extra_senders=senders) as app:
        if args.once:
            outcomes, stats = await app.run_once(Progress("polling"))
            failed = [o for o in outcomes if o.status == "error"]
            print(f"alertbot: polled {len(outcomes)} sources ({len(failed)} failed): "
                  f"{sum(o.new for o in outcomes)} new items, "
                  f"{sum(o.events for o in outcomes)} events, {stats.sent} alerts sent"
                  + (f", {stats.retried} to retry" if stats.retried else "")
                  + (f", {stats.failed} failed" if stats.failed else ""), file=sys.stderr)
            for o in failed:
                print(f"  ✗ {o.source}: {o.error}", file=sys.stderr)
            return 0
        stop = asyncio.Event()
        install_signal_handlers(stop)
        async with services(app, stop):
            await app.run_forever(stop)
    return 0


# ---- feeds ----------------------------------------------------------------------------


async def _feeds(args: argparse.Namespace, config: Config) -> int:
    from bot.defaults import storage_url
    from bot.feeds import AddError, add_source
    from bot.fetch import Fetcher
    from bot.opml import OPMLError, Outline, parse_opml, render_opml
    from bot.sources import builtin_types
    from bot.storage import Store

    store = await Store.open(storage_url(config), schema=config.storage.schema_name)
    try:
        if args.feeds_cmd == "list":
            return await _feeds_list(store)
        if args.feeds_cmd == "remove":
            src = await store.get_source(args.name)
            if src is None:
                print(f"no source named {args.name!r} (see `alertbot feeds list`)",
                      file=sys.stderr)
                return 1
            if src.origin == "config":
                print(f"{src.name!r} is defined in {config.path}; remove it there",
                      file=sys.stderr)
                return 1
            await store.remove_source(src.name)
            print(f"removed {src.name}")
            return 0
        if args.feeds_cmd == "enable":
            ok = await store.set_source_enabled(args.name, True)
            print(f"enabled {args.name}" if ok else f"no source named {args.name!r}")
            return 0 if ok else 1
        if args.feeds_cmd == "export-opml":
            rows = await store.list_sources()
            text = render_opml([Outline(s.name, s.url, s.origin) for s in rows
                                if s.type == "feed"])
            if args.file and args.file != "-":
                Path(args.file).write_text(text, encoding="utf-8")
                print(f"wrote {len(rows)} sources to {args.file}", file=sys.stderr)
            else:
                sys.stdout.write(text)
            return 0
        types = builtin_types()
        async with Fetcher(config.polling) as fetcher:
            if args.feeds_cmd == "add":
                interval = parse_duration(args.interval) if args.interval else None
                try:
                    row, pv = await add_source(store, fetcher, types, args.url, name=args.name,
                                               type_=args.type, interval_s=interval,
                                               check=not args.no_check)
                except AddError as e:
                    print(f"not added: {e}", file=sys.stderr)
                    return 1
                found = f": {pv.title or 'untitled'}, {pv.items} items" if pv else ""
                print(f"added {row.name!r} ({row.type}){found}")
                return 0
            if args.feeds_cmd == "import-opml":
                try:
                    outlines = parse_opml(Path(args.file).read_bytes())
                except (OSError, OPMLError) as e:
                    print(f"cannot import {args.file}: {e}", file=sys.stderr)
                    return 1
                added = skipped = 0
                progress = Progress("importing")
                for i, o in enumerate(outlines, 1):
                    try:
                        await add_source(store, fetcher, types, o.url, name=o.name,
                                         origin="cli", check=args.check)
                        added += 1
                    except AddError as e:
                        skipped += 1
                        print(f"  skipped {o.name}: {e}", file=sys.stderr)
                    progress(i, len(outlines))
                print(f"imported {added} sources ({skipped} skipped) from {args.file}")
                return 0
    finally:
        await store.close()
    return 2


async def _feeds_list(store: Any) -> int:
    from bot.render import when

    rows = await store.list_sources()
    if not rows:
        print("no sources yet: `alertbot feeds add URL`, or [[sources]] in the config")
        return 0
    width = min(40, max(len(s.name) for s in rows))
    print(f"{'NAME':<{width}}  {'TYPE':<10} {'FROM':<6} {'STATUS':<12} {'ITEMS':>5}  "
          f"{'LAST CHECK':<20} URL")
    for s in rows:
        status = ("disabled" if not s.enabled else
                  f"failing ×{s.error_count}" if s.error_count else
                  "ok" if s.last_success_at else "new")
        print(f"{s.name[:width]:<{width}}  {s.type:<10} {s.origin:<6} {status:<12} "
              f"{s.item_count:>5}  {when(s.last_checked_at):<20} {s.url}")
        if s.last_error:
            print(f"{'':<{width}}  last error: {s.last_error}")
    return 0


# ---- outbox ---------------------------------------------------------------------------


async def _outbox(args: argparse.Namespace, config: Config) -> int:
    from bot.defaults import storage_url
    from bot.storage import Store

    store = await Store.open(storage_url(config), schema=config.storage.schema_name)
    try:
        if args.retry:
            n = await store.requeue_failed(args.platform)
            print(f"{n} failed alerts queued again; `alertbot run` sends them")
            return 0
        counts = await store.outbox_counts()
        if not counts:
            print("the outbox is empty")
            return 0
        for (platform, status), n in sorted(counts.items()):
            print(f"{platform:<16} {status:<8} {n:>6}")
        failed = await store.failed_deliveries(args.limit)
        if failed:
            print("\nrecent failures (`alertbot outbox --retry` queues them again):")
            for row_id, platform, channel, error in failed:
                print(f"  #{row_id} {platform}:{channel}: {error}")
        return 0
    finally:
        await store.close()


# ---- check-config ---------------------------------------------------------------------


def _check_config(args: argparse.Namespace, config: Config) -> int:
    from bot.defaults import storage_url

    print(f"{config.path}: OK")
    print(f"  storage: {storage_url(config)}")
    print(f"  {len(config.sources)} sources, {len(config.companies)} companies, "
          f"{len(config.routes)} routes")
    platforms = [p for p, c in (("slack", config.slack), ("discord", config.discord)) if c]
    print(f"  chat platforms: {', '.join(platforms) or 'none (console and webhooks only)'}")
    return 0


# ---- parser ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (subcommands register their handler as `func`)."""
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS lets `alertbot --config F run` and `alertbot run --config F` both work.
    common.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS,
                        help="TOML config (default: $ALERTBOT_CONFIG, else the embedded default)")
    common.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                        help="more logs (-vv for debug)")
    p = argparse.ArgumentParser(
        prog="alertbot", parents=[common],
        description="Chat alerts when companies lose people, raise money or get into disputes.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser("run", parents=[common], help="poll, classify and deliver")
    run.add_argument("--once", action="store_true",
                     help="one poll of every source, deliver, exit")
    run.set_defaults(func=_async(_run))

    feeds = sub.add_parser("feeds", parents=[common], help="manage sources")
    fsub = feeds.add_subparsers(dest="feeds_cmd", metavar="ACTION", required=True)
    add = fsub.add_parser("add", parents=[common], help="add a source (fetched once first)")
    add.add_argument("url")
    add.add_argument("--name")
    add.add_argument("--type", help="feed, mastodon, bluesky, reddit, hackernews "
                     "(default: detected from the URL)")
    add.add_argument("--interval", help="poll interval, e.g. 5m")
    add.add_argument("--no-check", action="store_true", help="save without fetching first")
    fsub.add_parser("list", parents=[common], help="sources with status and last error")
    rm = fsub.add_parser("remove", parents=[common], help="remove a source")
    rm.add_argument("name")
    en = fsub.add_parser("enable", parents=[common], help="re-enable a disabled source")
    en.add_argument("name")
    imp = fsub.add_parser("import-opml", parents=[common], help="add every feed of an OPML file")
    imp.add_argument("file")
    imp.add_argument("--check", action="store_true", help="fetch each feed before adding it")
    exp = fsub.add_parser("export-opml", parents=[common], help="write sources as OPML")
    exp.add_argument("file", nargs="?", default="-")
    feeds.set_defaults(func=_async(_feeds))

    box = sub.add_parser("outbox", parents=[common],
                         help="alerts queued, sent and failed; --retry re-queues failures")
    box.add_argument("--retry", action="store_true", help="queue failed alerts again")
    box.add_argument("--platform", help="only this platform (with --retry)")
    box.add_argument("--limit", type=int, default=20, help="failures to show")
    box.set_defaults(func=_async(_outbox))

    chk = sub.add_parser("check-config", parents=[common], help="validate the config and exit")
    chk.set_defaults(func=_check_config)

    from bot.classifier.cli import register

    register(sub)
    for name in ("classify", "eval"):
        if name in sub.choices:
            for action in common._actions:
                if action.dest not in {a.dest for a in sub.choices[name]._actions}:
                    sub.choices[name]._add_action(action)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `alertbot` console script."""
    args = build_parser().parse_args(argv)
    setup_logging(getattr(args, "verbose", 0) or 0)
    path = getattr(args, "config", None) or os.environ.get("ALERTBOT_CONFIG") or None
    try:
        config = load_config(path)
    except ConfigError as e:
        print(str(e), file=sys.stderr)
        return 2
    from bot.platforms.runtime import StartupError

    try:
        return int(args.func(args, config))
    except StartupError as e:
        print(f"alertbot: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
