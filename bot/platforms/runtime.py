"""Which senders and chat apps a config turns on; SDK modules load only when configured."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any, Protocol

from bot.config import Config
from bot.delivery.base import Sender

if TYPE_CHECKING:
    import asyncio

    from bot.app import App


class StartupError(Exception):
    """A chat platform cannot start (bad token, port taken); the message says which and why."""


class ChatRuntime(Protocol):
    """A running chat app (Slack, Discord) that answers /alerts."""

    async def start(self) -> None:
        """Connect, check the token, register commands; StartupError when it cannot."""
        ...

    async def stop(self) -> None:
        """Disconnect cleanly."""
        ...


Services = Callable[["App", "asyncio.Event"], AbstractAsyncContextManager[None]]


def platform_senders(config: Config) -> dict[str, Sender]:
    """A Sender per configured platform (webhook platforms need no token)."""
    from bot.platforms.discord.sender import DiscordWebhookSender
    from bot.platforms.slack.sender import SlackWebhookSender

    senders: dict[str, Sender] = {"slack-webhook": SlackWebhookSender(),
                                  "discord-webhook": DiscordWebhookSender()}
    if config.slack is not None:
        from bot.platforms.slack.sender import SlackSender

        senders["slack"] = SlackSender(config.slack.bot_token, config.slack.api_url)
    if config.discord is not None:
        from bot.platforms.discord.sender import DiscordSender

        senders["discord"] = DiscordSender(config.discord.token,
                                           api_url=config.discord.api_url)
    return senders


def command_service(app: App) -> Any:
    """The platform-neutral /alerts logic bound to this app's parts."""
    from handlers.commands import CommandService

    return CommandService(app.store, app.registry, app.classifier, app.fetcher,
                          app.pipeline.source_types,
                          custom_labels=[n for n, r in app.config.classifier.labels.items()
                                         if r.enabled],
                          on_sources_changed=app.sources_changed)


def chat_runtimes(config: Config, app: App) -> list[ChatRuntime]:
    """The chat apps the config turns on, bound to the app's command service."""
    runtimes: list[ChatRuntime] = []
    if config.slack is None and config.discord is None:
        return runtimes
    service = command_service(app)
    if config.slack is not None:
        from bot.platforms.slack.app import SlackRuntime

        runtimes.append(SlackRuntime(config.slack, service))
    if config.discord is not None:
        from bot.platforms.discord.app import DiscordRuntime

        runtimes.append(DiscordRuntime(config.discord, service))
    return runtimes


def platform_parts(config: Config) -> tuple[dict[str, Sender], Services]:
    """Senders for the outbox, and a context manager that runs the chat apps."""

    @asynccontextmanager
    async def services(app: App, stop: asyncio.Event) -> AsyncIterator[None]:
        started: list[ChatRuntime] = []
        try:
            for rt in chat_runtimes(config, app):
                await rt.start()
                started.append(rt)
            yield
        finally:
            for rt in reversed(started):
                await rt.stop()

    return platform_senders(config), services
