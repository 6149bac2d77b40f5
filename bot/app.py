"""Wiring: build every part from one Config, run one cycle or run until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import math
import signal
import zlib
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.classifier import Classifier, build_classifier
from bot.companies import CompanyRegistry
from bot.config import Config, RouteConfig
from bot.delivery.base import Sender
from bot.delivery.console import ConsoleSender
from bot.delivery.outbox import DeliveryWorker, DrainStats
from bot.delivery.webhook import WebhookSender
from bot.fetch import Fetcher
from bot.pipeline import Pipeline, PollOutcome
from bot.sources import builtin_types
from bot.storage import SourceRow, Store, Subscription, utcnow

log = logging.getLogger("bot.app")


def route_subscription(r: RouteConfig) -> Subscription:
    """A config route as a standing subscription (webhook URLs kept out of the channel name)."""
    options: dict[str, Any] = {}
    channel = r.channel
    if r.url:
        options["url"] = r.url
        # The URL holds a secret token: log and show a short fingerprint instead.
        channel = r.channel or "webhook-" + hashlib.sha256(r.url.encode()).hexdigest()[:10]
    if r.platform == "console" and not channel:
        channel = "terminal"
    if r.role_id:
        options["role_id"] = r.role_id
    return Subscription(id=0, platform=r.platform, channel=channel, company="",
                        labels=list(r.labels), options=options, origin="config")


def config_source_rows(config: Config) -> list[tuple[str, str, str, dict[str, Any],
                                                     float | None, bool]]:
    """The config's [[sources]] in the shape Store.sync_config_sources takes."""
    out = []
    for s in config.sources:
        settings: dict[str, Any] = {}
        if s.backfill is not None:
            # JSON has no infinity (PostgreSQL refuses it): "all" stands for it.
            settings["backfill"] = "all" if math.isinf(s.backfill) else s.backfill
        if s.api_url:
            settings["api_url"] = s.api_url
        if s.lang:
            settings["lang"] = s.lang
        for key in ("replies", "boosts"):
            if getattr(s, key) is not None:
                settings[key] = getattr(s, key)
        out.append((s.name, s.url, s.type, settings, s.interval, s.enabled))
    return out


def spread_offset(name: str, interval: float, n_sources: int, per_second: float = 20.0) -> float:
    """A stable per-source start delay, so that about `per_second` polls start each second.

    A few sources start at once; thousands spread over up to two minutes (never more than
    their interval), instead of all hitting the network in the first second.
    """
    window = min(interval, 120.0, max(1.0, n_sources / per_second))
    frac = (zlib.crc32(name.encode()) % 10_000) / 10_000
    return frac * window


@dataclass
class App:
    """Every long-lived part, built from one Config; use `async with App(config) as app`."""

    config: Config
    extra_senders: dict[str, Sender] = field(default_factory=dict)
    store: Store = field(init=False)
    fetcher: Fetcher = field(init=False)
    registry: CompanyRegistry = field(init=False)
    classifier: Classifier = field(init=False)
    pipeline: Pipeline = field(init=False)
    worker: DeliveryWorker = field(init=False)
    senders: dict[str, Sender] = field(init=False)
    _stack: AsyncExitStack = field(init=False)
    _sources_changed: asyncio.Event = field(init=False, default_factory=asyncio.Event)

    async def __aenter__(self) -> App:
        self._stack = AsyncExitStack()
        try:
            await self._open()
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def _open(self) -> None:
        from bot.defaults import storage_url

        self.store = await Store.open(storage_url(self.config),
                                      schema=self.config.storage.schema_name)
        self._stack.push_async_callback(self.store.close)
        self.fetcher = await self._stack.enter_async_context(Fetcher(self.config.polling))
        self.registry = CompanyRegistry.bundled()
        for name, aliases in await self.store.list_companies():
            self.registry.add(name, aliases)
        self.classifier = build_classifier(self.config.classifier, self.config.companies,
                                           self.registry)
        self.senders = {"console": ConsoleSender(color=self.config.console.color),
                        "webhook": WebhookSender(), **self.extra_senders}
        for s in self.senders.values():
            self._stack.push_async_callback(s.aclose)
        self.worker = DeliveryWorker(self.store, self.senders, self.config.delivery)
        self.pipeline = Pipeline(self.store, self.fetcher, self.classifier, self.config.polling,
                                 builtin_types(),
                                 on_alerts=self.worker.wake)
        await self.sync_config()
        await self.sync_search_sources()

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()

    def sources_changed(self) -> None:
        """Sources or subscriptions changed at run time: reschedule without waiting."""
        self._sources_changed.set()

    async def sync_config(self) -> None:
        """Make the database's config-defined sources and routes match the config."""
        await self.store.sync_config_sources(config_source_rows(self.config))
        subs = []
        for r in self.config.routes:
            base = route_subscription(r)
            for company in r.companies:
                name = company
                if company != "*":
                    found = self.registry.resolve(company)
                    name = found.name if found else company
                subs.append(replace(base, company=name))
        await self.store.sync_config_routes(subs)

    async def sync_search_sources(self) -> None:
        """Search sources for every subscribed company (and config companies that ask)."""
        from bot.sources.search import search_sources

        polling = self.config.polling
        own = {c.name.lower(): c for c in self.config.companies}
        wanted: dict[str, Sequence[str]] = {}
        for sub in await self.store.subscriptions():
            if sub.company != "*" and sub.status == "active":
                cfg = own.get(sub.company.lower())
                kinds = cfg.search if cfg is not None and cfg.search is not None \
                    else polling.search
                if kinds:
                    wanted[sub.company] = kinds
        for c in self.config.companies:
            if c.search:
                wanted.setdefault(c.name, c.search)
        regions = [(r[:2], r[3:]) for r in polling.search_regions]  # "en-US" -> ("en", "US")
        names = set()
        for company, company_kinds in wanted.items():
            for name, url, type_, settings in search_sources(company, company_kinds, regions):
                names.add(name)
                existing = await self.store.get_source(name)
                if existing is None or existing.url != url:
                    await self.store.upsert_source(name, url, type_, "search", settings,
                                                   polling.search_interval)
        for src in await self.store.list_sources():
            if src.origin == "search" and src.name not in names:
                await self.store.remove_source(src.name)

    async def poll_all(self, progress: Callable[[int, int, PollOutcome], None] | None = None,
                       ) -> list[PollOutcome]:
        """Poll every enabled source once, concurrently (bounded), in any order."""
        sources = [s for s in await self.store.list_sources() if s.enabled]
        sem = asyncio.Semaphore(self.config.polling.max_concurrency)
        done = 0
        results: list[PollOutcome] = []

        async def one(src: SourceRow) -> None:
            nonlocal done
            async with sem:
                out = await self.pipeline.poll(src)
            results.append(out)
            done += 1
            if progress:
                progress(done, len(sources), out)

        await asyncio.gather(*(one(s) for s in sources))
        await self.store.flush()
        return results

    async def run_once(self, progress: Callable[[int, int, PollOutcome], None] | None = None,
                       ) -> tuple[list[PollOutcome], DrainStats]:
        """One poll of every source, then deliver what is due."""
        outcomes = await self.poll_all(progress)
        stats = await self.worker.drain()
        return outcomes, stats

    async def run_forever(self, stop: asyncio.Event, grace: float = 30.0) -> None:
        """Poll on schedule and deliver until `stop` is set; then finish in-flight work."""
        scheduler = AsyncIOScheduler(timezone="UTC")
        in_flight: set[asyncio.Task[Any]] = set()
        polling: set[int] = set()  # no overlapping polls of one source

        async def poll_job(source_id: int) -> None:
            if stop.is_set() or source_id in polling:
                return
            src = await self.store.get_source_by_id(source_id)
            if src is None or not src.enabled:
                return
            if src.next_check_at and src.next_check_at > utcnow():
                return  # backing off, or Retry-After / Cache-Control asked us to wait
            polling.add(source_id)
            task = asyncio.current_task()
            if task:
                in_flight.add(task)
            try:
                await self.pipeline.poll(src)
            finally:
                polling.discard(source_id)
                if task:
                    in_flight.discard(task)

        async def reconcile() -> None:
            """Add jobs for new sources, drop jobs of removed ones, follow interval changes."""
            sources = {s.id: s for s in await self.store.list_sources()}
            jobs = {j.id: j for j in scheduler.get_jobs() if j.id.startswith("source:")}
            for sid, src in sources.items():
                jid = f"source:{sid}"
                interval = self.pipeline.interval(src)
                job = jobs.pop(jid, None)
                if job is not None and getattr(job.trigger, "interval",
                                               timedelta()).total_seconds() == interval:
                    continue
                if job is not None:
                    job.remove()
                first = utcnow() + timedelta(
                    seconds=spread_offset(src.name, interval, len(sources)))
                if src.next_check_at and src.next_check_at > first:
                    first = src.next_check_at
                scheduler.add_job(poll_job, IntervalTrigger(seconds=interval), args=[sid],
                                  id=jid, name=src.name, next_run_time=first, coalesce=True,
                                  max_instances=1, misfire_grace_time=int(interval))
            for job in jobs.values():
                job.remove()

        await reconcile()
        scheduler.add_job(reconcile, IntervalTrigger(seconds=30), id="reconcile",
                          coalesce=True, max_instances=1)
        scheduler.start()
        worker = asyncio.create_task(self.worker.run(stop))

        async def follow_changes() -> None:
            while not stop.is_set():
                await self._sources_changed.wait()
                self._sources_changed.clear()
                try:
                    await self.sync_search_sources()
                    await reconcile()
                except Exception:  # keep following changes; the next one may succeed
                    log.exception("rescheduling sources failed")

        follower = asyncio.create_task(follow_changes())
        log.info("running: %d sources scheduled; Ctrl-C to stop", len(scheduler.get_jobs()) - 1)
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            follower.cancel()
            if in_flight:
                log.info("stopping: waiting for %d in-flight polls", len(in_flight))
                await asyncio.wait(set(in_flight), timeout=grace)
            stop.set()
            # The worker finishes the send in progress; anything not sent stays pending.
            await asyncio.wait({worker}, timeout=grace)
            if not worker.done():
                worker.cancel()


def install_signal_handlers(stop: asyncio.Event) -> None:
    """SIGINT and SIGTERM set `stop` (a second Ctrl-C falls back to the default handler)."""
    loop = asyncio.get_running_loop()

    def handle() -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        log.info("stop requested; finishing in-flight work (Ctrl-C again to abort)")
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        # Not on the main thread, or on Windows: Ctrl-C still raises KeyboardInterrupt.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, handle)
