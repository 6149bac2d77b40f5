"""The Slack app: /alerts over Socket Mode or HTTP, answered by the platform-neutral CommandService.

This module only translates: Slack's slash-command payload becomes a Caller and a line of text,
the service's Reply becomes Block Kit (render.reply_payload). No command logic lives here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import SlackConfig
from bot.platforms.runtime import StartupError
from bot.platforms.slack.render import reply_payload
from handlers.replies import Caller, Reply

if TYPE_CHECKING:
    from handlers.commands import CommandService

log = logging.getLogger("bot.platforms.slack")

#: Where Slack sends requests in HTTP mode (the manifest's request_url ends with it).
EVENTS_PATH = "/slack/events"
#: How long a users.info admin answer is trusted: promotions show up within minutes.
ADMIN_TTL = 300.0
#: How long start() waits for the Socket Mode WebSocket before giving up.
CONNECT_TIMEOUT = 30.0


def parse_listen(listen: str) -> tuple[str, int]:
    """("0.0.0.0", 3000) from "0.0.0.0:3000"; "[::]:3000" and ":3000" work too."""
    host, sep, port = listen.strip().rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise StartupError(f"[slack] listen = {listen!r}: expected HOST:PORT like 0.0.0.0:3000")
    return host.strip("[]") or "0.0.0.0", int(port)


def _rejected(which: str, e: SlackApiError, hint: str) -> StartupError:
    """'Slack rejected bot_token (invalid_auth): check ...' from a Web API error."""
    error = e.response.get("error") if isinstance(e.response.data, dict) else None
    return StartupError(f"Slack rejected {which} ({error or f'HTTP {e.response.status_code}'})"
                        f": {hint}")


class SlackRuntime:
    """The /alerts slash command on Slack (implements ChatRuntime)."""

    def __init__(self, config: SlackConfig, service: CommandService) -> None:
        self.config = config
        self.service = service
        self.port = 0  # HTTP mode: the bound port once started (listen may ask for port 0)
        self.team_id = ""
        self.bot_user_id = ""
        self._admins: dict[str, tuple[bool, float]] = {}  # user -> (is admin, expires)
        self._session: aiohttp.ClientSession | None = None
        self._bolt: AsyncApp | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    # ---- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        """Check the token, then listen (Socket Mode or HTTP); StartupError says what is wrong."""
        cfg = self.config
        # One session for every Web API call; made here because it needs the running loop.
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        api_url = cfg.api_url if cfg.api_url.endswith("/") else cfg.api_url + "/"
        client = AsyncWebClient(token=cfg.bot_token, base_url=api_url, session=self._session)
        try:
            await self._check_token(client)
            self._bolt = self._build(client)
            if cfg.mode == "socket":
                await self._start_socket(self._bolt)
            else:
                await self._start_http(self._bolt)
        except BaseException:
            await self.stop()
            raise

    async def _check_token(self, client: AsyncWebClient) -> None:
        try:
            auth = await client.auth_test()
        except SlackApiError as e:
            raise _rejected("bot_token", e, "check [slack] bot_token, the xoxb-... Bot User "
                            "OAuth Token of the installed app") from None
        except (TimeoutError, aiohttp.ClientError, OSError) as e:
            raise StartupError(f"cannot reach Slack at {self.config.api_url}: {e}") from None
        self.team_id = str(auth.get("team_id") or "")
        self.bot_user_id = str(auth.get("user_id") or "")
        log.info("slack: signed in as %s in %s", auth.get("user"), auth.get("team"))

    def _build(self, client: AsyncWebClient) -> AsyncApp:
        app = AsyncApp(
            client=client,
            # Socket Mode messages are not signed; HTTP requests must be.
            signing_secret=self.config.signing_secret,
            request_verification_enabled=self.config.mode == "http",
            logger=logging.getLogger("slack_bolt.alertbot"),
        )
        app.command("/alerts")(self._on_alerts)
        return app

    async def _start_socket(self, app: AsyncApp) -> None:
        handler = AsyncSocketModeHandler(app, self.config.app_token)
        self._socket = handler
        # The SDK retries a refused app token forever; asking for the URL ourselves first
        # turns a bad token into a plain error, and the URL is then used for the connection.
        try:
            url = await app.client.apps_connections_open(app_token=self.config.app_token)
        except SlackApiError as e:
            raise _rejected("app_token", e, "check [slack] app_token, an xapp-... App-Level "
                            "Token with connections:write") from None
        except (TimeoutError, aiohttp.ClientError, OSError) as e:
            raise StartupError(f"cannot reach Slack at {self.config.api_url}: {e}") from None
        handler.client.wss_uri = str(url["url"])
        try:
            await asyncio.wait_for(handler.connect_async(), CONNECT_TIMEOUT)
        except TimeoutError:
            raise StartupError(
                f"Slack Socket Mode: no WebSocket connection within {CONNECT_TIMEOUT:.0f} s"
            ) from None
        log.info("slack: Socket Mode connected")

    async def _start_http(self, app: AsyncApp) -> None:
        host, port = parse_listen(self.config.listen)

        async def events(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await app.async_dispatch(
                await to_bolt_request(request)))

        web_app = web.Application()
        web_app.router.add_post(EVENTS_PATH, events)
        self._runner = web.AppRunner(web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        try:
            await site.start()
        except OSError as e:
            raise StartupError(
                f"[slack] listen = {self.config.listen!r}: cannot listen there "
                f"({e.strerror or e}); is another process using the port?"
            ) from None
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1]) if sockets else port
        log.info("slack: listening for requests on http://%s:%d%s", host, self.port, EVENTS_PATH)

    async def stop(self) -> None:
        """Close the WebSocket or HTTP server, let replies in flight finish, then the session."""
        if self._socket is not None:
            with contextlib.suppress(Exception):
                await self._socket.close_async()
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=5)
        if self._session is not None:
            await self._session.close()
            self._session = None
        self._bolt = None

    @property
    def url(self) -> str:
        """HTTP mode: where this app takes Slack's requests (127.0.0.1 for tests)."""
        host, _ = parse_listen(self.config.listen)
        host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        return f"http://{host}:{self.port}{EVENTS_PATH}"

    # ---- /alerts ----------------------------------------------------------------------

    async def _on_alerts(self, ack: Any, command: dict[str, Any], respond: Any) -> None:
        # Slack shows an error unless the command is acked within 3 s: ack first, answer later
        # through response_url (valid for 30 minutes).
        await ack()
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            try:
                reply = await self._answer(command)
            except Exception:  # the service answers its own errors; this is a last resort
                log.exception("slack: /alerts failed", extra={"channel": command.get("channel_id")})
                reply = Reply("Sorry, something went wrong running that command; it was logged.",
                              ok=False)
            try:
                await respond(**reply_payload(reply))
            except Exception:
                log.exception("slack: could not send the /alerts reply",
                              extra={"channel": command.get("channel_id")})
        finally:
            if task is not None:
                self._tasks.discard(task)

    async def _answer(self, command: dict[str, Any]) -> Reply:
        user = str(command.get("user_id") or "")
        caller = Caller(
            platform="slack",
            channel=str(command.get("channel_id") or ""),
            user=user,
            is_admin=await self.is_admin(user),
            workspace=str(command.get("team_id") or ""),
        )
        return await self.service.run(caller, str(command.get("text") or ""))

    async def is_admin(self, user: str) -> bool:
        """Listed in [slack] admins, or a workspace admin/owner per users.info (cached)."""
        if user in self.config.admins:
            return True
        now = time.monotonic()
        cached = self._admins.get(user)
        if cached is not None and cached[1] > now:
            return cached[0]
        if self._bolt is None or not user:
            return False
        try:
            info = await self._bolt.client.users_info(user=user)
        except (SlackApiError, TimeoutError, aiohttp.ClientError, OSError) as e:
            # Not cached: a transient failure should not lock an admin out for minutes.
            log.warning("slack: users.info failed for %s (%s); treating as non-admin", user, e)
            return False
        profile = info.get("user") or {}
        admin = bool(profile.get("is_admin") or profile.get("is_owner")
                     or profile.get("is_primary_owner"))
        self._admins[user] = (admin, now + ADMIN_TTL)
        return admin
