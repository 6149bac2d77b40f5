"""Slack Block Kit for alerts and command replies: pure functions, always within Slack's limits.

Everything that came from a feed is escaped (& < >) before it reaches mrkdwn, so no feed can
ping <!channel>/<!here>/<@U...> or forge a <url|label> link. Sizes are fitted after escaping,
because Slack counts the characters it receives.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Any

from bot.models import Event
from bot.render import Fact, byline, facts, headline, trim, when, why
from handlers.replies import Line, Reply

#: Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks).
MAX_HEADER = 150
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_BLOCKS = 50
MAX_CONTEXT_TEXT = 2000
#: The notification fallback `text`; Slack accepts 40k, but only the start is ever shown.
MAX_FALLBACK = 3000
#: Longest URL we still link; longer ones would crowd the title out of its section.
MAX_URL = 1500
#: A reply's total characters: Slack accepts more, but nobody reads a wall of text.
MAX_REPLY_CHARS = 12_000


def escape(text: str) -> str:
    """Escape Slack's control characters (&, <, >) so text shows literally and cannot ping."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int) -> str:
    """Trim (at a word) then escape, so the escaped result has at most `limit` characters."""
    budget = limit
    while True:
        out = escape(trim(text, budget))
        if len(out) <= limit:
            return out
        # Escaping grew the text (an & becomes 5 characters): shrink the budget in proportion.
        budget = max(0, min(budget - 1, budget * limit // len(out)))


def safe_url(url: str) -> str | None:
    """An http(s) URL made safe inside <url|label>, or None if it should not be linked."""
    url = url.strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    # Percent-encode what would end the link or start its label (| > <) and any whitespace.
    quoted = urllib.parse.quote(url, safe=":/?#[]@!$&'()*+,;=%~")
    return escape(quoted) if len(quoted) <= MAX_URL else None


def link(url: str | None, label: str) -> str:
    """<url|label> with an already-escaped label; the bare label when the URL is not linkable."""
    target = safe_url(url) if url else None
    return f"<{target}|{label}>" if target else label


def _text(kind: str, text: str) -> dict[str, Any]:
    return {"type": kind, "text": text}


def _field(fact: Fact) -> dict[str, Any]:
    name = fit(fact.name, 100)
    head = f"*{name}*\n"
    return _text("mrkdwn", head + (fit(fact.value, MAX_FIELD_TEXT - len(head)) or "—"))


def alert_blocks(
    event: Event, options: Mapping[str, Any] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """The notification text and Block Kit blocks of one alert (one message, all its labels).

    `options` are the subscription's extras (Delivery.options); none change the layout yet.
    """
    del options  # accepted for symmetry with other platforms' renderers
    head = headline(event)  # labels and companies: from our config and registry, not the feed
    fallback = fit(f"{head}: {event.title}", MAX_FALLBACK)
    # A header is plain_text: Slack shows it literally, so it cannot ping; no escaping needed.
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _text("plain_text", trim(head, MAX_HEADER)), "block_id": "head"}
    ]

    title = f"*{link(event.link, fit(event.title or event.link or 'untitled', 500))}*"
    body = title
    summary_room = MAX_SECTION_TEXT - len(title) - 1
    if event.summary.strip() and summary_room > 20:
        body += "\n" + fit(event.summary, summary_room)
    blocks.append({"type": "section", "text": _text("mrkdwn", body), "block_id": "summary"})

    fields = [_field(f) for f in facts(event)]
    room = MAX_BLOCKS - len(blocks) - 1  # one block stays free for the context line
    for i in range(0, min(len(fields), room * MAX_FIELDS), MAX_FIELDS):
        blocks.append({"type": "section", "fields": fields[i : i + MAX_FIELDS]})

    context = [_text("mrkdwn", s) for s in _context(event) if s]
    if context:
        blocks.append({"type": "context", "elements": context, "block_id": "context"})
    return fallback, blocks


def _context(event: Event) -> list[str]:
    parts = [
        fit(byline(event), 200),
        escape(when(event.published)),
        fit(why(event), MAX_CONTEXT_TEXT),
    ]
    others = [lk for lk in event.links if lk.url != event.link][:5]
    if others:
        also = ", ".join(link(lk.url, fit(lk.source or "link", 80)) for lk in others)
        if len(also) + 6 <= MAX_CONTEXT_TEXT:  # else drop it: a cut link would be broken markup
            parts.append("also: " + also)
    return parts


def _line(line: Line) -> str:
    """One reply row as mrkdwn: '• <link|text> — 2024-05-01 12:00 UTC · Amount: $10M'."""
    out = "• " + link(line.link, fit(line.text, 1000))
    if line.date:
        out += " — " + escape(when(line.date))
    if line.facts:
        out += " · " + fit(" · ".join(f"{f.name}: {f.value}" for f in line.facts), 1000)
    return out


def _paragraph(text: str) -> str:
    """One line of a reply's own text, kept as one unit (never cut mid-line beyond one section)."""
    return fit(text, MAX_SECTION_TEXT) if text.strip() else ""


def reply_payload(
    reply: Reply, *, max_blocks: int = MAX_BLOCKS, max_chars: int = MAX_REPLY_CHARS
) -> dict[str, Any]:
    """Slack's message payload (for ack, respond or chat.postEphemeral) of a neutral Reply.

    Rows are packed into sections of at most 3000 characters and never split; what does not fit
    in `max_blocks` / `max_chars` is left out and counted in a closing "…and N more" line.
    """
    prefix = "" if reply.ok else ":warning: "
    units: list[tuple[str | None, str]] = []  # (section title or None, one row of mrkdwn)
    first, *rest = reply.text.split("\n") if reply.text else [""]
    units.append((None, prefix + _paragraph(first)))
    units.extend((None, _paragraph(t)) for t in rest)
    for section in reply.sections:
        heading = f"*{fit(section.title, 200)}*"
        if not section.lines:
            units.append((heading, ""))
        units.extend((heading, _line(ln)) for ln in section.lines)

    blocks: list[dict[str, Any]] = []
    current: list[str] = []  # rows of the section being filled
    current_title: str | None = None
    used = 0
    omitted = 0

    def flush() -> None:
        if current:
            blocks.append({"type": "section", "text": _text("mrkdwn", "\n".join(current))})
            current.clear()

    for i, (group, row) in enumerate(units):
        rows: list[str] = []
        if group is not None and group != current_title:
            flush()  # each titled group starts its own section
            rows.append(group)
            current_title = group
        if row:
            rows.append(row)
        if not rows:
            continue
        if current and len("\n".join(current + rows)) > MAX_SECTION_TEXT:
            flush()
        # The section being filled counts as a block; one block and 100 characters stay free
        # for the closing "…and N more".
        if len(blocks) + 1 > max_blocks - 1 or used + len("\n".join(rows)) > max_chars - 100:
            omitted = sum(1 for _, r in units[i:] if r.startswith("• ")) or 1
            break
        current.extend(rows)
        used += len("\n".join(rows)) + 1
    flush()

    more = omitted + max(reply.more, 0)
    if more:
        blocks.append({"type": "context", "elements": [_text("mrkdwn", f"…and {more} more")]})
    fallback = fit(prefix + (reply.text or "Done."), MAX_FALLBACK)
    return {
        "response_type": "ephemeral" if reply.ephemeral else "in_channel",
        "text": fallback,
        "blocks": blocks,
    }
