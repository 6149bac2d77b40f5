"""The /alerts application commands on Discord: a discord.py client, its command tree, start/stop.

Each subcommand turns Discord's typed options into one call of the platform-neutral
:class:`handlers.commands.CommandService` and renders its Reply with
:func:`bot.platforms.discord.render.reply_message`. Discord wants an answer within three
seconds: work that may take longer (feeds add fetches a URL; a slow database) is deferred
first and the answer edited in afterwards. Errors reach the user as a short ephemeral
message and the log as a traceback, never as "The application did not respond".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.config import DiscordConfig, parse_duration
from bot.platforms.discord.endpoints import use_endpoints
from bot.platforms.discord.render import EPHEMERAL, reply_message
from bot.platforms.runtime import StartupError
from handlers.commands import CommandService, UsageError
from handlers.replies import Caller, Reply

log = logging.getLogger("bot.platforms.discord")

#: Answer directly when the work is done within this many seconds, else defer first
#: (Discord drops interactions not acknowledged within 3 s).
DEFER_AFTER = 2.0
CHOICES_MAX = 25  # Discord's limit for choices and autocomplete results
CHOICE_TEXT_MAX = 100
ERROR_MESSAGE = "Sorry, something went wrong running that command; it was logged."
FEED_ACTIONS = ("add", "list", "remove")
_ADMIN_ONLY = ("Sorry, managing feeds needs the Manage Server permission. "
               "Subscribing channels is open to everyone.")


def caller_of(interaction: discord.Interaction[Any]) -> Caller:
    """Who ran a command, where, and whether they hold Manage Server there."""
    perms = interaction.permissions
    return Caller(
        "discord",
        str(interaction.channel_id or ""),
        str(interaction.user.id),
        is_admin=bool(perms.manage_guild or perms.administrator),
        workspace=str(interaction.guild_id or ""),
    )


def send_kwargs(body: dict[str, Any]) -> dict[str, Any]:
    """discord.py keyword arguments for a rendered reply body (never pings anyone)."""
    return {
        "content": body.get("content") or None,
        "embeds": [discord.Embed.from_dict(e) for e in body.get("embeds", [])],
        "allowed_mentions": discord.AllowedMentions.none(),
    }


def _choice(text: str) -> app_commands.Choice[str]:
    text = text[:CHOICE_TEXT_MAX]
    return app_commands.Choice(name=text, value=text)


async def answer(
    interaction: discord.Interaction[Any],
    work: Awaitable[Reply],
    *,
    ephemeral: bool = True,
    defer_now: bool = False,
) -> None:
    """Run `work` and show its Reply; defer first if it is slow (or `defer_now`).

    `ephemeral` is used only when deferring, since the deferral fixes who sees the answer
    before the Reply says; a direct answer follows Reply.ephemeral.
    """
    task: asyncio.Future[Reply] = asyncio.ensure_future(work)
    if not defer_now:
        await asyncio.wait({task}, timeout=DEFER_AFTER)
    if not task.done():
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    try:
        reply = await task
    except UsageError as e:
        reply = Reply(str(e), ok=False)
    body = reply_message(reply)
    kwargs = send_kwargs(body)
    if interaction.response.is_done():
        await interaction.edit_original_response(**kwargs)
    else:
        await interaction.response.send_message(
            **kwargs, ephemeral=bool(body.get("flags", 0) & EPHEMERAL))


class AlertsTree(app_commands.CommandTree[discord.Client]):
    """The command tree, with an error handler that always answers."""

    async def on_error(
        self, interaction: discord.Interaction[discord.Client], error: app_commands.AppCommandError
    ) -> None:
        """Log the traceback; tell the user briefly."""
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        name = interaction.command.qualified_name if interaction.command else "?"
        log.error("/%s failed: %s", name, cause, exc_info=cause,
                  extra={"channel": str(interaction.channel_id)})
        if interaction.type is discord.InteractionType.autocomplete:
            return  # no message can be shown for a suggestion list
        message = ERROR_MESSAGE
        if isinstance(error, app_commands.CheckFailure | app_commands.TransformerError):
            message = str(error) or ERROR_MESSAGE
        try:
            if interaction.response.is_done():
                await interaction.edit_original_response(
                    content=message, embeds=[], allowed_mentions=discord.AllowedMentions.none())
            else:
                await interaction.response.send_message(
                    message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as e:  # the interaction expired or Discord is down
            log.warning("could not tell the user about the error: %s", e)


def build_tree(client: discord.Client, service: CommandService) -> AlertsTree:
    """/alerts (every subcommand) and /alerts-feeds (admins) bound to `service`."""
    tree = AlertsTree(client)
    label_choices = [_choice(lab) for lab in service.labels[:CHOICES_MAX]]
    action_choices = [_choice(a) for a in FEED_ACTIONS]

    async def companies(_: discord.Interaction[Any], current: str,
                        ) -> list[app_commands.Choice[str]]:
        return [_choice(n) for n in service.complete_company(current, CHOICES_MAX)]

    async def subscribed(interaction: discord.Interaction[Any], current: str,
                         ) -> list[app_commands.Choice[str]]:
        # This channel's subscriptions first: those are what can be unsubscribed.
        subs = await service.store.subscriptions("discord", str(interaction.channel_id))
        p = current.strip().lower()
        names = [s.company for s in subs if p in s.company.lower()]
        names += [n for n in service.complete_company(current, CHOICES_MAX) if n not in names]
        return [_choice(n) for n in names[:CHOICES_MAX]]

    async def source_names(_: discord.Interaction[Any], current: str,
                           ) -> list[app_commands.Choice[str]]:
        p = current.strip().lower()
        rows = await service.store.list_sources()
        return [_choice(s.name) for s in rows if p in s.name.lower()][:CHOICES_MAX]

    async def feeds(interaction: discord.Interaction[Any], action: str, target: str | None,
                    ) -> None:
        caller = caller_of(interaction)
        # default_member_permissions only hides the command; server admins can re-grant it.
        if not caller.is_admin:
            await answer(interaction, _ready(Reply(_ADMIN_ONLY, ok=False)))
            return
        if action == "add":
            if not target:
                await answer(interaction, _ready(Reply("usage: feeds add URL", ok=False)))
                return
            # Fetches the URL: always slower than Discord's patience allows.
            await answer(interaction, service.feeds_add(caller, target), defer_now=True)
        elif action == "remove":
            if not target:
                await answer(interaction, _ready(Reply("usage: feeds remove NAME", ok=False)))
                return
            await answer(interaction, service.feeds_remove(caller, target))
        else:
            await answer(interaction, service.feeds_list(caller))

    alerts = app_commands.Group(name="alerts", description="Company departure, funding and "
                                "dispute alerts", guild_only=True)

    @alerts.command(name="company", description="What happened at a company recently")
    @app_commands.describe(company="Company name")
    @app_commands.autocomplete(company=companies)
    async def company(interaction: discord.Interaction[Any],
                      company: app_commands.Range[str, 1, 100]) -> None:
        await answer(interaction, service.company(caller_of(interaction), company))

    @alerts.command(name="subscribe", description="Alerts about a company in this channel")
    @app_commands.describe(company="Company name, or * for every company",
                           label="Only this kind of event (all kinds if not given)",
                           label2="And this kind", role="A role to ping with each alert")
    @app_commands.autocomplete(company=companies)
    @app_commands.choices(label=label_choices, label2=label_choices)
    async def subscribe(interaction: discord.Interaction[Any],
                        company: app_commands.Range[str, 1, 100],
                        label: app_commands.Choice[str] | None = None,
                        label2: app_commands.Choice[str] | None = None,
                        role: discord.Role | None = None) -> None:
        labels = [c.value for c in (label, label2) if c is not None]
        if role is not None and role.is_default():
            await answer(interaction, _ready(Reply(
                "Pick a role other than @everyone to ping.", ok=False)))
            return
        options = {"role_id": role.id} if role is not None else None
        await answer(interaction, service.subscribe(caller_of(interaction), company, labels,
                                                    options=options), ephemeral=False)

    @alerts.command(name="unsubscribe", description="Stop a company's alerts in this channel")
    @app_commands.describe(company="Company name, or * for every company")
    @app_commands.autocomplete(company=subscribed)
    async def unsubscribe(interaction: discord.Interaction[Any],
                          company: app_commands.Range[str, 1, 100]) -> None:
        await answer(interaction, service.unsubscribe(caller_of(interaction), company),
                     ephemeral=False)

    @alerts.command(name="subscriptions", description="This channel's subscriptions")
    async def subscriptions(interaction: discord.Interaction[Any]) -> None:
        await answer(interaction, service.subscriptions(caller_of(interaction)))

    @alerts.command(name="events", description="Recent events across companies")
    @app_commands.describe(label="Only this kind of event",
                           since="How far back: 24h, 7d, 2w (default 7d)")
    @app_commands.choices(label=label_choices)
    async def events(interaction: discord.Interaction[Any],
                     label: app_commands.Choice[str] | None = None,
                     since: app_commands.Range[str, 1, 20] = "7d") -> None:
        try:
            seconds = parse_duration(since)
        except ValueError:
            await answer(interaction, _ready(Reply(
                f"{since!r} is not a duration like 24h, 7d or 2w", ok=False)))
            return
        await answer(interaction, service.events(caller_of(interaction),
                                                 label.value if label else None, seconds))

    @alerts.command(name="feeds", description="Manage news sources (Manage Server)")
    @app_commands.describe(action="add, list or remove", target="URL to add, or name to remove")
    @app_commands.choices(action=action_choices)
    @app_commands.autocomplete(target=source_names)
    async def feeds_cmd(interaction: discord.Interaction[Any], action: app_commands.Choice[str],
                        target: str | None = None) -> None:
        await feeds(interaction, action.value, target)

    @alerts.command(name="help", description="How to use /alerts")
    async def help_cmd(interaction: discord.Interaction[Any]) -> None:
        await answer(interaction, _ready(service.help()))

    # Discord applies default_member_permissions to top-level commands only, so the
    # admin-only feed commands also exist as their own command, hidden from members.
    admin = app_commands.Group(name="alerts-feeds", description="Manage alertbot's news "
                               "sources", guild_only=True,
                               default_permissions=discord.Permissions(manage_guild=True))

    @admin.command(name="add", description="Start polling a feed URL")
    @app_commands.describe(url="RSS, Atom or JSON feed URL")
    async def admin_add(interaction: discord.Interaction[Any],
                        url: app_commands.Range[str, 1, 2000]) -> None:
        await feeds(interaction, "add", url)

    @admin.command(name="list", description="Every source and its status")
    async def admin_list(interaction: discord.Interaction[Any]) -> None:
        await feeds(interaction, "list", None)

    @admin.command(name="remove", description="Stop polling a source")
    @app_commands.describe(name="Source name")
    @app_commands.autocomplete(name=source_names)
    async def admin_remove(interaction: discord.Interaction[Any],
                           name: app_commands.Range[str, 1, 200]) -> None:
        await feeds(interaction, "remove", name)

    tree.add_command(alerts)
    tree.add_command(admin)
    return tree


async def _ready(reply: Reply) -> Reply:
    return reply


class DiscordRuntime:
    """The Discord chat app: gateway connection, /alerts commands, synced at start."""

    def __init__(
        self,
        config: DiscordConfig,
        service: CommandService,
        *,
        guild_ready_timeout: float = 2.0,
        ready_timeout: float = 60.0,
    ) -> None:
        self.config = config
        self.service = service
        self.ready_timeout = ready_timeout
        # Interactions need no intent; guilds lets discord.py resolve channels and roles.
        intents = discord.Intents.none()
        intents.guilds = True
        self.client = discord.Client(intents=intents, guild_ready_timeout=guild_ready_timeout)
        self.tree = build_tree(self.client, service)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Log in, connect to the gateway, wait for READY and sync the commands."""
        api_url = self.config.api_url
        # Process-wide (see endpoints.py): the outbox's DiscordSender shares it.
        use_endpoints(api_url, self.config.gateway_url or None)
        try:
            await self.client.login(self.config.token)
        except discord.LoginFailure as e:
            await self.client.close()
            raise StartupError("Discord rejected the token ([discord] token): copy it again "
                               "from the Developer Portal, Bot page, Reset Token") from e
        except (discord.HTTPException, aiohttp.ClientError, OSError) as e:
            await self.client.close()
            raise StartupError(f"cannot reach Discord at {api_url}: {e}") from e
        self._task = asyncio.create_task(self._connect(), name="discord-gateway")
        ready = asyncio.ensure_future(self.client.wait_until_ready())
        await asyncio.wait({ready, self._task}, timeout=self.ready_timeout,
                           return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            failed = self._task.exception() if self._task.done() else None
            await self.stop()
            if isinstance(failed, discord.ConnectionClosed) and failed.code == 4004:
                raise StartupError("Discord rejected the token on the gateway (4004)")
            why = f": {failed}" if failed else f" within {self.ready_timeout:.0f}s"
            raise StartupError(f"could not connect to the Discord gateway{why}")
        try:
            await self.sync()
        except discord.HTTPException as e:
            await self.stop()
            raise StartupError(f"could not register the /alerts commands ({e}); was the bot "
                               "invited with the applications.commands scope?") from e
        user = self.client.user
        log.info("discord: connected as %s, commands synced %s", user,
                 f"to guild {self.config.test_guild}" if self.config.test_guild else "globally")

    async def _connect(self) -> None:
        await self.client.connect(reconnect=True)

    async def sync(self) -> list[app_commands.AppCommand]:
        """Register the commands: with the test guild at once, else globally (up to an hour)."""
        if self.config.test_guild:
            guild = discord.Object(self.config.test_guild)
            self.tree.copy_global_to(guild=guild)
            return await self.tree.sync(guild=guild)
        return await self.tree.sync()

    async def stop(self) -> None:
        """Close the gateway and the HTTP session."""
        await self.client.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._task, 5)
            self._task = None

