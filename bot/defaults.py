"""The embedded default: SQLite in the user's data folder, bundled samples, the terminal."""

from __future__ import annotations

import math
from pathlib import Path

import platformdirs

from bot.config import Config, RouteConfig, SourceConfig, StorageConfig


def data_dir() -> Path:
    """Where the default database lives (e.g. ~/.local/share/alertbot)."""
    return Path(platformdirs.user_data_dir("alertbot", appauthor=False))


def storage_url(config: Config) -> str:
    """The configured database URL, or SQLite under the user's data folder."""
    return config.storage.url or f"sqlite+aiosqlite:///{data_dir() / 'alertbot.db'}"


def default_config() -> Config:
    """What `alertbot run` uses with no config file: works offline, no tokens."""
    from bot.samples import sample_paths

    sources = [
        # The samples are old news: alert on all of it the first time, or nothing would show.
        SourceConfig(name=name, type="feed", url=str(path), backfill=math.inf)
        for name, path in sample_paths()
    ]
    return Config(
        storage=StorageConfig(),
        sources=sources,
        routes=[RouteConfig(platform="console", channel="terminal")],
        path="(embedded default)",
    )
