"""DiscordSender and DiscordWebhookSender against a real FakeDiscord on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import socket
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.delivery.base import PermanentError, TransientError
from bot.models import Delivery, Event
from bot.platforms.discord.endpoints import reset_endpoints, use_endpoints
from bot.platforms.discord.sender import DiscordSender, DiscordWebhookSender
from bot.testing.fake_discord import FakeDiscord

ROUTE = "/channels/{channel_id}/messages"


def make_event(title: str = "Acme raises $100M Series C") -> Event:
    return Event(
        id=1,
        title=title,
        link="https://news.example/acme",
        summary="Acme Corp said on Tuesday it raised $100M.",
        source="Example News",
        published=datetime(2024, 5, 1, 12, 30, tzinfo=UTC),
        labels=["funding"],
        companies=["Acme"],
        scores={"funding": 0.9},
        extracted={"funding": {"amount": "$100M"}},
        evidence={"funding": ["raised"]},
    )


def delivery(channel: int | str, id: int = 7, **options: Any) -> Delivery:
    return Delivery(
        id=id,
        event=make_event(),
        platform="discord",
        channel=str(channel),
        attempts=0,
        options=options,
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as f:
        yield f
    reset_endpoints()


@pytest.fixture
async def sender(fake: FakeDiscord) -> AsyncIterator[DiscordSender]:
    s = DiscordSender(fake.token, api_url=fake.api_url)
    yield s
    await s.aclose()


async def test_success_posts_one_embed(fake: FakeDiscord, sender: DiscordSender) -> None:
    ch = fake.channel_ids[0]
    mid = await sender.send(delivery(ch, role_id=fake.role_ids[0]))
    assert mid is not None and mid.isdigit()
    [msg] = fake.messages[ch]
    assert msg["embeds"][0]["title"] == "Acme raises $100M Series C"
    assert msg["content"] == f"<@&{fake.role_ids[0]}>"
    assert msg["allowed_mentions"] == {"parse": [], "roles": [fake.role_ids[0]]}
    assert msg["nonce"] == "alertbot-7" and msg["enforce_nonce"] is True


async def test_same_delivery_twice_is_one_message(fake: FakeDiscord, sender: DiscordSender) -> None:
    ch = fake.channel_ids[0]
    first = await sender.send(delivery(ch, id=11))
    again = await sender.send(delivery(ch, id=11))
    other = await sender.send(delivery(ch, id=12))
    assert first == again != other
    assert len(fake.messages[ch]) == 2


async def test_429_with_retry_after_then_success(fake: FakeDiscord, sender: DiscordSender) -> None:
    ch = fake.channel_ids[0]
    fake.fail("POST", ROUTE, 429, retry_after=0.2)
    started = time.monotonic()
    assert await sender.send(delivery(ch)) is not None
    assert time.monotonic() - started >= 0.2  # discord.py waited as told
    assert len(fake.messages[ch]) == 1
    assert fake.requests.count(("POST", f"/channels/{ch}/messages")) == 2


async def test_long_429_becomes_transient_with_retry_after(
    fake: FakeDiscord, sender: DiscordSender
) -> None:
    fake.fail("POST", ROUTE, 429, retry_after=45.0)
    with pytest.raises(TransientError) as err:
        await sender.send(delivery(fake.channel_ids[0]))
    assert err.value.retry_after == 45.0
    assert fake.channel_ids[0] not in fake.messages


async def test_500_then_success(fake: FakeDiscord, sender: DiscordSender) -> None:
    ch = fake.channel_ids[0]
    fake.fail("POST", ROUTE, 500)
    assert await sender.send(delivery(ch)) is not None  # discord.py retries 500 after 1 s
    assert len(fake.messages[ch]) == 1


async def test_503_is_transient(fake: FakeDiscord, sender: DiscordSender) -> None:
    fake.fail("POST", ROUTE, 503)
    with pytest.raises(TransientError):
        await sender.send(delivery(fake.channel_ids[0]))


async def test_missing_access_is_permanent(fake: FakeDiscord, sender: DiscordSender) -> None:
    fake.forbid(fake.channel_ids[0])
    with pytest.raises(PermanentError, match="50001"):
        await sender.send(delivery(fake.channel_ids[0]))


async def test_deleted_channel_is_permanent(fake: FakeDiscord, sender: DiscordSender) -> None:
    ch = fake.channel_ids[1]
    fake.delete_channel(ch)
    with pytest.raises(PermanentError, match="10003"):
        await sender.send(delivery(ch))


async def test_not_a_channel_id_is_permanent(sender: DiscordSender) -> None:
    with pytest.raises(PermanentError):
        await sender.send(delivery("#general"))


async def test_network_error_is_transient() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    sender = DiscordSender("t", api_url=f"http://127.0.0.1:{port}/api/v10")
    try:
        with pytest.raises(TransientError):
            await sender.send(delivery(1))
    finally:
        await sender.aclose()
        reset_endpoints()


async def test_bad_token_is_transient_and_says_so(fake: FakeDiscord) -> None:
    sender = DiscordSender("wrong", api_url=fake.api_url)
    try:
        with pytest.raises(TransientError, match="token"):
            await sender.send(delivery(fake.channel_ids[0]))
    finally:
        await sender.aclose()


async def test_webhook_route(fake: FakeDiscord) -> None:
    url = fake.add_webhook(fake.channel_ids[0])
    hook = DiscordWebhookSender()
    try:
        d = Delivery(
            id=3,
            event=make_event(title="@everyone look"),
            platform="discord-webhook",
            channel="",
            attempts=0,
            options={"url": url, "role_id": 99},
        )
        mid = await hook.send(d)
        assert mid is not None
        [(_wid, [body])] = fake.webhook_messages.items()
        assert body["embeds"][0]["title"] == "@\u200beveryone look"
        assert body["allowed_mentions"] == {"parse": [], "roles": [99]}

        fake.fail("POST", "/webhooks/{wid}/{token}", 429, retry_after=3.0)
        with pytest.raises(TransientError) as err:
            await hook.send(d)
        assert err.value.retry_after == 3.0

        gone = d.options | {"url": url.rsplit("/", 1)[0] + "/badtoken"}
        with pytest.raises(PermanentError, match="10015"):
            await hook.send(dataclasses.replace(d, options=gone))
    finally:
        await hook.aclose()


async def test_sender_points_rest_at_api_url_and_leaves_the_gateway(fake: FakeDiscord) -> None:
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    use_endpoints(gateway_url=fake.gateway_url)
    sender = DiscordSender(fake.token, api_url=fake.api_url)
    try:
        await sender.send(delivery(fake.channel_ids[0]))
    finally:
        await sender.aclose()
    assert fake.api_url == Route.BASE
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == fake.gateway_url
