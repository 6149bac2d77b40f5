"""The generic `webhook` platform: each alert POSTed as JSON to a URL (for scripts and glue)."""

from __future__ import annotations

from typing import Any

import aiohttp

from bot import render
from bot.delivery.base import PermanentError, SenderLimits, TransientError
from bot.fetch import parse_retry_after
from bot.models import Delivery, Event


def alert_json(event: Event) -> dict[str, Any]:
    """The JSON body of a webhook alert."""
    return {
        "id": event.id,
        "labels": event.labels,
        "companies": event.companies,
        "title": event.title,
        "link": event.link,
        "summary": event.summary,
        "source": event.source,
        "author": event.author,
        "published": event.published.isoformat() if event.published else None,
        "scores": event.scores,
        "extracted": event.extracted,
        "evidence": event.evidence,
        "facts": [{"name": f.name, "value": f.value} for f in render.facts(event)],
        "links": [{"url": lk.url, "source": lk.source} for lk in event.links],
        "text": render.plain_text(event),
    }


async def post_json(session: aiohttp.ClientSession, url: str, body: dict[str, Any],
                    timeout: float = 20.0) -> str:
    """POST JSON; map 429/5xx/network errors to TransientError and other 4xx to PermanentError."""
    try:
        async with session.post(url, json=body,
                                timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
            text = await resp.text()
            if resp.status == 429 or resp.status >= 500:
                raise TransientError(f"HTTP {resp.status}: {text[:200]}",
                                     parse_retry_after(resp.headers.get("Retry-After")))
            if resp.status >= 400:
                # 401/403/404/410: the hook is gone or refuses us; other 4xx: this body.
                raise PermanentError(f"HTTP {resp.status}: {text[:200]}",
                                     channel_gone=resp.status in (401, 403, 404, 410))
            return text
    except (aiohttp.ClientError, TimeoutError) as e:
        raise TransientError(f"network error: {e or type(e).__name__}") from None


class WebhookSender:
    """POSTs alert JSON to the route's URL (delivery.options['url'])."""

    platform = "webhook"
    # A generic receiver declares no limit: 20 a second keeps a burst from flooding it.
    limits = SenderLimits(max_text=100_000, per_channel_rate=20.0)

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def send(self, delivery: Delivery) -> str | None:
        """POST the alert; the receiver's 2xx means delivered."""
        url = delivery.options.get("url")
        if not url:
            raise PermanentError("webhook route has no url")
        if self._session is None:
            self._session = aiohttp.ClientSession()
        await post_json(self._session, str(url), alert_json(delivery.event))
        return None

    async def aclose(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None
