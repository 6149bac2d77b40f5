"""Literal keywords found in one pass over a text, however many there are (Aho-Corasick)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Generic, TypeVar

import ahocorasick_rs

V = TypeVar("V")

# (key index, start, end) of every occurrence, overlapping ones included, ordered by end.
Hits = list[tuple[int, int, int]]


class KeywordIndex(Generic[V]):
    """Keys, each with a value; `scan` finds every occurrence of every key in a text.

    The whole scan is one call into compiled code that returns a list: the callers' loops
    only see the hits. A contiguous NFA: in the classifier's benchmark a DFA was no faster
    (its larger tables cost cache misses to the rest of the work) and six times slower to
    build, which a registry change pays.
    """

    __slots__ = ("keys", "scan", "values")

    def __init__(self, table: Mapping[str, V]) -> None:
        self.keys: tuple[str, ...] = tuple(k for k in table if k)
        self.values: tuple[V, ...] = tuple(table[k] for k in self.keys)
        automaton = ahocorasick_rs.AhoCorasick(
            list(self.keys),
            matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        )
        # Bound once: the scan runs for every item, several times.
        self.scan: Callable[[str], Hits] = partial(
            automaton.find_matches_as_indexes, overlapping=True
        )

    def __len__(self) -> int:
        return len(self.keys)
