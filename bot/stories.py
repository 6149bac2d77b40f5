"""Whether two reports are one story: so a channel gets one alert per event, not per outlet."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from bot.models import Classification, Event

#: Reports of one event published this far apart may be merged without a shared fact.
CLOSE_IN_TIME = timedelta(hours=48)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w{4,}", text.lower()))


def _people(ex: dict[str, Any]) -> set[str]:
    people = (ex.get("departure") or {}).get("people") or []
    return {str(p.get("name", "")).lower() for p in people if isinstance(p, dict)} - {""}


def _parties(ex: dict[str, Any]) -> set[str]:
    return {str(p).lower() for p in (ex.get("dispute") or {}).get("parties") or []} - {""}


def _amount(ex: dict[str, Any]) -> float | None:
    value = (ex.get("funding") or {}).get("amount_value")
    return float(value) if isinstance(value, int | float) and value > 0 else None


def same_story(a: Event, title: str, published: datetime | None, b: Classification,
               new_labels_ok: bool = False) -> bool:
    """True when report b (title, published, classification) tells the story of event a.

    It must be about one of a's companies and add no label (a new label is news in its own
    right). Then it is the same story when the wording is close, when a fact is shared
    (amount, person, other party), or, for reports in two languages (whose wording cannot be
    compared), when both came out within 48 hours and no fact tells them apart.
    With `new_labels_ok`, b may add labels: it is then a fuller report of a's story.
    """
    if not {c.lower() for c in a.companies} & {c.lower() for c in b.companies}:
        return False
    if not new_labels_ok and not set(b.labels) <= set(a.labels):
        return False
    if not set(b.labels) & set(a.labels):
        return False
    wa, wb = _words(a.title), _words(title)
    if wa and wb and len(wa & wb) / len(wa | wb) >= 0.4:
        return True
    xa, xb = a.extracted or {}, b.extracted or {}
    amount_a, amount_b = _amount(xa), _amount(xb)
    people_a, people_b = _people(xa), _people(xb)
    parties_a, parties_b = _parties(xa), _parties(xb)
    if (amount_a and amount_a == amount_b) or people_a & people_b or parties_a & parties_b:
        return True
    differ = ((amount_a and amount_b and abs(amount_a - amount_b) > 0.1 * max(amount_a, amount_b))
              or (people_a and people_b) or (parties_a and parties_b))
    if differ or a.published is None or published is None:
        return False
    other_language = bool(a.lang and b.lang and a.lang != b.lang)
    return other_language and abs(a.published - published) <= CLOSE_IN_TIME
