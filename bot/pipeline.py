"""One poll of one source, stage by stage: fetch, parse, dedup, classify, store, queue alerts."""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.classifier import Classifier
from bot.config import PollingConfig
from bot.fetch import Fetcher, FetchError
from bot.models import Classification, Item
from bot.parse import ParseError
from bot.sources import SourceType
from bot.storage import NewItem, SourceRow, Store, utcnow

log = logging.getLogger("bot.pipeline")


@dataclass(frozen=True, slots=True)
class PollOutcome:
    """What one poll did, for logs, progress and tests."""

    source: str
    status: str  # "ok" | "not_modified" | "unchanged" | "error" | "skipped"
    fetched: int = 0
    new: int = 0
    events: int = 0
    alerts: int = 0
    merged: int = 0
    error: str | None = None
    disabled: bool = False


@dataclass(slots=True)
class Pipeline:
    """The shared parts every poll needs; built once by the app and passed in."""

    store: Store
    fetcher: Fetcher
    classifier: Classifier
    polling: PollingConfig
    source_types: dict[str, SourceType]
    on_alerts: Callable[[], None] = lambda: None  # wakes the delivery worker

    def interval(self, source: SourceRow) -> float:
        """The source's own interval, else the default."""
        return source.interval_s or self.polling.interval

    def backoff(self, source: SourceRow, errors: int, retry_after: float | None) -> float:
        """Exponential backoff from the interval, capped, jittered, never before Retry-After."""
        base = min(self.interval(source), 300.0)
        delay = min(base * (2 ** max(errors - 1, 0)), self.polling.max_backoff)
        delay *= random.uniform(0.9, 1.1)  # so sources that failed together do not retry together
        return max(delay, retry_after or 0.0)

    async def poll(self, source: SourceRow) -> PollOutcome:
        """Poll one source end to end; errors are recorded on the source, never raised."""
        stype = self.source_types.get(source.type)
        if stype is None:
            return await self._fail(source, f"unknown source type {source.type!r}", None)
        try:
            polled = await stype.poll(self.fetcher, source)
        except (FetchError, ParseError) as e:
            retry = e.retry_after if isinstance(e, FetchError) else None
            return await self._fail(source, str(e), retry)
        except Exception as e:  # a bug in one source type must not stop the others
            log.exception("poll crashed", extra={"source": source.name})
            return await self._fail(source, f"internal error: {type(e).__name__}: {e}", None)
        now = utcnow()
        wait = self.interval(source)
        if polled.max_age:
            # Content is fresh for max-age: polling sooner only re-downloads it.
            wait = max(wait, min(polled.max_age, self.polling.max_backoff))
        next_at = now + timedelta(seconds=wait)
        if polled.status != "ok":
            await self.store.record_success(source.id, next_at, etag=polled.etag,
                                            last_modified=polled.last_modified)
            log.debug("%s", polled.status, extra={"source": source.name})
            return PollOutcome(source.name, polled.status)
        declared = source.settings.get("lang")
        items = polled.items
        if declared:
            items = [i if i.lang else replace(i, lang=declared) for i in items]
        try:
            new = await self.store.unseen(source.id, items)
            cutoff = self._alert_cutoff(source, now)
            may = [cutoff is None or (i.published is not None and i.published >= cutoff)
                   for i in new]
            # Items too old to alert on (a first poll's backlog) are only recorded as seen:
            # classifying them would be wasted work.
            wanted = [i for i, m in zip(new, may, strict=True) if m]
            found = iter(await asyncio.to_thread(self._classify, wanted) if wanted else [])
            batch = [NewItem(i, next(found) if m else Classification(), may_alert=m)
                     for i, m in zip(new, may, strict=True)]
            saved = await self.store.save_items(source, batch) \
                if batch or not source.first_poll_done else None
        except Exception as e:
            # Nothing was stored and the validators were not updated: the next poll fetches
            # the same items again, so nothing is lost to a classifier or database fault.
            log.exception("processing failed", extra={"source": source.name})
            return await self._fail(source, f"internal error: {type(e).__name__}: {e}", None)
        await self.store.record_success(source.id, next_at, etag=polled.etag,
                                        last_modified=polled.last_modified,
                                        body_hash=polled.body_hash, title=polled.title,
                                        cursor=polled.cursor)
        if saved and saved.alerts:
            self.on_alerts()
        out = PollOutcome(source.name, "ok", len(items), saved.items if saved else 0,
                          saved.events if saved else 0, saved.alerts if saved else 0,
                          saved.merged if saved else 0)
        log.info("polled: %d items, %d new, %d events, %d alerts queued", out.fetched, out.new,
                 out.events, out.alerts, extra={"source": source.name})
        return out

    def _classify(self, items: list[Item]) -> list[Classification]:
        return [self.classifier.classify(i.title, i.summary, i.lang) for i in items]

    def _alert_cutoff(self, source: SourceRow, now: datetime) -> datetime | None:
        """None = alert on every new item; else only on items published after the cutoff."""
        if source.first_poll_done:
            return None
        window = source.settings.get("backfill")
        if window is None:
            window = self.polling.backfill
        if window == "all" or math.isinf(window):
            return None
        return now - timedelta(seconds=float(window))

    async def _fail(self, source: SourceRow, error: str, retry_after: float | None
                    ) -> PollOutcome:
        errors = source.error_count + 1
        delay = self.backoff(source, errors, retry_after)
        row = await self.store.record_failure(source.id, error,
                                              utcnow() + timedelta(seconds=delay),
                                              self.polling.max_failures)
        disabled = row is not None and not row.enabled
        log.warning("poll failed (%d in a row, next try in %ds%s): %s", errors, int(delay),
                    ", source disabled" if disabled else "", error,
                    extra={"source": source.name})
        return PollOutcome(source.name, "error", error=error, disabled=disabled)
