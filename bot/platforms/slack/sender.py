"""Outbox senders for Slack: the Web API (chat.postMessage) and incoming webhooks.

Both map Slack's answers onto the outbox's two failure kinds: TransientError (429 with its
Retry-After, 5xx, network errors, timeouts) and PermanentError (the channel is gone, the bot is
not in it, the token or webhook was revoked, the payload is refused), whose message carries
Slack's own error code.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery.base import PermanentError, SenderLimits, TransientError
from bot.models import Delivery
from bot.platforms.slack.render import MAX_FALLBACK, MAX_FIELDS, MAX_HEADER, alert_blocks

DEFAULT_API_URL = "https://slack.com/api/"

#: What a Slack channel accepts: ~1 message per second per channel (Slack's documented pace).
LIMITS = SenderLimits(
    max_text=MAX_FALLBACK, per_channel_rate=1.0, max_title=MAX_HEADER, max_fields=MAX_FIELDS
)

#: Slack error codes that a later retry cannot fix (anything else with ok=false is also
#: permanent, but these are the ones that mean "this channel or this token is unusable").
CHANNEL_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "channel_is_archived",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "team_access_not_granted",
        "ekm_access_denied",
    }
)
AUTH_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "no_permission",
        "missing_scope",
        "not_allowed_token_type",
        "org_login_required",
    }
)
#: Slack says these come from its side and "may succeed if retried".
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


def _retry_after(headers: Any) -> float | None:
    """Seconds from a Retry-After header (Slack sends whole seconds), else None."""
    raw = headers.get("Retry-After") if headers is not None else None
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except (TypeError, ValueError):
        return None


class SlackSender:
    """Posts alerts with chat.postMessage; returns the message ts."""

    platform = "slack"
    limits = LIMITS

    def __init__(
        self, token: str, api_url: str = DEFAULT_API_URL, *, timeout: float = 15.0
    ) -> None:
        self._token = token
        self._api_url = api_url if api_url.endswith("/") else api_url + "/"
        self._timeout = timeout
        self._client: AsyncWebClient | None = None
        self._session: aiohttp.ClientSession | None = None

    def _web(self) -> AsyncWebClient:
        # Created on first use: an aiohttp session must be made inside the running loop.
        if self._client is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout)
            )
            self._client = AsyncWebClient(
                token=self._token,
                base_url=self._api_url,
                session=self._session,
                timeout=int(self._timeout),
                # No SDK-level retries: the outbox owns retries, backoff and the attempt count.
                # The SDK's default handler would silently repeat a post after a connection
                # error, which can double-post and hides the attempt from the outbox.
                retry_handlers=[],
            )
        return self._client

    async def send(self, delivery: Delivery) -> str | None:
        """Post one alert to delivery.channel and return its ts."""
        text, blocks = alert_blocks(delivery.event, delivery.options)
        try:
            resp = await self._web().chat_postMessage(
                channel=delivery.channel,
                text=text,
                blocks=blocks,
                # The alert already shows title and summary; an unfurl would repeat them.
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as e:
            raise _from_api_error(e, delivery.channel) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as e:
            raise TransientError(f"slack: network error: {type(e).__name__}: {e}") from None
        ts = resp.get("ts")
        return str(ts) if ts else None

    async def aclose(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
        self._session = None
        self._client = None


def _from_api_error(e: SlackApiError, channel: str) -> TransientError | PermanentError:
    resp = e.response
    status = int(getattr(resp, "status_code", 0) or 0)
    data = resp.data if isinstance(getattr(resp, "data", None), dict) else {}
    error = str(data.get("error") or "")
    where = f"channel {channel}"
    if status == 429 or error == "ratelimited":
        return TransientError(f"slack: ratelimited ({where})", _retry_after(resp.headers))
    if status >= 500 or error in TRANSIENT_ERRORS:
        return TransientError(f"slack: HTTP {status} {error or 'server error'} ({where})")
    if error in CHANNEL_ERRORS:
        return PermanentError(f"slack: {error} ({where})")
    if error in AUTH_ERRORS:
        # The token, not the channel: keep the alert pending until the token is fixed (the
        # attempt limit still ends it) instead of pausing every subscription.
        return TransientError(f"slack: {error}: check [slack] bot_token ({where})")
    # invalid_blocks, msg_too_long, ...: the same payload would be refused again, but the
    # channel is fine.
    return PermanentError(f"slack: {error or f'HTTP {status}'} ({where})", channel_gone=False)


#: Incoming-webhook answers (plain text with a 4xx) that mean the hook or its channel is gone.
WEBHOOK_PERMANENT = frozenset(
    {
        "no_service",
        "no_service_id",
        "no_team",
        "team_disabled",
        "no_active_hooks",
        "invalid_token",
        "channel_not_found",
        "channel_is_archived",
        "action_prohibited",
        "posting_to_general_channel_denied",
        "user_not_found",
        "invalid_payload",
        "too_many_attachments",
        "invalid_blocks",
    }
)


class SlackWebhookSender:
    """Posts alerts to an incoming webhook (platform "slack-webhook"): no app, no commands."""

    platform = "slack-webhook"
    limits = LIMITS

    def __init__(self, url: str | None = None, *, timeout: float = 15.0) -> None:
        self._url = url
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def send(self, delivery: Delivery) -> str | None:
        """POST one alert to the route's webhook URL; webhooks return no message id."""
        url = str(delivery.options.get("url") or self._url or "")
        if not url:
            raise PermanentError("slack-webhook: no url configured for this route")
        text, blocks = alert_blocks(delivery.event, delivery.options)
        payload = {"text": text, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout)
            )
        # The webhook URL is a secret: errors name the route by its masked form only.
        where = _mask(url)
        try:
            async with self._session.post(url, json=payload) as r:
                body = (await r.text()).strip()
                status = r.status
                retry_after = _retry_after(r.headers)
        except (TimeoutError, aiohttp.ClientError, OSError) as e:
            raise TransientError(
                f"slack-webhook: network error: {type(e).__name__} ({where})"
            ) from None
        if status == 200:
            return None
        code = body[:80] if body and " " not in body[:80] else f"HTTP {status}"
        if status == 429:
            raise TransientError(f"slack-webhook: ratelimited ({where})", retry_after)
        if status >= 500:
            raise TransientError(f"slack-webhook: HTTP {status} {code} ({where})")
        raise PermanentError(f"slack-webhook: {code} ({where})")

    async def aclose(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
        self._session = None


def _mask(url: str) -> str:
    """'https://hooks.slack.com/services/T123/B456/…' (the last path part is the secret)."""
    head, _, _secret = url.rstrip("/").rpartition("/")
    return f"{head}/…" if head else "…"
