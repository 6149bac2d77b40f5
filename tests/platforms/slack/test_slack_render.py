"""Block Kit rendering: hostile feed text cannot ping or forge links; huge input stays in limits."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from bot.models import Event, Link
from bot.platforms.slack.render import alert_blocks, escape, fit, reply_payload, safe_url
from bot.render import Fact
from bot.testing.fake_slack import block_problems
from handlers.replies import Line, Reply, Section

HOSTILE = "<!channel> <@U123> <https://evil|click> & co"


def event(**kw: Any) -> Event:
    base: dict[str, Any] = {
        "id": 1,
        "title": "Stability AI raises $100M",
        "link": "https://news.example/stability",
        "summary": "The company raised money from investors.",
        "source": "Example News",
        "published": datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        "labels": ["funding"],
        "companies": ["Stability AI"],
        "scores": {"funding": 0.9},
        "extracted": {"funding": {"amount": "$100M", "round": "Series C"}},
        "evidence": {"funding": ["raised"]},
    }
    base.update(kw)
    return Event(**base)


def all_text(blocks: list[dict[str, Any]], fallback: str = "") -> str:
    """Every string Slack would parse as mrkdwn, joined."""
    return fallback + "\n" + json.dumps(blocks, ensure_ascii=False)


# Slack parses <...> as mention/link markup; none may come from the feed.
MARKUP = re.compile(r"<[!@#]|<https?://evil")


def test_escape_the_three_control_characters() -> None:
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert escape(HOSTILE) == "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|click&gt; &amp; co"


def test_hostile_feed_text_cannot_ping_or_link() -> None:
    ev = event(
        title=HOSTILE,
        summary=HOSTILE,
        source=HOSTILE,
        extracted={"funding": {"amount": HOSTILE, "investors": [HOSTILE]}},
        evidence={"funding": [HOSTILE]},
        links=[Link("https://other.example/x", HOSTILE)],
    )
    fallback, blocks = alert_blocks(ev)
    text = all_text(blocks, fallback)
    assert not MARKUP.search(text), text
    assert "&lt;!channel&gt;" in fallback
    assert block_problems(blocks) == []
    # The only link markup is ours: the event's own link, and the other outlet's.
    assert re.findall(r"<(https?://[^|>]+)\|", text) == [
        "https://news.example/stability",
        "https://other.example/x",
    ]


def test_link_that_tries_to_inject_a_label_or_a_scheme() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("slack://channel?id=C1") is None
    url = safe_url("https://evil.example/a|<!channel>")
    assert url is not None and "|" not in url and "<" not in url and ">" not in url
    _, blocks = alert_blocks(event(link="https://evil.example/x|fake label>"))
    summary = blocks[1]["text"]["text"]
    assert summary.count("|") == 1 and summary.startswith("*<https://evil.example/x%7Cfake")


def test_layout_header_summary_fields_context() -> None:
    fallback, blocks = alert_blocks(event())
    assert [b["type"] for b in blocks] == ["header", "section", "section", "context"]
    assert blocks[0]["text"] == {"type": "plain_text", "text": "Funding — Stability AI"}
    assert blocks[1]["text"]["text"].startswith(
        "*<https://news.example/stability|Stability AI raises $100M>*\nThe company raised"
    )
    fields = [f["text"] for f in blocks[2]["fields"]]
    assert fields == ["*Amount*\n$100M", "*Round*\nSeries C"]
    context = [e["text"] for e in blocks[3]["elements"]]
    assert context == ["Example News", "2024-05-01 12:00 UTC", 'matched: funding "raised"']
    assert fallback == "Funding — Stability AI: Stability AI raises $100M"


def test_several_labels_are_one_message() -> None:
    ev = event(
        labels=["dispute", "departure", "funding"],
        evidence={"funding": ["raised"], "dispute": ["sued"], "departure": ["resigned"]},
    )
    fallback, blocks = alert_blocks(ev)
    assert sum(b["type"] == "header" for b in blocks) == 1
    assert blocks[0]["text"]["text"] == "Departure · Funding · Dispute — Stability AI"
    assert fallback.startswith("Departure · Funding · Dispute")
    assert "dispute" in blocks[-1]["elements"][-1]["text"]


def test_huge_inputs_stay_within_block_kit_limits() -> None:
    word = "&<>lorem "  # escaping triples these: limits must hold after escaping
    ev = event(
        title=word * 1000,
        summary=word * 10_000,
        source=word * 500,
        companies=[f"Company {i}" for i in range(200)],
        extracted={
            "funding": {"amount": word * 1000, "investors": [word * 100] * 100},
            "departure": {"people": [{"name": word * 50, "role": "CEO"}] * 100},
            "dispute": {"parties": [word * 100] * 50, "kind": word * 500},
        },
        evidence={"funding": [word * 1000] * 10},
        link="https://news.example/" + "a" * 5000,
        links=[Link("https://o.example/" + str(i), word * 100) for i in range(50)],
    )
    fallback, blocks = alert_blocks(ev)
    assert block_problems(blocks) == []
    assert len(fallback) <= 3000
    assert len(blocks[0]["text"]["text"]) <= 150 and blocks[0]["text"]["text"].endswith("…")
    assert len(blocks[1]["text"]["text"]) <= 3000
    assert not re.search(r"&(?!amp;|lt;|gt;)", json.dumps(blocks))  # no half-cut escapes


def test_fit_never_cuts_an_escape_in_half() -> None:
    out = fit("&" * 100, 50)
    assert len(out) <= 50 and re.fullmatch(r"(&amp;)*…", out)


def test_reply_payload_ephemeral_sections_and_links() -> None:
    reply = Reply(
        text="Events for Acme <b>",
        sections=[
            Section(
                "Funding",
                (
                    Line(
                        "Acme raises <!here>",
                        link="https://n.example/1",
                        date=datetime(2024, 5, 1, tzinfo=UTC),
                        facts=(Fact("Amount", "$5M"),),
                    ),
                ),
            )
        ],
    )
    payload = reply_payload(reply)
    assert payload["response_type"] == "ephemeral"
    assert payload["text"] == "Events for Acme &lt;b&gt;"
    texts = [b["text"]["text"] for b in payload["blocks"]]
    assert texts[0] == "Events for Acme &lt;b&gt;"
    assert texts[1] == (
        "*Funding*\n• <https://n.example/1|Acme raises &lt;!here&gt;>"
        " — 2024-05-01 00:00 UTC · Amount: $5M"
    )
    assert reply_payload(Reply("ok", ephemeral=False))["response_type"] == "in_channel"
    assert reply_payload(Reply("no", ok=False))["text"].startswith(":warning:")


def test_long_reply_is_truncated_with_a_count_never_mid_line() -> None:
    lines = tuple(Line(f"item {i} " + "x" * 200, link=f"https://n.example/{i}") for i in range(500))
    reply = Reply("Many", sections=[Section("Events", lines)], more=7)
    payload = reply_payload(reply)
    blocks = payload["blocks"]
    assert block_problems(blocks) == []
    shown = sum(
        b["text"]["text"].count("\n• ") + b["text"]["text"].startswith("• ")
        for b in blocks
        if b["type"] == "section"
    )
    last = blocks[-1]
    assert last["type"] == "context"
    assert last["elements"][0]["text"] == f"…and {500 - shown + 7} more"
    assert 0 < shown < 500
    for b in blocks[1:-1]:  # every row is whole: it ends with the x-run and a closing >
        for row in b["text"]["text"].split("\n"):
            assert row == "*Events*" or re.fullmatch(
                r"• <https://n\.example/\d+\|item \d+ x{200}>", row
            )
    assert len(json.dumps(payload)) < 20_000


def test_reply_with_many_sections_stays_under_50_blocks() -> None:
    sections = [Section(f"S{i}", (Line(f"line {i}"),)) for i in range(80)]
    blocks = reply_payload(Reply("Subscriptions", sections=sections))["blocks"]
    assert len(blocks) <= 50 and block_problems(blocks) == []
    assert blocks[-1]["elements"][0]["text"].startswith("…and ")


def test_reply_keeps_multiline_text_lines() -> None:
    payload = reply_payload(Reply("Usage:\n/alerts help\n/alerts company NAME"))
    assert payload["blocks"][0]["text"]["text"] == "Usage:\n/alerts help\n/alerts company NAME"
