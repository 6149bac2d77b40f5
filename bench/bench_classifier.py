"""Classifier throughput with 2,000 companies, side by side with a lower-and-scan baseline.

Run: .venv/bin/python bench/bench_classifier.py [DATA.jsonl]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.classifier import build_classifier  # noqa: E402
from bot.companies import Company, CompanyRegistry  # noqa: E402
from bot.config import ClassifierConfig  # noqa: E402


def baseline(title: str, summary: str) -> bool:
    """Lower-case the text and scan it once (the floor any classifier pays)."""
    return "raise" in f"{title}\n{summary}".lower()


def main() -> None:
    """Print items/s of the baseline and of the rules classifier, and their ratio."""
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/data/dev.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    registry = CompanyRegistry.bundled()
    i = 0
    while len(registry) < 2000:  # synthetic extra companies, as a big config would add
        registry.put(Company(name=f"Synthco {i} Labs", aliases=(f"Synthco{i}",)))
        i += 1
    clf = build_classifier(ClassifierConfig(), registry=registry)
    for r in rows:  # warm-up
        clf.classify(r["title"], r["summary"], r.get("lang"))
    rounds = max(1, 5000 // len(rows))
    t = time.perf_counter()
    for _ in range(rounds):
        for r in rows:
            baseline(r["title"], r["summary"])
    base = rounds * len(rows) / (time.perf_counter() - t)
    t = time.perf_counter()
    for _ in range(rounds):
        for r in rows:
            clf.classify(r["title"], r["summary"], r.get("lang"))
    rules = rounds * len(rows) / (time.perf_counter() - t)
    t = time.perf_counter()
    for _ in range(rounds):
        for r in rows:
            clf.classify(r["title"], r["summary"])
    detect = rounds * len(rows) / (time.perf_counter() - t)
    print(f"companies configured: {len(registry)}  items: {rounds * len(rows)}")
    print(f"baseline (lower + scan):        {base:12,.0f} items/s")
    print(f"rules, declared lang:           {rules:12,.0f} items/s  ({base / rules:,.0f}x slower)")
    print(
        f"rules, detected lang:           {detect:12,.0f} items/s  ({base / detect:,.0f}x slower)"
    )


if __name__ == "__main__":
    main()
