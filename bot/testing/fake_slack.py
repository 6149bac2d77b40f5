"""A fake Slack on 127.0.0.1: Web API, Socket Mode WebSocket, incoming webhooks, response_urls.

It speaks Slack's wire formats so the real slack_sdk / slack_bolt code paths run against it:

    async with FakeSlack() as slack:
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
        slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "1"})
        ...
        assert slack.posted[0]["channel"] == "C0GENERAL"

Everything the bot sends is checked against Block Kit's size limits; problems are answered the
way Slack answers them (`invalid_blocks`, `msg_too_long`) and collected in `FakeSlack.errors`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import time
import urllib.parse
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import WSMsgType, web

from bot.testing.loopback import serve

#: Block Kit and message limits the fake enforces (https://docs.slack.dev/reference/block-kit).
MAX_BLOCKS = 50
MAX_HEADER = 150
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_MESSAGE_TEXT = 40_000


@dataclass
class FakeUser:
    """A workspace member as users.info describes it."""

    id: str
    name: str
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False


@dataclass
class FakeChannel:
    """A conversation; the bot can post only where it is a member and it is not archived."""

    id: str
    name: str
    is_member: bool = True
    is_archived: bool = False
    is_private: bool = False


@dataclass
class Failure:
    """One scripted answer that replaces the normal one for the next call of a method."""

    status: int = 200
    error: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


@dataclass
class Call:
    """One request the fake received (Web API, webhook or response_url)."""

    method: str
    params: dict[str, Any]
    token: str | None
    status: int
    at: float  # time.monotonic() when it arrived: tests check pacing with it


@dataclass
class Ack:
    """A Socket Mode acknowledgement sent back by the client."""

    envelope_id: str
    payload: dict[str, Any] | None


class FakeSlack:
    """A real aiohttp server impersonating slack.com (async context manager)."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-fake-bot-token",
        app_token: str = "xapp-fake-app-token",
        signing_secret: str = "fake-signing-secret",
        team_id: str = "T0FAKE",
        bot_user_id: str = "U0BOT",
        users: list[FakeUser] | None = None,
        channels: list[FakeChannel] | None = None,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.app_id = "A0FAKE"
        self.bot_tokens: set[str] = {bot_token}
        self.app_tokens: set[str] = {app_token}
        self.users: dict[str, FakeUser] = {
            u.id: u
            for u in users
            or [
                FakeUser("U0ADMIN", "admin", is_admin=True),
                FakeUser("U0OWNER", "owner", is_owner=True),
                FakeUser("U0USER", "user"),
                FakeUser(bot_user_id, "alertbot", is_bot=True),
            ]
        }
        self.channels: dict[str, FakeChannel] = {
            c.id: c
            for c in channels
            or [
                FakeChannel("C0GENERAL", "general"),
                FakeChannel("C0ALERTS", "alerts"),
                FakeChannel("C0OUTSIDE", "outside", is_member=False),
                FakeChannel("C0OLD", "old", is_archived=True),
            ]
        }
        self.calls: list[Call] = []
        self.posted: list[dict[str, Any]] = []  # chat.postMessage payloads that succeeded
        self.ephemeral: list[dict[str, Any]] = []  # chat.postEphemeral payloads that succeeded
        self.webhook_posts: list[dict[str, Any]] = []  # incoming-webhook payloads that succeeded
        self.responses: list[dict[str, Any]] = []  # payloads posted to a response_url
        self.acks: list[Ack] = []  # Socket Mode acks, in arrival order
        self.errors: list[str] = []  # every Block Kit / size problem found in what was sent
        self._failures: dict[str, deque[Failure]] = defaultdict(deque)
        self._ts = itertools.count(1)
        self._envelopes = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._changed: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Listen on a random port of 127.0.0.1."""
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/socket-mode", self._socket)
        app.router.add_post("/services/{team}/{bot}/{secret}", self._webhook)
        app.router.add_post("/commands/{team}/{id}/{secret}", self._response_url)
        # Client WebSockets are closed before cleanup, so in-flight calls may take their time.
        self._runner, _, self.port = await serve(app, shutdown_timeout=60.0)

    async def close(self) -> None:
        """Close client WebSockets first (else the runner waits for them), then the server."""
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- addresses ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """The Web API base URL, for AsyncWebClient(base_url=...) and [slack] api_url."""
        return f"{self.url}/api/"

    @property
    def webhook_url(self) -> str:
        """An incoming-webhook URL that posts to #alerts."""
        return f"{self.url}/services/{self.team_id}/B0HOOK/hooksecret"

    # -- scripting ---------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        headers: Mapping[str, str] | None = None,
        body: str | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` ("chat.postMessage", "webhook") with a failure.

        status=429 without headers gets Retry-After: 1; status=200 with error gives
        {"ok": false, "error": ...}; `body` replaces the whole body (e.g. HTML on a 502).
        """
        hdrs = dict(headers or {})
        if status == 429:
            hdrs.setdefault("Retry-After", "1")
        for _ in range(times):
            self._failures[method].append(Failure(status, error, hdrs, body))

    def revoke(self, token: str) -> None:
        """Make a token answer invalid_auth from now on."""
        self.bot_tokens.discard(token)
        self.app_tokens.discard(token)

    def add_user(self, user: FakeUser) -> None:
        """Register a workspace member for users.info."""
        self.users[user.id] = user

    def add_channel(self, channel: FakeChannel) -> None:
        """Register a channel for chat.postMessage and conversations.info."""
        self.channels[channel.id] = channel

    def calls_to(self, method: str) -> list[Call]:
        """The recorded calls of one method."""
        return [c for c in self.calls if c.method == method]

    # A test helper: the deadline belongs in the call, hence the timeout parameter.
    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until `predicate()` holds after some request; TimeoutError otherwise."""
        assert self._changed is not None, "FakeSlack is not started"
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        await self._notify()

    async def _notify(self) -> None:
        if self._changed is not None:
            async with self._changed:
                self._changed.notify_all()

    # -- slash commands ----------------------------------------------------------------------

    def slash_command(
        self,
        text: str = "",
        *,
        command: str = "/alerts",
        user_id: str = "U0USER",
        channel_id: str = "C0GENERAL",
    ) -> dict[str, str]:
        """The form fields Slack sends for a slash command; response_url points at this fake."""
        n = next(self._envelopes)
        user = self.users.get(user_id)
        channel = self.channels.get(channel_id)
        return {
            "token": "deprecated-verification-token",
            "team_id": self.team_id,
            "team_domain": "fake",
            "channel_id": channel_id,
            "channel_name": channel.name if channel else "unknown",
            "user_id": user_id,
            "user_name": user.name if user else "unknown",
            "command": command,
            "text": text,
            "api_app_id": self.app_id,
            "is_enterprise_install": "false",
            "response_url": f"{self.url}/commands/{self.team_id}/{n}/respsecret",
            "trigger_id": f"{n}.trigger",
        }

    def signed_slash_command(
        self, text: str = "", *, signing_secret: str | None = None, **kw: str
    ) -> tuple[bytes, dict[str, str]]:
        """Body and headers of a slash-command POST signed with this fake's signing secret."""
        return signed_request(
            signing_secret or self.signing_secret,
            urllib.parse.urlencode(self.slash_command(text, **kw)).encode(),
            content_type="application/x-www-form-urlencoded",
        )

    async def post_slash_command(
        self, bot_url: str, text: str = "", *, signing_secret: str | None = None, **kw: str
    ) -> tuple[int, str]:
        """POST a signed slash command to a bot in HTTP mode, as Slack does; (status, body)."""
        body, headers = self.signed_slash_command(text, signing_secret=signing_secret, **kw)
        async with (
            aiohttp.ClientSession() as http,
            http.post(bot_url, data=body, headers=headers) as r,
        ):
            return r.status, await r.text()

    async def push_slash_command(self, text: str = "", **kw: str) -> str:
        """Send a slash_commands envelope to the newest Socket Mode client; returns envelope_id."""
        await self.wait_until(lambda: bool(self._sockets), timeout=5)
        envelope_id = f"env-{next(self._envelopes)}"
        envelope = {
            "envelope_id": envelope_id,
            "payload": self.slash_command(text, **kw),
            "type": "slash_commands",
            "accepts_response_payload": True,
        }
        await self._sockets[-1].send_str(json.dumps(envelope))
        return envelope_id

    async def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> Ack:
        """The client's ack of one envelope (Slack drops envelopes not acked within 3 s)."""
        await self.wait_until(lambda: any(a.envelope_id == envelope_id for a in self.acks), timeout)
        return next(a for a in self.acks if a.envelope_id == envelope_id)

    @property
    def socket_clients(self) -> int:
        """How many Socket Mode WebSockets are open."""
        return sum(1 for ws in self._sockets if not ws.closed)

    async def disconnect_clients(self, reason: str = "refresh_requested") -> None:
        """Ask Socket Mode clients to reconnect, as Slack does every few hours."""
        for ws in list(self._sockets):
            if not ws.closed:
                await ws.send_str(json.dumps({"type": "disconnect", "reason": reason}))

    # -- handlers ----------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json":
                data = json.loads(raw or b"{}")
                if isinstance(data, dict):
                    params.update(data)
            else:
                params.update(urllib.parse.parse_qsl(raw.decode(), keep_blank_values=True))
        for key in ("blocks", "attachments"):  # form-encoded calls send these as JSON strings
            if isinstance(params.get(key), str):
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(params[key])
        return params

    @staticmethod
    def _json(
        status: int = 200, headers: Mapping[str, str] | None = None, **body: Any
    ) -> web.Response:
        return web.json_response(body, status=status, headers=dict(headers or {}))

    def _scripted(self, method: str) -> web.Response | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        f = queue.popleft()
        if f.body is not None:
            ctype = "application/json" if f.body.lstrip().startswith("{") else "text/plain"
            return web.Response(status=f.status, text=f.body, headers=f.headers, content_type=ctype)
        if method == "webhook":  # webhooks answer plain-text error codes
            return web.Response(status=f.status, text=f.error or "error", headers=f.headers)
        if f.status >= 500:  # Slack's edge answers 5xx with an HTML page, not JSON
            return web.Response(
                status=f.status,
                text="<html><body>Server Error</body></html>",
                headers=f.headers,
                content_type="text/html",
            )
        error = f.error or ("ratelimited" if f.status == 429 else "fatal_error")
        return self._json(f.status, f.headers, ok=False, error=error)

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = await self._params(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None
        token = token or params.pop("token", None)
        resp = self._scripted(method) or self._answer(method, params, token)
        await self._record(Call(method, params, token, resp.status, time.monotonic()))
        return resp

    def _answer(self, method: str, params: dict[str, Any], token: str | None) -> web.Response:
        if not token:
            return self._json(ok=False, error="not_authed")
        if method == "apps.connections.open":
            if token not in self.app_tokens:
                return self._json(ok=False, error="invalid_auth")
            return self._json(ok=True, url=f"ws://127.0.0.1:{self.port}/socket-mode?ticket=t")
        if token in self.app_tokens:
            return self._json(ok=False, error="not_allowed_token_type")
        if token not in self.bot_tokens:
            return self._json(ok=False, error="invalid_auth")
        handler = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "conversations.info": self._conversations_info,
            "users.info": self._users_info,
        }.get(method)
        if handler is None:
            return self._json(ok=False, error="unknown_method")
        return handler(params)

    def _auth_test(self, params: dict[str, Any]) -> web.Response:
        return self._json(
            headers={"x-oauth-scopes": "commands,chat:write,users:read,channels:read,groups:read"},
            ok=True,
            url="https://fake.slack.com/",
            team="Fake Workspace",
            user="alertbot",
            team_id=self.team_id,
            user_id=self.bot_user_id,
            bot_id="B0BOT",
            is_enterprise_install=False,
        )

    def _channel(self, ref: Any) -> FakeChannel | None:
        ref = str(ref or "")
        if ref in self.channels:
            return self.channels[ref]
        name = ref.removeprefix("#")
        return next((c for c in self.channels.values() if c.name == name), None)

    def _check_message(self, params: dict[str, Any], where: str) -> str | None:
        """The Slack error code for a malformed message, after recording the details."""
        text, blocks = params.get("text"), params.get("blocks")
        if not text and not blocks:
            self.errors.append(f"{where}: neither text nor blocks")
            return "no_text"
        if text is not None and len(str(text)) > MAX_MESSAGE_TEXT:
            self.errors.append(f"{where}: text has {len(str(text))} characters")
            return "msg_too_long"
        problems = block_problems(blocks) if blocks is not None else []
        if problems:
            self.errors.extend(f"{where}: {p}" for p in problems)
            return "invalid_blocks"
        return None

    def _post_message(self, params: dict[str, Any]) -> web.Response:
        channel = self._channel(params.get("channel"))
        if channel is None:
            return self._json(ok=False, error="channel_not_found")
        if channel.is_archived:
            return self._json(ok=False, error="is_archived")
        if not channel.is_member:
            return self._json(ok=False, error="not_in_channel")
        problem = self._check_message(params, "chat.postMessage")
        if problem:
            return self._json(ok=False, error=problem)
        ts = f"{1_700_000_000 + next(self._ts)}.000100"
        self.posted.append(params)
        message = {k: params.get(k) for k in ("text", "blocks") if k in params}
        return self._json(ok=True, channel=channel.id, ts=ts, message={**message, "ts": ts})

    def _post_ephemeral(self, params: dict[str, Any]) -> web.Response:
        channel = self._channel(params.get("channel"))
        if channel is None:
            return self._json(ok=False, error="channel_not_found")
        if params.get("user") not in self.users:
            return self._json(ok=False, error="user_not_found")
        problem = self._check_message(params, "chat.postEphemeral")
        if problem:
            return self._json(ok=False, error=problem)
        self.ephemeral.append(params)
        return self._json(ok=True, message_ts=f"{1_700_000_000 + next(self._ts)}.000200")

    def _conversations_info(self, params: dict[str, Any]) -> web.Response:
        channel = self._channel(params.get("channel"))
        if channel is None:
            return self._json(ok=False, error="channel_not_found")
        return self._json(
            ok=True,
            channel={
                "id": channel.id,
                "name": channel.name,
                "is_channel": not channel.is_private,
                "is_group": channel.is_private,
                "is_private": channel.is_private,
                "is_archived": channel.is_archived,
                "is_member": channel.is_member,
            },
        )

    def _users_info(self, params: dict[str, Any]) -> web.Response:
        user = self.users.get(str(params.get("user", "")))
        if user is None:
            return self._json(ok=False, error="user_not_found")
        return self._json(
            ok=True,
            user={
                "id": user.id,
                "team_id": self.team_id,
                "name": user.name,
                "real_name": user.name.title(),
                "is_admin": user.is_admin or user.is_owner,  # Slack marks owners as admins too
                "is_owner": user.is_owner,
                "is_primary_owner": False,
                "is_bot": user.is_bot,
                "profile": {"display_name": user.name, "real_name": user.name.title()},
            },
        )

    async def _webhook(self, request: web.Request) -> web.Response:
        try:
            params = await request.json()
        except ValueError:
            params = None
        resp = self._scripted("webhook")
        if resp is None:
            if not isinstance(params, dict):
                resp = web.Response(status=400, text="invalid_payload")
            else:
                problem = self._check_message(params, "webhook")
                if problem:
                    resp = web.Response(status=400, text=problem)
                else:
                    self.webhook_posts.append(params)
                    resp = web.Response(text="ok")
        body = params if isinstance(params, dict) else {}
        await self._record(Call("webhook", body, None, resp.status, time.monotonic()))
        return resp

    async def _response_url(self, request: web.Request) -> web.Response:
        params = await request.json()
        resp = self._scripted("response_url")
        if resp is None:
            problem = self._check_message(params, "response_url")
            if problem:
                resp = self._json(400, ok=False, error=problem)
            else:
                self.responses.append(params)
                resp = self._json(ok=True)
        await self._record(Call("response_url", params, None, resp.status, time.monotonic()))
        return resp

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)  # answers the client's pings with pongs
        await ws.prepare(request)
        await ws.send_str(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": len(self._sockets) + 1,
                    "debug_info": {"host": "fake-slack", "approximate_connection_time": 18060},
                    "connection_info": {"app_id": self.app_id},
                }
            )
        )
        self._sockets.append(ws)
        await self._notify()
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                if isinstance(data, dict) and "envelope_id" in data:
                    payload = data.get("payload")
                    if payload:  # an ack payload is shown as a message: same limits apply
                        self._check_message({"text": "ack", **payload}, "socket ack")
                    self.acks.append(Ack(data["envelope_id"], payload))
                    await self._notify()
        finally:
            self._sockets.remove(ws)
            await self._notify()
        return ws


def block_problems(blocks: Any) -> list[str]:
    """What Slack would reject in a list of Block Kit blocks (empty when it is valid)."""
    if not isinstance(blocks, list):
        return ["blocks is not a list"]
    out: list[str] = []
    if len(blocks) > MAX_BLOCKS:
        out.append(f"{len(blocks)} blocks (max {MAX_BLOCKS})")

    kinds_any = ("plain_text", "mrkdwn")

    def text_obj(obj: Any, where: str, limit: int, kinds: tuple[str, ...] = kinds_any) -> None:
        if not isinstance(obj, dict) or obj.get("type") not in kinds:
            out.append(f"{where}: expected a text object of type {'/'.join(kinds)}")
            return
        text = obj.get("text")
        if not isinstance(text, str) or not text:
            out.append(f"{where}: text must be a non-empty string")
        elif len(text) > limit:
            out.append(f"{where}: {len(text)} characters (max {limit})")

    for i, block in enumerate(blocks):
        kind = block.get("type") if isinstance(block, dict) else None
        where = f"blocks[{i}] ({kind})"
        if kind == "header":
            text_obj(block.get("text"), where, MAX_HEADER, ("plain_text",))
        elif kind == "section":
            if "text" not in block and "fields" not in block:
                out.append(f"{where}: needs text or fields")
            if "text" in block:
                text_obj(block["text"], where, MAX_SECTION_TEXT)
            fields = block.get("fields")
            if fields is not None:
                if not isinstance(fields, list) or not fields or len(fields) > MAX_FIELDS:
                    out.append(f"{where}: fields must be 1 to {MAX_FIELDS} text objects")
                else:
                    for j, f in enumerate(fields):
                        text_obj(f, f"{where}.fields[{j}]", MAX_FIELD_TEXT)
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not elements:
                out.append(f"{where}: needs elements")
            else:
                if len(elements) > MAX_CONTEXT_ELEMENTS:
                    out.append(f"{where}: {len(elements)} elements (max {MAX_CONTEXT_ELEMENTS})")
                for j, e in enumerate(elements):
                    text_obj(e, f"{where}.elements[{j}]", MAX_SECTION_TEXT)
        elif kind == "divider":
            pass
        else:
            out.append(f"{where}: block type not supported by the fake")
    return out


def sign(signing_secret: str, body: bytes | str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 request-signing headers for `body` (HMAC-SHA256 of "v0:TS:BODY")."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    raw = body if isinstance(body, bytes) else body.encode()
    base = b"v0:" + ts.encode() + b":" + raw
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def signed_request(
    signing_secret: str,
    body: bytes,
    *,
    content_type: str = "application/x-www-form-urlencoded",
    timestamp: int | None = None,
) -> tuple[bytes, dict[str, str]]:
    """A request body and the headers Slack would send with it, correctly signed."""
    return body, {"Content-Type": content_type, **sign(signing_secret, body, timestamp)}
