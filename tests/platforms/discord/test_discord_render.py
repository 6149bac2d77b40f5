"""Discord rendering: hostile feed text is neutralised, limits hold for any input."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.models import Event, Link
from bot.platforms.discord.render import (
    EMBED_TOTAL_MAX,
    alert_embed,
    alert_message,
    embed_size,
    neutralise,
    reply_message,
)
from bot.render import LABEL_STYLE
from handlers.replies import Line, Reply, Section


def make_event(**kw: Any) -> Event:
    base: dict[str, Any] = {
        "id": 1,
        "title": "Acme raises $100M Series C",
        "link": "https://news.example/acme",
        "summary": "Acme Corp said on Tuesday it raised $100M.",
        "source": "Example News",
        "published": datetime(2024, 5, 1, 12, 30, tzinfo=UTC),
        "labels": ["funding"],
        "companies": ["Acme"],
        "scores": {"funding": 0.9},
        "extracted": {"funding": {"amount": "$100M", "round": "Series C"}},
        "evidence": {"funding": ["raised"]},
    }
    base.update(kw)
    return Event(**base)


def test_neutralise_hostile_text() -> None:
    hostile = (
        "@everyone @here <@123> <@!456> <@&789> <#111> </alerts subscribe:222> "
        "[click here](https://evil.example/x) [https://bank.example](https://evil.example/y)"
    )
    out = neutralise(hostile)
    assert "@everyone" not in out and "@here" not in out
    for raw in ("<@123>", "<@!456>", "<@&789>", "<#111>", "</alerts subscribe:222>"):
        assert raw not in out
    assert "](" not in out
    assert "click here (https://evil.example/x)" in out
    assert "https://bank.example (https://evil.example/y)" in out
    assert neutralise("plain text, a@b.c and 1 < 2 > 0") == "plain text, a@b.c and 1 < 2 > 0"


def test_alert_embed_shape() -> None:
    e = alert_embed(make_event(links=[Link("https://other.example/a", "Other")]))
    assert e["title"] == "Acme raises $100M Series C" and e["url"] == "https://news.example/acme"
    assert e["color"] == LABEL_STYLE["funding"][1]
    assert "Acme" in e["author"]["name"] and "Funding" in e["author"]["name"]
    assert e["description"].startswith("Acme Corp said")
    names = {f["name"]: f["value"] for f in e["fields"]}
    assert names["Amount"] == "$100M" and names["Round"] == "Series C"
    assert "https://other.example/a" in names["Also reported by"]
    footer = e["footer"]["text"]
    assert "Example News" in footer and "2024-05-01 12:30 UTC" in footer and "raised" in footer


def test_hostile_feed_text_in_every_part_of_the_embed() -> None:
    evil = "@everyone <@&42> [win](https://evil.example)"
    ev = make_event(
        title=evil,
        summary=evil,
        source=evil,
        companies=[evil],
        extracted={"funding": {"amount": evil, "investors": [evil]}},
        evidence={"funding": [evil]},
    )
    msg = alert_message(ev, None)
    flat = repr(msg)
    assert "@everyone" not in flat and "<@&42>" not in flat and "[win](" not in flat
    assert msg["allowed_mentions"] == {"parse": [], "roles": []}
    assert "content" not in msg


def test_role_ping_only_with_role_id() -> None:
    with_role = alert_message(make_event(), 555)
    assert with_role["content"] == "<@&555>"
    assert with_role["allowed_mentions"] == {"parse": [], "roles": [555]}
    without = alert_message(make_event(), None)
    assert "content" not in without and without["allowed_mentions"]["roles"] == []


def test_several_labels_make_one_embed() -> None:
    ev = make_event(
        labels=["dispute", "funding", "departure"],
        extracted={
            "funding": {"amount": "$5M"},
            "departure": {"people": [{"name": "Jane Roe", "role": "CFO"}]},
            "dispute": {"parties": ["Globex"], "kind": "lawsuit"},
        },
    )
    msg = alert_message(ev)
    assert len(msg["embeds"]) == 1
    e = msg["embeds"][0]
    assert e["color"] == LABEL_STYLE["departure"][1]  # first label in built-in order
    assert e["author"]["name"].startswith("Departure · Funding · Dispute")
    assert {"Amount", "People", "Other party", "Kind"} <= {f["name"] for f in e["fields"]}


def test_limits_hold_for_huge_inputs() -> None:
    ev = make_event(
        title="T" * 5000,
        summary="word " * 5000,
        source="S" * 3000,
        companies=["C" * 400] * 5,
        extracted={
            "funding": {"amount": "A" * 3000, "investors": ["I" * 500] * 20},
            "departure": {"people": [{"name": "N" * 300, "role": "R" * 300}] * 20},
            "dispute": {"parties": ["P" * 2000], "kind": "K" * 2000},
        },
        evidence={"funding": ["E" * 3000]},
        links=[Link(f"https://x.example/{i}", "L" * 100) for i in range(200)],
    )
    e = alert_embed(ev)
    assert len(e["title"]) <= 256 and len(e["author"]["name"]) <= 256
    assert len(e.get("description", "")) <= 4096 and len(e["footer"]["text"]) <= 2048
    assert len(e.get("fields", [])) <= 25
    for f in e.get("fields", []):
        assert 0 < len(f["name"]) <= 256 and 0 < len(f["value"]) <= 1024
    assert embed_size(e) <= EMBED_TOTAL_MAX
    assert e["title"].endswith("…")


def test_bad_link_is_dropped_not_sent() -> None:
    e = alert_embed(make_event(link="javascript:alert(1)"))
    assert "url" not in e and e["title"]


def test_reply_message_truncates_with_and_n_more() -> None:
    lines = tuple(
        Line(f"Event number {i} " + "x" * 200, link=f"https://e.example/{i}") for i in range(200)
    )
    reply = Reply(
        text="Events for Acme", sections=[Section("Funding", lines)], ephemeral=True, more=3
    )
    body = reply_message(reply)
    assert body["flags"] == 64 and body["allowed_mentions"] == {"parse": []}
    desc = body["embeds"][0]["description"]
    assert len(desc) <= 4096 and sum(embed_size(x) for x in body["embeds"]) <= EMBED_TOTAL_MAX
    shown = desc.count("• ")
    assert desc.endswith(f"…and {200 - shown + 3} more")
    assert "[Event number 0 " in desc and "](https://e.example/0)" in desc


def test_reply_message_public_and_many_sections() -> None:
    sections = [Section(f"S{i}", (Line("@everyone hi"),)) for i in range(12)]
    body = reply_message(Reply(text="<@1> ok", sections=sections, ephemeral=False))
    assert "flags" not in body and len(body["embeds"]) == 10
    assert body["embeds"][-1]["description"].endswith("…and 2 more")
    assert "@everyone" not in repr(body) and "<@1>" not in body["content"]
