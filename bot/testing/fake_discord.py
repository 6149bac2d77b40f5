"""A fake Discord on 127.0.0.1: REST routes and a WebSocket gateway, enough for discord.py.

Point discord.py at it with ``bot.platforms.discord.endpoints.use_endpoints(fake.api_url,
fake.gateway_url)`` (or ``[discord] api_url`` / ``gateway_url`` in config). Everything it
receives is recorded (``messages``, ``webhook_messages``, ``callbacks``, ``synced``...), and
failures can be queued per route with :meth:`FakeDiscord.fail`.

Shapes follow Discord's documented payloads (API v10) closely enough for discord.py's own
parsers; where Discord's behaviour matters to us (nonce + enforce_nonce dedupe, 429 bodies
and headers, error codes) it is reproduced, because the tests rely on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

from bot.testing.loopback import serve

API_PREFIX = "/api/v10"
DISCORD_EPOCH_MS = 1420070400000
MANAGE_GUILD = 1 << 5
#: What a plain member may do (view channels, send messages, use app commands...).
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 31)
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD

_ERRORS: dict[int, dict[str, Any]] = {
    401: {"message": "401: Unauthorized", "code": 0},
    403: {"message": "Missing Access", "code": 50001},
    404: {"message": "Unknown Channel", "code": 10003},
    500: {"message": "500: Internal Server Error", "code": 0},
    502: {"message": "502: Bad Gateway", "code": 0},
    503: {"message": "503: Service Unavailable", "code": 0},
}


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(slots=True)
class _Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass(slots=True)
class FakeInteraction:
    """One INTERACTION_CREATE the fake dispatched, and what the bot answered."""

    id: int
    token: str
    payload: dict[str, Any]
    callbacks: list[dict[str, Any]] = field(default_factory=list)  # POST .../callback bodies
    edits: list[dict[str, Any]] = field(default_factory=list)  # PATCH @original bodies
    followups: list[dict[str, Any]] = field(default_factory=list)  # POST webhooks/{app}/{token}

    def final(self) -> dict[str, Any] | None:
        """The answer the user sees: a type 4/8 callback, or the edit/followup after a defer."""
        for cb in self.callbacks:
            if cb.get("type") in (4, 8):
                return dict(cb.get("data") or {}) | {"type": cb["type"]}
        if any(cb.get("type") == 5 for cb in self.callbacks):
            flags = next((cb.get("data") or {}).get("flags", 0) for cb in self.callbacks)
            if self.edits:
                return {"flags": flags, **self.edits[-1], "type": 5}
            if self.followups:
                return {"flags": flags, **self.followups[-1], "type": 5}
        return None


class _Session:
    """One gateway session (survives a socket drop so RESUME can continue it)."""

    def __init__(self, session_id: str) -> None:
        self.id = session_id
        self.seq = 0
        self.ws: web.WebSocketResponse | None = None
        self.lock = asyncio.Lock()
        self.sent: list[dict[str, Any]] = []  # dispatches, for replay on RESUME


class FakeDiscord:
    """A real aiohttp server that speaks enough Discord for discord.py; use ``async with``."""

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        application_id: int = 900000000000000001,
        bot_user_id: int = 900000000000000002,
        guild_id: int = 900000000000000010,
        channel_ids: tuple[int, ...] = (900000000000000100, 900000000000000101),
        role_ids: tuple[int, ...] = (900000000000000200,),
        heartbeat_interval_ms: int = 41250,
        nonce_window: float = 300.0,
    ) -> None:
        self.token = token
        self.application_id = application_id
        self.bot_user_id = bot_user_id
        self.guild_id = guild_id
        self.channel_ids = list(channel_ids)
        self.role_ids = list(role_ids)
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.nonce_window = nonce_window

        self.messages: dict[int, list[dict[str, Any]]] = {}  # channel id -> message payloads
        self.webhook_messages: dict[int, list[dict[str, Any]]] = {}  # webhook id -> payloads
        self.synced: dict[int | None, list[dict[str, Any]]] = {}  # guild id (None=global) -> cmds
        self.interactions: dict[int, FakeInteraction] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path) of every REST call
        self.gateway_log: list[dict[str, Any]] = []  # every gateway frame the bot sent
        self.identifies = 0
        self.resumes = 0

        self._forbidden: set[int] = set()  # channels the bot cannot see (403 50001)
        self._webhooks: dict[int, tuple[str, int]] = {}  # id -> (token, channel id)
        self._nonces: dict[tuple[int, str], tuple[float, dict[str, Any]]] = {}
        self._failures: dict[tuple[str, str], list[_Failure]] = {}
        self._sessions: dict[str, _Session] = {}
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -----------------------------------------------------------------------

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a random free port."""
        app = web.Application(middlewares=[self._middleware])
        p = API_PREFIX
        app.router.add_get(f"{p}/users/@me", self._users_me)
        app.router.add_get(f"{p}/gateway", self._gateway_info)
        app.router.add_get(f"{p}/gateway/bot", self._gateway_info)
        app.router.add_get(f"{p}/oauth2/applications/@me", self._application)
        app.router.add_get(f"{p}/applications/@me", self._application)
        app.router.add_get(f"{p}/applications/{{app}}/commands", self._get_commands)
        app.router.add_put(f"{p}/applications/{{app}}/commands", self._put_commands)
        app.router.add_get(
            f"{p}/applications/{{app}}/guilds/{{guild}}/commands", self._get_commands
        )
        app.router.add_put(
            f"{p}/applications/{{app}}/guilds/{{guild}}/commands", self._put_commands
        )
        app.router.add_get(f"{p}/channels/{{channel_id}}", self._get_channel)
        app.router.add_post(f"{p}/channels/{{channel_id}}/messages", self._post_message)
        app.router.add_post(f"{p}/interactions/{{iid}}/{{token}}/callback", self._callback)
        app.router.add_get(f"{p}/webhooks/{{wid}}/{{token}}/messages/@original", self._get_original)
        app.router.add_patch(
            f"{p}/webhooks/{{wid}}/{{token}}/messages/@original", self._edit_original
        )
        app.router.add_post(f"{p}/webhooks/{{wid}}/{{token}}", self._execute_webhook)
        app.router.add_get("/gateway", self._gateway_ws)
        self._runner, _, self.port = await serve(app, shutdown_timeout=0.5)

    async def close(self) -> None:
        """Close gateway sockets (code 1000) and stop the server."""
        for s in self._sessions.values():
            if s.ws is not None and not s.ws.closed:
                with contextlib.suppress(Exception):
                    await s.ws.close(code=1000)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """The REST base, like https://discord.com/api/v10."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """The gateway, like wss://gateway.discord.gg/."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- scripting -----------------------------------------------------------------------

    def fail(
        self,
        method: str,
        route: str,
        status: int,
        *,
        times: int = 1,
        retry_after: float = 0.2,
        body: dict[str, Any] | None = None,
        is_global: bool = False,
    ) -> None:
        """Answer the next `times` calls of METHOD ROUTE with `status`.

        `route` is the path template after /api/v10, e.g. "/channels/{channel_id}/messages".
        429 gets Discord's body and X-RateLimit-*/Retry-After headers (plus ``Via``, which
        discord.py requires before it trusts a 429 as Discord's rather than Cloudflare's);
        403 is Missing Access (50001), 404 Unknown Channel (10003) unless `body` says otherwise.
        """
        headers: dict[str, str] = {}
        if status == 429:
            body = body or {
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": is_global,
            }
            headers = {
                "Retry-After": str(max(1, round(retry_after))),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                "X-RateLimit-Bucket": "fakebucket",
                "X-RateLimit-Scope": "shared" if not is_global else "global",
                "Via": "1.1 google",
            }
            if is_global:
                headers["X-RateLimit-Global"] = "true"
        body = body or _ERRORS.get(status, {"message": f"{status}", "code": 0})
        queue = self._failures.setdefault((method.upper(), route), [])
        queue.extend(_Failure(status, body, headers) for _ in range(times))

    def forbid(self, channel_id: int) -> None:
        """The bot lost access to a channel: posting there is 403 Missing Access (50001)."""
        self._forbidden.add(channel_id)

    def delete_channel(self, channel_id: int) -> None:
        """The channel is gone: posting there is 404 Unknown Channel (10003)."""
        if channel_id in self.channel_ids:
            self.channel_ids.remove(channel_id)

    def add_webhook(self, channel_id: int | None = None) -> str:
        """Create an incoming webhook and return its execute URL."""
        wid = self._snowflake()
        token = secrets.token_urlsafe(24)
        self._webhooks[wid] = (token, channel_id or self.channel_ids[0])
        return f"{self.api_url}/webhooks/{wid}/{token}"

    async def wait_for(self, predicate: Callable[[], bool], seconds: float = 5.0) -> None:
        """Wait until `predicate()` holds (re-checked whenever the fake records something)."""
        async with asyncio.timeout(seconds):
            async with self._changed:
                await self._changed.wait_for(predicate)

    async def wait_messages(self, channel_id: int, count: int = 1, seconds: float = 5.0) -> None:
        """Wait until `count` messages were posted to `channel_id`."""
        await self.wait_for(lambda: len(self.messages.get(channel_id, [])) >= count, seconds)

    async def wait_identified(self, seconds: float = 5.0) -> None:
        """Wait until a bot has identified (READY sent) or resumed on the gateway."""
        await self.wait_for(lambda: any(s.ws is not None for s in self._sessions.values()), seconds)

    # -- gateway dispatch ------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH (op 0) to every live session."""
        for s in list(self._sessions.values()):
            await self._send_dispatch(s, event, data)

    async def interact(
        self,
        subcommand: str | None,
        options: dict[str, Any] | None = None,
        *,
        command: str = "alerts",
        focused: str | None = None,
        permissions: int = MEMBER_PERMISSIONS,
        user_id: int = 900000000000000500,
        channel_id: int | None = None,
        option_types: dict[str, int] | None = None,
    ) -> FakeInteraction:
        """Dispatch an INTERACTION_CREATE for /command [subcommand] options.

        `focused` names the option being typed: the interaction is then an autocomplete
        (type 4) instead of an application command (type 2). Option types are guessed from
        the Python values (str 3, int 4, bool 5, float 10) unless `option_types` says
        otherwise; a role option (type 8) is resolved from the fake guild's roles.
        """
        channel_id = channel_id or self.channel_ids[0]
        types = option_types or {}
        opts: list[dict[str, Any]] = []
        resolved: dict[str, Any] = {}
        for name, value in (options or {}).items():
            t = types.get(name) or _option_type(value)
            opt: dict[str, Any] = {"name": name, "type": t, "value": value}
            if t == 8:
                opt["value"] = str(value)
                resolved.setdefault("roles", {})[str(value)] = self._role(int(value))
            if name == focused:
                opt["focused"] = True
            opts.append(opt)
        if subcommand is not None:
            opts = [{"name": subcommand, "type": 1, "options": opts}]
        iid = self._snowflake()
        token = "itok-" + secrets.token_urlsafe(16)
        user = {
            "id": str(user_id),
            "username": f"user{user_id % 1000}",
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
        }
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": 4 if focused else 2,
            "token": token,
            "version": 1,
            "guild_id": str(self.guild_id),
            "channel_id": str(channel_id),
            "channel": self._channel(channel_id),
            "member": {
                "user": user,
                "roles": [],
                "joined_at": _now_iso(),
                "permissions": str(permissions),
                "deaf": False,
                "mute": False,
                "flags": 0,
                "nick": None,
                "avatar": None,
                "pending": False,
            },
            "app_permissions": str(ADMIN_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.guild_id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
            "data": {
                "id": str(self._command_id(command)),
                "name": command,
                "type": 1,
                "options": opts,
                "guild_id": str(self.guild_id),
                **({"resolved": resolved} if resolved else {}),
            },
        }
        fi = FakeInteraction(id=iid, token=token, payload=payload)
        self.interactions[iid] = fi
        await self.dispatch("INTERACTION_CREATE", payload)
        return fi

    async def answer(self, interaction: FakeInteraction, seconds: float = 5.0) -> dict[str, Any]:
        """Wait for the bot's answer to an interaction (see FakeInteraction.final)."""
        await self.wait_for(lambda: interaction.final() is not None, seconds)
        result = interaction.final()
        assert result is not None
        return result

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close every gateway socket with `code` (discord.py then RESUMEs)."""
        for s in self._sessions.values():
            if s.ws is not None and not s.ws.closed:
                await s.ws.close(code=code)

    # -- helpers ---------------------------------------------------------------------------

    def _snowflake(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._ids) & 0x3FFFFF)

    def _command_id(self, name: str) -> int:
        for cmds in self.synced.values():
            for c in cmds:
                if c.get("name") == name:
                    return int(c["id"])
        return 1

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": str(self.bot_user_id),
            "username": "alertbot",
            "discriminator": "0",
            "global_name": "alertbot",
            "avatar": None,
            "bot": True,
            "flags": 0,
            "verified": True,
            "mfa_enabled": False,
        }

    def _channel(self, channel_id: int) -> dict[str, Any]:
        return {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(self.guild_id),
            "name": f"alerts-{channel_id % 1000}",
            "position": self.channel_ids.index(channel_id) if channel_id in self.channel_ids else 0,
            "permission_overwrites": [],
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "permissions": str(ADMIN_PERMISSIONS),
        }

    def _role(self, role_id: int) -> dict[str, Any]:
        everyone = role_id == self.guild_id
        return {
            "id": str(role_id),
            "name": "@everyone" if everyone else f"role-{role_id % 1000}",
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": 0 if everyone else 1,
            "permissions": str(MEMBER_PERMISSIONS),
            "managed": False,
            "mentionable": True,
            "flags": 0,
        }

    def _guild(self) -> dict[str, Any]:
        return {
            "id": str(self.guild_id),
            "name": "Fake Guild",
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": "900000000000000999",
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "application_id": None,
            "max_members": 500000,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [self._role(self.guild_id)] + [self._role(r) for r in self.role_ids],
            "unavailable": False,
            "joined_at": _now_iso(),
            "large": False,
            "member_count": 2,
            "members": [
                {
                    "user": self._bot_user(),
                    "roles": [],
                    "joined_at": _now_iso(),
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                }
            ],
            "channels": [self._channel(c) for c in self.channel_ids],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def _message(
        self, channel_id: int, body: dict[str, Any], *, webhook_id: int = 0
    ) -> dict[str, Any]:
        author = self._bot_user()
        if webhook_id:
            author = {**author, "id": str(webhook_id), "username": body.get("username") or "hook"}
        msg: dict[str, Any] = {
            "id": str(self._snowflake()),
            "type": 0,
            "channel_id": str(channel_id),
            "guild_id": str(self.guild_id),
            "author": author,
            "content": body.get("content") or "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts")),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "flags": int(body.get("flags") or 0),
            "nonce": body.get("nonce"),
            "allowed_mentions": body.get("allowed_mentions"),
        }
        if webhook_id:
            msg["webhook_id"] = str(webhook_id)
        return msg

    # -- REST ------------------------------------------------------------------------------

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        path = request.path
        if not path.startswith(API_PREFIX):
            result: web.StreamResponse = await handler(request)
            return result
        self.requests.append((request.method, path[len(API_PREFIX) :]))
        route = request.match_info.route.resource
        template = route.canonical[len(API_PREFIX) :] if route is not None else ""
        queue = self._failures.get((request.method, template))
        if queue:
            f = queue.pop(0)
            return _json_response(f.body, status=f.status, headers=f.headers)
        # Interaction and webhook routes authenticate by the token in the URL, the rest by header.
        token_in_url = template.startswith(("/interactions/", "/webhooks/"))
        if not token_in_url and request.headers.get("Authorization") != f"Bot {self.token}":
            return _json_response(_ERRORS[401], status=401)
        result = await handler(request)
        return result

    async def _users_me(self, request: web.Request) -> web.Response:
        return _json_response(self._bot_user())

    async def _gateway_info(self, request: web.Request) -> web.Response:
        return _json_response(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14400000,
                    "max_concurrency": 1,
                },
            }
        )

    async def _application(self, request: web.Request) -> web.Response:
        return _json_response(
            {
                "id": str(self.application_id),
                "name": "alertbot",
                "icon": None,
                "description": "",
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": {**self._bot_user(), "id": "900000000000000999", "bot": False},
                "team": None,
                "verify_key": "0" * 64,
                "flags": 0,
                "interactions_endpoint_url": None,
                "summary": "",
                "rpc_origins": [],
                "tags": [],
            }
        )

    def _guild_key(self, request: web.Request) -> int | None:
        g = request.match_info.get("guild")
        return int(g) if g else None

    async def _get_commands(self, request: web.Request) -> web.Response:
        return _json_response(self.synced.get(self._guild_key(request), []))

    async def _put_commands(self, request: web.Request) -> web.Response:
        guild = self._guild_key(request)
        body = await request.json()
        out = []
        for cmd in body:
            c = {
                "id": str(self._snowflake()),
                "application_id": str(self.application_id),
                "version": str(self._snowflake()),
                "type": 1,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **cmd,
            }
            if guild is not None:
                c["guild_id"] = str(guild)
            out.append(c)
        self.synced[guild] = out
        await self._notify()
        return _json_response(out)

    def _channel_error(self, channel_id: int) -> web.Response | None:
        if channel_id in self._forbidden:
            return _json_response(_ERRORS[403], status=403)
        if channel_id not in self.channel_ids:
            return _json_response(_ERRORS[404], status=404)
        return None

    async def _get_channel(self, request: web.Request) -> web.Response:
        cid = int(request.match_info["channel_id"])
        return self._channel_error(cid) or _json_response(self._channel(cid))

    async def _post_message(self, request: web.Request) -> web.Response:
        cid = int(request.match_info["channel_id"])
        err = self._channel_error(cid)
        if err is not None:
            return err
        body = await request.json()
        nonce = body.get("nonce")
        # Discord: with enforce_nonce, the same author + nonce within a few minutes returns
        # the earlier message instead of creating a second one.
        if nonce is not None and body.get("enforce_nonce"):
            seen = self._nonces.get((cid, str(nonce)))
            if seen is not None and time.monotonic() - seen[0] < self.nonce_window:
                return _json_response(seen[1], headers=self._ok_headers())
        msg = self._message(cid, body)
        if nonce is not None and body.get("enforce_nonce"):
            self._nonces[(cid, str(nonce))] = (time.monotonic(), msg)
        self.messages.setdefault(cid, []).append(body)
        await self._notify()
        return _json_response(msg, headers=self._ok_headers())

    def _ok_headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "4",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": "fakebucket",
        }

    def _interaction_by_token(self, token: str) -> FakeInteraction | None:
        return next((i for i in self.interactions.values() if i.token == token), None)

    async def _callback(self, request: web.Request) -> web.Response:
        iid = int(request.match_info["iid"])
        fi = self.interactions.get(iid)
        if fi is None or fi.token != request.match_info["token"]:
            return _json_response({"message": "Unknown interaction", "code": 10062}, status=404)
        if fi.callbacks:
            return _json_response(
                {"message": "Interaction has already been acknowledged.", "code": 40060}, status=400
            )
        body = await _json_body(request)
        fi.callbacks.append(body)
        await self._notify()
        data = body.get("data") or {}
        kind = int(body.get("type", 0))
        flags = int(data.get("flags") or 0)
        result: dict[str, Any] = {
            "interaction": {
                "id": str(iid),
                "type": fi.payload["type"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(flags & 64),
            }
        }
        if kind in (4, 5):
            msg = self._message(int(fi.payload["channel_id"]), data)
            result["interaction"]["response_message_id"] = msg["id"]
            result["resource"] = {"type": kind, "message": msg}
        if request.query.get("with_response") in ("1", "true", "True"):
            return _json_response(result)
        return web.Response(status=204)

    async def _get_original(self, request: web.Request) -> web.Response:
        fi = self._interaction_by_token(request.match_info["token"])
        if fi is None:
            return _json_response({"message": "Unknown Webhook", "code": 10015}, status=404)
        data = fi.edits[-1] if fi.edits else (fi.callbacks[0].get("data") if fi.callbacks else {})
        return _json_response(self._message(int(fi.payload["channel_id"]), data or {}))

    async def _edit_original(self, request: web.Request) -> web.Response:
        fi = self._interaction_by_token(request.match_info["token"])
        if fi is None:
            return _json_response({"message": "Unknown Webhook", "code": 10015}, status=404)
        body = await _json_body(request)
        fi.edits.append(body)
        await self._notify()
        return _json_response(self._message(int(fi.payload["channel_id"]), body))

    async def _execute_webhook(self, request: web.Request) -> web.Response:
        wid = int(request.match_info["wid"])
        token = request.match_info["token"]
        body = await _json_body(request)
        fi = self._interaction_by_token(token)
        if fi is not None and wid == self.application_id:
            fi.followups.append(body)
            await self._notify()
            return _json_response(self._message(int(fi.payload["channel_id"]), body))
        hook = self._webhooks.get(wid)
        if hook is None or hook[0] != token:
            return _json_response({"message": "Unknown Webhook", "code": 10015}, status=404)
        err = self._channel_error(hook[1])
        if err is not None:
            return err
        self.webhook_messages.setdefault(wid, []).append(body)
        await self._notify()
        if request.query.get("wait") in ("1", "true", "True"):
            return _json_response(self._message(hook[1], body, webhook_id=wid))
        return web.Response(status=204)

    # -- gateway ---------------------------------------------------------------------------

    async def _send(self, s: _Session, frame: dict[str, Any]) -> None:
        async with s.lock:
            if s.ws is not None and not s.ws.closed:
                await s.ws.send_str(json.dumps(frame))

    async def _send_dispatch(self, s: _Session, event: str, data: dict[str, Any]) -> None:
        async with s.lock:
            s.seq += 1
            frame = {"op": 0, "t": event, "s": s.seq, "d": data}
            s.sent.append(frame)
            if s.ws is not None and not s.ws.closed:
                await s.ws.send_str(json.dumps(frame))

    async def _gateway_ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        )
        session: _Session | None = None
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                self.gateway_log.append(frame)
                op, d = frame.get("op"), frame.get("d")
                if op == 1:  # HEARTBEAT -> HEARTBEAT_ACK
                    await ws.send_str(json.dumps({"op": 11}))
                elif op == 2:  # IDENTIFY
                    if d.get("token") != self.token:
                        await ws.close(code=4004, message=b"Authentication failed.")
                        break
                    self.identifies += 1
                    session = _Session(secrets.token_hex(16))
                    session.ws = ws
                    self._sessions[session.id] = session
                    await self._send_dispatch(session, "READY", self._ready(session))
                    await self._send_dispatch(session, "GUILD_CREATE", self._guild())
                    await self._notify()
                elif op == 6:  # RESUME: replay what the bot missed, then RESUMED
                    old = self._sessions.get(d.get("session_id", ""))
                    if old is None or d.get("token") != self.token:
                        await ws.send_str(json.dumps({"op": 9, "d": False}))
                        continue
                    self.resumes += 1
                    session = old
                    session.ws = ws
                    seq = int(d.get("seq") or 0)
                    for f in session.sent:
                        if f["s"] > seq:
                            await self._send(session, f)
                    await self._send_dispatch(session, "RESUMED", {})
                    await self._notify()
        finally:
            if session is not None and session.ws is ws:
                session.ws = None
        return ws

    def _ready(self, s: _Session) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self._bot_user(),
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "session_id": s.id,
            "resume_gateway_url": self.gateway_url,
            "shard": [0, 1],
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }


def _json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """JSON with Discord's exact Content-Type (discord.py compares it without a charset)."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


async def _json_body(request: web.Request) -> dict[str, Any]:
    """JSON body, or the payload_json part of a multipart body (messages with files)."""
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        raw = form.get("payload_json")
        return json.loads(str(raw)) if raw else {}
    if not request.can_read_body:
        return {}
    data = await request.json()
    return data if isinstance(data, dict) else {}


def _option_type(value: Any) -> int:
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    if isinstance(value, float):
        return 10
    return 3
