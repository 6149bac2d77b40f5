"""Where discord.py connects: the REST base (api_url) and the gateway (gateway_url).

discord.py keeps both as class attributes, ``discord.http.Route.BASE`` and
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``, and builds every URL from them,
including the interaction-callback and follow-up routes it sends through its webhook
adapter (``discord.webhook.async_``), which a per-client ``HTTPClient`` subclass would not
reach. So we set them, process-wide, the same way discord.py's own ``_set_api_version`` does.
A process runs one ``[discord]`` section, so process-wide is the right scope; tests pointing
at a FakeDiscord call :func:`use_endpoints` and :func:`reset_endpoints` around each use.
"""

from __future__ import annotations

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

DEFAULT_API_URL = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"


def use_endpoints(api_url: str = DEFAULT_API_URL, gateway_url: str | None = None) -> None:
    """Point discord.py at `api_url`, and at `gateway_url` unless None ("" = Discord's)."""
    Route.BASE = api_url.rstrip("/") or DEFAULT_API_URL
    if gateway_url is not None:
        # Resumes then use the resume_gateway_url that READY gives.
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url or DEFAULT_GATEWAY_URL)


def reset_endpoints() -> None:
    """Back to Discord's own endpoints."""
    use_endpoints(DEFAULT_API_URL, "")


def current_api_url() -> str:
    """The REST base discord.py uses now."""
    return Route.BASE
