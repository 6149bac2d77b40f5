"""SlackSender and SlackWebhookSender against the real FakeSlack server."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.delivery.base import PermanentError, Sender, TransientError
from bot.models import Delivery, Event
from bot.platforms.slack.render import alert_blocks
from bot.platforms.slack.sender import SlackSender, SlackWebhookSender
from bot.testing.fake_slack import FakeSlack


def delivery(channel: str = "C0ALERTS", platform: str = "slack", **options: Any) -> Delivery:
    ev = Event(
        id=7,
        title="Acme <!channel> raises $5M",
        link="https://news.example/acme",
        summary="Acme raised money.",
        source="Example News",
        published=datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        labels=["funding", "dispute"],
        companies=["Acme"],
        scores={"funding": 0.9, "dispute": 0.7},
        extracted={"funding": {"amount": "$5M"}},
        evidence={"funding": ["raised"], "dispute": ["sued"]},
    )
    return Delivery(id=1, event=ev, platform=platform, channel=channel, attempts=0, options=options)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def sender(slack: FakeSlack) -> AsyncIterator[SlackSender]:
    s = SlackSender(slack.bot_token, slack.api_url, timeout=2)
    yield s
    await s.aclose()


def test_senders_satisfy_the_protocol() -> None:
    senders: list[Sender] = [SlackSender("xoxb-x"), SlackWebhookSender("https://h/x")]
    assert [s.platform for s in senders] == ["slack", "slack-webhook"]
    assert senders[0].limits.per_channel_rate == 1.0 and senders[0].limits.max_text == 3000


async def test_success_posts_one_message_with_the_blocks(
    slack: FakeSlack, sender: SlackSender
) -> None:
    d = delivery()
    ts = await sender.send(d)
    assert ts and ts.endswith(".000100")
    assert len(slack.posted) == 1  # two labels, one message
    posted = slack.posted[0]
    text, blocks = alert_blocks(d.event)
    assert posted["channel"] == "C0ALERTS" and posted["text"] == text
    assert posted["blocks"] == blocks
    assert posted["unfurl_links"] is False
    assert "<!channel>" not in str(posted) and slack.errors == []
    assert slack.calls_to("chat.postMessage")[0].token == slack.bot_token


async def test_429_gives_transient_with_retry_after(slack: FakeSlack, sender: SlackSender) -> None:
    slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "3"})
    with pytest.raises(TransientError) as e:
        await sender.send(delivery())
    assert e.value.retry_after == 3.0 and "ratelimited" in str(e.value)
    # One HTTP call: the SDK did not retry behind the outbox's back.
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert await sender.send(delivery())  # the next attempt goes through
    assert len(slack.posted) == 1


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_5xx_gives_transient(slack: FakeSlack, sender: SlackSender, status: int) -> None:
    slack.fail_next("chat.postMessage", status=status)
    with pytest.raises(TransientError) as e:
        await sender.send(delivery())
    assert e.value.retry_after is None and str(status) in str(e.value)
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert await sender.send(delivery())
    assert len(slack.posted) == 1


async def test_slack_side_error_code_is_transient(slack: FakeSlack, sender: SlackSender) -> None:
    slack.fail_next("chat.postMessage", error="service_unavailable")
    with pytest.raises(TransientError):
        await sender.send(delivery())


@pytest.mark.parametrize(
    ("channel", "code"),
    [("C0NOPE", "channel_not_found"), ("C0OUTSIDE", "not_in_channel"), ("C0OLD", "is_archived")],
)
async def test_channel_errors_are_permanent(
    slack: FakeSlack, sender: SlackSender, channel: str, code: str
) -> None:
    with pytest.raises(PermanentError) as e:
        await sender.send(delivery(channel))
    assert code in str(e.value) and channel in str(e.value)
    assert slack.posted == []


async def test_scripted_channel_is_archived_and_revoked_token(
    slack: FakeSlack, sender: SlackSender
) -> None:
    slack.fail_next("chat.postMessage", error="channel_is_archived")
    with pytest.raises(PermanentError, match="channel_is_archived") as gone:
        await sender.send(delivery())
    assert gone.value.channel_gone
    # A revoked token is not the channel's fault: the alert waits for a fixed token.
    slack.revoke(slack.bot_token)
    with pytest.raises(TransientError, match="invalid_auth"):
        await sender.send(delivery())


async def test_rejected_content_fails_the_message_not_the_channel(
    slack: FakeSlack, sender: SlackSender
) -> None:
    slack.fail_next("chat.postMessage", error="invalid_blocks")
    with pytest.raises(PermanentError, match="invalid_blocks") as e:
        await sender.send(delivery())
    assert not e.value.channel_gone


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_network_error_is_transient() -> None:
    s = SlackSender("xoxb-x", f"http://127.0.0.1:{_closed_port()}/api/", timeout=2)
    try:
        with pytest.raises(TransientError, match="network error"):
            await s.send(delivery())
    finally:
        await s.aclose()


async def test_webhook_route_posts_the_same_blocks(slack: FakeSlack) -> None:
    s = SlackWebhookSender(timeout=2)
    try:
        d = delivery(platform="slack-webhook", url=slack.webhook_url)
        assert await s.send(d) is None
    finally:
        await s.aclose()
    text, blocks = alert_blocks(d.event)
    assert slack.webhook_posts == [
        {"text": text, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}
    ]


async def test_webhook_errors_map_and_hide_the_secret(slack: FakeSlack) -> None:
    s = SlackWebhookSender(slack.webhook_url, timeout=2)
    d = delivery(platform="slack-webhook")
    try:
        slack.fail_next("webhook", status=429, headers={"Retry-After": "2"})
        with pytest.raises(TransientError) as te:
            await s.send(d)
        assert te.value.retry_after == 2.0
        slack.fail_next("webhook", status=500, error="internal")
        with pytest.raises(TransientError):
            await s.send(d)
        for status, code in [
            (404, "no_service"),
            (404, "channel_not_found"),
            (410, "channel_is_archived"),
            (403, "action_prohibited"),
        ]:
            slack.fail_next("webhook", status=status, error=code)
            with pytest.raises(PermanentError) as pe:
                await s.send(d)
            assert code in str(pe.value) and "hooksecret" not in str(pe.value)
        assert await s.send(d) is None
    finally:
        await s.aclose()
    assert len(slack.webhook_posts) == 1


async def test_webhook_without_url_is_permanent() -> None:
    s = SlackWebhookSender()
    with pytest.raises(PermanentError, match="no url"):
        await s.send(delivery(platform="slack-webhook"))
    await s.aclose()
