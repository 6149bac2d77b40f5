"""Metrics of a classifier on labelled items (the dev.jsonl format)."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.classifier import Classifier
from bot.companies import CompanyRegistry
from bot.companies.registry import normalize


@dataclass
class PRF:
    """Counts and precision / recall / F1 of one label (or of company matching)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when there was nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Everything `alertbot eval` prints."""

    labels: Sequence[str]
    per_label: dict[str, PRF]
    companies: PRF
    per_lang: dict[str, dict[str, PRF]]
    confusions: Counter[tuple[str, str]]  # (gold, predicted) label sets that differ
    errors: list[dict[str, Any]] = field(default_factory=list)
    items: int = 0
    seconds: float = 0.0

    @property
    def macro_f1(self) -> float:
        """Mean F1 over labels."""
        return sum(self.per_label[x].f1 for x in self.labels) / len(self.labels)

    def lang_macro_f1(self, lang: str) -> float:
        """Mean F1 over labels, for one language."""
        return sum(self.per_lang[lang][x].f1 for x in self.labels) / len(self.labels)

    @property
    def items_per_second(self) -> float:
        """Classification throughput."""
        return self.items / self.seconds if self.seconds else 0.0


def split_half(item_id: str) -> str:
    """A stable half of the data by hash of id: "A" (develop on it) or "B" (held out)."""
    return "A" if hashlib.sha1(item_id.encode()).digest()[0] % 2 == 0 else "B"


def _key(name: str, registry: CompanyRegistry | None) -> str:
    # Gold and predicted names are equal if they are the same registry company
    # ("Facebook" is Meta's former name), else if they normalise the same.
    if registry is not None:
        c = registry.get(name)
        if c is not None:
            return normalize(c.name)
    # "The New York Times" and "New York Times" name the same company.
    return normalize(name.removeprefix("The ").removeprefix("the "))


def evaluate(
    classifier: Classifier,
    rows: Iterable[Mapping[str, Any]],
    labels: Sequence[str] = ("departure", "funding", "dispute"),
    registry: CompanyRegistry | None = None,
) -> Report:
    """Classify every row and compare with its gold labels and companies."""
    rows = list(rows)
    start = time.perf_counter()
    results = [
        classifier.classify(str(r.get("title", "")), str(r.get("summary", "")), r.get("lang"))
        for r in rows
    ]
    seconds = time.perf_counter() - start
    report = Report(
        labels, {x: PRF() for x in labels}, PRF(), {}, Counter(), items=len(rows), seconds=seconds
    )
    for row, res in zip(rows, results, strict=True):
        gold = set(row.get("labels", []))
        pred = set(res.labels) & set(labels)
        lang = str(row.get("lang") or res.lang or "?")
        per = report.per_lang.setdefault(lang, {x: PRF() for x in labels})
        for x in labels:
            for prf in (report.per_label[x], per[x]):
                if x in gold and x in pred:
                    prf.tp += 1
                elif x in pred:
                    prf.fp += 1
                elif x in gold:
                    prf.fn += 1
        g_comp = {_key(c, registry) for c in row.get("companies", [])}
        p_comp = {_key(c, registry) for c in res.companies}
        report.companies.tp += len(g_comp & p_comp)
        report.companies.fp += len(p_comp - g_comp)
        report.companies.fn += len(g_comp - p_comp)
        if gold != pred:
            key = ("+".join(sorted(gold)) or "none", "+".join(sorted(pred)) or "none")
            report.confusions[key] += 1
            report.errors.append(
                {
                    "id": row.get("id"),
                    "gold": sorted(gold),
                    "pred": sorted(pred),
                    "scores": res.scores,
                    "title": row.get("title"),
                }
            )
    return report


def format_report(report: Report) -> str:
    """The report as aligned text."""
    lines = [f"{'label':<12} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for x in report.labels:
        m = report.per_label[x]
        lines.append(
            f"{x:<12} {m.precision:6.3f} {m.recall:6.3f} {m.f1:6.3f} {m.tp:4d} {m.fp:4d} {m.fn:4d}"
        )
    lines.append(f"{'macro-F1':<12} {report.macro_f1:20.3f}")
    c = report.companies
    lines.append(
        f"{'companies':<12} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} "
        f"{c.tp:4d} {c.fp:4d} {c.fn:4d}"
    )
    lines.append(
        "per language macro-F1: "
        + ", ".join(f"{lang}={report.lang_macro_f1(lang):.3f}" for lang in sorted(report.per_lang))
    )
    if report.confusions:
        lines.append("confusions (gold -> predicted):")
        for (g, p), n in report.confusions.most_common():
            lines.append(f"  {g:<26} -> {p:<26} {n}")
    lines.append(
        f"{report.items} items in {report.seconds:.3f}s = {report.items_per_second:,.0f} items/s"
    )
    return "\n".join(lines)
