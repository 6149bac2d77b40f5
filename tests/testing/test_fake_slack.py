"""FakeSlack speaks Slack's wire formats: real slack_sdk and slack_bolt code runs against it."""

from __future__ import annotations

import asyncio
import urllib.parse
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.testing.fake_slack import FakeSlack, block_problems, sign


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


def client(slack: FakeSlack, token: str | None = None) -> AsyncWebClient:
    # retry_handlers=[]: no silent SDK retries, so every scripted failure surfaces.
    return AsyncWebClient(token=token or slack.bot_token, base_url=slack.api_url, retry_handlers=[])


async def test_auth_test_with_the_real_sdk(slack: FakeSlack) -> None:
    resp = await client(slack).auth_test()
    assert resp["ok"] and resp["user_id"] == slack.bot_user_id and resp["team_id"] == slack.team_id
    assert slack.calls_to("auth.test")[0].token == slack.bot_token


async def test_unknown_and_revoked_tokens_are_invalid_auth(slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as e:
        await client(slack, "xoxb-wrong").auth_test()
    assert e.value.response["error"] == "invalid_auth"
    slack.revoke(slack.bot_token)
    with pytest.raises(SlackApiError) as e:
        await client(slack).auth_test()
    assert e.value.response["error"] == "invalid_auth"


async def test_post_message_records_payload_and_checks_channels(slack: FakeSlack) -> None:
    c = client(slack)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    resp = await c.chat_postMessage(channel="C0GENERAL", text="hi", blocks=blocks)
    assert resp["ts"] and slack.posted == [{"channel": "C0GENERAL", "text": "hi", "blocks": blocks}]
    for channel, error in [
        ("C0NOPE", "channel_not_found"),
        ("C0OUTSIDE", "not_in_channel"),
        ("C0OLD", "is_archived"),
    ]:
        with pytest.raises(SlackApiError) as e:
            await c.chat_postMessage(channel=channel, text="x")
        assert e.value.response["error"] == error
    assert len(slack.posted) == 1


async def test_oversized_blocks_are_rejected_like_slack_does(slack: FakeSlack) -> None:
    header = [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}]
    with pytest.raises(SlackApiError) as e:
        await client(slack).chat_postMessage(channel="C0GENERAL", text="x", blocks=header)
    assert e.value.response["error"] == "invalid_blocks"
    assert slack.errors and "151 characters" in slack.errors[0]
    assert block_problems([{"type": "section", "fields": [{"type": "mrkdwn", "text": "a"}] * 11}])
    assert block_problems([{"type": "divider"}] * 51)
    assert not block_problems([{"type": "divider"}] * 50)


async def test_scripted_failures_429_500_and_error_codes(slack: FakeSlack) -> None:
    c = client(slack)
    slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "7"})
    slack.fail_next("chat.postMessage", status=500)
    slack.fail_next("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackApiError) as e:
        await c.chat_postMessage(channel="C0GENERAL", text="x")
    assert e.value.response.status_code == 429 and e.value.response.headers["Retry-After"] == "7"
    with pytest.raises(SlackApiError) as e:
        await c.chat_postMessage(channel="C0GENERAL", text="x")
    assert e.value.response.status_code == 500
    with pytest.raises(SlackApiError) as e:
        await c.chat_postMessage(channel="C0GENERAL", text="x")
    assert e.value.response["error"] == "channel_not_found"
    await c.chat_postMessage(channel="C0GENERAL", text="x")  # the queue is spent
    assert [call.status for call in slack.calls_to("chat.postMessage")] == [429, 500, 200, 200]
    assert len(slack.posted) == 1


async def test_users_and_conversations_info(slack: FakeSlack) -> None:
    c = client(slack)
    admin = await c.users_info(user="U0ADMIN")
    owner = await c.users_info(user="U0OWNER")
    user = await c.users_info(user="U0USER")
    assert admin["user"]["is_admin"] and not admin["user"]["is_owner"]
    assert owner["user"]["is_owner"]
    assert not user["user"]["is_admin"] and not user["user"]["is_owner"]
    info = await c.conversations_info(channel="C0OUTSIDE")
    assert info["channel"]["is_member"] is False
    with pytest.raises(SlackApiError) as e:
        await c.users_info(user="U0NOBODY")
    assert e.value.response["error"] == "user_not_found"


async def test_ephemeral_and_webhook(slack: FakeSlack) -> None:
    await client(slack).chat_postEphemeral(channel="C0GENERAL", user="U0USER", text="psst")
    assert slack.ephemeral[0]["user"] == "U0USER"
    async with aiohttp.ClientSession() as http:
        async with http.post(slack.webhook_url, json={"text": "hello"}) as r:
            assert r.status == 200 and await r.text() == "ok"
        slack.fail_next("webhook", status=404, error="no_service")
        async with http.post(slack.webhook_url, json={"text": "hello"}) as r:
            assert r.status == 404 and await r.text() == "no_service"
    assert slack.webhook_posts == [{"text": "hello"}]


async def test_apps_connections_open_needs_the_app_token(slack: FakeSlack) -> None:
    resp = await client(slack, slack.app_token).apps_connections_open(app_token=slack.app_token)
    assert resp["url"].startswith(f"ws://127.0.0.1:{slack.port}/")
    with pytest.raises(SlackApiError) as e:
        await client(slack).apps_connections_open(app_token=slack.bot_token)
    assert e.value.response["error"] == "invalid_auth"


def bolt_app(slack: FakeSlack, **kw: Any) -> AsyncApp:
    app = AsyncApp(
        signing_secret=slack.signing_secret,
        client=client(slack),
        **kw,
    )

    @app.command("/alerts")
    async def alerts(ack: Any, command: dict[str, Any], respond: Any) -> None:
        await ack(text=f"got {command['text']}")
        await respond(text=f"later {command['text']}", response_type="ephemeral")

    return app


@pytest.fixture
async def bolt_http(slack: FakeSlack) -> AsyncIterator[str]:
    runner = web.AppRunner(bolt_app(slack).web_app(path="/slack/events"))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/slack/events"
    await runner.cleanup()


async def test_bolt_http_rejects_a_bad_signature(slack: FakeSlack, bolt_http: str) -> None:
    status, _ = await slack.post_slash_command(bolt_http, "help", signing_secret="not-the-secret")
    assert status == 401
    assert slack.responses == []


async def test_bolt_http_rejects_an_old_timestamp(slack: FakeSlack, bolt_http: str) -> None:
    body = urllib.parse.urlencode(slack.slash_command("help")).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    headers.update(sign(slack.signing_secret, body, timestamp=1_000_000_000))
    async with (
        aiohttp.ClientSession() as http,
        http.post(bolt_http, data=body, headers=headers) as r,
    ):
        assert r.status == 401  # signed correctly, but replayed too late


async def test_bolt_http_accepts_a_signed_slash_command(slack: FakeSlack, bolt_http: str) -> None:
    status, body = await slack.post_slash_command(bolt_http, "help me", user_id="U0ADMIN")
    assert (status, body) == (200, "got help me")  # a text-only ack is a plain-text body
    await slack.wait_until(lambda: bool(slack.responses))
    assert slack.responses[0]["text"] == "later help me"
    assert slack.responses[0]["response_type"] == "ephemeral"


async def test_bolt_socket_mode_receives_and_acks_a_slash_command(slack: FakeSlack) -> None:
    handler = AsyncSocketModeHandler(bolt_app(slack), slack.app_token, ping_interval=1)
    await handler.connect_async()
    try:
        envelope_id = await slack.push_slash_command("subscribe Acme", user_id="U0USER")
        ack = await slack.wait_for_ack(envelope_id, timeout=5)
        assert ack.payload == {"text": "got subscribe Acme"}
        await slack.wait_until(lambda: bool(slack.responses))
        assert slack.responses[0]["text"] == "later subscribe Acme"
        assert slack.calls_to("apps.connections.open")[0].token == slack.app_token
    finally:
        await handler.close_async()
    await slack.wait_until(lambda: slack.socket_clients == 0)


async def test_socket_mode_client_reconnects_when_asked(slack: FakeSlack) -> None:
    handler = AsyncSocketModeHandler(bolt_app(slack), slack.app_token, ping_interval=1)
    await handler.connect_async()
    try:
        await slack.wait_until(lambda: slack.socket_clients == 1)
        await slack.disconnect_clients()
        await slack.wait_until(lambda: len(slack.calls_to("apps.connections.open")) == 2)
        await asyncio.sleep(0.05)
        envelope_id = await slack.push_slash_command("help")
        assert (await slack.wait_for_ack(envelope_id)).payload == {"text": "got help"}
    finally:
        await handler.close_async()
