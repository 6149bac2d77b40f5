"""Event classification behind one interface: text in, Classification out."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.models import Classification


@runtime_checkable
class Classifier(Protocol):
    """Labels an item's text and names the companies it is about."""

    def classify(self, title: str, summary: str = "", lang: str | None = None) -> Classification:
        """Classify one item; `lang` is the source's declared language, if any."""
        ...

    def add_company(self, name: str, aliases: list[str] | tuple[str, ...] = ()) -> None:
        """Start matching a company added at run time."""
        ...
