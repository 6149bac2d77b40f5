"""/alerts on Discord end to end: discord.py's real client, a real App, a FakeDiscord gateway."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.config import Config, config_from_dict
from bot.platforms.discord.app import ERROR_MESSAGE, DiscordRuntime
from bot.platforms.discord.endpoints import reset_endpoints
from bot.platforms.discord.render import EPHEMERAL
from bot.platforms.runtime import StartupError, command_service, platform_senders
from bot.testing.fake_discord import ADMIN_PERMISSIONS, MANAGE_GUILD, FakeDiscord
from bot.testing.feed_server import FeedServer
from bot.testing.feeds import FeedEntry, rss

ROUTE = "/channels/{channel_id}/messages"
GUILD = 900000000000000010
OLD = FeedEntry(title="Anthropic opens an office in Tokyo", link="https://news.example/tokyo",
                summary="Anthropic said it opened an office.",
                published=datetime(2024, 5, 1, 12, 0, tzinfo=UTC))
FUNDING = FeedEntry(title="Anthropic raises $4 billion in Series F funding round",
                    link="https://news.example/anthropic-raises",
                    summary="Anthropic raised $4 billion led by investors.",
                    published=datetime(2024, 5, 2, 12, 0, tzinfo=UTC))
HOSTILE = FeedEntry(
    title="@everyone Anthropic raises $2 billion <@123> funding round",
    link="https://news.example/hostile",
    summary="Anthropic raised $2 billion @here, see [the filing](https://evil.example/x) <@&77>.",
    published=datetime(2024, 5, 3, 12, 0, tzinfo=UTC))


def make_config(tmp_path: Path, fake: FakeDiscord, feed_url: str, test_guild: int = GUILD,
                token: str | None = None, **extra: Any) -> Config:
    return config_from_dict({
        **extra,
        "storage": {"url": f"sqlite+aiosqlite:///{tmp_path}/t.db"},
        "polling": {"allow_private": True},
        "sources": [{"name": "news", "url": feed_url}],
        "discord": {"token": token or fake.token, "test_guild": test_guild,
                    "api_url": fake.api_url, "gateway_url": fake.gateway_url},
    }, env={})


@dataclass
class Stack:
    fake: FakeDiscord
    feeds: FeedServer
    app: App
    runtime: DiscordRuntime
    config: Config
    tmp_path: Path

    @property
    def ch(self) -> int:
        return self.fake.channel_ids[0]

    @property
    def ch2(self) -> int:
        return self.fake.channel_ids[1]

    async def run(self, sub: str, opts: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        it = await self.fake.interact(sub, opts, **kw)
        return await self.fake.answer(it, 3.0)

    def publish(self, *entries: FeedEntry) -> None:
        self.feeds.set_feed("/feed.xml", rss(list(entries)))


def runtime_for(config: Config, app: App) -> DiscordRuntime:
    assert config.discord is not None
    return DiscordRuntime(config.discord, command_service(app), guild_ready_timeout=0.05,
                          ready_timeout=3.0)


@contextlib.asynccontextmanager
async def running(config: Config) -> AsyncIterator[tuple[App, DiscordRuntime]]:
    """One process's worth: the App with platform senders, and the Discord runtime started."""
    async with App(config, extra_senders=platform_senders(config)) as app:
        runtime = runtime_for(config, app)
        await runtime.start()
        try:
            yield app, runtime
        finally:
            await runtime.stop()


@pytest.fixture
async def servers() -> AsyncIterator[tuple[FakeDiscord, FeedServer]]:
    async with FakeDiscord() as fake, FeedServer() as feeds:
        feeds.set_feed("/feed.xml", rss([OLD]))
        try:
            yield fake, feeds
        finally:
            reset_endpoints()


@pytest.fixture
async def stack(servers: tuple[FakeDiscord, FeedServer], tmp_path: Path,
                ) -> AsyncIterator[Stack]:
    fake, feeds = servers
    config = make_config(tmp_path, fake, feeds.url("/feed.xml"))
    async with running(config) as (app, runtime):
        yield Stack(fake, feeds, app, runtime, config, tmp_path)


async def pending_count(app: App) -> int:
    return (await app.store.outbox_counts()).get(("discord", "pending"), 0)


# ---- start-up -----------------------------------------------------------------------------


async def test_commands_are_synced_to_the_test_guild(stack: Stack) -> None:
    cmds = {c["name"]: c for c in stack.fake.synced[GUILD]}
    assert set(cmds) == {"alerts", "alerts-feeds"}
    assert None not in stack.fake.synced  # nothing global while a test guild is set
    subs = {o["name"]: o for o in cmds["alerts"]["options"]}
    assert set(subs) == {"company", "subscribe", "unsubscribe", "subscriptions", "events",
                         "feeds", "help"}
    sub_opts = {o["name"]: o for o in subs["subscribe"]["options"]}
    assert sub_opts["company"]["autocomplete"] is True
    assert [c["value"] for c in sub_opts["label"]["choices"]] == ["departure", "funding",
                                                                   "dispute"]
    assert sub_opts["role"]["type"] == 8 and not sub_opts["role"].get("required")
    assert int(cmds["alerts-feeds"]["default_member_permissions"]) == MANAGE_GUILD
    assert stack.fake.identifies == 1


async def test_global_sync_when_no_test_guild(tmp_path: Path) -> None:
    async with FakeDiscord() as fake, FeedServer() as feeds:
        config = make_config(tmp_path, fake, feeds.url("/feed.xml"), test_guild=0)
        try:
            async with App(config) as app:
                runtime = runtime_for(config, app)
                await runtime.start()
                await runtime.stop()
        finally:
            reset_endpoints()
        assert {c["name"] for c in fake.synced[None]} == {"alerts", "alerts-feeds"}
        assert GUILD not in fake.synced


async def test_custom_labels_are_choices(
    servers: tuple[FakeDiscord, FeedServer], tmp_path: Path
) -> None:
    fake, feeds = servers
    config = make_config(tmp_path, fake, feeds.url("/feed.xml"), classifier={
        "labels": {"layoffs": {"phrases": {"*": ["lays off"]}}}})
    async with running(config):
        [alerts] = [c for c in fake.synced[GUILD] if c["name"] == "alerts"]
        events = next(o for o in alerts["options"] if o["name"] == "events")
        assert [c["value"] for c in events["options"][0]["choices"]] == [
            "departure", "funding", "dispute", "layoffs"]
        got = await fake.answer(await fake.interact("subscribe", {
            "company": "Anthropic", "label": "layoffs"}), 3.0)
        assert "layoffs alerts about Anthropic" in got["content"]


async def test_commands_still_answer_after_the_gateway_resumes(stack: Stack) -> None:
    await stack.fake.drop_gateway(4000)
    await stack.fake.wait_for(lambda: stack.fake.resumes == 1, 3.0)
    got = await stack.run("help")
    assert got["content"] == "How to use /alerts" and stack.fake.identifies == 1


async def test_bad_token_is_a_plain_startup_error(tmp_path: Path) -> None:
    async with FakeDiscord() as fake, FeedServer() as feeds:
        config = make_config(tmp_path, fake, feeds.url("/feed.xml"), token="wrong")
        try:
            async with App(config) as app:
                runtime = runtime_for(config, app)
                with pytest.raises(StartupError, match="rejected the token"):
                    await runtime.start()
                await runtime.stop()
        finally:
            reset_endpoints()
        assert fake.identifies == 0 and not fake.synced


# ---- subcommands ----------------------------------------------------------------------------


async def test_help_is_ephemeral(stack: Stack) -> None:
    got = await stack.run("help")
    assert got["type"] == 4 and got["flags"] & EPHEMERAL
    assert "/alerts subscribe" in got["embeds"][0]["description"]


async def test_autocomplete_company_names(stack: Stack) -> None:
    it = await stack.fake.interact("subscribe", {"company": "anth"}, focused="company")
    await stack.fake.answer(it, 3.0)
    [cb] = it.callbacks
    assert cb["type"] == 8
    names = [c["value"] for c in cb["data"]["choices"]]
    assert names[0] == "Anthropic" and len(names) <= 25


async def test_subscribe_subscriptions_unsubscribe(stack: Stack) -> None:
    role = stack.fake.role_ids[0]
    got = await stack.run("subscribe", {"company": "anthropic", "label": "funding",
                                        "role": role}, option_types={"role": 8})
    assert got["type"] == 4 and not got.get("flags", 0) & EPHEMERAL  # the channel sees it
    assert "Subscribed this channel to funding alerts about Anthropic" in got["content"]
    [sub] = await stack.app.store.subscriptions("discord", str(stack.ch))
    assert (sub.company, sub.labels, sub.options) == ("Anthropic", ["funding"],
                                                      {"role_id": role})

    got = await stack.run("subscriptions")
    assert got["flags"] & EPHEMERAL
    assert f"Anthropic: funding (pings role {role})" in got["embeds"][0]["description"]

    it = await stack.fake.interact("unsubscribe", {"company": ""}, focused="company")
    await stack.fake.answer(it, 3.0)
    assert it.callbacks[0]["data"]["choices"][0]["value"] == "Anthropic"  # this channel's first

    got = await stack.run("unsubscribe", {"company": "Anthropic"})
    assert "Unsubscribed this channel from Anthropic" in got["content"]
    assert await stack.app.store.subscriptions("discord", str(stack.ch)) == []
    got = await stack.run("unsubscribe", {"company": "Anthropic"})
    assert "not subscribed" in got["content"] and got["flags"] & EPHEMERAL


async def test_subscribe_two_labels_and_every_company(stack: Stack) -> None:
    await stack.run("subscribe", {"company": "*", "label": "dispute", "label2": "departure"})
    [sub] = await stack.app.store.subscriptions("discord", str(stack.ch))
    assert (sub.company, sub.labels, sub.options) == ("*", ["dispute", "departure"], {})


async def test_company_and_events_after_a_poll(stack: Stack) -> None:
    await stack.app.run_once()
    stack.publish(OLD, FUNDING)
    await stack.app.run_once()
    got = await stack.run("company", {"company": "anthropic"})
    assert got["content"].startswith("Recent events at Anthropic")
    assert "Anthropic raises $4 billion" in got["embeds"][0]["description"]
    got = await stack.run("events", {"label": "funding", "since": "3650d"})
    assert "Anthropic raises $4 billion" in got["embeds"][0]["description"]
    got = await stack.run("events", {"since": "soon"})
    assert "not a duration" in got["content"]


async def test_command_error_is_a_short_message_and_a_logged_traceback(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    # Discord refuses the first answer (as it would an invalid body): a real failure inside
    # the command, which the tree's error handler turns into a short message.
    stack.fake.fail("POST", "/interactions/{iid}/{token}/callback", 400,
                    body={"message": "Invalid Form Body", "code": 50035})
    with caplog.at_level(logging.ERROR, logger="bot.platforms.discord"):
        got = await stack.run("subscriptions")
    assert got["content"] == ERROR_MESSAGE and got["flags"] & EPHEMERAL
    [rec] = [r for r in caplog.records if r.name == "bot.platforms.discord"]
    assert rec.exc_info is not None and "alerts subscriptions" in rec.getMessage()
    assert "50035" in rec.getMessage()


async def test_error_after_deferring_replaces_the_thinking_message(stack: Stack) -> None:
    stack.feeds.set_feed("/other.xml", rss([FUNDING]))
    stack.fake.fail("PATCH", "/webhooks/{wid}/{token}/messages/@original", 400,
                    body={"message": "Invalid Form Body", "code": 50035})
    got = await stack.run("feeds", {"action": "add", "target": stack.feeds.url("/other.xml")},
                          permissions=ADMIN_PERMISSIONS)
    assert got["type"] == 5 and got["content"] == ERROR_MESSAGE and got["flags"] & EPHEMERAL


async def test_feeds_refused_without_manage_server(stack: Stack) -> None:
    url = stack.feeds.url("/other.xml")
    got = await stack.run("feeds", {"action": "add", "target": url})
    assert "Manage Server" in got["content"] and got["flags"] & EPHEMERAL
    got = await stack.run("feeds", {"action": "list"})
    assert "Manage Server" in got["content"]
    it = await stack.fake.interact("remove", {"name": "news"}, command="alerts-feeds")
    assert "Manage Server" in (await stack.fake.answer(it, 3.0))["content"]
    assert [s.name for s in await stack.app.store.list_sources()] == ["news"]
    assert stack.feeds.hits.get("/other.xml", 0) == 0


async def test_feeds_add_list_remove_as_admin(stack: Stack) -> None:
    stack.feeds.set_feed("/other.xml", rss([FUNDING], title="Other news"))
    url = stack.feeds.url("/other.xml")
    admin: dict[str, Any] = {"permissions": ADMIN_PERMISSIONS}
    got = await stack.run("feeds", {"action": "add", "target": url}, **admin)
    assert got["type"] == 5  # deferred: adding fetches the URL
    assert "Added" in got["content"], got
    names = [s.name for s in await stack.app.store.list_sources()]
    assert len(names) == 2

    it = await stack.fake.interact("list", None, command="alerts-feeds", **admin)
    got = await stack.fake.answer(it, 3.0)
    assert got["content"].startswith("Sources (2)") and got["flags"] & EPHEMERAL

    added = next(n for n in names if n != "news")
    it = await stack.fake.interact("feeds", {"action": "remove", "target": added[:3]},
                                   focused="target", **admin)
    await stack.fake.answer(it, 3.0)
    assert added in [c["value"] for c in it.callbacks[0]["data"]["choices"]]
    got = await stack.run("feeds", {"action": "remove", "target": added}, **admin)
    assert f"Removed {added!r}" in got["content"]
    assert [s.name for s in await stack.app.store.list_sources()] == ["news"]


# ---- delivery ------------------------------------------------------------------------------


async def test_full_run_one_embed_per_channel_role_ping_only_where_subscribed(
    stack: Stack,
) -> None:
    outcomes, stats = await stack.app.run_once()  # first poll: recorded, not alerted
    assert outcomes[0].status != "error" and stats.sent == 0
    role = stack.fake.role_ids[0]
    await stack.run("subscribe", {"company": "Anthropic", "role": role},
                    option_types={"role": 8})
    await stack.run("subscribe", {"company": "Anthropic", "label": "funding"},
                    channel_id=stack.ch2)
    stack.publish(OLD, FUNDING)
    _, stats = await stack.app.run_once()
    assert stats.sent == 2
    [with_role] = stack.fake.messages[stack.ch]
    [without] = stack.fake.messages[stack.ch2]
    assert with_role["content"] == f"<@&{role}>"
    assert with_role["allowed_mentions"] == {"parse": [], "roles": [role]}
    assert "content" not in without or not without["content"]
    assert without["allowed_mentions"] == {"parse": [], "roles": []}
    for msg in (with_role, without):
        [embed] = msg["embeds"]
        assert embed["title"] == FUNDING.title and embed["url"] == FUNDING.link
    _, stats = await stack.app.run_once()  # nothing new: nothing sent again
    assert stats.sent == 0 and len(stack.fake.messages[stack.ch]) == 1


async def test_hostile_feed_text_is_neutralised(stack: Stack) -> None:
    await stack.app.run_once()
    await stack.app.store.subscribe("discord", str(stack.ch), "Anthropic", ["funding"])
    stack.publish(OLD, HOSTILE)
    await stack.app.run_once()
    [msg] = stack.fake.messages[stack.ch]
    text = str(msg["embeds"])
    assert "@everyone" not in text and "@here" not in text
    assert "<@123>" not in text and "<@&77>" not in text
    assert "](https://evil" not in text and "https://evil.example/x" in text
    assert msg["allowed_mentions"] == {"parse": [], "roles": []}
    got = await stack.run("company", {"company": "Anthropic"})  # replies too
    assert "@everyone" not in str(got) and "<@123>" not in str(got)
    assert got["allowed_mentions"]["parse"] == []


async def queue_one(stack: Stack) -> None:
    """A pending alert for the first channel (subscribed), not yet drained."""
    await stack.app.run_once()
    await stack.app.store.subscribe("discord", str(stack.ch), "Anthropic", ["funding"])
    stack.publish(OLD, FUNDING)
    await stack.app.poll_all()
    assert await pending_count(stack.app) == 1


async def test_429_with_retry_after_then_one_message(stack: Stack) -> None:
    await queue_one(stack)
    stack.fake.fail("POST", ROUTE, 429, retry_after=0.3)
    started = time.monotonic()
    stats = await stack.app.worker.drain()
    assert stats.sent == 1 and time.monotonic() - started >= 0.3
    assert len(stack.fake.messages[stack.ch]) == 1
    assert stack.fake.requests.count(("POST", f"/channels/{stack.ch}/messages")) == 2


async def test_500_then_success(stack: Stack) -> None:
    await queue_one(stack)
    stack.fake.fail("POST", ROUTE, 500)
    stats = await stack.app.worker.drain()
    assert stats.sent == 1 and len(stack.fake.messages[stack.ch]) == 1


@pytest.mark.parametrize(("lose", "code"), [("forbid", "50001"), ("delete_channel", "10003")])
async def test_lost_channel_fails_the_row_and_flags_the_subscription(
    stack: Stack, lose: str, code: str
) -> None:
    await queue_one(stack)
    ch = stack.ch  # delete_channel drops it from fake.channel_ids
    getattr(stack.fake, lose)(ch)
    stats = await stack.app.worker.drain()
    assert (stats.sent, stats.failed) == (0, 1)
    [(_, platform, channel, error)] = await stack.app.store.failed_deliveries()
    assert (platform, channel) == ("discord", str(ch)) and code in error
    assert await pending_count(stack.app) == 0
    [sub] = await stack.app.store.subscriptions("discord", str(ch))
    assert sub.status == "error" and code in (sub.last_error or "")
    assert ch not in stack.fake.messages
    assert (await stack.app.worker.drain()).sent == 0  # not retried
    if lose == "forbid":  # the channel still exists: its users see why alerts stopped
        got = await stack.run("subscriptions", channel_id=ch)
        assert "paused" in got["embeds"][0]["description"] and code in str(got)


async def test_restart_with_a_pending_alert_sends_it_once(
    servers: tuple[FakeDiscord, FeedServer], tmp_path: Path
) -> None:
    fake, feeds = servers
    config = make_config(tmp_path, fake, feeds.url("/feed.xml"))
    async with running(config) as (app, runtime):
        await queue_one(Stack(fake, feeds, app, runtime, config, tmp_path))
    # The process stopped with the row pending; a new one opens the same database.
    async with running(config) as (app, _):
        assert (await app.worker.drain()).sent == 1
        assert (await app.worker.drain()).sent == 0
        assert await pending_count(app) == 0
    assert len(fake.messages[fake.channel_ids[0]]) == 1


async def test_crash_between_post_and_mark_sent_is_not_doubled(
    servers: tuple[FakeDiscord, FeedServer], tmp_path: Path
) -> None:
    fake, feeds = servers
    config = make_config(tmp_path, fake, feeds.url("/feed.xml"))
    async with running(config) as (app, runtime):
        await queue_one(Stack(fake, feeds, app, runtime, config, tmp_path))
        # The old process posted the row, then died before marking it sent.
        [row] = await app.store.due_deliveries(["discord"])
        await app.senders["discord"].send(row)
    async with running(config) as (app, _):
        assert (await app.worker.drain()).sent == 1  # Discord returns the first message
        assert (await app.worker.drain()).sent == 0
    assert len(fake.messages[fake.channel_ids[0]]) == 1
