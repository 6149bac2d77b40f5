"""Discord JSON for alerts and command replies: pure functions, Discord's limits enforced.

Limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits):
title 256, description 4096, 25 fields, field name 256 / value 1024, footer 2048,
author name 256, 6000 characters over all embeds of a message, content 2000, 10 embeds.
Everything is trimmed to fit; nothing is rejected.
"""

from __future__ import annotations

import re
from typing import Any

from bot.models import Event
from bot.render import byline, facts, headline, label_colour, trim, when, why
from handlers.replies import Line, Reply

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
CONTENT_MAX = 2000
EMBEDS_MAX = 10
URL_MAX = 2048
EPHEMERAL = 1 << 6

ZWSP = "\u200b"
_EVERYONE_RE = re.compile(r"@(everyone|here)", re.IGNORECASE)
# <@123> user, <@!123> nickname, <@&123> role, <#123> channel, </cmd:123> command mentions.
_MENTION_RE = re.compile(r"<(@[!&]?|#|/[^<>:\n]{1,100}:)(\d{1,25})>")
# [text](url) or [text](<url>) with an optional "title": masked links hide where they go.
_MASKED_LINK_RE = re.compile(r"\[([^\[\]\n]*)\]\(\s*<?([^\s()<>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_OK_COLOUR = 0x5865F2
_ERROR_COLOUR = 0xE74C3C


def neutralise(text: str) -> str:
    """Feed text that cannot ping, point at a channel, or hide a link's target."""
    if not text:
        return ""
    text = _MASKED_LINK_RE.sub(_unmask, text)
    text = _MENTION_RE.sub(lambda m: f"<{ZWSP}{m.group(1)}{m.group(2)}>", text)
    return _EVERYONE_RE.sub(lambda m: f"@{ZWSP}{m.group(1)}", text)


def _unmask(m: re.Match[str]) -> str:
    label, url = m.group(1).strip(), m.group(2)
    return f"{label} ({url})" if label and label != url else url


def _url(link: str) -> str | None:
    # Discord rejects the whole message for a malformed embed URL; drop it instead.
    if link.startswith(("http://", "https://")) and len(link) <= URL_MAX and " " not in link:
        return link
    return None


def _cut(text: str, limit: int) -> str:
    """trim() that keeps line breaks (descriptions and field values are multi-line)."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    return text[: limit - 1].rstrip() + "…"


def embed_size(embed: dict[str, Any]) -> int:
    """Characters Discord counts toward the 6000 total for one embed."""
    n = len(embed.get("title", "")) + len(embed.get("description", ""))
    n += len((embed.get("footer") or {}).get("text", ""))
    n += len((embed.get("author") or {}).get("name", ""))
    for f in embed.get("fields", []):
        n += len(f.get("name", "")) + len(f.get("value", ""))
    return n


def _fit_total(embed: dict[str, Any], budget: int = EMBED_TOTAL_MAX) -> dict[str, Any]:
    """Shrink description, then fields from the end, then the footer, until under budget."""
    over = embed_size(embed) - budget
    if over > 0 and embed.get("description"):
        keep = max(0, len(embed["description"]) - over)
        if keep > 1:
            embed["description"] = _cut(embed["description"], keep)
        else:
            del embed["description"]
    fields = embed.get("fields", [])
    while embed_size(embed) > budget and fields:
        over = embed_size(embed) - budget
        last = fields[-1]
        if len(last["value"]) - over >= 16:
            last["value"] = _cut(last["value"], len(last["value"]) - over)
        else:
            fields.pop()
    over = embed_size(embed) - budget
    if over > 0 and embed.get("footer"):
        embed["footer"]["text"] = _cut(
            embed["footer"]["text"], max(1, len(embed["footer"]["text"]) - over)
        )
    over = embed_size(embed) - budget
    if over > 0 and embed.get("title"):
        embed["title"] = _cut(embed["title"], max(1, len(embed["title"]) - over))
    if not fields:
        embed.pop("fields", None)
    return embed


def alert_embed(event: Event) -> dict[str, Any]:
    """The embed for one alert: colour per label, linked title, company, summary, facts, why."""
    embed: dict[str, Any] = {"type": "rich", "color": label_colour(event.labels)}
    title = trim(neutralise(event.title), TITLE_MAX)
    if title:
        embed["title"] = title
    url = _url(event.link)
    if url and title:
        embed["url"] = url
    embed["author"] = {"name": trim(neutralise(headline(event)), AUTHOR_MAX)}
    summary = _cut(neutralise(event.summary.strip()), DESCRIPTION_MAX)
    if summary:
        embed["description"] = summary
    fields: list[dict[str, Any]] = []
    for f in facts(event):
        value = _cut(neutralise(f.value), FIELD_VALUE_MAX) or "—"
        fields.append(
            {
                "name": trim(f.name, FIELD_NAME_MAX) or "—",
                "value": value,
                "inline": len(value) <= 40,
            }
        )
    others = [lk for lk in event.links if lk.url != event.link]
    if others:
        shown = "\n".join(f"{neutralise(lk.source) or 'link'}: {lk.url}" for lk in others)
        fields.append(
            {"name": "Also reported by", "value": _cut(shown, FIELD_VALUE_MAX), "inline": False}
        )
    if fields:
        embed["fields"] = fields[:FIELDS_MAX]
    parts = (neutralise(byline(event)), when(event.published), neutralise(why(event)))
    footer = " · ".join(p for p in parts if p)
    if footer:
        embed["footer"] = {"text": trim(footer, FOOTER_MAX)}
    return _fit_total(embed)


def alert_message(event: Event, role_id: int | None = None) -> dict[str, Any]:
    """A channel message body: the embed, plus the role ping only when a role was subscribed."""
    body: dict[str, Any] = {"embeds": [alert_embed(event)]}
    if role_id:
        body["content"] = f"<@&{int(role_id)}>"
    # Only our own role ping may notify anyone; nothing in feed text is parsed for mentions.
    body["allowed_mentions"] = {"parse": [], "roles": [int(role_id)] if role_id else []}
    return body


def _line(line: Line) -> str:
    text = trim(neutralise(line.text), 300) or "—"
    url = _url(line.link or "")
    if url:
        # Our own masked link; brackets in the text would break it.
        text = "[" + text.replace("[", "(").replace("]", ")") + "](" + url + ")"
    parts = [text]
    if line.date is not None:
        parts.append(when(line.date))
    if line.facts:
        parts.append(" · ".join(f"{f.name}: {trim(neutralise(f.value), 120)}" for f in line.facts))
    return "• " + " — ".join(parts)


def reply_message(reply: Reply) -> dict[str, Any]:
    """A command reply body: content + one embed per section, under Discord's limits."""
    body: dict[str, Any] = {"content": _cut(neutralise(reply.text), CONTENT_MAX) or "—"}
    embeds: list[dict[str, Any]] = []
    dropped = reply.more
    budget = EMBED_TOTAL_MAX
    sections = list(reply.sections)
    for i, section in enumerate(sections):
        if len(embeds) == EMBEDS_MAX or budget < 64:
            dropped += sum(len(s.lines) for s in sections[i:])
            break
        embed: dict[str, Any] = {"type": "rich", "color": _OK_COLOUR if reply.ok else _ERROR_COLOUR}
        title = trim(neutralise(section.title), TITLE_MAX)
        if title:
            embed["title"] = title
        room = min(DESCRIPTION_MAX, budget - len(title)) - 40  # 40: room for "…and N more"
        lines: list[str] = []
        used = 0
        for j, line in enumerate(section.lines):
            s = _line(line)
            if used + len(s) + 1 > room:
                dropped += len(section.lines) - j
                break
            lines.append(s)
            used += len(s) + 1
        if lines:
            embed["description"] = "\n".join(lines)
        budget -= embed_size(embed)
        embeds.append(embed)
    if dropped:
        more = f"…and {dropped} more"
        if embeds:
            last = embeds[-1]
            desc = last.get("description", "")
            last["description"] = (desc + "\n" + more).strip()
        else:
            body["content"] = _cut(body["content"], CONTENT_MAX - len(more) - 1) + "\n" + more
    if embeds:
        body["embeds"] = embeds
    body["allowed_mentions"] = {"parse": []}
    if reply.ephemeral:
        body["flags"] = EPHEMERAL
    return body
