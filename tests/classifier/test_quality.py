"""Quality floors of the bundled classifier on labelled sets (a drop below one fails)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.classifier import build_classifier
from bot.classifier.evaluate import Report, evaluate
from bot.classifier.rules import RulesClassifier
from bot.config import ClassifierConfig

DATA = Path(__file__).resolve().parents[1] / "data" / "classifier"
DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "dev.jsonl"


@pytest.fixture(scope="module")
def clf() -> RulesClassifier:
    c = build_classifier(ClassifierConfig())
    assert isinstance(c, RulesClassifier)
    return c


def _report(clf: RulesClassifier, path: Path) -> Report:
    rows = [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
    return evaluate(clf, rows, registry=clf.registry)


@pytest.mark.parametrize(
    ("name", "macro", "company"),
    [
        ("check_a.jsonl", 0.95, 0.90),
        ("check_b.jsonl", 0.93, 0.88),
        ("check_c.jsonl", 0.92, 0.90),
        ("check_d.jsonl", 0.92, 0.93),
        ("check_e.jsonl", 0.91, 0.88),
        ("check_f.jsonl", 0.93, 0.86),
        ("check_g.jsonl", 0.93, 0.85),
        ("check_h.jsonl", 0.94, 0.87),
        ("check_i.jsonl", 0.93, 0.85),
        ("check_j.jsonl", 0.93, 0.86),
        ("check_k.jsonl", 0.93, 0.86),
        ("check_l.jsonl", 0.92, 0.85),
        ("check_m.jsonl", 0.92, 0.80),
        ("check_n.jsonl", 0.96, 0.88),
        ("check_o.jsonl", 0.96, 0.89),
        ("check_p.jsonl", 0.93, 0.80),
        ("check_q.jsonl", 0.93, 0.88),
        ("check_r.jsonl", 0.93, 0.85),
        ("check_x.jsonl", 0.93, 0.88),
        ("check_y.jsonl", 0.93, 0.84),
        ("check_z.jsonl", 0.95, 0.85),
        ("check_aa.jsonl", 0.95, 0.88),
    ],
)
def test_check_sets_stay_above_their_floors(
    clf: RulesClassifier, name: str, macro: float, company: float
) -> None:
    report = _report(clf, DATA / name)
    assert report.macro_f1 >= macro
    assert report.companies.f1 >= company
    assert min(report.per_label[x].precision for x in report.labels) >= 0.85


@pytest.mark.skipif(not DEV.exists(), reason="../shared/data/dev.jsonl is not beside the checkout")
def test_dev_set_meets_the_targets(clf: RulesClassifier) -> None:
    report = _report(clf, DEV)
    assert report.macro_f1 >= 0.90
    assert report.companies.f1 >= 0.90
    assert min(report.per_label[x].precision for x in report.labels) >= 0.90
    assert min(report.lang_macro_f1(lang) for lang in report.per_lang) >= 0.85
