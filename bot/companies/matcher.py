"""Find company names in text with one Aho-Corasick pass, however many companies there are."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from bot.companies.registry import Company, CompanyRegistry
from bot.keywords import KeywordIndex

# Words that show an ambiguous name ("Scale", "Mistral") is used as a company, in any language.
GENERIC_CONTEXT: tuple[str, ...] = (
    "startup",
    "start-up",
    "company",
    "firm",
    "ceo",
    "cto",
    "founder",
    "co-founder",
    "cofounder",
    "ai",
    "raises",
    "raised",
    "funding",
    "valuation",
    "investors",
    "lawsuit",
    "sues",
    "sued",
    "employees",
    "staff",
    "inc",
    "ltd",
    "chatbot",
    "model",
    "models",
    "app",
    "platform",
    "entreprise",
    "société",
    "unternehmen",
    "konzern",
    "empresa",
    "compañía",
    "ipo",
)
_WORD = re.compile(r"[\w.+-]+")
_SENTENCE_END = re.compile(r"[.!?:;\n]\s*$")


@dataclass(frozen=True, slots=True)
class Mention:
    """One place where text names a company."""

    company: str  # canonical name
    start: int
    end: int
    surface: str  # the text as written
    kind: str  # name | product | handle | domain | ticker


@dataclass(frozen=True, slots=True)
class _Key:
    company: Company
    form: str  # as written in the registry
    kind: str
    exact_case: bool


def _lower_same_length(text: str) -> str:
    # str.lower() can change the length ("İ" -> "i̇"), which would shift every offset.
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


class CompanyMatcher:
    """Company mentions in text; rebuilds itself when its registry changes (thread-safe)."""

    def __init__(self, registry: CompanyRegistry) -> None:
        self._registry = registry
        self._lock = threading.Lock()
        self._version = -1
        self._index: KeywordIndex[tuple[_Key, ...]] | None = None
        self._refresh()

    @property
    def registry(self) -> CompanyRegistry:
        """The registry this matcher reads."""
        return self._registry

    def _refresh(self) -> KeywordIndex[tuple[_Key, ...]]:
        with self._lock:
            if self._index is not None and self._version == self._registry.version:
                return self._index
            version = self._registry.version
            table: dict[str, list[_Key]] = {}

            def put(key: str, value: _Key) -> None:
                if key.strip():
                    table.setdefault(key, []).append(value)

            for c in self._registry.companies():
                for form in c.surface_names():
                    # Only the bare ambiguous word needs its casing; "Mistral AI" is safe.
                    exact = c.ambiguous and form.isalpha()
                    exact = exact or (len(form) <= 3 and form.isupper())
                    put(_lower_same_length(form), _Key(c, form, "name", exact))
                for form in c.products:
                    put(_lower_same_length(form), _Key(c, form, "product", True))
                for h in c.handles:
                    put("@" + h.lower(), _Key(c, "@" + h, "handle", False))
                for d in c.domains:
                    put(d.lower(), _Key(c, d, "domain", False))
                for t in c.tickers:
                    put("$" + t.lower(), _Key(c, "$" + t, "ticker", False))
                    if len(t) >= 3:  # "(NVDA)"; shorter bare tickers hit every "t" or "ma"
                        put(t.lower(), _Key(c, t, "ticker", True))
            index = KeywordIndex({key: tuple(values) for key, values in table.items()})
            # Swap in the finished snapshot at once: readers never see a half-built one.
            self._index = index
            self._version = version
            return index

    def find(self, text: str) -> list[Mention]:
        """Every company mention in `text`, longest match first where they overlap, in order."""
        return self.find_parts(text, _lower_same_length(text), len(text))[0]

    def find_parts(self, text: str, low: str, split: int) -> tuple[list[Mention], list[Mention]]:
        """Mentions in text[:split] and in text[split + 1:] (offsets relative to each part), from
        one scan of `low` (text lower-cased, same length): a title and its summary."""
        index = self._index
        if index is None or self._version != self._registry.version:
            index = self._refresh()
        if not text or not len(index):
            return [], []
        values = index.values
        parts: tuple[list[Mention], list[Mention]] = ([], [])
        # Ambiguous names that lacked context, per part: another company named beside them
        # is context enough ("Amazon cut 9,000 jobs. Last week, Meta started ...").
        waiting: tuple[list[Mention], list[Mention]] = ([], [])
        n = len(text)
        for k, start, end in index.scan(low):
            # Whole words only: "Meta" is not in "metadata", "Arm" not in "army".
            if (
                start > 0
                and (text[start - 1].isalnum() or text[start - 1] == "_")
                and text[start].isalnum()
            ) or (
                end < n
                and (text[end].isalnum() or text[end] == "_")
                and text[end - 1].isalnum()
                # A German genitive ("Amazons Preiskontrolle") is still the name.
                and not (
                    text[end] == "s"
                    and (end + 1 == n or not text[end + 1].isalnum())
                    and text[end - 1].islower()
                    and end - start >= 4
                )
            ):
                continue
            # Passed above as a genitive: a name's, not a product's ("MacBooks" are laptops).
            genitive = end < n and text[end].isalnum()
            if end <= split:
                seg, off, stop = 0, 0, split
            elif start > split:
                seg, off, stop = 1, split + 1, n
            else:
                continue  # across the parts' boundary
            # Checks read only this mention's part, as if it were scanned alone.
            surface = text[start:end]
            for key in values[k]:
                if genitive and key.kind != "name":
                    continue
                if key.kind == "ticker" and key.exact_case:
                    part = text[off:stop]
                    if not _ticker_context(part, start - off, end - off):
                        continue
                if key.exact_case and surface != key.form:
                    continue
                mention = Mention(key.company.name, start - off, end - off, surface, key.kind)
                if (
                    key.company.ambiguous
                    and key.exact_case
                    and _after_a_name(text[off:stop], start - off)
                ):
                    continue  # "its Super Cruise system": the word ends another name
                if (
                    key.company.ambiguous
                    and key.exact_case
                    and not _has_context(
                        key.company, text[off:stop], low[off:stop], start - off, end - off, low
                    )
                ):
                    waiting[seg].append(mention)
                    continue
                parts[seg].append(mention)
                break
        for found, held in zip(parts, waiting, strict=True):
            # Only a company that needed no context vouches for another.
            if held and found and any(not self._ambiguous(m.company) for m in found):
                found.extend(held)
        return _drop_overlaps(parts[0]), _drop_overlaps(parts[1])

    def _ambiguous(self, name: str) -> bool:
        c = self._registry.get(name)
        return c is not None and c.ambiguous

    def companies_in(self, text: str) -> list[str]:
        """Canonical names mentioned in `text`, in order of first mention."""
        return list(dict.fromkeys(m.company for m in self.find(text)))


def _ticker_context(text: str, start: int, end: int) -> bool:
    # A bare ticker ("MU", "SNAP") only counts as "(MU)", "(NASDAQ: MU)" or "NYSE:MU".
    if text[start:end] != text[start:end].upper():
        return False
    before = text[max(0, start - 8) : start]
    after = text[end : end + 1]
    return (before.endswith("(") and after in (")", ".")) or bool(
        re.search(r"(NASDAQ|NYSE|Nasdaq|XETRA|LSE|TSX|ticker)\s*:\s*$", before)
    )


_ROLE_AFTER = re.compile(
    r" (?:co-?)?(?:CEO|CTO|COO|CFO|founders?|co-?founders?|Gründer\w*|fondat\w+|cofundador\w*|"
    r"chief executive|board|employees|staff|shareholders|investors)\b"
)
_PREV_WORD = re.compile(r"(?:^|(?<=[\s(\"“]))([A-Z][a-z]+) $")
_LONG = re.compile(r"\b[^\W\d_]{4,}")


def _after_a_name(text: str, start: int) -> bool:
    """A capitalised word opens a longer name right before `start` ("Super Cruise", "Big
    Apple"), in sentence-case text (a Title Case headline capitalises every word)."""
    m = _PREV_WORD.search(text, max(0, start - 20), start)
    if (
        m is None
        or m.start(1) == 0
        or _SENTENCE_END.search(text[max(0, m.start(1) - 3) : m.start(1)])
    ):
        return False  # no capitalised word before, or it opens the sentence
    words = _LONG.findall(text)
    return sum(w[0].isupper() for w in words) <= 0.6 * len(words)


def _has_context(
    company: Company, text: str, low: str, start: int, end: int, whole: str
) -> bool:
    """Whether the ambiguous name at text[start:end] is used as the company: its own
    context words anywhere in `whole` (the headline and the lede, lower-cased: "Bayer-Aktionäre
    ..." over a lede on glyphosate suits), a role or possessive after it, or, mid-sentence, a
    generic company word in its part (`text`, lower-cased as `low`)."""
    after = text[end : end + 2]
    if after in ("'s", "’s") or _ROLE_AFTER.match(text, end):
        return True  # "Cruise's", "Cruise CEO Kyle Vogt": a company's, even opening a sentence
    for ctx in company.context:
        c = ctx.lower()
        if " " in c:
            if c in whole:
                return True
            continue
        # A word of the text (a run of _WORD characters) that is `c`, or that begins with it
        # when `c` is long enough to count inside a compound or a derived word
        # ("Monsanto-Übernahme", "Leverkusener").
        i = whole.find(c)
        while i >= 0:
            end = i + len(c)
            if (i == 0 or not _word_char(whole[i - 1])) and (
                len(c) >= 5 or end == len(whole) or not _word_char(whole[end])
            ):
                return True
            i = whole.find(c, i + 1)
    # A capital mid-sentence already hints at a name; at a sentence start it hints at nothing,
    # so there only the company's own context words count.
    if start == 0 or _SENTENCE_END.search(text[max(0, start - 3) : start]):
        return False
    words = set(_WORD.findall(low))
    return any(w in words for w in GENERIC_CONTEXT)


def _word_char(ch: str) -> bool:
    """A character _WORD runs are made of."""
    return ch.isalnum() or ch in "_.+-"


def _drop_overlaps(found: list[Mention]) -> list[Mention]:
    if len(found) < 2:
        return found  # nothing to overlap
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    last_end = -1
    for m in found:
        if m.start >= last_end:
            kept.append(m)
            last_end = m.end
    return kept
