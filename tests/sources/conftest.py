"""Shared fixtures for API source tests: recorded-shape data, a Fetcher, the fake APIs."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.config import PollingConfig
from bot.fetch import Fetcher
from bot.sources import Polled, SourceType
from bot.storage import SourceRow
from bot.testing.fake_social import FakeSocial
from bot.testing.webhook_receiver import WebhookReceiver

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def data() -> Callable[[str], Any]:
    """Load a fixture from tests/data (a fresh copy each call, so tests may edit it)."""

    def load(name: str) -> Any:
        return copy.deepcopy(json.loads((DATA / name).read_text(encoding="utf-8")))

    return load


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    """The real Fetcher, allowed to reach 127.0.0.1 (where the fakes listen)."""
    async with Fetcher(PollingConfig(allow_private=True, timeout=5)) as f:
        yield f


@pytest.fixture
async def api() -> AsyncIterator[FakeSocial]:
    """A fake social API server on 127.0.0.1."""
    async with FakeSocial() as srv:
        yield srv


class Poller:
    """Polls one source repeatedly, carrying the cursor like the pipeline does."""

    def __init__(self, stype: SourceType, fetcher: Fetcher, url: str,
                 settings: dict[str, Any]) -> None:
        self.stype, self.fetcher = stype, fetcher
        self.row = SourceRow(id=1, name="test", type=stype.name, url=url, origin="test",
                             settings=settings, interval_s=None, enabled=True)

    async def poll(self) -> Polled:
        """One poll; the cursor it returns is kept for the next one."""
        polled = await self.stype.poll(self.fetcher, self.row)
        if polled.cursor is not None:
            self.row.cursor = polled.cursor
        return polled


@pytest.fixture
def poller(fetcher: Fetcher) -> Callable[..., Poller]:
    """Factory: poller(source_type, url, api_url=..., **settings)."""

    def make(stype: SourceType, url: str, api_url: str | None = None, **settings: Any) -> Poller:
        if api_url:
            settings["api_url"] = api_url
        return Poller(stype, fetcher, url, settings)

    return make


@pytest.fixture
def app_config(tmp_path: Path, receiver: WebhookReceiver) -> Callable[..., dict[str, Any]]:
    """Config dict: tmp SQLite, private addresses allowed, a webhook route for a company."""

    def make(sources: list[dict[str, Any]], company: str = "Stability AI") -> dict[str, Any]:
        return {
            "storage": {"url": f"sqlite+aiosqlite:///{tmp_path}/t.db"},
            "polling": {"allow_private": True, "timeout": 5},
            "sources": sources,
            "routes": [{"platform": "webhook", "url": receiver.url, "companies": [company]}],
        }

    return make
