"""bot.testing.loopback: a fake's app on a free loopback port."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web

from bot.testing.loopback import serve


async def test_serves_on_a_free_port_and_stops() -> None:
    app = web.Application()
    app.router.add_get("/", lambda _: web.Response(text="up"))
    runner, host, port = await serve(app)
    assert host == "127.0.0.1" and port > 0
    async with aiohttp.ClientSession() as s:
        async with s.get(f"http://{host}:{port}/") as r:
            assert await r.text() == "up"
        await runner.cleanup()
        with pytest.raises(aiohttp.ClientConnectionError):
            await s.get(f"http://{host}:{port}/")
