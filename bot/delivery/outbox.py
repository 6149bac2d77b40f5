"""The delivery worker: drains the outbox through each platform's Sender, within its limits."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from bot.config import DeliveryConfig
from bot.delivery.base import PermanentError, Sender, TransientError
from bot.models import Delivery
from bot.storage import Store, utcnow

log = logging.getLogger("bot.delivery")


@dataclass(slots=True)
class DrainStats:
    """What a drain did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0


@dataclass(slots=True)
class DeliveryWorker:
    """Sends due outbox rows; a row is marked sent only after the platform accepted it."""

    store: Store
    senders: Mapping[str, Sender]
    cfg: DeliveryConfig
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _last_sent: dict[tuple[str, str], float] = field(default_factory=dict)

    def wake(self) -> None:
        """New rows were queued: look now rather than at the next tick."""
        self._wake.set()

    def backoff(self, attempts: int, retry_after: float | None) -> float:
        """Seconds before the next try: exponential with jitter, at least Retry-After."""
        delay = min(self.cfg.base_backoff * (2 ** attempts), self.cfg.max_backoff)
        delay *= random.uniform(0.8, 1.2)
        return max(delay, retry_after or 0.0)

    async def drain(self) -> DrainStats:
        """Send every row that is due now; channels in parallel, each channel in order."""
        stats = DrainStats()
        while True:
            # Rows for a platform with no sender (say, [slack] removed from the config) stay
            # pending, not lost: they go out once the platform is configured again.
            due = await self.store.due_deliveries(list(self.senders), self.cfg.batch)
            sendable: dict[tuple[str, str], list[Delivery]] = defaultdict(list)
            for d in due:
                sendable[(d.platform, d.channel)].append(d)
            if not sendable:
                return stats
            await asyncio.gather(*(self._send_channel(rows, stats)
                                   for rows in sendable.values()))
            if len(due) < self.cfg.batch:
                return stats

    async def _send_channel(self, rows: list[Delivery], stats: DrainStats) -> None:
        for d in rows:
            sender = self.senders[d.platform]
            await self._pace(d, sender)
            try:
                message_id = await sender.send(d)
            except PermanentError as e:
                stats.failed += 1
                await self.store.mark_failed(d, str(e), pause_channel=e.channel_gone)
                if e.channel_gone:
                    log.error("channel unusable, its subscriptions paused: %s", e,
                              extra={"channel": d.channel, "item": d.event.link})
                    return  # the rest of this channel's rows were failed with it
                log.error("alert rejected, kept as failed: %s", e,
                          extra={"channel": d.channel, "item": d.event.link})
                continue
            except Exception as e:  # TransientError, or a sender bug: retried alike
                retry_after = e.retry_after if isinstance(e, TransientError) else None
                if not isinstance(e, TransientError):
                    log.exception("sender crashed", extra={"channel": d.channel})
                give_up = d.attempts + 1 >= self.cfg.max_attempts
                delay = self.backoff(d.attempts, retry_after)
                await self.store.mark_retry(d.id, str(e) or type(e).__name__,
                                            utcnow() + timedelta(seconds=delay), give_up)
                if give_up:
                    stats.failed += 1
                else:
                    stats.retried += 1
                log.warning("delivery attempt %d failed (%s); %s", d.attempts + 1, e,
                            "giving up, row kept as failed" if give_up
                            else f"retrying in {delay:.1f}s",
                            extra={"channel": d.channel, "item": d.event.link})
                return  # keep the channel's order: later rows wait for this one
            await self.store.mark_sent(d.id, message_id)
            stats.sent += 1
            log.info("alert sent", extra={"channel": f"{d.platform}:{d.channel}",
                                          "item": d.event.link})

    async def _pace(self, d: Delivery, sender: Sender) -> None:
        rate = sender.limits.per_channel_rate
        if rate <= 0 or rate == float("inf"):
            return
        key = (d.platform, d.channel)
        gap = 1.0 / rate
        last = self._last_sent.get(key)
        now = time.monotonic()
        if last is not None and now - last < gap:
            await asyncio.sleep(gap - (now - last))
        self._last_sent[key] = time.monotonic()

    async def run(self, stop: asyncio.Event, tick: float = 5.0) -> None:
        """Drain whenever woken or every `tick` seconds (for retries), until `stop` is set."""
        while not stop.is_set():
            self._wake.clear()
            try:
                await self.drain()
            except Exception:  # the database may be briefly away; try again next tick
                log.exception("delivery loop error")
            nxt = await self._next_wait(tick)
            waiter = asyncio.ensure_future(self._wake.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({waiter, stopper}, timeout=nxt,
                               return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            stopper.cancel()

    async def _next_wait(self, tick: float) -> float:
        try:
            due = await self.store.next_due_at(list(self.senders))
        except Exception:
            return tick
        if due is None:
            return tick
        return max(0.05, min(tick, (due - utcnow()).total_seconds()))
