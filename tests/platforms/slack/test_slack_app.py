"""The Slack app end to end: slack_bolt's real code against FakeSlack, a real App and SQLite.

Slash commands arrive the way Slack sends them (signed HTTP POSTs, or Socket Mode envelopes on a
local WebSocket); replies come back through the response_url; alerts go out through the outbox
to the fake's chat.postMessage. Nothing of the project is mocked.
"""

from __future__ import annotations

import asyncio
import html
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.config import Config, config_from_dict
from bot.platforms.runtime import (
    StartupError,
    command_service,
    platform_parts,
    platform_senders,
)
from bot.platforms.slack.app import SlackRuntime
from bot.storage import utcnow
from bot.testing.fake_slack import FakeSlack
from bot.testing.feed_server import FeedServer
from bot.testing.feeds import FeedEntry, rss

NOW = datetime.now(UTC).replace(microsecond=0)

OLD_ITEMS = [
    FeedEntry("Local bakery wins a pastry prize", "https://news.example/bakery",
              "A nice story about bread.", published=NOW - timedelta(hours=5)),
    FeedEntry("City council debates new bike lanes", "https://news.example/bikes",
              "Traffic planning news.", published=NOW - timedelta(hours=4)),
]
FUNDING = FeedEntry(
    "Stability AI raises $50 million in Series B funding",
    "https://news.example/stability-funding",
    "The startup behind Stable Diffusion raised money from investors.",
    published=NOW - timedelta(minutes=5),
)
#: Slack control sequences a feed might carry. Feeds hold HTML, so to make a reader *see*
#: "<!channel>" a feed writes "&lt;!channel&gt;"; that is what reaches the bot as text.
PINGS = "<!channel> <@U123> <https://evil|x>"
HOSTILE = FeedEntry(
    "Stability AI raises $80 million " + html.escape(PINGS),
    "https://news.example/stability-hostile",
    html.escape("Pay here <https://evil.example|click> <!here> & thanks, says the startup."),
    published=NOW - timedelta(minutes=3),
)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


def make_config(tmp_path: Path, slack: FakeSlack, *, mode: str = "http",
                bot_token: str | None = None, app_token: str | None = None,
                listen: str = "127.0.0.1:0", sources: list[dict[str, Any]] | None = None,
                ) -> Config:
    """A config for a real App on a tmp SQLite file whose [slack] points at the fake."""
    return config_from_dict({
        "storage": {"url": f"sqlite+aiosqlite:///{tmp_path}/t.db"},
        "polling": {"allow_private": True},  # the feed server is on 127.0.0.1
        # Tiny backoffs keep retry tests fast; Retry-After still wins when Slack sends it.
        "delivery": {"base_backoff": 0.05, "max_backoff": 0.2},
        "sources": sources or [],
        "slack": {
            "bot_token": bot_token or slack.bot_token,
            "mode": mode,
            "app_token": app_token or slack.app_token,
            "signing_secret": slack.signing_secret,
            "listen": listen,
            "api_url": slack.api_url,
            "admins": ["U0LISTED"],
        },
    }, env={})


@asynccontextmanager
async def running(config: Config) -> AsyncIterator[tuple[App, SlackRuntime]]:
    """The App with Slack's sender, and the Slack runtime answering /alerts."""
    async with App(config, extra_senders=platform_senders(config)) as app:
        assert config.slack is not None
        rt = SlackRuntime(config.slack, command_service(app))
        await rt.start()
        try:
            yield app, rt
        finally:
            await rt.stop()


def shown(payload: dict[str, Any]) -> str:
    """Everything a person sees in a message: the blocks' text (or the fallback text)."""
    parts: list[str] = []
    for b in payload.get("blocks") or []:
        if isinstance(b.get("text"), dict):
            parts.append(b["text"]["text"])
        parts += [f["text"] for f in b.get("fields") or []]
        parts += [e["text"] for e in b.get("elements") or []]
    return "\n".join(parts) or str(payload.get("text", ""))


async def command(slack: FakeSlack, rt: SlackRuntime, text: str, *,
                  user_id: str = "U0USER", channel_id: str = "C0GENERAL") -> dict[str, Any]:
    """Run /alerts TEXT over signed HTTP; the empty ack comes first, the reply via response_url."""
    before = len(slack.responses)
    status, body = await slack.post_slash_command(rt.url, text, user_id=user_id,
                                                  channel_id=channel_id)
    assert (status, body) == (200, "")  # acked at once, before the command ran
    await slack.wait_until(lambda: len(slack.responses) > before, timeout=5)
    assert len(slack.responses) == before + 1
    assert not slack.errors, slack.errors  # every reply within Block Kit limits
    return slack.responses[-1]


async def subscribe(slack: FakeSlack, rt: SlackRuntime, channel: str,
                    what: str = '"Stability AI" funding') -> None:
    reply = await command(slack, rt, f"subscribe {what}", channel_id=channel)
    assert reply["response_type"] == "in_channel", shown(reply)


# ---- commands over HTTP ---------------------------------------------------------------------


async def test_help_is_ephemeral_and_lists_every_subcommand(tmp_path: Path,
                                                            slack: FakeSlack) -> None:
    async with running(make_config(tmp_path, slack)) as (_, rt):
        for text in ("help", ""):
            reply = await command(slack, rt, text)
            assert reply["response_type"] == "ephemeral"
            for sub in ("company", "subscribe", "unsubscribe", "subscriptions", "events",
                        "feeds add"):
                assert f"/alerts {sub}" in shown(reply)
        reply = await command(slack, rt, "frobnicate")
        assert reply["response_type"] == "ephemeral"
        assert shown(reply).startswith(":warning:") and "unknown command" in shown(reply)


async def test_subscribe_subscriptions_unsubscribe(tmp_path: Path, slack: FakeSlack) -> None:
    async with running(make_config(tmp_path, slack)) as (app, rt):
        reply = await command(slack, rt, "subscribe “stability ai” funding dispute",
                              channel_id="C0ALERTS")
        assert reply["response_type"] == "in_channel"  # the channel sees who subscribed it
        assert "funding, dispute alerts about Stability AI" in shown(reply)
        subs = await app.store.subscriptions("slack", "C0ALERTS")
        assert [(s.company, s.labels, s.status) for s in subs] == [
            ("Stability AI", ["funding", "dispute"], "active")]

        reply = await command(slack, rt, "subscriptions", channel_id="C0ALERTS")
        assert reply["response_type"] == "ephemeral"
        assert "Stability AI: funding, dispute" in shown(reply)
        # Another channel's subscriptions are its own.
        assert "no subscriptions" in shown(await command(slack, rt, "subscriptions"))

        reply = await command(slack, rt, "unsubscribe Stability AI", channel_id="C0ALERTS")
        assert reply["response_type"] == "in_channel"
        assert "Unsubscribed this channel from Stability AI" in shown(reply)
        assert await app.store.subscriptions("slack", "C0ALERTS") == []
        reply = await command(slack, rt, "unsubscribe Stability AI", channel_id="C0ALERTS")
        assert reply["response_type"] == "ephemeral" and "not subscribed" in shown(reply)

        reply = await command(slack, rt, "subscribe", channel_id="C0ALERTS")
        assert "usage: /alerts subscribe" in shown(reply)


async def test_company_and_events_with_nothing_recorded(tmp_path: Path,
                                                        slack: FakeSlack) -> None:
    async with running(make_config(tmp_path, slack)) as (_, rt):
        reply = await command(slack, rt, "company Stability AI")
        assert reply["response_type"] == "ephemeral"
        assert "Nothing recorded about Stability AI yet" in shown(reply)
        reply = await command(slack, rt, "events funding since 3d")
        assert "No funding events in the last 3 days" in shown(reply)
        assert "not a duration" in shown(await command(slack, rt, "events since soon"))


async def test_bad_signature_is_401_and_runs_nothing(tmp_path: Path, slack: FakeSlack) -> None:
    async with running(make_config(tmp_path, slack)) as (app, rt):
        status, _ = await slack.post_slash_command(rt.url, 'subscribe "Stability AI"',
                                                   channel_id="C0ALERTS",
                                                   signing_secret="not-the-secret")
        assert status == 401
        await asyncio.sleep(0.1)  # a wrongly started command would have answered by now
        assert slack.responses == []
        assert await app.store.subscriptions("slack") == []


async def test_slow_commands_are_acked_at_once(tmp_path: Path, slack: FakeSlack,
                                               feeds: FeedServer) -> None:
    feeds.set_feed("/slow.xml", rss(OLD_ITEMS, title="Slow News"))
    feeds.set_delay("/slow.xml", 0.8)  # feeds add fetches the feed before answering
    async with running(make_config(tmp_path, slack)) as (_, rt):
        loop = asyncio.get_running_loop()
        start = loop.time()
        status, body = await slack.post_slash_command(
            rt.url, f"feeds add {feeds.url('/slow.xml')}", user_id="U0ADMIN")
        acked = loop.time() - start
        assert (status, body) == (200, "") and acked < 0.5  # Slack allows 3 s
        await slack.wait_until(lambda: bool(slack.responses), timeout=5)
        assert loop.time() - start >= 0.8
        assert "Added 'Slow News'" in shown(slack.responses[0])


# ---- feeds: admins only ---------------------------------------------------------------------


async def test_feeds_commands_are_refused_to_non_admins(tmp_path: Path, slack: FakeSlack,
                                                        feeds: FeedServer) -> None:
    feeds.set_feed("/news.xml", rss(OLD_ITEMS, title="Example News"))
    async with running(make_config(tmp_path, slack)) as (app, rt):
        for text in (f"feeds add {feeds.url('/news.xml')}", "feeds list",
                     "feeds remove Example News"):
            reply = await command(slack, rt, text, user_id="U0USER")
            assert reply["response_type"] == "ephemeral"
            assert "only workspace admins" in shown(reply), shown(reply)
        assert await app.store.list_sources() == []
        assert feeds.hits.get("/news.xml", 0) == 0  # refused before fetching anything
        # Subscribing stays open to everyone.
        await subscribe(slack, rt, "C0GENERAL")


async def test_feeds_add_list_remove_for_admins(tmp_path: Path, slack: FakeSlack,
                                                feeds: FeedServer) -> None:
    feeds.set_feed("/news.xml", rss(OLD_ITEMS, title="Example News"))
    feeds.set_feed("/other.xml", rss([FUNDING], title="Other Wire"))
    async with running(make_config(tmp_path, slack)) as (app, rt):
        reply = await command(slack, rt, f"feeds add {feeds.url('/news.xml')}",
                              user_id="U0ADMIN")  # a workspace admin per users.info
        assert reply["response_type"] == "in_channel"
        assert "Added 'Example News' (feed, 2 items)" in shown(reply), shown(reply)
        # Owners count as admins; so do users listed in [slack] admins (no users.info needed).
        reply = await command(slack, rt, f"feeds add <{feeds.url('/other.xml')}>",
                              user_id="U0OWNER")
        assert "Added 'Other Wire' (feed, 1 items)" in shown(reply), shown(reply)
        reply = await command(slack, rt, "feeds list", user_id="U0LISTED")
        assert reply["response_type"] == "ephemeral"
        assert "Example News (feed, new, 0 items)" in shown(reply), shown(reply)
        assert "Other Wire" in shown(reply)

        reply = await command(slack, rt, "feeds remove Example News", user_id="U0ADMIN")
        assert "Removed 'Example News'" in shown(reply)
        assert [s.name for s in await app.store.list_sources()] == ["Other Wire"]
        reply = await command(slack, rt, "feeds remove Example News", user_id="U0ADMIN")
        assert "No source named" in shown(reply)

        # users.info was asked once per user (then cached), never for a listed admin.
        asked = [str(c.params.get("user")) for c in slack.calls_to("users.info")]
        assert sorted(asked) == ["U0ADMIN", "U0OWNER"]


async def test_hostile_feed_title_is_escaped_in_replies(tmp_path: Path, slack: FakeSlack,
                                                        feeds: FeedServer) -> None:
    feeds.set_feed("/evil.xml", rss(OLD_ITEMS, title=html.escape(PINGS)))
    async with running(make_config(tmp_path, slack)) as (app, rt):
        reply = await command(slack, rt, f"feeds add {feeds.url('/evil.xml')}",
                              user_id="U0ADMIN")
        assert "Added '&lt;!channel&gt;" in shown(reply)
        assert [s.name for s in await app.store.list_sources()] == [PINGS]  # stored as is
        reply = await command(slack, rt, "feeds list", user_id="U0ADMIN")
        raw = json.dumps(reply)
        for hostile in ("<!channel>", "<@U123>", "<https://evil|x>"):
            assert hostile not in raw
        assert "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|x&gt;" in shown(reply)


# ---- Socket Mode ----------------------------------------------------------------------------


async def test_socket_mode_help_and_subscribe(tmp_path: Path, slack: FakeSlack) -> None:
    config = make_config(tmp_path, slack, mode="socket")
    async with running(config) as (app, _):
        assert slack.calls_to("apps.connections.open")[0].token == slack.app_token
        envelope = await slack.push_slash_command("help")
        ack = await slack.wait_for_ack(envelope, timeout=3)  # Slack's 3 s
        assert ack.payload is None  # an empty ack: the answer follows via response_url
        await slack.wait_until(lambda: len(slack.responses) == 1)
        assert slack.responses[0]["response_type"] == "ephemeral"
        assert "/alerts subscribe" in shown(slack.responses[0])

        envelope = await slack.push_slash_command('subscribe "Stability AI" funding',
                                                  channel_id="C0ALERTS")
        await slack.wait_for_ack(envelope, timeout=3)
        await slack.wait_until(lambda: len(slack.responses) == 2)
        assert slack.responses[1]["response_type"] == "in_channel"
        subs = await app.store.subscriptions("slack", "C0ALERTS")
        assert [(s.company, s.labels) for s in subs] == [("Stability AI", ["funding"])]
    await slack.wait_until(lambda: slack.socket_clients == 0)  # stop() closed the socket


async def test_platform_parts_runs_the_slack_app_as_alertbot_run_does(tmp_path: Path,
                                                                      slack: FakeSlack) -> None:
    config = make_config(tmp_path, slack, mode="socket")
    senders, services = platform_parts(config)
    async with App(config, extra_senders=senders) as app, services(app, asyncio.Event()):
        envelope = await slack.push_slash_command("subscriptions", channel_id="C0ALERTS")
        await slack.wait_for_ack(envelope, timeout=3)
        await slack.wait_until(lambda: bool(slack.responses))
        assert "no subscriptions" in shown(slack.responses[0])
    await slack.wait_until(lambda: slack.socket_clients == 0)


# ---- the manifest ----


MANIFEST = Path(__file__).resolve().parents[3] / "slack-app-manifest.yml"


def test_manifest_text_names_command_scopes_and_socket_mode() -> None:
    # PyYAML is not a dependency: these line checks always run, the structural test below
    # runs where PyYAML is installed.
    lines = [ln.split("#")[0].strip() for ln in MANIFEST.read_text(encoding="utf-8").splitlines()]
    assert "- command: /alerts" in lines and "socket_mode_enabled: true" in lines
    scopes = lines[lines.index("bot:") + 1: lines.index("settings:")]
    assert [s.removeprefix("- ") for s in scopes if s] == [
        "commands", "chat:write", "chat:write.public", "users:read"]


def test_manifest_declares_the_command_scopes_and_socket_mode() -> None:
    yaml = pytest.importorskip("yaml")
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    [cmd] = manifest["features"]["slash_commands"]
    assert cmd["command"] == "/alerts" and "subscribe" in cmd["usage_hint"]
    assert manifest["features"]["bot_user"]["display_name"]
    # What the code calls: commands (/alerts), chat.postMessage, users.info; nothing more.
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands", "chat:write", "chat:write.public", "users:read"}
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is False
    assert "event_subscriptions" not in manifest["settings"]


# ---- start-up errors ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_bad_bot_token_is_a_plain_startup_error(tmp_path: Path, slack: FakeSlack,
                                                      mode: str) -> None:
    config = make_config(tmp_path, slack, mode=mode, bot_token="xoxb-wrong")
    with pytest.raises(StartupError, match=r"Slack rejected bot_token \(invalid_auth\)"):
        async with running(config):
            pass
    assert slack.calls_to("apps.connections.open") == []  # it stopped at auth.test


async def test_bad_app_token_is_a_plain_startup_error(tmp_path: Path, slack: FakeSlack) -> None:
    config = make_config(tmp_path, slack, mode="socket", app_token="xapp-wrong")
    with pytest.raises(StartupError, match=r"Slack rejected app_token \(invalid_auth\)"):
        async with running(config):
            pass
    assert slack.socket_clients == 0


async def test_port_taken_is_a_plain_startup_error(tmp_path: Path, slack: FakeSlack) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        config = make_config(tmp_path, slack, listen=f"127.0.0.1:{port}")
        with pytest.raises(StartupError, match="cannot listen there"):
            async with running(config):
                pass


# ---- alerts: the full run and delivery failures ---------------------------------------------


async def test_full_run_one_new_item_one_message(tmp_path: Path, slack: FakeSlack,
                                                 feeds: FeedServer) -> None:
    feeds.set_feed("/news.xml", rss(OLD_ITEMS, title="Example News"))
    async with running(make_config(tmp_path, slack)) as (app, rt):
        await command(slack, rt, f"feeds add {feeds.url('/news.xml')}", user_id="U0ADMIN")
        outcomes, stats = await app.run_once()  # the first poll records, never alerts
        assert [o.new for o in outcomes] == [2] and stats.sent == 0
        await subscribe(slack, rt, "C0ALERTS")

        feeds.set_feed("/news.xml", rss([*OLD_ITEMS, FUNDING], title="Example News"))
        outcomes, stats = await app.run_once()
        assert [o.new for o in outcomes] == [1] and stats.sent == 1
        assert len(slack.posted) == 1
        msg = slack.posted[0]
        assert msg["channel"] == "C0ALERTS"
        assert msg["blocks"][0]["text"]["text"] == "Funding — Stability AI"
        assert FUNDING.title in shown(msg) and FUNDING.link in shown(msg)
        assert "Funding — Stability AI" in msg["text"]
        assert not slack.errors

        _, stats = await app.run_once()  # nothing new: nothing sent again
        assert stats.sent == 0 and len(slack.posted) == 1
        assert await app.store.outbox_counts() == {("slack", "sent"): 1}

        # The event is now what company and events answer with.
        reply = await command(slack, rt, "company stability")
        assert "Recent events at Stability AI (1)" in shown(reply)
        assert FUNDING.title in shown(reply)
        reply = await command(slack, rt, "events funding")
        assert "Stability AI: " + FUNDING.title in shown(reply)
        assert reply["response_type"] == "ephemeral"


def backfilled_source(feeds: FeedServer) -> list[dict[str, Any]]:
    """A config source whose first poll alerts on everything (backfill = "all")."""
    return [{"name": "Wire", "url": feeds.url("/wire.xml"), "backfill": "all"}]


async def test_hostile_feed_text_arrives_escaped(tmp_path: Path, slack: FakeSlack,
                                                 feeds: FeedServer) -> None:
    feeds.set_feed("/wire.xml", rss([HOSTILE], title="Wire"))
    config = make_config(tmp_path, slack, sources=backfilled_source(feeds))
    async with running(config) as (app, rt):
        await subscribe(slack, rt, "C0ALERTS")
        _, stats = await app.run_once()
        assert stats.sent == 1 and len(slack.posted) == 1
        [event] = await app.store.recent_events(company="Stability AI")
        assert PINGS in event.title and "<!here>" in event.summary  # what an attacker gets in
        raw = json.dumps(slack.posted[0])
        for hostile in ("<!channel>", "<!here>", "<@U123>", "<https://evil|x>",
                        "<https://evil.example|click>"):
            assert hostile not in raw, hostile
        text = shown(slack.posted[0])
        assert "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|x&gt;" in text
        assert "&lt;!here&gt; &amp; thanks" in text


async def test_429_waits_for_retry_after_then_sends_once(tmp_path: Path, slack: FakeSlack,
                                                          feeds: FeedServer) -> None:
    feeds.set_feed("/wire.xml", rss([FUNDING], title="Wire"))
    config = make_config(tmp_path, slack, sources=backfilled_source(feeds))
    async with running(config) as (app, rt):
        await subscribe(slack, rt, "C0ALERTS")
        slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "1"})
        before = utcnow()
        _, stats = await app.run_once()
        assert (stats.sent, stats.retried) == (0, 1)
        assert await app.store.outbox_counts() == {("slack", "pending"): 1}
        due = await app.store.next_due_at(["slack"])
        assert due is not None and due >= before + timedelta(seconds=1)  # not base_backoff

        assert (await app.worker.drain()).sent == 0  # not due yet: no call at all
        assert len(slack.calls_to("chat.postMessage")) == 1

        await asyncio.sleep(max(0.0, (due - utcnow()).total_seconds()) + 0.02)
        assert (await app.worker.drain()).sent == 1
        assert (await app.worker.drain()).sent == 0
        assert len(slack.posted) == 1 and slack.posted[0]["channel"] == "C0ALERTS"
        assert await app.store.outbox_counts() == {("slack", "sent"): 1}


async def test_500_then_success(tmp_path: Path, slack: FakeSlack, feeds: FeedServer) -> None:
    feeds.set_feed("/wire.xml", rss([FUNDING], title="Wire"))
    config = make_config(tmp_path, slack, sources=backfilled_source(feeds))
    async with running(config) as (app, rt):
        await subscribe(slack, rt, "C0ALERTS")
        slack.fail_next("chat.postMessage", status=500)
        _, stats = await app.run_once()
        assert (stats.sent, stats.retried) == (0, 1) and slack.posted == []
        assert await app.store.outbox_counts() == {("slack", "pending"): 1}
        await asyncio.sleep(0.3)  # past max_backoff
        assert (await app.worker.drain()).sent == 1
        assert (await app.worker.drain()).sent == 0
        assert [c.status for c in slack.calls_to("chat.postMessage")] == [500, 200]
        assert len(slack.posted) == 1


async def test_lost_channels_fail_and_flag_the_subscription(tmp_path: Path, slack: FakeSlack,
                                                            feeds: FeedServer) -> None:
    feeds.set_feed("/wire.xml", rss([FUNDING], title="Wire"))
    config = make_config(tmp_path, slack, sources=backfilled_source(feeds))
    async with running(config) as (app, rt):
        await subscribe(slack, rt, "C0OUTSIDE")  # the bot is not a member: not_in_channel
        await subscribe(slack, rt, "C0GONE")  # unknown to Slack: channel_not_found
        _, stats = await app.run_once()
        assert (stats.sent, stats.failed, stats.retried) == (0, 2, 0)
        assert await app.store.outbox_counts() == {("slack", "failed"): 2}
        errors = {s.channel: (s.status, s.last_error)
                  for s in await app.store.subscriptions("slack")}
        assert errors == {"C0OUTSIDE": ("error", "slack: not_in_channel (channel C0OUTSIDE)"),
                          "C0GONE": ("error", "slack: channel_not_found (channel C0GONE)")}

        reply = await command(slack, rt, "subscriptions", channel_id="C0OUTSIDE")
        assert "⚠ paused: slack: not_in_channel" in shown(reply)

        # No endless retries: later drains and new items do not call Slack for them again.
        feeds.set_feed("/wire.xml", rss([FUNDING, HOSTILE], title="Wire"))
        await app.run_once()
        await app.worker.drain()
        assert len(slack.calls_to("chat.postMessage")) == 2 and slack.posted == []

        # Subscribing again (after inviting the bot) re-activates the subscription.
        slack.channels["C0OUTSIDE"].is_member = True
        await subscribe(slack, rt, "C0OUTSIDE")
        reply = await command(slack, rt, "subscriptions", channel_id="C0OUTSIDE")
        assert "paused" not in shown(reply)


async def test_restart_sends_pending_alerts_exactly_once(tmp_path: Path, slack: FakeSlack,
                                                         feeds: FeedServer) -> None:
    feeds.set_feed("/wire.xml", rss([FUNDING], title="Wire"))
    config = make_config(tmp_path, slack, sources=backfilled_source(feeds))
    async with running(config) as (app, rt):
        await subscribe(slack, rt, "C0ALERTS")
        slack.fail_next("chat.postMessage", status=500)
        _, stats = await app.run_once()
        assert stats.retried == 1
        assert await app.store.outbox_counts() == {("slack", "pending"): 1}
    assert slack.posted == []

    await asyncio.sleep(0.3)  # past max_backoff
    async with running(config) as (app, _):
        assert (await app.worker.drain()).sent == 1
        assert (await app.worker.drain()).sent == 0
        _, stats = await app.run_once()  # the feed is unchanged: nothing new either
        assert stats.sent == 0
        assert await app.store.outbox_counts() == {("slack", "sent"): 1}
    assert len(slack.posted) == 1 and slack.posted[0]["channel"] == "C0ALERTS"
    assert slack.posted[0]["blocks"][0]["text"]["text"] == "Funding — Stability AI"
