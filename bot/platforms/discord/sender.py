"""Outbox senders for Discord: bot channel messages and incoming webhooks.

DiscordSender goes through discord.py's HTTPClient so its per-route rate-limit buckets,
429 sleeps and 5xx retries apply; what it still raises is mapped onto the outbox's
TransientError / PermanentError. Each message carries a nonce derived from the outbox row
with enforce_nonce, so a crash between "posted" and "marked sent" cannot double-post:
Discord returns the earlier message for the same nonce within a few minutes.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import discord
from discord.http import HTTPClient, Route

from bot.delivery.base import PermanentError, SenderLimits, TransientError
from bot.models import Delivery
from bot.platforms.discord.endpoints import DEFAULT_API_URL, use_endpoints
from bot.platforms.discord.render import alert_message

log = logging.getLogger(__name__)

#: Discord allows 5 messages per 5 seconds per channel, i.e. 1 per second.
CHANNEL_LIMITS = SenderLimits(max_text=4096, per_channel_rate=1.0)
#: Webhooks: 30 messages per minute per channel, i.e. 0.5 per second.
WEBHOOK_LIMITS = SenderLimits(max_text=4096, per_channel_rate=0.5)
_TIMEOUT = aiohttp.ClientTimeout(total=30)


def delivery_nonce(delivery: Delivery) -> str:
    """A nonce unique per outbox row (Discord allows 25 characters)."""
    return f"alertbot-{delivery.id}"[:25]


def _role_id(delivery: Delivery) -> int | None:
    raw = (delivery.options or {}).get("role_id")
    try:
        return int(raw) if raw else None
    except (TypeError, ValueError):
        return None


def _retry_after(exc: discord.HTTPException) -> float | None:
    header = exc.response.headers.get("Retry-After") if exc.response is not None else None
    try:
        return float(header) if header is not None else None
    except ValueError:
        return None


def map_error(exc: BaseException, where: str) -> TransientError | PermanentError:
    """The outbox error for a discord.py / aiohttp failure (`where` names the channel)."""
    if isinstance(exc, discord.RateLimited):
        return TransientError(f"{where}: rate limited for {exc.retry_after:.1f}s", exc.retry_after)
    if isinstance(exc, discord.Forbidden | discord.NotFound):
        # 50001 Missing Access, 50013 Missing Permissions, 10003 Unknown Channel...
        return PermanentError(f"{where}: discord {exc.status} code {exc.code}: {exc.text}")
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429 or exc.status >= 500:
            return TransientError(f"{where}: discord {exc.status}: {exc.text}", _retry_after(exc))
        # Other 4xx: our request is wrong; sending it again cannot help.
        return PermanentError(f"{where}: discord {exc.status} code {exc.code}: {exc.text}")
    if isinstance(exc, discord.LoginFailure):
        # Not the subscription's fault: keep the rows pending until the token is fixed.
        return TransientError(f"{where}: the Discord token was rejected (401)")
    return TransientError(f"{where}: {type(exc).__name__}: {exc}")


class DiscordSender:
    """Posts alert embeds to channels with the bot token, through discord.py's HTTPClient."""

    platform = "discord"
    limits = CHANNEL_LIMITS

    def __init__(self, token: str, *, api_url: str = DEFAULT_API_URL) -> None:
        self._token = token
        self._api_url = api_url
        self._http: HTTPClient | None = None
        self._login_lock = asyncio.Lock()

    async def login(self) -> None:
        """Check the token (GET /users/@me); raises discord.LoginFailure for a bad one."""
        async with self._login_lock:
            if self._http is not None:
                return
            # REST only: the gateway endpoint belongs to the app (bot.platforms.discord.app).
            use_endpoints(self._api_url)
            # max_ratelimit_timeout: a 429 longer than 30 s surfaces as RateLimited, so the
            # outbox reschedules the row instead of a worker sleeping on it.
            http = HTTPClient(asyncio.get_running_loop(), max_ratelimit_timeout=30.0)
            try:
                await http.static_login(self._token)
            except BaseException:
                await http.close()
                raise
            self._http = http

    async def send(self, delivery: Delivery) -> str | None:
        """Post one alert; returns the message id."""
        where = f"discord channel {delivery.channel}"
        try:
            channel_id = int(delivery.channel)
        except ValueError:
            raise PermanentError(f"{where}: not a channel id") from None
        body = alert_message(delivery.event, _role_id(delivery))
        # Same fields discord.py's handle_message_parameters produces for nonce=...
        body["nonce"] = delivery_nonce(delivery)
        body["enforce_nonce"] = True
        try:
            await self.login()
            assert self._http is not None
            route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel_id)
            data: Any = await self._http.request(route, json=body)
        except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as e:
            err = map_error(e, where)
            log.warning("%s", err)
            raise err from e
        return str(data["id"]) if isinstance(data, dict) and "id" in data else None

    async def aclose(self) -> None:
        """Close the HTTP session."""
        if self._http is not None:
            await self._http.close()
            self._http = None


class DiscordWebhookSender:
    """Posts alert embeds to incoming webhooks (alert-only routes, no bot token needed).

    The URL comes from delivery.options["url"], else the constructor. Webhooks take no
    nonce, so unlike DiscordSender a crash between post and "sent" can repeat one alert.
    """

    platform = "discord-webhook"
    limits = WEBHOOK_LIMITS

    def __init__(self, url: str | None = None) -> None:
        self._url = url
        self._session: aiohttp.ClientSession | None = None

    async def send(self, delivery: Delivery) -> str | None:
        """Execute the webhook with ?wait=true; returns the message id."""
        url = (delivery.options or {}).get("url") or self._url or delivery.channel
        if not url or not str(url).startswith(("http://", "https://")):
            raise PermanentError("discord webhook: no url for this route")
        where = "discord webhook " + str(url).split("/webhooks/")[-1].split("/")[0]
        body = alert_message(delivery.event, _role_id(delivery))
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=_TIMEOUT)
        try:
            async with self._session.post(str(url), params={"wait": "true"}, json=body) as resp:
                data: Any = await resp.json(content_type=None) if resp.status != 204 else None
                if resp.status < 300:
                    return str(data["id"]) if isinstance(data, dict) and "id" in data else None
                info = data if isinstance(data, dict) else {}
                code, text = info.get("code", 0), info.get("message", "")
                msg = f"{where}: discord {resp.status} code {code}: {text}"
                if resp.status == 429:
                    raise TransientError(msg, float(info.get("retry_after") or 1.0))
                if resp.status >= 500:
                    raise TransientError(msg)
                # 401/403/404: webhook deleted or token revoked; 400: our payload.
                raise PermanentError(msg)
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as e:
            raise TransientError(f"{where}: {type(e).__name__}: {e}") from e

    async def aclose(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None
