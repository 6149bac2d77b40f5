"""The platform-neutral pieces of an alert."""

from __future__ import annotations

from bot.models import Event
from bot.render import facts, headline, label_names, trim, why


def event(**kw: object) -> Event:
    base: dict[str, object] = dict(
        id=1, title="t", link="https://e.com", summary="", source="Wire", published=None,
        labels=["dispute", "funding"], companies=["Stability AI"], scores={}, extracted={},
        evidence={})
    base.update(kw)
    return Event(**base)  # type: ignore[arg-type]


def test_labels_in_a_stable_order_and_headline() -> None:
    assert label_names(["dispute", "funding", "acquisition"]) == "Funding · Dispute · Acquisition"
    assert headline(event()) == "Funding · Dispute — Stability AI"


def test_facts_cover_each_label_and_unnamed_roles() -> None:
    ev = event(extracted={
        "funding": {"amount": "$100M", "round": "Series B", "valuation": "$1B",
                    "investors": ["Intel"]},
        "departure": {"people": [{"name": "Mira Murati", "role": "CTO", "to": "Thinking"},
                                 {"role": "CFO"}]},
        "dispute": {"kind": "accusation", "parties": ["Midjourney"]}})
    assert [(f.name, f.value) for f in facts(ev)] == [
        ("Amount", "$100M"), ("Round", "Series B"), ("Valuation", "$1B"),
        ("Investors", "Intel"), ("People", "Mira Murati (CTO) → Thinking; CFO"),
        ("Other party", "Midjourney"), ("Kind", "accusation")]


def test_why_quotes_the_evidence() -> None:
    ev = event(labels=["funding"], evidence={"funding": ["raises $50M", "Series B", "x", "y"]})
    assert why(ev) == 'matched: funding "raises $50M", "Series B", "x"'


def test_trim_cuts_at_a_word() -> None:
    assert trim("one two three four", 12) == "one two…"
    assert trim("short", 10) == "short"
    assert len(trim("x" * 50, 10)) == 10


def test_byline_names_the_author_once() -> None:
    from bot.render import byline

    assert byline(event(author="Kenrick Cai (@kenrickcai.bsky.social)", source="Bluesky")) == \
        "Kenrick Cai (@kenrickcai.bsky.social) via Bluesky"
    assert byline(event(author="@kenrickcai", source="@kenrickcai on X")) == "@kenrickcai on X"
    assert byline(event()) == "Wire"
    assert headline(event(companies=[])) == "Funding · Dispute — company not named"
