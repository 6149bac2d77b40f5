"""A tiny language guesser: counts each lexicon's stopwords, no model, no download."""

from __future__ import annotations

import re
from collections.abc import Mapping

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_ELISION = re.compile(r"['’]")


def detect(text: str, stopwords: Mapping[str, frozenset[str]], default: str = "en") -> str:
    """The language whose stopwords cover most tokens of `text`; `default` when unsure."""
    counts: dict[str, int] = {}  # each distinct token once: stopword sets are probed per type
    heads: dict[str, str] = {}
    for t in _TOKEN.findall(text.lower()):
        counts[t] = counts.get(t, 0) + 1
        if ("'" in t or "’" in t) and t not in heads:  # French elisions: "l'entreprise"
            heads[t] = _ELISION.split(t, maxsplit=1)[0] + "'"
    if not counts:
        return default
    best, best_hits = default, 0
    for lang, words in stopwords.items():
        hits = sum(
            n for t, n in counts.items() if t in words or (t in heads and heads[t] in words)
        )
        if hits > best_hits or (hits == best_hits and lang == default and hits):
            best, best_hits = lang, hits
    if best_hits == 0:
        # No stopword at all (a terse headline): letters only some languages use decide.
        low = text.lower()
        for lang, letters in _LETTERS.items():
            if lang in stopwords and any(ch in low for ch in letters):
                return lang
    return best


# Checked in order: "ñ" is Spanish before "é" could be French.
_LETTERS: dict[str, str] = {"de": "äöüß", "es": "ñ¿¡áíóú", "fr": "éèêàçœùû"}
