"""The `console` platform: alerts printed to the terminal, one readable block per alert."""

from __future__ import annotations

import sys
from typing import TextIO

from bot import render
from bot.delivery.base import SenderLimits
from bot.models import Delivery, Event

_RESET = "\033[0m"
_BOLD = "\033[1m"
_DIM = "\033[2m"


def _fg(rgb: int) -> str:
    return f"\033[38;2;{rgb >> 16 & 255};{rgb >> 8 & 255};{rgb & 255}m"


def format_alert(event: Event, color: bool, width: int = 100) -> str:
    """The terminal block for one alert (ANSI colours when `color`)."""

    def c(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    head = f" {render.headline(event).upper()} "
    bar = "━" * max(4, width - len(head) - 2)
    lines = [c(_BOLD + _fg(render.label_colour(event.labels)), f"━━{head}{bar}"),
             c(_BOLD, render.trim(event.title, width * 2))]
    if event.link:
        lines.append("  " + c(_DIM, event.link))
    for f in render.facts(event):
        lines.append(f"  {c(_BOLD, f.name + ':')} {f.value}")
    if event.summary:
        lines.append("  " + render.trim(event.summary, 280))
    meta = " · ".join(x for x in (render.byline(event), render.when(event.published),
                                   render.why(event)) if x)
    lines.append("  " + c(_DIM, meta))
    others = [lk for lk in event.links if lk.url != event.link]
    if others:
        lines.append("  " + c(_DIM, "also covered by: " + "; ".join(
            f"{lk.source} {lk.url}" for lk in others)))
    return "\n".join(lines) + "\n"


class ConsoleSender:
    """Prints alerts to a stream (the terminal by default)."""

    platform = "console"
    limits = SenderLimits(max_text=1_000_000, per_channel_rate=float("inf"))

    def __init__(self, stream: TextIO | None = None, color: str = "auto") -> None:
        self.stream = stream or sys.stdout
        isatty = getattr(self.stream, "isatty", lambda: False)()
        self.color = color == "always" or (color == "auto" and isatty)

    async def send(self, delivery: Delivery) -> str | None:
        """Write the alert block and flush."""
        self.stream.write(format_alert(delivery.event, self.color) + "\n")
        self.stream.flush()
        return None

    async def aclose(self) -> None:
        """Nothing to release."""
