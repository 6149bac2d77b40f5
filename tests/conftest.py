"""Shared fixtures: real databases (SQLite always, PostgreSQL when configured) and servers."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.testing.feed_server import FeedServer
from bot.testing.webhook_receiver import WebhookReceiver

PG_URL = os.environ.get("ALERTBOT_TEST_DATABASE_URL", "")


@pytest.fixture(params=["sqlite", "postgresql"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A `[storage]` table for a fresh database: SQLite, and PostgreSQL when configured."""
    if request.param == "sqlite":
        yield {"url": f"sqlite+aiosqlite:///{tmp_path / 'alertbot.db'}"}
        return
    if not PG_URL:
        pytest.skip("ALERTBOT_TEST_DATABASE_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield {"url": PG_URL, "schema": schema}
    import asyncio

    import asyncpg

    async def drop() -> None:
        dsn = PG_URL.replace("postgresql+asyncpg://", "postgresql://")
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()

    asyncio.run(drop())


@pytest.fixture
async def feeds() -> AsyncIterator[FeedServer]:
    """A real feed server on 127.0.0.1."""
    async with FeedServer() as srv:
        yield srv


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    """A real webhook endpoint on 127.0.0.1 that records alerts."""
    async with WebhookReceiver() as r:
        yield r
