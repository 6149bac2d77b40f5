"""Two versions of the classifier side by side: items/s of each, measured in alternation.

Run: .venv/bin/python bench/compare_classifier.py OLD_TREE [NEW_TREE] [--rounds N] [--detect]

OLD_TREE and NEW_TREE are source trees (`git worktree add /tmp/old v1.2`, or
`git archive REV | tar -x -C /tmp/old`); NEW_TREE defaults to this checkout. Each round runs
one fresh process per tree, one after the other, so load on a shared machine hits both
alike; the ratio of the medians is the figure to report. Both trees are timed on the same
data and the same 2,000 companies (bench_classifier.py of each tree builds them).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run inside the tree under test: its own bot package and its own bench_classifier.py.
_CHILD = """
import json, sys, time
root, data, detect = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
sys.path[:0] = [root, root + "/bench"]
from bench_classifier import COMPANIES, synthetic_companies
from bot.classifier import build_classifier
from bot.companies import CompanyRegistry
from bot.config import ClassifierConfig
rows = [json.loads(x) for x in open(data, encoding="utf-8") if x.strip()]
registry = CompanyRegistry.bundled()
for c in synthetic_companies(COMPANIES - len(registry)):
    registry.put(c)
clf = build_classifier(ClassifierConfig(), registry=registry)
items = [(r["title"], r["summary"], None if detect else r.get("lang")) for r in rows]
for t, s, lang in items:
    clf.classify(t, s, lang)
times = []
for _ in range(30):
    start = time.perf_counter()
    for t, s, lang in items:
        clf.classify(t, s, lang)
    times.append(time.perf_counter() - start)
print(len(items) / sorted(times)[len(times) // 4])
"""


def run(tree: Path, data: Path, detect: bool) -> float:
    """Items/s of the classifier in `tree` (a fresh process; 30 passes, lower quartile)."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tree), str(data), "1" if detect else "0"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tree,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Print each tree's items/s per round, their medians and the ratio new/old."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path, nargs="?", default=ROOT)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/dev.jsonl")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--detect", action="store_true", help="leave the language undeclared")
    args = ap.parse_args()
    old: list[float] = []
    new: list[float] = []
    for _ in range(args.rounds):
        old.append(run(args.old.resolve(), args.data.resolve(), args.detect))
        new.append(run(args.new.resolve(), args.data.resolve(), args.detect))
        print(f"old {old[-1]:8,.0f}   new {new[-1]:8,.0f} items/s", flush=True)
    ratio = statistics.median(new) / statistics.median(old)
    print(f"median old {statistics.median(old):,.0f}  new {statistics.median(new):,.0f}")
    print(f"new/old = {ratio:.3f}")


if __name__ == "__main__":
    main()
