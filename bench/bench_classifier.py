"""Classifier throughput with 2,000 companies, side by side with a lower-and-scan baseline.

Run: .venv/bin/python bench/bench_classifier.py [DATA.jsonl] [--reps N]

The registry holds the bundled companies plus generated, plausible ones (names with a
suffix, a short alias, a ticker, a handle, a domain), as a large user config would. Each
figure is the median of several timed repetitions, so a busy machine skews it less.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.classifier import build_classifier  # noqa: E402
from bot.companies import Company, CompanyRegistry  # noqa: E402
from bot.config import ClassifierConfig  # noqa: E402

COMPANIES = 2000
_ONSETS = (
    "b",
    "br",
    "c",
    "cl",
    "d",
    "dr",
    "f",
    "fl",
    "g",
    "gr",
    "k",
    "l",
    "m",
    "n",
    "p",
    "pl",
    "qu",
    "r",
    "s",
    "st",
    "t",
    "tr",
    "v",
    "z",
    "x",
    "h",
    "j",
    "sh",
    "th",
)
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y")
_CODAS = ("", "n", "r", "x", "l", "s", "m", "th", "nt", "rk", "sk", "v")
_SUFFIXES = (
    "",
    "",
    "",
    " AI",
    " Labs",
    " Health",
    " Robotics",
    " Pay",
    " Bio",
    " Energy",
    " Systems",
    " Capital",
    " Technologies",
    " Analytics",
    " Cloud",
)


def synthetic_companies(n: int, seed: int = 7) -> list[Company]:
    """`n` plausible made-up companies: "Trelvix AI" (alias "Trelvix", ticker "TRLV")."""
    rng = random.Random(seed)
    out: list[Company] = []
    seen: set[str] = set()
    while len(out) < n:
        stem = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
            for _ in range(rng.choice((2, 2, 2, 3)))
        ).capitalize()
        if stem.lower() in seen or len(stem) < 5:
            continue
        seen.add(stem.lower())
        suffix = rng.choice(_SUFFIXES)
        name = stem + suffix
        aliases = (stem,) if suffix else ()
        ticker = (stem[:4].upper(),) if rng.random() < 0.3 else ()
        handle = (stem.lower(),) if rng.random() < 0.5 else ()
        domain = (f"{stem.lower()}.com",) if rng.random() < 0.5 else ()
        out.append(Company(name, aliases, tickers=ticker, handles=handle, domains=domain))
    return out


def baseline(title: str, summary: str) -> bool:
    """Lower-case the text and scan it once (the floor any classifier pays)."""
    return "raise" in f"{title}\n{summary}".lower()


def rate(fn: Callable[[dict[str, Any]], object], rows: list[dict[str, Any]], reps: int) -> float:
    """Median items/s of `fn` over `reps` timed passes of `rows` (after one warm-up pass)."""
    for r in rows:
        fn(r)
    rates = []
    for _ in range(reps):
        t = time.perf_counter()
        for r in rows:
            fn(r)
        rates.append(len(rows) / (time.perf_counter() - t))
    return statistics.median(rates)


def main() -> None:
    """Print items/s of the baseline and of the rules classifier, and their ratio."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", default=str(ROOT.parent / "shared/data/dev.jsonl"))
    ap.add_argument("--reps", type=int, default=15, help="timed repetitions (median kept)")
    args = ap.parse_args()
    rows = [json.loads(x) for x in Path(args.data).read_text("utf-8").splitlines() if x.strip()]
    registry = CompanyRegistry.bundled()
    for c in synthetic_companies(COMPANIES - len(registry)):
        registry.put(c)
    clf = build_classifier(ClassifierConfig(), registry=registry)

    base = rate(lambda r: baseline(r["title"], r["summary"]), rows, args.reps)
    rules = rate(lambda r: clf.classify(r["title"], r["summary"], r.get("lang")), rows, args.reps)
    detect = rate(lambda r: clf.classify(r["title"], r["summary"]), rows, args.reps)
    print(f"companies: {len(registry)}  items: {len(rows)} x {args.reps} reps (median)")
    print(f"baseline (lower + scan):  {base:12,.0f} items/s")
    for what, r in (("declared lang", rules), ("detected lang", detect)):
        print(f"rules, {what}:     {r:12,.0f} items/s  (baseline/rules = {base / r:,.0f}x)")


if __name__ == "__main__":
    main()
