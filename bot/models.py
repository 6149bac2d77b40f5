"""Plain model types that flow one way: source -> item -> classification -> event -> alert."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: The built-in labels, in display order. Users may add their own in config.
BUILTIN_LABELS: tuple[str, ...] = ("departure", "funding", "dispute")


@dataclass(frozen=True, slots=True)
class Item:
    """One normalised entry of a source (feed entry, post, story)."""

    key: str  # stable per source: guid, else link, else hash of title+summary
    title: str
    summary: str  # plain text
    link: str
    published: datetime | None = None
    author: str = ""
    lang: str | None = None  # as declared by the source, if any


@dataclass(slots=True)
class Classification:
    """What the classifier found in one item."""

    labels: list[str] = field(default_factory=list)  # labels whose score passed min_score
    scores: dict[str, float] = field(default_factory=dict)  # every known label -> [0, 1]
    companies: list[str] = field(default_factory=list)  # canonical names the item is about
    extracted: dict[str, Any] = field(default_factory=dict)  # per-label facts (amount, people...)
    evidence: dict[str, list[str]] = field(default_factory=dict)  # label -> matched phrases
    lang: str | None = None  # detected or declared language

    def to_json(self) -> dict[str, Any]:
        """The `classify --jsonl` output shape (without `id`)."""
        return {
            "labels": list(self.labels),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "companies": list(self.companies),
            "extracted": self.extracted,
            "evidence": self.evidence,
            "lang": self.lang,
        }


@dataclass(frozen=True, slots=True)
class Link:
    """One outlet's coverage of an event."""

    url: str
    source: str


@dataclass(slots=True)
class Event:
    """A classified item worth alerting on, as stored and as shown in alerts."""

    id: int
    title: str
    link: str
    summary: str
    source: str
    published: datetime | None
    labels: list[str]
    companies: list[str]
    scores: dict[str, float]
    extracted: dict[str, Any]
    evidence: dict[str, list[str]]
    author: str = ""
    links: list[Link] = field(default_factory=list)  # every outlet that covered it
    created_at: datetime | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One pending outbox row: an event to send to one channel."""

    id: int
    event: Event
    platform: str
    channel: str
    attempts: int
    options: dict[str, Any]  # per-subscription extras, e.g. {"role_id": 123} on Discord
    subscription_id: int | None = None
