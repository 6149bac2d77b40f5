"""Platform-neutral pieces of an alert: headline, facts, why it matched. Adapters format them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.models import BUILTIN_LABELS, Event

#: Display name and colour (RGB) per label; custom labels fall back to DEFAULT_STYLE.
LABEL_STYLE: dict[str, tuple[str, int]] = {
    "departure": ("Departure", 0xE67E22),
    "funding": ("Funding", 0x2ECC71),
    "dispute": ("Dispute", 0xE74C3C),
}
DEFAULT_STYLE = ("Event", 0x7F8C8D)


@dataclass(frozen=True, slots=True)
class Fact:
    """One labelled fact shown as a field ("Amount": "$100M")."""

    name: str
    value: str


def label_names(labels: list[str]) -> str:
    """'Departure · Funding · Dispute' in the built-in order, custom labels after."""
    order = {lab: i for i, lab in enumerate(BUILTIN_LABELS)}
    ordered = sorted(labels, key=lambda lab: (order.get(lab, len(order)), lab))
    return " · ".join(LABEL_STYLE.get(lab, (lab.capitalize(), 0))[0] for lab in ordered)


def label_colour(labels: list[str]) -> int:
    """The colour of the first label in built-in order."""
    for lab in BUILTIN_LABELS:
        if lab in labels:
            return LABEL_STYLE[lab][1]
    return DEFAULT_STYLE[1]


def headline(event: Event) -> str:
    """'Funding · Dispute — Stability AI' (labels and companies, no title)."""
    companies = ", ".join(event.companies) if event.companies else "company not named"
    return f"{label_names(event.labels)} — {companies}"


def facts(event: Event) -> list[Fact]:
    """The extracted facts worth a field, in a stable order."""
    out: list[Fact] = []
    ex = event.extracted or {}
    fund = ex.get("funding") or {}
    if fund:
        if fund.get("amount"):
            out.append(Fact("Amount", str(fund["amount"])))
        if fund.get("round"):
            out.append(Fact("Round", str(fund["round"])))
        if fund.get("valuation"):
            out.append(Fact("Valuation", str(fund["valuation"])))
        if fund.get("investors"):
            out.append(Fact("Investors", ", ".join(map(str, fund["investors"]))))
    dep = ex.get("departure") or {}
    people = dep.get("people") or []
    if people:
        shown = []
        for p in people:
            if not isinstance(p, dict) or not (p.get("name") or p.get("role")):
                continue
            if p.get("name"):
                s = str(p["name"]) + (f" ({p['role']})" if p.get("role") else "")
            else:  # "OpenAI CTO resigns": the role is the news even without a name
                s = str(p["role"])
            if p.get("to"):
                s += f" → {p['to']}"
            shown.append(s)
        if shown:
            out.append(Fact("People", "; ".join(shown)))
    dis = ex.get("dispute") or {}
    if dis:
        if dis.get("parties"):
            out.append(Fact("Other party", ", ".join(map(str, dis["parties"]))))
        if dis.get("kind"):
            out.append(Fact("Kind", str(dis["kind"])))
    return out


def why(event: Event, max_phrases: int = 3) -> str:
    """'matched: departure "are departing"; funding "cash-strapped"'."""
    parts = []
    for lab in event.labels:
        phrases = (event.evidence or {}).get(lab) or []
        if phrases:
            quoted = ", ".join(f'"{p}"' for p in phrases[:max_phrases])
            parts.append(f"{lab} {quoted}")
    return "matched: " + "; ".join(parts) if parts else ""


def byline(event: Event) -> str:
    """Where it came from: "Kenrick Cai (@kenrickcai) via Bluesky: Kenrick Cai", or the source."""
    if not event.author or event.author.lower() in event.source.lower():
        return event.source  # "@kenrickcai via @kenrickcai on X" says it twice
    return f"{event.author} via {event.source}"


def when(dt: datetime | None) -> str:
    """A compact UTC timestamp, or '' when unknown."""
    return dt.strftime("%Y-%m-%d %H:%M UTC") if dt else ""


def trim(text: str, limit: int, suffix: str = "…") -> str:
    """Cut at a word boundary so the result (with suffix) fits in `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    if limit <= len(suffix):
        return suffix[:limit]
    cut = text[: limit - len(suffix)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + suffix


def plain_text(event: Event) -> str:
    """A one-paragraph plain-text fallback (notifications, webhooks without rich formatting)."""
    lines = [f"[{headline(event)}] {event.title}"]
    for f in facts(event):
        lines.append(f"{f.name}: {f.value}")
    lines.append(event.link)
    lines.append(byline(event))
    return "\n".join(lines)
