"""Event classification behind one interface: text in, Classification out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.config import ClassifierConfig, CompanyConfig
from bot.models import Classification

if TYPE_CHECKING:
    from bot.companies import CompanyRegistry


@runtime_checkable
class Classifier(Protocol):
    """Labels an item's text and names the companies it is about."""

    def classify(self, title: str, summary: str = "", lang: str | None = None) -> Classification:
        """Classify one item; `lang` is the source's declared language, if any."""
        ...

    def add_company(self, name: str, aliases: list[str] | tuple[str, ...] = ()) -> None:
        """Start matching a company added at run time."""
        ...


def build_classifier(
    config: ClassifierConfig,
    companies: Sequence[CompanyConfig] = (),
    registry: CompanyRegistry | None = None,
) -> Classifier:
    """The classifier the config asks for ("rules" is the only backend so far)."""
    if config.backend in ("rules", ""):
        from bot.classifier.rules import RulesClassifier

        return RulesClassifier(config, companies, registry)
    raise ValueError(f'classifier.backend = {config.backend!r}: expected "rules"')
