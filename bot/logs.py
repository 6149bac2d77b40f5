"""Structured logs: one line each, with source, item and channel as key=value pairs."""

from __future__ import annotations

import logging
import sys
import time

_FIELDS = ("source", "item", "channel")


class KeyValueFormatter(logging.Formatter):
    """`2026-01-01T10:00:00Z WARNING bot.pipeline poll failed ... source="TechCrunch"`."""

    def __init__(self) -> None:
        super().__init__()
        self.converter = time.gmtime  # timestamps in UTC, whatever the host's zone

    def format(self, record: logging.LogRecord) -> str:
        """Message first, then the known context fields that the record carries."""
        ts = self.formatTime(record, "%Y-%m-%dT%H:%M:%SZ")
        line = f"{ts} {record.levelname} {record.name} {record.getMessage()}"
        for key in _FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                line += f' {key}="{value}"'
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def setup_logging(verbose: int = 0) -> None:
    """Log to stderr: warnings by default, info with -v, debug with -vv."""
    level = logging.WARNING if verbose <= 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(KeyValueFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Library chatter is only useful when debugging.
    for noisy in ("apscheduler", "aiosqlite", "asyncio", "discord", "slack_bolt", "slack_sdk"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING if verbose < 2
                                              else logging.DEBUG))
