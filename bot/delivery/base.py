"""The seam between the outbox worker and each platform: a Sender and its declared limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.models import Delivery


@dataclass(frozen=True, slots=True)
class SenderLimits:
    """What a platform accepts, declared as data (apprise-style)."""

    max_text: int  # characters in one message's main text
    per_channel_rate: float  # messages per second to one channel
    max_title: int = 256
    max_fields: int = 25


class DeliveryError(Exception):
    """A send failed; `retry_after` is the platform's own hint, in seconds, when it gave one."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TransientError(DeliveryError):
    """Worth retrying later: 429, 5xx, network errors, timeouts."""


class PermanentError(DeliveryError):
    """Retrying cannot help. With `channel_gone` (no access, deleted, archived) the channel's
    subscriptions are paused; without it only this message failed (say, rejected content)."""

    def __init__(self, message: str, retry_after: float | None = None,
                 channel_gone: bool = True) -> None:
        super().__init__(message, retry_after)
        self.channel_gone = channel_gone


class Sender(Protocol):
    """Sends one delivery to its channel; raises TransientError or PermanentError on failure."""

    platform: str
    limits: SenderLimits

    async def send(self, delivery: Delivery) -> str | None:
        """Send and return the platform's message id (or None if it gives none)."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
