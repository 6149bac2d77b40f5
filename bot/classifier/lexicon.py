"""Per-language lexicons: data files (lexicons/<lang>.toml) compiled into regexes once."""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from bot.classifier.anchors import anchors, max_width, practical_width, starts
from bot.classifier.names import CAPITALS, CO_BODY
from bot.companies.matcher import _lower_same_length
from bot.keywords import KeywordIndex

# A capitalised name of 1-4 words ("Planet A Foods", "Cozy Cloud"); case-sensitive even
# inside the case-insensitive rule regexes.
# Its first capital outside any group and its runs written as in names.CO_BODY.
_NAME_REST = r"(?:[\w&]++(?:['’.\-]+[\w&]++)*|(?:['’.\-]+[\w&]++)+|(?<=[A-Z]))"
_NAME_BODY = (
    rf"(?-i:[{CAPITALS}](?<!\w.){_NAME_REST}"
    rf"(?:\s(?:[{CAPITALS}]{_NAME_REST}|in|de|of|&)){{0,3}})"
)
# A person: two to four capitalised words ("Emad Mostaque", "José Vicente de los Mozos").
# Possessive word runs ("++"): a person is always followed by a space, a comma or the end,
# so giving characters back never helps a match; not giving them saves the engine the tries.
_PERSON_BODY = (
    r"(?-i:[A-ZÀ-Ý][\w'’\-]++(?:\s(?:(?:de|del|de los|van|von|der|le|la|di|da)\s)?"
    r"[A-ZÀ-Ý][\w'’\-]++){1,3})"
)
_MACRO = re.compile(r"\{([A-Z_]+)\}")


@dataclass(frozen=True, slots=True)
class Rule:
    """One weighted pattern of a label (or a veto, with weight = the factor it applies)."""

    id: int
    label: str
    weight: float
    regex: re.Pattern[str]
    source: str
    veto: bool = False
    unless_company: bool = False  # a veto that does not apply when a known company is named
    width: int | None = None  # the longest a match can be; None when unbounded
    # Lower-case texts every match begins with (anchors.starts); None: it may begin anywhere.
    starts: frozenset[str] | None = None


@dataclass(frozen=True)
class RuleSet:
    """Every rule of one language, with an Aho-Corasick index of their literal anchors.

    The automaton also holds each rule's openings (anchors.starts): where one occurs, a match
    may begin, and only there is the rule tried (`starts` below).
    """

    rules: tuple[Rule, ...]
    always: frozenset[int]  # rules without a literal anchor: always tried
    # key -> (ids it anchors, ids it opens)
    index: KeywordIndex[tuple[tuple[int, ...], tuple[int, ...]]]
    # [companies] patterns, scanned in the same pass: their ids follow the rules' ids.
    cues: tuple[Rule, ...] = ()
    # Then extract["backers"], extract["sources"] and the [[mask]] patterns (phrases inside
    # which a label's own phrases do not count: "la diminution des levées de fonds" is the
    # market's trend, not a company's raise), in the same pass: their ids follow the cues'.
    spans: tuple[Rule, ...] = ()

    def matches(
        self, rule: Rule, text: str, off: int, first: int, opens: Mapping[int, list[int]]
    ) -> Iterator[re.Match[str]]:
        """Matches of `rule` in `text`, the part of the scanned text that begins at `off`;
        `first` is the rule's first anchor in the part (relative to it), `opens` from hits()."""
        pos = 0 if rule.width is None else max(0, first - rule.width)
        at = opens.get(rule.id)
        if at is None:
            if rule.starts is not None:
                return iter(())  # none of the texts a match begins with occurs
            return rule.regex.finditer(text, pos)
        # `at` is sorted: the openings inside the part are one slice of it.
        i, j = bisect_left(at, pos + off), bisect_left(at, off + len(text))
        if i == j:
            return iter(())
        return match_at(rule.regex, text, [p - off for p in at[i:j]] if off else at[i:j])

    def hits(self, low_text: str, split: int) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
        """One scan: (rule id -> [first anchor before `split`, first after it], -1 for none;
        rule id -> sorted positions where a match of it may begin).

        A match contains one of its rule's anchors, so a rule whose anchors are all in the
        summary need not be tried on the title, and its matches start at most `width` before
        the first anchor.
        """
        found: dict[int, list[int]] = {i: [0, split + 1] for i in self.always}
        opens: dict[int, list[int]] = {}
        values = self.index.values
        get_found, get_open = found.get, opens.get  # bound once: this loop runs per hit
        for k, start, end in self.index.scan(low_text):
            ids, opening = values[k]
            for i in opening:
                at = get_open(i)
                if at is None:
                    opens[i] = [start]
                else:
                    at.append(start)
            if ids:
                slot = 0 if end <= split else 1 if start > split else -1
                if slot < 0:
                    continue
                for i in ids:
                    pair = get_found(i)
                    if pair is None:
                        pair = found[i] = [-1, -1]
                        pair[slot] = start
                    elif pair[slot] < 0 or start < pair[slot]:
                        pair[slot] = start
        for at in opens.values():
            if len(at) > 1:
                at.sort()  # the automaton reports by end: a longer key may start earlier
        return found, opens


def match_at(
    regex: re.Pattern[str], text: str, positions: Iterable[int]
) -> Iterator[re.Match[str]]:
    """What regex.finditer(text) finds when every match begins at one of `positions` (sorted)."""
    end = -1
    for p in positions:
        if p >= end:
            m = regex.match(text, p)
            if m is not None:
                yield m
                end = m.end()


_last_lowered: tuple[str, str] = ("", "")  # (text, _lower_same_length(text)): the last one


def lowered(text: str) -> str:
    """_lower_same_length(text), remembered for the last text: one item's extractors scan the
    same text with several regexes."""
    global _last_lowered
    last = _last_lowered
    if last[0] is text:
        return last[1]
    low = _lower_same_length(text)
    _last_lowered = (text, low)
    return low


class Gated:
    """A case-insensitive regex tried only where it can match: at its openings, or from its
    longest span before its first literal anchor (one small automaton pass finds both)."""

    __slots__ = ("_anchored", "_index", "_keys", "_opens", "_width", "regex")

    def __init__(self, pattern: str) -> None:
        self.regex = re.compile(pattern, re.I)
        found, opening = anchors(pattern), starts(pattern)
        self._anchored, self._opens = found is not None, opening is not None
        self._width = practical_width(pattern)
        keys: dict[str, int] = {}  # key -> 1 (anchor) | 2 (opening)
        for k in found or ():
            keys[k] = keys.get(k, 0) | 1
        for k in opening or ():
            keys[k] = keys.get(k, 0) | 2
        self._keys = keys
        self._index = KeywordIndex(keys) if keys else None

    @property
    def pattern(self) -> str:
        """The regex source."""
        return self.regex.pattern

    @property
    def indexed(self) -> bool:
        """Whether it is tried only at openings or near anchors (else: at every position)."""
        return self._opens or (self._anchored and self._width is not None)

    def finditer(self, text: str, low: str | None = None) -> Iterator[re.Match[str]]:
        """What self.regex.finditer(text) finds; `low` is `text` lower-cased, if at hand."""
        index = self._index
        if index is None:
            return self.regex.finditer(text)
        if low is None:
            low = lowered(text)
        first = -1
        at: list[int] = []
        values = index.values
        for k, start, _ in index.scan(low):
            bits = values[k]
            if bits & 1 and (first < 0 or start < first):
                first = start
            if bits & 2:
                at.append(start)
        return self._scanned(text, first, at)

    def _scanned(self, text: str, first: int, at: list[int]) -> Iterator[re.Match[str]]:
        """finditer() given the scan of its keys: the first anchor (-1: none), the openings."""
        if self._anchored and first < 0:
            return iter(())
        lo = 0 if first < 0 or self._width is None else max(0, first - self._width)
        if self._opens:
            at.sort()
            return match_at(self.regex, text, [p for p in at if p >= lo])
        return self.regex.finditer(text, lo)

    def search(self, text: str, low: str | None = None) -> re.Match[str] | None:
        """What self.regex.search(text) finds."""
        return next(self.finditer(text, low), None)


class GatedSet:
    """Several Gated regexes whose keys one automaton pass finds for all of them."""

    __slots__ = ("_index", "_plain", "gated")

    def __init__(self, gated: Iterable[Gated]) -> None:
        self.gated = tuple(gated)
        self._plain = tuple(g._index is None for g in self.gated)
        table: dict[str, list[tuple[int, int]]] = {}
        for i, g in enumerate(self.gated):
            for k, bits in g._keys.items():
                table.setdefault(k, []).append((i, bits))
        self._index = KeywordIndex({k: tuple(v) for k, v in table.items()}) if table else None

    def finditers(self, text: str, low: str) -> list[tuple[int, Iterator[re.Match[str]]]]:
        """(i, self.gated[i].finditer(text)) for each regex that may match, from one scan of
        `low` (`text` lower-cased by _lower_same_length)."""
        n = len(self.gated)
        first = [-1] * n
        at: list[list[int]] = [[] for _ in range(n)]
        index = self._index
        if index is not None:
            values = index.values
            for k, start, _ in index.scan(low):
                for i, bits in values[k]:
                    if bits & 1 and (first[i] < 0 or start < first[i]):
                        first[i] = start
                    if bits & 2:
                        at[i].append(start)
        return [
            (i, g.regex.finditer(text) if plain else g._scanned(text, first[i], at[i]))
            for i, (g, plain) in enumerate(zip(self.gated, self._plain, strict=True))
            # Skipped: no anchor of an anchored regex, or no opening of one with openings.
            if plain or not ((g._anchored and first[i] < 0) or (g._opens and not at[i]))
        ]


Spec = tuple[str, float, str, bool, bool]  # label, weight, regex, veto, unless_company


def build_ruleset(
    specs: list[Spec], cues: Sequence[str] = (), spans: Sequence[str] = ()
) -> RuleSet:
    """Compile (label, weight, regex, veto, unless_company) specs, company cue patterns and
    span patterns, and index their anchors and openings in one automaton."""
    rules: list[Rule] = []
    always: set[int] = set()
    index: dict[str, tuple[list[int], list[int]]] = {}
    # A cue's width assumes no run past LONGEST_RUN: names are unbounded in the regex.
    every = [*specs, *(("", 0.0, c, False, False) for c in (*cues, *spans))]
    for i, (label, weight, pattern, veto, unless) in enumerate(every):
        regex = re.compile(pattern, re.I)
        opening = starts(pattern)
        width = max_width(pattern) if i < len(specs) else practical_width(pattern)
        found = anchors(pattern)
        if opening and found is not None and width is not None and min(map(len, opening)) <= 3:
            # Openings as common as "is" or "la" cost more to record than the window around
            # a rarer anchor costs to search.
            opening = None
        rules.append(Rule(i, label, weight, regex, pattern, veto, unless, width, opening))
        if found is None:
            always.add(i)
        else:
            for a in found:
                index.setdefault(a, ([], []))[0].append(i)
        for a in opening or ():
            index.setdefault(a, ([], []))[1].append(i)
    keywords = KeywordIndex(
        {key: (tuple(ids), tuple(opens)) for key, (ids, opens) in index.items()}
    )
    n, m = len(specs), len(specs) + len(cues)
    return RuleSet(
        tuple(rules[:n]), frozenset(always), keywords, tuple(rules[n:m]), tuple(rules[m:])
    )


@dataclass(frozen=True)
class Lexicon:
    """A compiled language file."""

    lang: str
    stopwords: frozenset[str]
    ruleset: RuleSet
    label_names: tuple[str, ...]
    negation: re.Pattern[str] | None
    org_words: Gated | None
    role: re.Pattern[str] | None
    money: Gated
    scales: Mapping[str, float]
    worded: Mapping[str, float]  # "a billion" -> 1e9: amounts written in words
    currencies: Mapping[str, str]
    extract: Mapping[str, GatedSet]  # [extract] key -> its patterns, found in one scan
    kinds: tuple[tuple[str, re.Pattern[str]], ...]
    not_names: frozenset[str]
    # [companies]: patterns with a (?P<name>...) group that introduce a company ("startup X")
    # are ruleset.cues; subject is the verb that makes a headline's opening name its subject
    # ("X raises", "X lève").
    subject: re.Pattern[str] | None = None
    # The next name of a list a cue introduces: ", Qonto", " y Qonto", " and Kura".
    list_next: re.Pattern[str] | None = None
    # A headline opening with its subject(s) and a common headline verb, in any case:
    # "Throne fixes", "BetterHelp to Pay", "Crowdcube and Seedrs agree" (groups name, name2,
    # verb; verb is None after "to"). The name stops at a verb or function word.
    opening: re.Pattern[str] | None = None
    # A product before the word for its maker, then the maker: "Palworld developer
    # Pocketpair" (groups product, name). The product is no company of the item.
    product_maker: Gated | None = None
    # A headline that opens by describing a company without an article ("Space balloon
    # company offers ..."), as English headlines do.
    headline_org: re.Pattern[str] | None = None
    raw: Mapping[str, Any] = field(repr=False, default_factory=dict)
    # extract["people"] and extract["titles"], scanned together (see GatedSet).
    people: GatedSet = field(repr=False, default_factory=lambda: GatedSet(()))
    n_backers: int = 0  # how many of ruleset.spans are backers
    n_sources: int = 0  # how many of ruleset.spans, after the backers, are sources
    mask_labels: tuple[str, ...] = ()  # the label of each mask, the rest of ruleset.spans
    # How many of ruleset.cues (the first ones) name a party to the event itself: "sues X",
    # "layoffs hit X". They count in the lede even when the headline named a company.
    n_party_cues: int = 0
    person_stop: frozenset[str] = frozenset()  # stopwords | person_stop: not part of a name
    role_word: re.Pattern[str] | None = None  # a role as a whole word anywhere in a text
    # The texts every negation match begins with (anchors.starts): the negation regex is
    # tried only where one occurs before a phrase.
    negation_opens: KeywordIndex[int] | None = None
    # Companies named as a group ("fines the companies"): org_plural.
    org_plural: re.Pattern[str] | None = None


def _alt(words: Iterable[str]) -> str:
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in ordered)


_ONE_CHAR = re.compile(r"\\?.", re.S)  # one character as re.escape writes it


def _trie(words: Iterable[str]) -> str:
    """The alternation _alt(words) matches, with shared prefixes written once ("rais(?:es|ed)"):
    the engine then reads a prefix once instead of trying each word from its first letter.
    Where one word extends another the longer is tried first, as in _alt, so the same text
    matches; words that branch apart cannot both match at one position."""
    tree: dict[str, Any] = {}
    for w in {w.lower() for w in words if w}:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        if len(branches) > 1:
            body = "(?:" + "|".join(branches) + ")"
        elif ends and not _ONE_CHAR.fullmatch(branches[0]):
            body = f"(?:{branches[0]})"  # "rais(?:ed)?", not "raised?"
        else:
            body = branches[0]
        return body + "?" if ends else body

    return emit(tree)


def money_regex(
    scales: Mapping[str, float],
    currencies: Mapping[str, str],
    named: bool,
    worded: Mapping[str, float] | None = None,
) -> str:
    """Regex of an amount: "$100M", "100 millions de dollars", "1,2 Mrd. Euro", "7 M€";
    with `worded` ("a billion" -> 1e9), also amounts written in words ("un milliard d'euros")."""
    g = (lambda n, body: f"(?P<{n}>{body})") if named else (lambda n, body: f"(?:{body})")
    cur = _alt(currencies)
    scale = _alt(scales)
    num = r"\d{1,3}(?:[.,\u202f\u00a0 ]\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)?"
    pre = g("pre", cur)
    post = g("post", cur)
    sc = g("scale", scale)
    joiner = r"(?:\s?(?:de|d'|d’|of)\s?)?"
    # Whole phrases ("a billion", "eine milliarde"): their openings stay selective.
    words = rf"|\b{g('worded', _alt(worded))}(?![a-zà-ÿ])\s?{joiner}" if worded else ""
    return (
        rf"(?:{pre}\s?{g('num', num)}(?:\s?{sc}(?![a-zà-ÿ]))?\.?(?:\s{post}\b)?"
        rf"|(?:{g('num2', num)}\s?(?:{g('scale2', scale)}(?![a-zà-ÿ])\.?\s?{joiner})?{words})"
        rf"{g('post2', cur)}(?![a-zà-ÿ]))"
    )


def worded_amounts(numbers: Mapping[str, float], scales: Mapping[str, float]) -> dict[str, float]:
    """Every "<number word> <scale word>" phrase and its value: "a billion" -> 1e9."""
    return {
        f"{w} {s}": n * v
        for w, n in numbers.items()
        for s, v in scales.items()
        if len(s) > 2  # "a m", "un k": abbreviations follow digits, not words
    }


def amount_regex(scales: Mapping[str, float], currencies: Mapping[str, str]) -> str:
    """An amount with a scale word but maybe no currency ("80 millones"), or any money."""
    num = r"\d+(?:[.,]\d+)*"
    return rf"(?:{money_regex(scales, currencies, False)}|{num}\s?(?:{_alt(scales)})(?![a-zà-ÿ]))"


def expand(pattern: str, macros: Mapping[str, str], named: bool = False) -> str:
    """Replace {NAME}, {PERSON}, {MONEY}, {AMOUNT}, {ROLE}... by their regexes."""

    used: set[str] = set()

    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        body = macros.get(key)
        if body is None:
            return m.group(0)
        if named and key in ("NAME", "PERSON", "ROLE") and key not in used:
            used.add(key)  # a group name may appear once: only the first is captured
            return f"(?P<{key.lower()}>{body})"
        return f"(?:{body})"

    return _MACRO.sub(sub, pattern)


def compile_lexicon(
    data: Mapping[str, Any], extra: Mapping[str, Mapping[str, Any]] | None = None
) -> Lexicon:
    """Compile one parsed language file; `extra` holds user label rules for this language."""
    lang = str(data["lang"])
    money = data.get("money", {})
    scales = {str(k).lower(): float(v) for k, v in money.get("scales", {}).items()}
    currencies = {str(k).lower(): str(v) for k, v in money.get("currencies", {}).items()}
    numbers = {str(k).lower(): float(v) for k, v in money.get("numbers", {}).items()}
    worded = worded_amounts(numbers, scales)
    macros: dict[str, str] = {str(k): str(v) for k, v in data.get("macros", {}).items()}
    macros["NAME"] = _NAME_BODY
    macros["CO"] = CO_BODY
    macros["PERSON"] = _PERSON_BODY
    macros["MONEY"] = money_regex(scales, currencies, named=False)
    macros["AMOUNT"] = amount_regex(scales, currencies)

    specs: list[Spec] = []
    for rule in data.get("rule", []):
        for p in rule["patterns"]:
            specs.append((rule["label"], float(rule["weight"]), expand(p, macros), False, False))
    for ex in data.get("exclude", []):
        unless = bool(ex.get("unless_company", False))
        for p in ex["patterns"]:
            specs.append(
                (ex["label"], float(ex.get("factor", 0.0)), expand(p, macros), True, unless)
            )
    for label, spec in dict(extra or {}).items():
        for p in spec.get("phrases", []):
            specs.append((label, float(spec.get("weight", 0.9)), phrase_regex(p), False, False))
        for p in spec.get("exclude", []):
            specs.append((label, 0.0, phrase_regex(p), True, False))
    label_names = tuple(dict.fromkeys(s[0] for s in specs if not s[3]))

    def opt(key: str) -> re.Pattern[str] | None:
        pats = data.get(key) or []
        return (
            re.compile("|".join(f"(?:{expand(p, macros)})" for p in pats), re.I) if pats else None
        )

    ex_data = data.get("extract", {})
    extract: dict[str, tuple[Gated, ...]] = {}
    for key, pats in ex_data.items():
        if key == "kinds":
            continue
        extract[key] = tuple(Gated(expand(p, macros, named=True)) for p in pats)
    kinds = tuple(
        (kind, re.compile("|".join(f"(?:{expand(p, macros)})" for p in pats), re.I))
        for kind, pats in ex_data.get("kinds", {}).items()
    )
    comp = data.get("companies", {})
    verb = comp.get("subject_verb")
    return Lexicon(
        lang=lang,
        stopwords=frozenset(w.lower() for w in data.get("stopwords", [])),
        ruleset=build_ruleset(
            specs,
            [expand(p, macros) for p in (*comp.get("parties", []), *comp.get("patterns", []))],
            [
                *(g.pattern for g in extract.get("backers", ())),
                *(g.pattern for g in extract.get("sources", ())),
                *(expand(p, macros) for m in data.get("mask", []) for p in m["patterns"]),
            ],
        ),
        n_party_cues=len(comp.get("parties", [])),
        label_names=label_names,
        negation=(negation := opt("negation")),
        negation_opens=_opening_index(negation),
        org_plural=opt("org_plural"),
        org_words=Gated(org.pattern) if (org := opt("org_words")) is not None else None,
        role=re.compile(macros["ROLE"], re.I) if "ROLE" in macros else None,
        role_word=re.compile(rf"\b(?:{macros['ROLE']})\b", re.I) if "ROLE" in macros else None,
        money=Gated(money_regex(scales, currencies, named=True, worded=worded)),
        scales=scales,
        worded=worded,
        currencies=currencies,
        extract={key: GatedSet(pats) for key, pats in extract.items()},
        kinds=kinds,
        not_names=frozenset(w.lower() for w in data.get("not_names", [])),
        subject=re.compile(rf"(?P<name>{CO_BODY})\s+(?:{verb})", re.I) if verb else None,
        list_next=_list_next(comp.get("joiners", [])),
        opening=_opening(
            comp.get("headline_verbs", []),
            comp.get("joiners", []),
            comp.get("infinitive", ""),
        ),
        product_maker=(Gated(expand(pm, macros)) if (pm := comp.get("product_maker")) else None),
        headline_org=re.compile(ho, re.I) if (ho := comp.get("headline_org")) else None,
        raw=data,
        mask_labels=tuple(str(m["label"]) for m in data.get("mask", []) for _ in m["patterns"]),
        people=GatedSet((*extract.get("people", ()), *extract.get("titles", ()))),
        n_backers=len(extract.get("backers", ())),
        n_sources=len(extract.get("sources", ())),
        person_stop=frozenset(w.lower() for w in data.get("stopwords", []))
        | frozenset(w.lower() for w in data.get("person_stop", [])),
    )


def _opening_index(regex: re.Pattern[str] | None) -> KeywordIndex[int] | None:
    """The openings of `regex` (texts each match begins with), or None if unknown."""
    found = starts(regex.pattern) if regex is not None else None
    return KeywordIndex({a: len(a) for a in found}) if found else None


def _list_next(joiners: Iterable[str]) -> re.Pattern[str] | None:
    """ ", X" or " <joiner> X" right after a name (joiners: "and", "et", "und", "y")."""
    words = _alt(joiners)
    if not words:
        return None
    # A legal suffix may close the name before: "against X, Inc. and Y".
    suffix = r"(?:,? (?-i:Inc|LLC|Ltd|Corp|GmbH|AG|SA|SE|plc)\.?)?"
    return re.compile(rf"{suffix}(?:,| (?-i:{words})) (?P<name>{CO_BODY})")


def _opening(
    verbs: Iterable[str], joiners: Iterable[str], infinitive: str
) -> re.Pattern[str] | None:
    """`Lexicon.opening`: 1-4 capitalised words none of which is a headline verb, "to" or a
    joiner (a Title Case headline capitalises them too; clean_name cuts at other function
    words), an optional "<joiner> Y", then a verb."""
    alt = _trie(verbs)
    if not alt:
        return None
    no = _trie([*verbs, *joiners, infinitive])
    token = rf"(?!(?:{no})\b)(?-i:[{CAPITALS}][\w&'’.+\-]*[\w&+]|[A-Z])"
    name = rf"{token}(?:\s{token}){{0,3}}"
    joined = rf"(?:\s(?:{_alt(joiners)})\s(?P<name2>{name}))?" if _alt(joiners) else ""
    to = rf"{re.escape(infinitive)}\s\w+|" if infinitive else ""
    return re.compile(rf"(?P<name>{name}){joined}\s(?:{to}(?P<verb>{alt}))\b", re.I)


def phrase_regex(phrase: str) -> str:
    """A user phrase as a regex: words match whole, a trailing * matches any ending."""
    words = phrase.strip().split()
    parts = []
    for w in words:
        star = w.endswith("*")
        body = re.escape(w.rstrip("*"))
        parts.append(body + (r"\w*" if star else ""))
    return r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"


def bundled_languages() -> dict[str, dict[str, Any]]:
    """Every lexicons/<lang>.toml shipped with the package, parsed."""
    out: dict[str, dict[str, Any]] = {}
    folder = resources.files("bot.classifier").joinpath("lexicons")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text("utf-8"))
            out[str(data["lang"])] = data
    return out
