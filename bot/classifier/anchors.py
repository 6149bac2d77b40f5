"""Literal anchors of a regex: strings one of which occurs in every match.

The classifier scans a text once with an Aho-Corasick automaton of all anchors and runs only
the patterns whose anchors occur, instead of trying every pattern at every position.
"""

from __future__ import annotations

import re
from functools import lru_cache

# The regex parser is private but stable across 3.11+ (the project's minimum).
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser as _p  # type: ignore[attr-defined]
from typing import Any

MAX_ALTERNATIVES = 64
_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}


@lru_cache(maxsize=4096)
def _parse(pattern: str) -> Any:
    """The parse of `pattern` under re.I, once per pattern: anchors, starts and widths all read
    it (they never change it), and parsing is most of what building the classifier costs."""
    return _p.parse(pattern, re.I)


def _quality(s: frozenset[str]) -> tuple[int, int]:
    # Fewer, longer literals filter better; a space adds little (" de " is as common as "de").
    return (min((len(x.strip()) for x in s), default=0), -len(s))


def _seq(items: Any) -> frozenset[str] | None:
    best: frozenset[str] | None = None
    prefixes: frozenset[str] = frozenset({""})  # literal text ending at the current position

    def consider(cand: frozenset[str] | None) -> None:
        nonlocal best
        if cand and all(cand) and (best is None or _quality(cand) > _quality(best)):
            best = cand

    def flush() -> None:
        nonlocal prefixes
        consider(prefixes if all(len(x) >= 2 for x in prefixes) else None)
        prefixes = frozenset({""})

    for op, av in items:
        if op is _c.LITERAL:
            prefixes = frozenset(p + chr(av).lower() for p in prefixes)
        elif op is _c.IN and len(av) <= 4 and all(o is _c.LITERAL for o, _ in av):
            chars = {chr(v).lower() for _, v in av}
            if len(prefixes) * len(chars) > MAX_ALTERNATIVES:
                flush()
                continue
            prefixes = frozenset(p + ch for p in prefixes for ch in chars)
        elif op in _ZERO_WIDTH:
            if op is _c.AT:
                continue
            flush()
        elif op is _c.SUBPATTERN:
            sub = _branch_or_seq(av[-1])
            if sub is not None and len(prefixes) * len(sub) <= MAX_ALTERNATIVES and _exact(av[-1]):
                prefixes = frozenset(p + s for p in prefixes for s in sub)
            else:
                flush()
                consider(sub)
        elif op is _c.BRANCH:
            # The parser factors a common prefix out of alternatives ("sues?|sued|suing" is
            # "su" + a branch): the prefix joined to each alternative's own start filters
            # far better than "su" alone.
            leads = _leads(av[1])
            if (
                leads is not None
                and prefixes != {""}
                and len(prefixes) * len(leads) <= MAX_ALTERNATIVES
            ):
                consider(frozenset(p + lead for p in prefixes for lead in leads))
            sub = _branch(av[1])
            flush()
            consider(sub)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            lo, _hi, body = av
            if lo >= 1 and _is_space(body):
                # One space in collapsed text: "step down" is a better anchor than "step".
                prefixes = frozenset(p + " " for p in prefixes)
                continue
            flush()
            if lo >= 1:
                consider(_seq(body))
        else:
            flush()
    flush()
    return best


def _leads(alts: Any) -> frozenset[str] | None:
    """The literal text each alternative begins with (small character sets expanded); None
    if one of them begins with anything else."""
    out: set[str] = set()
    for alt in alts:
        heads: set[str] = {""}
        for op, av in alt:
            if op is _c.LITERAL:
                heads = {h + chr(av).lower() for h in heads}
            elif op is _c.IN and len(av) <= 4 and all(o is _c.LITERAL for o, _ in av):
                heads = {h + chr(v).lower() for h in heads for _, v in av}
            else:
                break
        if "" in heads:
            return None
        out |= heads
        if len(out) > MAX_ALTERNATIVES:
            return None
    return frozenset(out)


def _exact(items: Any) -> bool:
    """True when the subpattern matches only fixed literals (so prefixes can be extended)."""
    for op, av in items:
        if op is _c.LITERAL or op is _c.AT:
            continue
        if op is _c.BRANCH:
            if not all(_exact(alt) for alt in av[1]):
                return False
        elif op is _c.SUBPATTERN:
            if not _exact(av[-1]):
                return False
        elif op is _c.IN and len(av) <= 4 and all(o is _c.LITERAL for o, _ in av):
            continue
        else:
            return False
    return True


def _branch(alts: Any) -> frozenset[str] | None:
    out: set[str] = set()
    for alt in alts:
        s = _seq(alt) if not _exact(alt) else _literals(alt)
        if not s:
            return None
        out |= s
        if len(out) > MAX_ALTERNATIVES:
            return None
    return frozenset(out)


def _literals(items: Any) -> frozenset[str] | None:
    """Every string an exact (literal-only) subpattern can match."""
    prefixes: frozenset[str] = frozenset({""})
    for op, av in items:
        if op is _c.LITERAL:
            prefixes = frozenset(p + chr(av).lower() for p in prefixes)
        elif op is _c.AT:
            continue
        elif op is _c.IN:
            prefixes = frozenset(p + chr(v).lower() for p in prefixes for _, v in av)
        elif op is _c.SUBPATTERN:
            sub = _literals(av[-1])
            if sub is None:
                return None
            prefixes = frozenset(p + s for p in prefixes for s in sub)
        elif op is _c.BRANCH:
            sub = _branch(av[1])
            if sub is None:
                return None
            prefixes = frozenset(p + s for p in prefixes for s in sub)
        if len(prefixes) > MAX_ALTERNATIVES:
            return None
    return prefixes


def _branch_or_seq(items: Any) -> frozenset[str] | None:
    if _exact(items):
        lit = _literals(items)
        if lit and all(lit):
            return lit
    return _seq(items)


def anchors(pattern: str) -> frozenset[str] | None:
    """Lower-case strings one of which every match of `pattern` contains; None if unknown."""
    try:
        parsed = _parse(pattern)
    except re.error:
        return None
    found = _branch_or_seq(list(parsed))
    if not found or any(len(a) < 2 for a in found):
        return None
    return found


def max_width(pattern: str, cap: int = 2000) -> int | None:
    """The most characters one match of `pattern` can span; None if unbounded (or above cap)."""
    try:
        hi = int(_parse(pattern).getwidth()[1])
    except re.error:
        return None
    return hi if hi <= cap else None


MAX_STARTS = 1000  # openings tracked while reading a pattern (the shortest of each family are kept)
_PREFIX_LEN = 6  # literal characters kept per opening: longer ones hit fewer false positions
_DIGITS = frozenset("0123456789")


def _chars(items: Any) -> frozenset[str] | None:
    """The (lower-cased) characters a character class matches, if few and known."""
    out: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            out.add(chr(av).lower())
        elif op is _c.RANGE and av[1] - av[0] < 12:
            out.update(chr(v).lower() for v in range(av[0], av[1] + 1))
        elif op is _c.CATEGORY and av is _c.CATEGORY_DIGIT:
            out |= _DIGITS  # ASCII digits: amounts in the feeds are written with them
        elif op is _c.CATEGORY and av is _c.CATEGORY_SPACE:
            out.add(" ")  # the classifier collapses every whitespace run to one space
        else:
            return None
    return frozenset(out) if len(out) <= 12 else None


def _is_space(items: Any) -> bool:
    """The element is \\s alone."""
    return (
        len(items) == 1
        and items[0][0] is _c.IN
        and list(items[0][1]) == [(_c.CATEGORY, _c.CATEGORY_SPACE)]
    )


def _pre(op: Any, av: Any) -> set[tuple[str, bool]] | None:
    """Openings of one element: (text, whether it is a whole match the next element extends)."""
    if op in _ZERO_WIDTH:
        return {("", True)}
    if op is _c.LITERAL:
        return {(chr(av).lower(), True)}
    if op is _c.IN:
        chars = _chars(av)
        return None if chars is None else {(ch, True) for ch in chars}
    if op is _c.SUBPATTERN:
        return _prefixes(av[-1])
    if op is _c.BRANCH:
        out: set[tuple[str, bool]] = set()
        for alt in av[1]:
            sub = _prefixes(alt)
            if sub is None:
                return None
            out |= sub
        return out
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        lo, hi, body = av
        if _is_space(body):
            # "\s+" is one space in collapsed text: what follows it extends the opening
            # ("a billion", not "a" at every "a").
            return {(" ", True), ("", True)} if lo == 0 else {(" ", True)}
        sub = _prefixes(body)
        if sub is None:
            out = {("", False)}
        elif hi == 1:
            out = sub  # "x?": one optional element, followed by the next one
        else:
            out = {(s, False) for s, _ in sub}  # what follows a repetition is not known here
        return out | {("", True)} if lo == 0 else out
    return None


def _prefixes(items: Any) -> set[tuple[str, bool]] | None:
    """Openings of a sequence, up to _PREFIX_LEN characters; None when too many."""
    cur: set[tuple[str, bool]] = {("", True)}
    for op, av in items:
        if not any(whole for _, whole in cur):
            break
        nxt = _pre(op, av)
        new: set[tuple[str, bool]] = set()
        for s, whole in cur:
            if not whole:
                new.add((s, False))
                continue
            for t, whole2 in nxt if nxt is not None else {("", False)}:
                u = s + t
                new.add((u[:_PREFIX_LEN], whole2 and len(u) < _PREFIX_LEN))
        if len(new) > MAX_STARTS:
            return None
        cur = new
    return cur


def starts(pattern: str) -> frozenset[str] | None:
    """Lower-case strings every match of `pattern` (under re.I) begins with; None if unknown.

    A case-insensitive regex gets no fast scan for its first character in Python's re, so
    searching it costs a failed attempt at every position; trying it only where one of these
    openings occurs (found by one Aho-Corasick pass) finds the same matches.
    """
    try:
        parsed = _parse(pattern)
    except re.error:
        return None
    found = _prefixes(list(parsed))
    if not found or any(not s for s, _ in found):
        return None  # some match may begin anywhere
    # "ceo" covers "ceos": keep only the shortest opening of each family.
    texts = sorted({s for s, _ in found}, key=len)
    kept: list[str] = []
    for t in texts:
        if not any(t.startswith(k) for k in kept):
            kept.append(t)
    return frozenset(kept)


LONGEST_RUN = 40  # an open repetition ("\w+", "\s+", "[^.]*") spans at most this many times


def _width(items: Any) -> int | None:
    total = 0
    for op, av in items:
        if op in (_c.LITERAL, _c.NOT_LITERAL, _c.IN, _c.ANY):
            total += 1
        elif op in _ZERO_WIDTH:
            continue
        elif op is _c.SUBPATTERN:
            sub = _width(av[-1])
            if sub is None:
                return None
            total += sub
        elif op is _c.BRANCH:
            subs = [_width(alt) for alt in av[1]]
            if any(w is None for w in subs):
                return None
            total += max(w for w in subs if w is not None)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            lo, hi, body = av
            sub = _width(body)
            if sub is None:
                return None
            total += sub * min(hi, max(lo, LONGEST_RUN))
        else:
            return None
    return total


def practical_width(pattern: str, cap: int = 2000) -> int | None:
    """The most characters a match of `pattern` spans in news text, where no open repetition
    runs past LONGEST_RUN (feeds' whitespace is collapsed, and no name or cue word is that
    long); None if unknown or above cap."""
    try:
        w = _width(list(_parse(pattern)))
    except re.error:
        return None
    return w if w is not None and w <= cap else None
