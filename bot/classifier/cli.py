"""`alertbot classify` and `alertbot eval`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from bot.classifier import build_classifier
from bot.classifier.evaluate import evaluate, format_report, split_half
from bot.config import Config
from bot.models import Classification


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `classify` and `eval` subcommands."""
    p = subparsers.add_parser("classify", help="label a text, or JSON lines with --jsonl")
    p.add_argument("text", nargs="?", help="headline (and lede) to classify")
    p.add_argument(
        "--jsonl", metavar="FILE", help="JSON lines with id, title, summary ('-' = stdin)"
    )
    p.add_argument("--lang", help="declared language (default: detected)")
    p.set_defaults(func=run_classify)
    e = subparsers.add_parser("eval", help="precision, recall and F1 on labelled JSON lines")
    e.add_argument("file", help="labelled JSON lines (dev.jsonl format)")
    e.add_argument(
        "--half", choices=("A", "B"), help="only one half of the items (evaluate.split_half)"
    )
    e.set_defaults(func=run_eval)


def _classifier(config: Config) -> Any:
    return build_classifier(config.classifier, config.companies)


def format_classification(res: Classification) -> str:
    """A classification as readable lines."""
    lines = [f"labels:    {', '.join(res.labels) or 'none'}  (lang {res.lang})"]
    lines.append("scores:    " + "  ".join(f"{k} {v:.2f}" for k, v in res.scores.items()))
    lines.append(f"companies: {', '.join(res.companies) or '-'}")
    for label, facts in res.extracted.items():
        lines.append(f"{label}: {json.dumps(facts, ensure_ascii=False)}")
    for label, phrases in res.evidence.items():
        lines.append(f"evidence {label}: " + "; ".join(f'"{p}"' for p in phrases))
    return "\n".join(lines)


def run_classify(args: argparse.Namespace, config: Config) -> int:
    """Classify one text, or every JSON line of a file; 1 if a line was malformed."""
    clf = _classifier(config)
    if args.jsonl is None:
        if not args.text:
            print("alertbot classify: give a text or --jsonl FILE", file=sys.stderr)
            return 2
        print(format_classification(clf.classify(args.text, "", getattr(args, "lang", None))))
        return 0
    if args.jsonl == "-":
        return classify_lines(clf, sys.stdin, sys.stdout, sys.stderr)
    try:
        with open(args.jsonl, encoding="utf-8") as f:
            return classify_lines(clf, f, sys.stdout, sys.stderr)
    except OSError as e:
        print(f"alertbot classify: {args.jsonl}: {e.strerror or e}", file=sys.stderr)
        return 2


def classify_lines(clf: Any, src: TextIO, out: TextIO, err: TextIO) -> int:
    """One output JSON line per valid input line, in order; errors name the line number."""
    status = 0
    for n, line in enumerate(src, 1):
        if not line.strip():
            continue
        try:
            try:
                row = json.loads(line)
            except ValueError as e:
                raise ValueError(f"not valid JSON ({e})") from None
            if not isinstance(row, dict) or "id" not in row or "title" not in row:
                raise ValueError("expected an object with at least id and title")
            title, summary = row["title"], row.get("summary") or ""
            if not isinstance(title, str) or not isinstance(summary, str):
                raise ValueError("title and summary must be strings")
            lang = row.get("lang") if isinstance(row.get("lang"), str) else None
        except ValueError as e:  # json.JSONDecodeError is a ValueError
            print(f"alertbot classify: line {n}: {e}; skipped", file=err)
            status = 1
            continue
        res = clf.classify(title, summary, lang)
        body = res.to_json()
        body.pop("lang", None)
        out.write(json.dumps({"id": row["id"], **body}, ensure_ascii=False) + "\n")
    return status


def run_eval(args: argparse.Namespace, config: Config) -> int:
    """Print per-label and per-language metrics of the configured classifier on FILE."""
    clf = _classifier(config)
    rows = []
    try:
        with open(args.file, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        rows.append(json.loads(line))
                    except ValueError as e:
                        print(f"alertbot eval: line {n}: not valid JSON ({e}); skipped",
                              file=sys.stderr)
    except OSError as e:
        print(f"alertbot eval: {args.file}: {e.strerror or e}", file=sys.stderr)
        return 2
    half = getattr(args, "half", None)
    if half:
        rows = [r for r in rows if split_half(str(r.get("id", ""))) == half]
    report = evaluate(clf, rows, registry=getattr(clf, "registry", None))
    print(format_report(report))
    return 0
