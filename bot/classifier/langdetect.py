"""A tiny language guesser: counts each lexicon's stopwords, no model, no download."""

from __future__ import annotations

import re
from collections.abc import Mapping

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def detect(text: str, stopwords: Mapping[str, frozenset[str]], default: str = "en") -> str:
    """The language whose stopwords cover most tokens of `text`; `default` when unsure."""
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    if not tokens:
        return default
    best, best_hits = default, 0
    for lang, words in stopwords.items():
        hits = 0
        for t in tokens:
            if t in words:
                hits += 1
            elif "'" in t or "’" in t:  # French elisions: "l'entreprise", "d’un"
                head = re.split(r"['’]", t, maxsplit=1)[0] + "'"
                hits += head in words
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
