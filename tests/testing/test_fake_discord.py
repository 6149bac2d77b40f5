"""FakeDiscord against a real discord.py Client: login, gateway, interactions, failures."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import discord
import pytest
from discord import app_commands

from bot.platforms.discord.endpoints import reset_endpoints, use_endpoints
from bot.testing.fake_discord import FakeDiscord


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as f:
        use_endpoints(f.api_url, f.gateway_url)
        try:
            yield f
        finally:
            reset_endpoints()


class _Bot(discord.Client):
    def __init__(self) -> None:
        # guild_ready_timeout: READY waits this long after the last GUILD_CREATE.
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)
        self.ready = asyncio.Event()
        group = app_commands.Group(name="alerts", description="Company alerts")

        @group.command(name="ping", description="Answer pong")
        async def ping(interaction: discord.Interaction, word: str) -> None:
            await interaction.response.send_message(f"pong {word}", ephemeral=True)

        @group.command(name="slow", description="Defer, then answer")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.followup.send("done")

        self.tree.add_command(group)

    async def on_ready(self) -> None:
        self.ready.set()


@contextlib.asynccontextmanager
async def running(token: str) -> AsyncIterator[_Bot]:
    bot = _Bot()
    task = asyncio.create_task(bot.start(token))
    try:
        await asyncio.wait_for(bot.ready.wait(), 5)
        yield bot
    finally:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, 5)


async def test_client_logs_in_gets_ready_and_answers_an_interaction(fake: FakeDiscord) -> None:
    async with running(fake.token) as bot:
        assert bot.user is not None and bot.user.id == fake.bot_user_id
        guild = bot.get_guild(fake.guild_id)
        assert guild is not None and guild.get_channel(fake.channel_ids[0]) is not None
        assert fake.identifies == 1 and any(f.get("op") == 1 for f in fake.gateway_log)

        bot.tree.copy_global_to(guild=discord.Object(fake.guild_id))
        await bot.tree.sync(guild=discord.Object(fake.guild_id))
        assert [c["name"] for c in fake.synced[fake.guild_id]] == ["alerts"]

        it = await fake.interact("ping", {"word": "hi"})
        answer = await fake.answer(it)
        assert answer["type"] == 4 and answer["content"] == "pong hi" and answer["flags"] & 64

        it = await fake.interact("slow")
        answer = await fake.answer(it)
        assert answer["type"] == 5 and answer["content"] == "done"


async def test_resume_after_a_dropped_gateway_keeps_the_session(fake: FakeDiscord) -> None:
    async with running(fake.token) as bot:
        await fake.drop_gateway(4000)
        await fake.wait_for(lambda: fake.resumes == 1)
        await fake.wait_identified()
        await bot.tree.sync()
        it = await fake.interact("ping", {"word": "again"})
        assert (await fake.answer(it))["content"] == "pong again"
        assert fake.identifies == 1


async def test_bad_token_raises_login_failure(fake: FakeDiscord) -> None:
    bot = _Bot()
    try:
        with pytest.raises(discord.LoginFailure):
            await bot.login("not-the-token")
    finally:
        await bot.close()
    assert fake.requests[0] == ("GET", "/users/@me")


async def test_queued_failure_is_served_once_then_the_route_works(fake: FakeDiscord) -> None:
    bot = _Bot()
    await bot.login(fake.token)
    try:
        fake.fail("GET", "/channels/{channel_id}", 403)
        with pytest.raises(discord.Forbidden) as err:
            await bot.fetch_channel(fake.channel_ids[0])
        assert err.value.code == 50001
        channel = await bot.fetch_channel(fake.channel_ids[0])
        assert channel.id == fake.channel_ids[0]
        doomed = fake.channel_ids[1]
        fake.delete_channel(doomed)
        with pytest.raises(discord.NotFound) as gone:
            await bot.fetch_channel(doomed)
        assert gone.value.code == 10003
    finally:
        await bot.close()


async def test_nonce_with_enforce_nonce_returns_the_first_message(fake: FakeDiscord) -> None:
    bot = _Bot()
    await bot.login(fake.token)
    try:
        channel = await bot.fetch_channel(fake.channel_ids[0])
        assert isinstance(channel, discord.TextChannel)
        first = await channel.send("one", nonce="n-1")
        again = await channel.send("one", nonce="n-1")
        other = await channel.send("two", nonce="n-2")
    finally:
        await bot.close()
    assert first.id == again.id != other.id
    assert [m["content"] for m in fake.messages[fake.channel_ids[0]]] == ["one", "two"]
