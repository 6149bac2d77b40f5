"""Anchors and openings of regexes: the classifier skips patterns by them, so they must hold."""

from __future__ import annotations

import re

import pytest

from bot.classifier.anchors import _parse, anchors, max_width, practical_width, starts
from bot.classifier.lexicon import bundled_languages, compile_lexicon, match_at
from bot.companies.matcher import _lower_same_length


def test_openings_of_simple_patterns() -> None:
    assert starts(r"\b(?:sues?|sued|suing)\b") == {"sue", "suing"}
    # whitespace is collapsed to one space before matching, so "\s" opens like " "
    assert starts(r"(?:[SE]?VP|head of [a-z]+)\s") == {"svp ", "evp ", "vp ", "head o"}
    assert starts(r"\b(?:a|one)\s+billion") == {"a bill", "one bi"}
    assert starts(r"\d+ (?:million|M)") == set("0123456789")


@pytest.mark.parametrize(
    "pattern",
    [r"\w*ronda", r"(?:foo)?bar|", r"(?-i:[A-Z][a-z]+) raises", r"x*", r"[^a]b", r".*CEO"],
)
def test_no_openings_when_a_match_may_begin_anywhere(pattern: str) -> None:
    assert starts(pattern) is None


def test_optional_opening_keeps_both_branches() -> None:
    # "bar" alone would be wrong: a match may begin with "foo".
    assert starts(r"(?:foo)?bar") == {"foobar", "bar"}


TEXTS = [
    "OpenAI CEO Sam Altman is leaving; the chief executive officer quit. SVP Jane Doe left.",
    "Mistral AI raises €600M in a Series B led by General Catalyst, valued at $6 billion",
    "Le directeur général quitte la société. La start-up lève 12 millions d'euros.",
    "Der Gründer verlässt das Unternehmen; Celonis sammelt 1,2 Mrd. Euro ein",
    "Un juez condena a Glovo; la empresa cierra una ronda de 150 millones de euros",
]


def test_matching_at_openings_finds_what_finditer_finds() -> None:
    for data in bundled_languages().values():
        lex = compile_lexicon(data)
        for rule in lex.ruleset.rules:
            if rule.starts is None:
                continue
            for text in TEXTS:
                low = _lower_same_length(text)
                at = sorted(
                    i for i in range(len(low)) if any(low.startswith(s, i) for s in rule.starts)
                )
                want = [m.span() for m in rule.regex.finditer(text)]
                got = [m.span() for m in match_at(rule.regex, text, at)]
                assert got == want, (rule.source, text)


def test_match_at_skips_positions_inside_a_match() -> None:
    rx = re.compile(r"ab+", re.I)
    assert [m.span() for m in match_at(rx, "abbb ab", [0, 1, 5])] == [(0, 4), (5, 7)]


def test_gated_patterns_find_what_their_regex_finds() -> None:
    samples = [
        *TEXTS,
        "Smart-bus startup Zeelo acquires Kura; Rippling co-founder Parker Conrad, the CEO",
        "Planet A Foods, a B2B ingredients company, raised $12M led by Cherry Ventures.",
        "La start-up Qonto lève 486 millions d'euros auprès de Tencent et DST Global",
    ]
    for data in bundled_languages().values():
        lex = compile_lexicon(data)
        gated = [lex.money, *(p for ps in lex.extract.values() for p in ps.gated)]
        for text in samples:
            # One scan for all of a key's patterns finds what each regex finds alone.
            low = _lower_same_length(text)
            for ps in lex.extract.values():
                got = {i: [m.span() for m in ms] for i, ms in ps.finditers(text, low)}
                for i, g in enumerate(ps.gated):
                    assert got.get(i, []) == [m.span() for m in g.regex.finditer(text)]
        for g in gated:
            for text in samples:
                want = [m.span() for m in g.regex.finditer(text)]
                assert [m.span() for m in g.finditer(text)] == want, (g.pattern, text)
                first = g.regex.search(text)
                found = g.search(text)
                assert (found and found.span()) == (first and first.span())


def test_company_cues_found_in_the_rules_pass_match_what_their_regex_finds() -> None:
    text = "Smart-bus startup Zeelo acquires Kura, a smaller player; Zeelo CEO Sam Ho said"
    low = _lower_same_length(text)
    lex = compile_lexicon(bundled_languages()["en"])
    hits, opens = lex.ruleset.hits(low, len(text))
    assert lex.ruleset.cues
    for cue in lex.ruleset.cues:
        want = [m.span() for m in cue.regex.finditer(text)]
        pair = hits.get(cue.id)
        got = [] if pair is None else lex.ruleset.matches(cue, text, 0, pair[0], opens)
        assert [m.span() for m in got] == want, cue.source


def test_practical_width_bounds_open_repetitions() -> None:
    from bot.classifier.anchors import LONGEST_RUN, practical_width

    assert practical_width(r"\bsues?\b") == 4
    assert practical_width(r"[A-Z]\w+ raises") == 1 + LONGEST_RUN + 7
    assert practical_width(r"(?:\w+\s+){0,2}fund") == 2 * 2 * LONGEST_RUN + 4
    assert practical_width(r"(a)\1") is None  # a back-reference: unknown


def test_amount_patterns_are_indexed() -> None:
    # An unindexed amount regex is tried at every position: it once cost half of extraction.
    for data in bundled_languages().values():
        assert compile_lexicon(data).money.indexed, data["lang"]


def test_a_shared_parse_gives_what_a_fresh_parse_gives() -> None:
    # anchors, starts and the widths read one cached parse per pattern: none may change it
    # for the others (each is computed here from a fresh parse, then all from a shared one).
    lexicons = [compile_lexicon(data) for data in bundled_languages().values()]
    patterns = sorted(
        {
            r.regex.pattern
            for lex in lexicons
            for r in (*lex.ruleset.rules, *lex.ruleset.cues, *lex.ruleset.spans)
        }
    )
    assert len(patterns) > 300
    readers = (anchors, starts, practical_width, max_width)
    fresh = []
    for p in patterns:
        row = []
        for read in readers:
            _parse.cache_clear()
            row.append(read(p))
        fresh.append(row)
    _parse.cache_clear()
    shared = [[read(p) for read in readers] for p in patterns]
    shared_again = [[read(p) for read in reversed(readers)][::-1] for p in patterns]
    assert shared == fresh
    assert shared_again == fresh
