"""Serve an aiohttp app on a free port of a loopback address: what every fake here does."""

from __future__ import annotations

from aiohttp import web


async def serve(
    app: web.Application, host: str = "127.0.0.1", shutdown_timeout: float = 0.25
) -> tuple[web.AppRunner, str, int]:
    """Start `app` on a free port of `host`; (the runner to clean up, host, port)."""
    # A short shutdown timeout: a handler a test keeps waiting must not hold up cleanup().
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=shutdown_timeout)
    await runner.setup()
    await web.TCPSite(runner, host, 0).start()
    bound_host, port = runner.addresses[0][:2]
    return runner, str(bound_host), int(port)
