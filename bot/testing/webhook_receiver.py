"""A real HTTP endpoint on 127.0.0.1 that records webhook alerts (and can fail on purpose)."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from aiohttp import web

from bot.testing.loopback import serve


class WebhookReceiver:
    """Records JSON POSTs at /hook; `fail_next(status, headers)` scripts failures first."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self._failures: deque[tuple[int, dict[str, str]]] = deque()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self._arrived = asyncio.Event()

    def fail_next(self, status: int, headers: dict[str, str] | None = None, times: int = 1
                  ) -> None:
        """Answer the next `times` POSTs with `status` (and headers, e.g. Retry-After)."""
        for _ in range(times):
            self._failures.append((status, headers or {}))

    async def _hook(self, request: web.Request) -> web.Response:
        if self._failures:
            status, headers = self._failures.popleft()
            return web.Response(status=status, headers=headers, text="scripted failure")
        self.received.append(await request.json())
        self._arrived.set()
        return web.Response(text="ok")

    async def __aenter__(self) -> WebhookReceiver:
        app = web.Application()
        app.router.add_post("/hook", self._hook)
        self._runner, host, port = await serve(app)
        self.url = f"http://{host}:{port}/hook"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
