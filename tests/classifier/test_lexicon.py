"""Lexicon compilation."""

from __future__ import annotations

import re

import pytest

from bot.classifier.lexicon import _alt, _trie, bundled_languages


@pytest.mark.parametrize(
    "words",
    [
        ["rais", "raised"],  # a word that extends another by more than one letter
        ["raise", "raises", "raised", "rais"],
        ["sue", "sues", "sued", "suing"],
        ["a+b", "a", "a.b"],  # characters re.escape writes with a backslash
        ["lays off", "lays off staff", "lays"],
        ["sichert sich", "sichert"],
    ],
)
def test_a_prefix_tree_matches_what_the_flat_alternation_matches(words: list[str]) -> None:
    flat = re.compile(rf"(?:{_alt(words)})\b", re.I)
    tree = re.compile(rf"(?:{_trie(words)})\b", re.I)
    probes = {w + tail for w in words for tail in ("", " x", "s", "d now")}
    probes |= {w[:-1] for w in words if len(w) > 1}
    for text in probes:
        got, want = tree.match(text), flat.match(text)
        assert (got and got.group(0)) == (want and want.group(0)), text


def test_every_bundled_headline_verb_list_compiles_to_the_same_matches() -> None:
    for lang, data in bundled_languages().items():
        verbs = data.get("companies", {}).get("headline_verbs", [])
        flat = re.compile(rf"(?:{_alt(verbs)})\b", re.I)
        tree = re.compile(rf"(?:{_trie(verbs)})\b", re.I)
        for v in verbs:
            for text in (v, v + " X", v + "s", v[:-1]):
                got, want = tree.match(text), flat.match(text)
                assert (got and got.group(0)) == (want and want.group(0)), (lang, text)
