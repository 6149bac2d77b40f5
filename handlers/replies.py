"""The neutral shape of a command's answer; each platform adapter renders it its own way."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.render import Fact


@dataclass(frozen=True, slots=True)
class Caller:
    """Who ran a command, where, and whether they may manage feeds."""

    platform: str  # "slack" | "discord" | "cli"
    channel: str
    user: str
    is_admin: bool = False
    workspace: str = ""  # Slack team id / Discord guild id


@dataclass(frozen=True, slots=True)
class Line:
    """One row of an answer: text, optional link and date, optional facts."""

    text: str
    link: str | None = None
    date: datetime | None = None
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    """A titled group of lines ("Funding", "Subscriptions")."""

    title: str
    lines: tuple[Line, ...] = ()


@dataclass(slots=True)
class Reply:
    """A command's answer: a headline, sections, and who should see it."""

    text: str
    sections: list[Section] = field(default_factory=list)
    ephemeral: bool = True
    ok: bool = True
    more: int = 0  # lines left out for size; adapters say "and N more"
