"""A tiny language guesser: counts each lexicon's stopwords, no model, no download."""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import repeat

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
# The same tokens in a lower-cased ASCII text, whose letters are a-z: a smaller set is tested
# faster.
_ASCII_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")
_ELISION = re.compile(r"['’]")
# A text's tokens are counted per language in fields of _COUNT bits of one int: no text has
# 2**63 tokens (a str is shorter than that), so no field overflows into the next.
_COUNT = 64
_FIELD = (1 << _COUNT) - 1


class Detector:
    """Stopword sets of several languages, indexed once: word -> the languages it belongs to."""

    def __init__(self, stopwords: Mapping[str, frozenset[str]], default: str = "en") -> None:
        self.langs = tuple(stopwords)
        self.default = default
        self._index: dict[str, int] = {}  # word -> bit set of self.langs
        for bit, lang in enumerate(self.langs):
            for w in stopwords[lang]:
                self._index[w] = self._index.get(w, 0) | (1 << bit)
        self._packed = {w: self._pack(bits) for w, bits in self._index.items()}

    def detect(self, text: str) -> str:
        """The language whose stopwords cover most tokens of `text`; the default when unsure."""
        return self.detect_lower(text.lower())

    def detect_lower(self, low: str) -> str:
        """detect() of a text already lower-cased (str.lower())."""
        if low.isascii():
            tokens = _ASCII_TOKEN.findall(low)
        else:
            tokens = (_NARROW_TOKEN if not _WIDE.search(low) else _TOKEN).findall(low)
        if not tokens:
            return self.default
        # One sum gives every language's count: each field of _COUNT bits counts one language.
        total = sum(map(self._packed.get, tokens, repeat(0)))
        if "'" in low or "’" in low:
            get = self._index.get
            for t in tokens:
                if "'" in t or "’" in t:  # French elisions: "l'entreprise" counts as "l'"
                    bits = get(t, 0) | get(_ELISION.split(t, maxsplit=1)[0] + "'", 0)
                    total += self._pack(bits) - self._packed.get(t, 0)
        best, best_hits = self.default, 0
        for lang in self.langs:
            h = total & _FIELD
            total >>= _COUNT
            if h > best_hits or (h == best_hits and lang == self.default and h):
                best, best_hits = lang, h
        if best_hits == 0:
            # No stopword at all (a terse headline): letters only some languages use decide.
            for lang, letters in _LETTERS.items():
                if lang in self.langs and any(ch in low for ch in letters):
                    return lang
        return best

    @staticmethod
    def _pack(bits: int) -> int:
        """A bit set of languages as a sum's addend: 1 in the field of each language."""
        packed, field = 0, 1
        while bits:
            if bits & 1:
                packed |= field
            bits >>= 1
            field <<= _COUNT
        return packed


def detect(text: str, stopwords: Mapping[str, frozenset[str]], default: str = "en") -> str:
    """The language whose stopwords cover most tokens of `text`; `default` when unsure."""
    return Detector(stopwords, default).detect(text)


# Checked in order: "ñ" is Spanish before "é" could be French.
_LETTERS: dict[str, str] = {"de": "äöüß", "es": "ñ¿¡áíóú", "fr": "éèêàçœùû"}
