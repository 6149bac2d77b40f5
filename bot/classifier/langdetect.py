"""A tiny language guesser: counts each lexicon's stopwords, no model, no download."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _letter_class(below: int) -> str:
    """The characters under `below` that [^\\W\\d_] matches, as a character class body."""
    letter = re.compile(r"[^\W\d_]")
    ranges: list[list[int]] = []
    for c in range(below):
        if letter.match(chr(c)):
            if ranges and ranges[-1][1] == c - 1:
                ranges[-1][1] = c
            else:
                ranges.append([c, c])
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


# _TOKEN with its letters spelt out: a plain character set is tested faster than Unicode
# categories. The same tokens in a text with no character from U+3000 on (_WIDE).
_LETTERS_BELOW = 0x3000
_WIDE = re.compile(f"[^\x00-{chr(_LETTERS_BELOW - 1)}]")
_LETTER = f"[{_letter_class(_LETTERS_BELOW)}]"
_NARROW_TOKEN = re.compile(f"{_LETTER}+(?:['’]{_LETTER}+)?")
_ELISION = re.compile(r"['’]")


class Detector:
    """Stopword sets of several languages, indexed once: word -> the languages it belongs to."""

    def __init__(self, stopwords: Mapping[str, frozenset[str]], default: str = "en") -> None:
        self.langs = tuple(stopwords)
        self.default = default
        self._index: dict[str, int] = {}  # word -> bit set of self.langs
        for bit, lang in enumerate(self.langs):
            for w in stopwords[lang]:
                self._index[w] = self._index.get(w, 0) | (1 << bit)

    def detect(self, text: str) -> str:
        """The language whose stopwords cover most tokens of `text`; the default when unsure."""
        return self.detect_lower(text.lower())

    def detect_lower(self, low: str) -> str:
        """detect() of a text already lower-cased (str.lower())."""
        tokens = _TOKEN if _WIDE.search(low) else _NARROW_TOKEN
        counts = Counter(tokens.findall(low))  # each distinct token once: one probe per type
        if not counts:
            return self.default
        hits = [0] * len(self.langs)
        get = self._index.get
        elided = "'" in low or "’" in low
        by_bits: dict[int, int] = {}  # language bit set -> tokens: few distinct sets per text
        for t, n in counts.items():
            bits = get(t, 0)
            if elided and ("'" in t or "’" in t):  # French elisions: "l'entreprise" counts as "l'"
                bits |= get(_ELISION.split(t, maxsplit=1)[0] + "'", 0)
            if bits:
                by_bits[bits] = by_bits.get(bits, 0) + n
        for bits, n in by_bits.items():
            while bits:
                low_bit = bits & -bits
                hits[low_bit.bit_length() - 1] += n
                bits ^= low_bit
        best, best_hits = self.default, 0
        for lang, h in zip(self.langs, hits, strict=True):
            if h > best_hits or (h == best_hits and lang == self.default and h):
                best, best_hits = lang, h
        if best_hits == 0:
            # No stopword at all (a terse headline): letters only some languages use decide.
            for lang, letters in _LETTERS.items():
                if lang in self.langs and any(ch in low for ch in letters):
                    return lang
        return best


def detect(text: str, stopwords: Mapping[str, frozenset[str]], default: str = "en") -> str:
    """The language whose stopwords cover most tokens of `text`; `default` when unsure."""
    return Detector(stopwords, default).detect(text)


# Checked in order: "ñ" is Spanish before "é" could be French.
_LETTERS: dict[str, str] = {"de": "äöüß", "es": "ñ¿¡áíóú", "fr": "éèêàçœùû"}
