"""The rule backend: per-language weighted patterns, negation, vetoes, companies, extraction."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.classifier.extract import (
    captures,
    departure_facts,
    dispute_facts,
    funding_facts,
    looks_like_person,
    name_cased,
    tidy,
)
from bot.classifier.langdetect import _LETTER, _WIDE, Detector
from bot.classifier.lexicon import Lexicon, bundled_languages, compile_lexicon, match_at
from bot.classifier.names import (
    CAPITALS,
    POSSESSIVE,
    ROLE_PREFIXES,
    NameLists,
    clean_name,
    is_outlet,
    name_lists,
    names_a_body,
    overlaps,
)
from bot.companies import CompanyMatcher, CompanyRegistry, Mention
from bot.companies.matcher import _lower_same_length
from bot.companies.registry import normalize
from bot.config import ClassifierConfig, CompanyConfig
from bot.models import BUILTIN_LABELS, Classification

DETECT_CHARS = 200  # characters read to detect an undeclared language
SUMMARY_WEIGHT = 0.9  # a phrase in the lede counts a little less than one in the headline
NEGATION_WINDOW = 60  # a negation ("denies", "n'a pas") counts this many characters back
NO_COMPANY_FACTOR = 0.5  # labels are about companies: no company in sight halves the score
_TITLE_HEAD = re.compile(
    r"^(?-i:(?P<name>[A-Z0-9][\w&'’.\-]*[\w&]|[A-Z](?:\s(?:[A-Z0-9][\w&'’.\-]*[\w&]|&)){0,2})?)"
)
_HEAD_NAME = re.compile(r"(?:[A-Z0-9][\w&.\-]*[\w&]|[A-Z])(?:\s(?:[A-Z0-9][\w&.\-]*[\w&])){0,2}")
_HEAD_AFTER = re.compile(r"^(?:\s*[:|]\s|['’]s?\s|,\s)")
_AUX = re.compile(r"^\s+(?:to|is|has|will|says|said|reportedly|now|just|also|officially)\b", re.I)
# Where someone used to work: "former Google engineer", "ex-Meta", "ancienne d'Apple".
_FORMER = (
    r"former|ex|onetime|alum of|veteran of|previously at|formerly (?:of|at)|ehemalige[rnm]?|"
    r"früher\w*|zuvor bei|vorher bei|kam von|venue? de|en provenance de|procedente de|desde|"
    r"ancien(?:ne)?s?(?: de)?|antiguo|expresidente de|exdirectivo de"
)
# A rival or a yardstick, not a party: "plan to take on OpenAI", "apps like Uber".
_YARDSTICK = (
    r"tak(?:e|es|ing) on|rival(?:s|ing|ling)?|compet(?:e|es|ing) with|challeng(?:e|es|ing)|"
    r"like|such as|than|concurrent(?:e|s)?(?: de)?|comme|Konkurrent(?:en)? wie|wie|como|"
    r"answer to|alternative to|turn(?:s|ed|ing)? to|switch(?:es|ed|ing)? to"
)


def _before(words: str) -> re.Pattern[str]:
    """Text that ends with one of `words` (whole words), maybe one lower-case word after it
    ("former top Google exec"), or with an elided "d'" ("ancienne d'Apple")."""
    return re.compile(
        rf"(?:\b(?:(?:{words})(?![^\W\d_])[\s-]*|(?:ancien(?:ne)?s?|concurrent(?:e|s)?) d['’])"
        r"(?:(?-i:[a-zà-ÿ]+)\s+)?)$",
        re.I,
    )


_FORMER_BEFORE = _before(_FORMER)
_PASSING_BEFORE = _before(f"{_FORMER}|{_YARDSTICK}")
_PASSING_AFTER = re.compile(
    # "the Instagram rival", "Google-Konkurrent": the yardstick, not the subject
    r"^(?:-backed|-funded|-like\b|-style\b|-esque\b|-inspired\b|-ähnlich|"
    r" rival\b| competitor\b|-rival\b|-Rivale\b|-Konkurrent|"
    r" alternative\b|-Alternative\b| clone\b| killer\b|"
    r" alum\b| alumni\b| alumnus\b| veteran\b| parent\b| owner\b|"
    r"['’]s (?:former|ex-)|-Konzern\b)",
    re.I,
)


@dataclass(frozen=True)
class _LabelSpec:
    name: str
    threshold: float


class RulesClassifier:
    """Classifies items with the bundled lexicons plus the user's label rules."""

    def __init__(
        self,
        config: ClassifierConfig,
        companies: Sequence[CompanyConfig] = (),
        registry: CompanyRegistry | None = None,
        languages: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self._config = config
        self._registry = registry if registry is not None else CompanyRegistry.bundled()
        for c in companies:
            self._registry.add(c.name, c.aliases)
        self._matcher = CompanyMatcher(self._registry)
        raw = dict(languages) if languages is not None else bundled_languages()
        self._lexicons: dict[str, Lexicon] = {
            lang: compile_lexicon(data, _user_rules(config, lang)) for lang, data in raw.items()
        }
        self._stopwords = {lang: lex.stopwords for lang, lex in self._lexicons.items()}
        self._detector = Detector(self._stopwords)
        # Function words of every language: a capitalised "Es" or "Las" is never a company.
        self._name_stop: frozenset[str] = frozenset().union(
            *(lex.stopwords | lex.not_names for lex in self._lexicons.values())
        )
        names = list(BUILTIN_LABELS) + [k for k in config.labels if k not in BUILTIN_LABELS]
        self._labels = tuple(
            _LabelSpec(n, config.threshold(n))
            for n in names
            if config.labels.get(n) is None or config.labels[n].enabled
        )

    @property
    def registry(self) -> CompanyRegistry:
        """The company registry (bundled + config + run-time additions)."""
        return self._registry

    @property
    def languages(self) -> list[str]:
        """The languages with a lexicon."""
        return sorted(self._lexicons)

    @property
    def labels(self) -> list[str]:
        """The enabled labels, built-in first."""
        return [s.name for s in self._labels]

    def add_company(self, name: str, aliases: list[str] | tuple[str, ...] = ()) -> None:
        """Start matching a company added at run time."""
        self._registry.add(name, tuple(aliases))

    def detect_language(self, text: str) -> str:
        """The lexicon language that best fits `text`."""
        return self._detector.detect(text)

    def classify(self, title: str, summary: str = "", lang: str | None = None) -> Classification:
        """Classify one item; `lang` is the source's declared language, if any."""
        # str.split() splits on the same whitespace as \s+, without a regex.
        title = " ".join((title or "").split())
        summary = " ".join((summary or "").split())
        full = f"{title}\n{summary}"
        split = len(title)
        plain = full.lower()
        # What _lower_same_length() gives, without its per-character pass when it needs none.
        low = plain if len(plain) == len(full) else _lower_same_length(full)
        code = (lang or "").lower().split("-")[0].split("_")[0]
        if code not in self._lexicons:
            # The same words as in f"{title} {summary}" ("\n" separates them as " " does),
            # up to DETECT_CHARS: the headline and the lede's first sentences tell the
            # language as well as a long summary does, in less time.
            code = self._detector.detect_lower(plain[:DETECT_CHARS])
        lex = self._lexicons[code]

        t_mentions, s_mentions = self._matcher.find_parts(full, low, split)
        hits, opens = lex.ruleset.hits(low, split)
        # Investors named as such ("led by X") and outlets cited ("selon Forbes"), per part.
        blocked, masked = _spans(title, summary, lex, hits, opens)
        about = _about(
            title,
            summary,
            t_mentions,
            s_mentions,
            lex,
            hits,
            opens,
            self._registry,
            self._name_stop,
            low,
            blocked,
        )
        # A headline that describes the company ("Solana wallet maker raises $109M") and a
        # lede that opens with its name and a verb ("Phantom has raised ..."): that name is
        # the company if a label fires.
        lede_subject = None if about else self._lede_subject(summary, lex, blocked[1])
        has_org: bool | None = True if about or lede_subject else None  # found on demand
        body_role = role_only = False

        best: dict[str, dict[int, float]] = {}
        phrases: dict[str, list[str]] = {}
        seen_low: dict[str, set[str]] = {}
        factors: dict[str, float] = {}
        negation = lex.negation
        negated: dict[tuple[int, int], bool] = {}  # (segment, start) -> negated, shared by rules
        # Where a negation may begin, scanned on demand (None: anywhere).
        neg_opens: list[int] | None = None
        neg_scanned = False
        rules = lex.ruleset.rules
        n_rules = len(rules)
        lede_hits: list[tuple[str, int]] = []  # (label, start) of phrases found in the lede
        for rid in sorted(hits):
            if rid >= n_rules:
                continue  # a company cue, used by _about
            rule = rules[rid]
            at = opens.get(rid)
            if at is None and rule.starts is not None:
                continue  # none of the texts a match begins with occurs
            if rule.veto:
                if rule.unless_company and (t_mentions or s_mentions or about):
                    continue
                if at is None:
                    vetoed = rule.regex.search(full) is not None
                else:
                    vetoed = next(match_at(rule.regex, full, at), None) is not None
                if vetoed:
                    factors[rule.label] = min(factors.get(rule.label, 1.0), rule.weight)
                continue
            t_first, s_first = hits[rid]
            for seg, text, weight, first in (
                (0, title, 1.0, t_first),
                (1, summary, SUMMARY_WEIGHT, s_first - split - 1),
            ):
                if first < 0:
                    continue  # no anchor of this rule in this part: it cannot match there
                # Positions are in `full`: the summary starts after the title and "\n".
                found = lex.ruleset.matches(rule, text, 0 if seg == 0 else split + 1, first, opens)
                w = rule.weight * weight
                per: dict[int, float] | None = None
                low_seen: set[str] = set()
                for m in found:
                    if per is None:  # set up on the first match: most rules tried find none
                        per = best.setdefault(rule.label, {})
                        low_seen = seen_low.setdefault(rule.label, set())
                    phrase = m.group(0).strip()[:80]
                    p_low = phrase.lower()
                    if w <= per.get(rid, 0.0) and p_low in low_seen:
                        continue  # nothing this match could add
                    start = m.start()
                    if masked and _inside(start, masked.get((rule.label, seg), [])):
                        continue  # "la diminution des levées de fonds": the market, no raise
                    if negation is not None:
                        key = (seg, start)
                        neg = negated.get(key)
                        if neg is None:
                            if not neg_scanned:
                                neg_opens, neg_scanned = _negation_opens(lex, low), True
                            base = 0 if seg == 0 else split + 1
                            neg = negated[key] = _negated(negation, neg_opens, text, base, start)
                        if neg:
                            continue
                    if seg:
                        lede_hits.append((rule.label, start))
                    if w > per.get(rid, 0.0):
                        per[rid] = w
                    if p_low not in low_seen:
                        low_seen.add(p_low)
                        phrases.setdefault(rule.label, []).append(phrase)
        scores: dict[str, float] = {}
        evidence: dict[str, list[str]] = {}
        for spec in self._labels:
            miss = 1.0
            for w in best.get(spec.name, {}).values():
                miss *= 1.0 - w
            score = (1.0 - miss) * factors.get(spec.name, 1.0)
            if score and spec.name in BUILTIN_LABELS and has_org is None:
                # A company in sight: named, referred to ("the startup"), or implied by a
                # company role ("consejera delegada", "CEO").
                named_org = bool(lex.org_words and lex.org_words.search(full, low))
                role = not named_org and bool(lex.role_word and lex.role_word.search(full))
                has_org = named_org or role
                # A role alone implies a company a person leaves, unless the headline puts it
                # in a public, academic or sports body ("Harvard president resigns"); it does
                # not make a court case or a raise a company's ("the president overstepped").
                role_only = role and not (lex.org_plural and lex.org_plural.search(full))
                body_role = role_only and names_a_body(title, name_lists())
            if (
                score
                and spec.name in BUILTIN_LABELS
                and (not has_org or (role_only and (spec.name != "departure" or body_role)))
            ):
                score *= NO_COMPANY_FACTOR
            scores[spec.name] = round(score, 4)
            if spec.name in phrases:
                evidence[spec.name] = phrases[spec.name]
        labels = [
            s.name for s in self._labels if scores[s.name] > 0 and scores[s.name] >= s.threshold
        ]
        destination = lex.extract.get("destination")
        if destination and "departure" in labels and len(about) > 1:
            # "leaves Apple for Ford": the company people join is not the one they leave.
            gone = {
                normalize(n)
                for part in (title, summary)
                for n in captures(destination, part, "name")
            }
            about = [a for a in about if normalize(a) not in gone] or about
        if labels and s_mentions:
            about = _participants(about, summary, s_mentions, lede_hits, labels, blocked[1])
        if (
            not about
            and lede_subject
            and (labels or _describes_a_company(title, lex))
        ):
            about = [lede_subject]
        extracted = self._extract(
            labels, title, summary, lex, about, t_mentions + s_mentions, evidence
        )
        return Classification(
            labels=labels,
            scores=scores,
            companies=about,
            extracted=extracted,
            evidence={k: v for k, v in evidence.items() if k in labels or scores[k] > 0},
            lang=code,
        )

    def _extract(
        self,
        labels: list[str],
        title: str,
        summary: str,
        lex: Lexicon,
        about: list[str],
        mentions: list[Mention],
        evidence: dict[str, list[str]],
    ) -> dict[str, Any]:
        text = f"{title}. {summary}" if title and title[-1] not in ".!?" else f"{title} {summary}"
        primary = about[0] if about else None
        out: dict[str, Any] = {}
        if "funding" in labels:
            facts = funding_facts(text, lex, primary)
            if facts:
                out["funding"] = facts
        if "departure" in labels:
            # A registry lookup per candidate name, not a set of every company per item.
            named = {c.lower() for c in about}
            reg = self._registry
            facts = departure_facts(
                text, lex, lambda n: n.lower() in named or reg.get(n) is not None
            )
            if facts:
                out["departure"] = facts
        if "dispute" in labels:
            facts = dispute_facts(text, evidence.get("dispute", []), lex, primary, self._party)
            if facts:
                out["dispute"] = facts
        return tidy(out)

    def _lede_subject(self, summary: str, lex: Lexicon, blocked: Spans) -> str | None:
        """The name the lede opens with, as the subject of a verb, if it may be a company."""
        if not summary or lex.subject is None:
            return None
        hit = lex.subject.match(summary)
        if hit is None or _inside(hit.start("name"), blocked):
            return None
        raw = hit.group("name")
        if raw.split()[0].lower() in lex.stopwords:
            return None  # "Die Parfümeriekette nimmt", "Ein Ehepaar verlangt": a description
        # clean_name turns away people named with a given name and well-known family names.
        return clean_name(raw, self._name_stop, name_lists())

    def _party(self, raw: str, lex: Lexicon) -> str | None:
        """`raw` as a party to a dispute (a company or a person), or None: "1.316", "London",
        an outlet, or a descriptor before a person ("Großaktionär Jürg Zumtobel in")."""
        reg = self._registry
        known = reg.get(raw)
        if known is not None:
            return known.name
        lists = name_lists()
        if is_outlet(raw, lists):
            return None
        name = clean_name(raw, self._name_stop, lists)
        if name is None:
            # A person is a party too ("Elon Musk"), not a name clean_name would keep.
            words = raw.split()
            while words and words[-1] in ("in", "of", "de", "&"):
                words.pop()
            person = " ".join(words)
            return (
                person if looks_like_person(person, lex, lambda n: reg.get(n) is not None) else None
            )
        return name


def _negation_opens(lex: Lexicon, low: str) -> list[int] | None:
    """Sorted positions in `low` where a match of the negation regex may begin; None when
    its openings are unknown (then it is searched everywhere)."""
    index = lex.negation_opens
    if index is None:
        return None
    return sorted({start for _, start, _ in index.scan(low)})


def _negated(
    negation: re.Pattern[str], opens: list[int] | None, text: str, base: int, start: int
) -> bool:
    """Whether a negation ends in the NEGATION_WINDOW characters of `text` before `start`:
    what negation.search(text, start - NEGATION_WINDOW, start) finds. `text` is the part of
    the scanned text that begins at `base`; `opens` are where, in the scanned text, a match
    may begin (_negation_opens), and only there is the regex tried (None: anywhere)."""
    lo = max(0, start - NEGATION_WINDOW)
    if opens is None:
        return negation.search(text, lo, start) is not None
    i = bisect_left(opens, base + lo)
    j = bisect_left(opens, base + start, i)
    return any(negation.match(text, p - base, start) for p in opens[i:j])


def _user_rules(config: ClassifierConfig, lang: str) -> dict[str, dict[str, Any]]:
    """The config's phrases and vetoes that apply to `lang` ("*" applies to every language)."""
    out: dict[str, dict[str, Any]] = {}
    for label, rule in config.labels.items():
        phrases = [*rule.phrases.get("*", []), *rule.phrases.get(lang, [])]
        vetoes = [*rule.exclude.get("*", []), *rule.exclude.get(lang, [])]
        if phrases or vetoes:
            out[label] = {"phrases": phrases, "exclude": vetoes}
    return out


def _passing(text: str, m: Mention) -> bool:
    """A mention in passing: "former Google engineer", "Uber alum", "YC-backed"."""
    return bool(_PASSING_BEFORE.search(text[max(0, m.start - 25) : m.start])) or bool(
        _PASSING_AFTER.match(text[m.end : m.end + 12])
    )


def _about(
    title: str,
    summary: str,
    t_mentions: list[Mention],
    s_mentions: list[Mention],
    lex: Lexicon,
    candidates: Mapping[int, list[int]],
    opens: Mapping[int, list[int]],
    registry: CompanyRegistry,
    stop: frozenset[str],
    low: str,
    blocked: tuple[list[tuple[int, int]], list[tuple[int, int]]],
) -> list[str]:
    """The companies the item is about: named in the headline, introduced as companies, else
    the lede's first."""
    lists = name_lists()
    split = len(title)
    found: dict[str, str] = {}  # normalized -> name, in order
    registered: set[str] = set()

    persons: set[str] | None = None  # people the item names, found on demand
    full = f"{title}\n{summary}"
    cleaned: dict[str, str | None] = {}  # raw words -> the name they give, or None

    def add(name: str | None, known: bool = False) -> None:
        nonlocal persons
        if not name:
            return
        if not known:
            c = registry.get(name)
            if c is not None:
                name, known = c.name, True
            elif "-" in name and " " not in name:
                # "Getir-Gorillas" (from "Getir-Gorillas-Deal"): two names joined, as German
                # compounds join them; each part stands alone when the registry knows one.
                # "Zalando-Co(-Chef)": a role's prefix is no name.
                parts = [p for p in name.split("-") if p.lower() not in ROLE_PREFIXES]
                if all(p[:1].isupper() for p in parts) and any(registry.get(p) for p in parts):
                    if any(_people_word(p, lex) for p in parts):
                        return  # "Ex-Google-Manager": a person
                    for part in parts:
                        add(part)
                    return
            if not known:
                # Several rules often offer the same words: clean and check them once.
                raw = name
                if raw in cleaned:
                    name = cleaned[raw]
                else:
                    name = clean_name(raw, stop, lists)
                    if name is not None:
                        if persons is None:
                            persons = _persons(
                                full, low, lex, lists, lambda n: registry.get(n) is not None
                            )
                        if normalize(name) in persons:
                            name = None  # "CEO Jane Doe", "Jane Doe, the founder": a person
                    cleaned[raw] = name
                if name is None:
                    return
                if name != raw and (c := registry.get(name)) is not None:
                    name, known = c.name, True  # "Mercedes CEO" cleans to a registered name
        key = normalize(name)
        if key in found:
            return
        for k, other in list(found.items()):
            if overlaps(name, other):
                # "Gorillas" (registered) over "Gorillas in Dortmund"; else the fuller name.
                if k in registered or (not known and len(other) >= len(name)):
                    return
                del found[k]
        found[key] = name
        if known:
            registered.add(key)

    described: bool | None = None  # whether the lede describes a company, found on demand

    def in_person(text: str, m: Mention) -> bool:
        # A registered name that is a given name before a family name ("Alan Mamedi"), or a
        # family name after a capitalised word the item writes as a person's ("Ashneer
        # Grover resigns"), is part of that person's name.
        nonlocal persons
        if _given_name(text, m, lists):
            return True
        prev = _PREV_WORD.search(text, max(0, m.start - 40), m.start)
        if prev is None:
            return False
        if persons is None:  # found on demand: rarely needed
            persons = _persons(full, low, lex, lists, lambda n: registry.get(n) is not None)
        return normalize(f"{prev.group(1)} {m.surface}") in persons

    def echoed(name: str | None) -> str | None:
        # A headline's subject the lede names again, or refers to by what it is ("Nikola
        # warns ...": "The hydrogen-truck maker said ..."; "Die Parfümeriekette nimmt ...").
        # Only for the first company found: once the headline named one, the description is
        # more likely that one's.
        nonlocal described
        if _echoed(name, summary) is not None:
            return name
        if name is None or found:
            return None
        if described is None:
            org = lex.org_words
            described = org is not None and org.search(summary) is not None
        return name if described else None

    made = list(lex.product_maker.finditer(title, low[:split])) if lex.product_maker else []
    if made:
        # "Nintendo sues Palworld developer Pocketpair": the maker, not its product.
        blocked = ([*blocked[0], *(pm.span("product") for pm in made)], blocked[1])
    head = _headline_subject(title, lex, t_mentions, candidates)
    if head and _common_in(head, summary):
        head = None  # "Cookies : ...": the lede writes it in lower case, a common word
    if head and not _BRAND_WORD.match(head) and _rubric(head, title, lex, lists):
        head = None  # "Salmonelle : Lactalis mis en examen": the clause names the subject
    if head and title[len(head) :][:1] in (":", "|") and not _BRAND_WORD.match(head):
        # A kicker before a colon is as often a rubric ("Pitch Deck Teardown:",
        # "Startup-Verkauf:") as a name, unless written like a brand ("TukToro:", "VAT:").
        head = _echoed(head, summary)
    if not _inside(0, blocked[0]):
        add(head)
    clauses = _clause_starts(title)
    for pos in clauses[1:]:
        # "Pitch Deck Teardown: MiO Marketplace's $550K deck": the clause's own subject,
        # if the lede names it again.
        if any(m.start == pos for m in t_mentions) or _inside(pos, blocked[0]):
            continue
        add(echoed(_headline_subject(title[pos:], lex, [], candidates)))
    for m in t_mentions:
        if (
            m.kind == "domain"
            and m.surface.lower() in lists.link_hosts
            and title[m.start - 1 : m.start] == "("
            and title.endswith(")")
        ):
            continue  # "Ilya Sutskever to leave OpenAI (x.com)": where the post is hosted
        if in_person(title, m):
            continue  # "Ashneer Grover resigns": a person, though Grover is a company
        if not _passing(title, m) and not _inside(m.start, blocked[0]):
            add(m.company, known=True)
    for pm in made:
        add(pm.group("name"))
    title_case = _title_case(title)
    if lex.subject is not None and not title_case:
        # The name a headline (or its clause after a colon) opens with, before a verb.
        for pos in clauses:
            hit = lex.subject.match(title, pos)
            if hit and not _inside(hit.start("name"), blocked[0]):
                add(echoed(hit.group("name")))
    if lex.opening is not None:
        # "Throne fixes ...", "BetterHelp to Pay ...", "Crowdcube and Seedrs agree ...": the
        # subjects of a common headline verb. A lower-case verb after one name in a sentence-
        # case headline is sure; a Title Case verb, "to", or a pair must be named in the lede.
        for pos in clauses:
            hit = lex.opening.match(title, pos)
            if hit is None:
                continue
            verb = hit.group("verb")
            sure = (
                verb is not None
                and verb.islower()
                and not title_case
                and hit.group("name2") is None
            )
            # A pair with a lower-case verb whose other name the registry knows ("Disney und
            # Universal verklagen"): the known one vouches for its partner.
            vouched = (
                verb is not None
                and verb.islower()
                and hit.group("name2") is not None
                and any(registry.get(_unmodified(hit.group(g)) or "") for g in ("name", "name2"))
            )
            for group in ("name", "name2"):
                if hit.group(group) is None or _inside(hit.start(group), blocked[0]):
                    continue  # an investor named as such ("Amazon to invest $4B in X")
                name = _unmodified(hit.group(group))
                add(name if sure or vouched else echoed(name))
    ruleset = lex.ruleset
    for seg, text in enumerate((title, summary)):
        # Once the headline named its companies, the lede's cues cost more than they add,
        # but for those that name a party to the event ("a complaint against X and Y").
        # The lede's subject, introduced as a company ("Ziff Davis, the media conglomerate
        # that owns CNET, is laying off"), counts too.
        lede_after = bool(seg and found)
        op = _OPENING.match(text) if lede_after else None
        opening = op.end() if op else 0
        off = 0 if seg == 0 else split + 1
        for i, cue in enumerate(ruleset.cues):
            pair = candidates.get(cue.id)
            if pair is None or pair[seg] < 0:
                continue  # no literal anchor of this cue in this part
            if lede_after and i >= lex.n_party_cues:
                # Only where the lede opens: an anchored try or two, not a scan of the lede.
                tries: tuple[int, ...] = (0, opening) if opening else (0,)
                if cue.starts is not None:
                    cue_opens = opens.get(cue.id, ())
                    tries = tuple(p for p in tries if off + p in cue_opens)
                first = next(filter(None, (cue.regex.match(text, p) for p in tries)), None)
                hits: Iterable[re.Match[str]] = (first,) if first else ()
            else:
                hits = ruleset.matches(cue, text, off, pair[seg] - off, opens)
            for hit in hits:
                at = hit.start("name")
                if _inside(at, blocked[seg]) or _FORMER_BEFORE.search(text[max(0, at - 25) : at]):
                    continue  # an investor or an outlet; "former Textron boss" in passing
                name = hit.group("name")
                if i < lex.n_party_cues and is_outlet(name, lists):
                    # An outlet cited is no company of the item, but one that sues is a party
                    # ("The New York Times sues OpenAI").
                    add(name.strip(" .,;:"), known=True)
                    continue
                add(name)
                end = hit.end("name")
                while lex.list_next is not None and (more := lex.list_next.match(text, end)):
                    if (
                        seg == 0
                        and title_case
                        and "," in text[end : more.start("name")]
                        and registry.get(more.group("name")) is None
                    ):
                        break  # "…in PepsiCo, Pushes for Overhaul": Title Case hides the verb
                    if not _inside(more.start("name"), blocked[seg]):
                        add(more.group("name"))
                    end = more.end()
    if not found:
        lede = [
            m.company
            for m in s_mentions
            if not _passing(summary, m)
            and not _inside(m.start, blocked[1])
            and not _given_name(summary, m, lists)
        ]
        if lede:
            add(lede[0], known=True)
    out = list(found.values())
    # A Title Case headline capitalises every word: only the lede shows where a name ends.
    written = summary if title_case else f"{title}\n{summary}"
    for i, name in enumerate(out):
        if normalize(name) not in registered:
            out[i] = _fuller(name, written, stop, lists) or name
    return list(dict.fromkeys(out))


def _describes_a_company(title: str, lex: Lexicon) -> bool:
    """Whether a headline refers to a company by what it is ("La petrolera portuguesa ...",
    "Space balloon company offers ...")."""
    if lex.headline_org is not None and lex.headline_org.match(title):
        return True
    return lex.org_words is not None and lex.org_words.search(title) is not None


def _given_name(text: str, m: Mention, lists: NameLists) -> bool:
    """Whether a registered name is a given name before a family name ("Alan Mamedi", "Leonardo
    Del Vecchio"): the person runs on from it as _persons reads a person."""
    surface = m.surface
    if not surface[1:].islower() or surface.lower() not in lists.first_names:
        return False  # "TIM Brasil": an acronym is no given name
    hit = _GIVEN_NAME.match(text, m.start)
    if hit is None:
        return False
    words = hit.group(0).split()
    if words[0] != surface:
        return False  # "Alan's", "Alan-Health": the name goes on in the same word
    family = words[1]
    # Written like a family name ("Mamedi", "O'Neil", "de"), not "CEO" or a generic word.
    return name_cased(family) and not family.isupper() and family.lower() not in lists.generic


# The capitalised word that ends right before a position (searched up to it).
_PREV_WORD = re.compile(rf"([{CAPITALS}][\w'’-]*) $")
_CLAUSE_BREAK = re.compile(r"[.!?;]\s|\n")
_EARLIER = re.compile(
    r"\b(?:after|before|following|nach|après|avant|tras|después de|antes de)\s+"
    r"(?:(?-i:[a-zà-ÿ]+)\s+)?(?:\S+,?\s+(?:und|and|et|y)\s+)?$",
    re.I,
)
_POSSESSIVE_GAP = re.compile(r"['’]s? ")
_MEDIUM = re.compile(r"\b(?:on|via|sur|auf)\s+$", re.I)


def _participants(
    about: list[str],
    summary: str,
    mentions: list[Mention],
    lede_hits: list[tuple[str, int]],
    labels: list[str],
    blocked: list[tuple[int, int]],
) -> list[str]:
    """`about` plus the lede's companies that are the subject of a reported event: a
    company named shortly before a label's phrase in the same sentence ("Chime confirming
    ... would be laid off", "Brex revealing ... it was cutting 11%")."""
    fired = set(labels)
    starts = sorted(s for label, s in lede_hits if label in fired)
    if not starts:
        return about
    out = list(about)
    keys = {normalize(a) for a in out}
    for i, m in enumerate(mentions):
        key = normalize(m.company)
        if key in keys or _passing(summary, m) or _inside(m.start, blocked):
            continue
        if _given_name(summary, m, name_lists()):
            continue  # "Leonardo Del Vecchio a saisi": a person
        if _EARLIER.search(summary, max(0, m.start - 30), m.start):
            continue  # "after Uber won its appeal": an earlier event, the yardstick
        if _MEDIUM.search(summary, max(0, m.start - 20), m.start):
            continue  # "said on Twitter he was departing": where it was said
        nxt_m = mentions[i + 1] if i + 1 < len(mentions) else None
        if (
            nxt_m is not None
            and _POSSESSIVE_GAP.match(summary, m.end)
            and not _CLAUSE_BREAK.search(summary, m.end, nxt_m.start)
            and nxt_m.start - m.end <= 40
        ):
            continue  # "Alphabet's Google", "GM's self-driving unit Cruise": an owner
        nxt = next((s for s in starts if s >= m.end), None)
        if nxt is None or nxt - m.end > 60 or _CLAUSE_BREAK.search(summary, m.end, nxt):
            continue
        out.append(m.company)
        keys.add(key)
    return out


# What may come before the lede's subject: nothing, or an article ("La société Jameda").
_OPENING = re.compile(
    r"(?:(?:the|an?|la|le|les|l['’]|une?|der|die|das|eine?|el|los|las|una?)\s*)?", re.I
)


def _people_word(word: str, lex: Lexicon) -> bool:
    """An "ex" or a role ("Manager", "CEO"): the compound it is part of names a person."""
    return word.lower() == "ex" or (lex.role is not None and lex.role.fullmatch(word) is not None)


def _rubric(head: str, title: str, lex: Lexicon, lists: NameLists) -> bool:
    """Whether `head` is a kicker before a colon followed by a clause that opens with another
    capitalised word, not a given name: "Bras de fer : TF1 coupe …", but not "Atos : Yves
    Bernaz quitte …" or "Orpea : le directeur général limogé"."""
    after = title[len(head) :].lstrip()
    if after[:1] not in (":", "|"):
        return False
    words = after[1:].split(maxsplit=1)
    if not words or not words[0][:1].isupper():
        return False
    first = words[0].strip(".,;:'’\"«»").lower()
    return first not in lists.first_names and first not in lex.stopwords


def _common_in(name: str, summary: str) -> bool:
    """Whether the lede writes `name` in lower case, and never as written: a common word."""
    low = name.lower()
    if low == name or name in summary:
        return False
    i = summary.find(low)
    return i >= 0 and (i == 0 or not summary[i - 1].isalnum())


def _echoed(name: str | None, summary: str) -> str | None:
    """`name` if the lede names it again (or there is no lede): a headline's opening word
    alone is as often a person, a place or a topic as a company."""
    if name is None or not summary:
        return name
    first = name.split()[0].rstrip("'’s")
    return name if first in summary else None


_MODIFIER_WORD = re.compile(r"^\S+-(?-i:[a-z])\S*\s+")


def _unmodified(name: str | None) -> str | None:
    """`name` without a modifier before it: "Reliance-backed Viacom18" -> "Viacom18"."""
    if name is None:
        return None
    return _MODIFIER_WORD.sub("", name, count=1) or None


Spans = list[tuple[int, int]]


def _spans(
    title: str,
    summary: str,
    lex: Lexicon,
    hits: Mapping[int, list[int]],
    opens: Mapping[int, list[int]],
) -> tuple[tuple[Spans, Spans], dict[tuple[str, int], Spans]]:
    """In each part's offsets, from the rules' scan (`hits`, `opens`): where the title and
    the summary name investors as such ("led by X, Y") or cite a news outlet ("selon
    Forbes", "Reuters reported"), which no company the item is about starts in; and the
    [[mask]] spans by (label, part: 0 the title, 1 the summary)."""
    n_backers = lex.n_backers
    n_blocking = n_backers + lex.n_sources
    blocked: tuple[Spans, Spans] = ([], [])
    masked: dict[tuple[str, int], Spans] = {}
    ruleset = lex.ruleset
    off = len(title) + 1  # where the summary starts in the scanned text
    for i, rule in enumerate(ruleset.spans):
        pair = hits.get(rule.id)
        if pair is None:
            continue  # no anchor of it anywhere
        for seg, text, start, first in ((0, title, 0, pair[0]), (1, summary, off, pair[1] - off)):
            if first < 0:
                continue
            for m in ruleset.matches(rule, text, start, first, opens):
                if i >= n_blocking:
                    masked.setdefault((lex.mask_labels[i - n_blocking], seg), []).append(m.span())
                else:
                    # Backers may be a list ("led by X and Y"); a source is the one name.
                    end = m.end() if i < n_backers else m.end("name")
                    blocked[seg].append((m.start("name"), end))
    return blocked, masked


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """`pos` falls in one of `spans`."""
    return any(a <= pos < b for a, b in spans)


# The capital comes before the look-behind (which then spans it): a pattern that opens with
# a character set is searched faster, for the same matches.
_GIVEN_NAME = re.compile(
    r"(?-i:[A-ZÀ-Ý](?<![\w&][A-ZÀ-Ý])[\w'’\-]++)"
    r"(?:\s(?:(?:de|van|von|le|la|di|da)\s(?:(?:der|den|la|los|las)\s)?)?(?-i:[A-ZÀ-Ý][\w'’\-]++)){1,2}"
)


def _persons(
    text: str, low: str, lex: Lexicon, lists: NameLists, registry_has: Callable[[str], bool]
) -> set[str]:
    """Normalized names of people and every run of their words: names a role word introduces
    or follows ("CEO X Y", "X Y, the CEO of", "fondateur X Y"), whatever the first name, and
    a known first name with capitalised words after it ("Jack Dorsey", "Ludovic Le Moan")."""
    out: set[str] = set()
    found: list[list[str]] = []
    for i, matches in lex.people.finditers(text, low):
        with_role = "(?P<role>" in lex.people.gated[i].pattern
        for m in matches:
            person = m.group("person")
            if not person:
                continue
            words = person.split()
            if not with_role:
                # "X Y resigns" names a person only if X Y is written like one ("Ludovic Le
                # Moan remplacé"), not like a brand ("Stability AI", "OpenAI CTO").
                if looks_like_person(person, lex, registry_has):
                    found.append(words)
                    out.add(normalize(words[0]))
                continue
            out.add(normalize(person))
            out.add(normalize(" ".join(words[:2])))  # "Jane Doe said" -> "Jane Doe"
            found.append(words[:2])
    for m in _GIVEN_NAME.finditer(text):
        # "Elon Musk's Zorbly": the person is "Elon Musk"; a possessive ends the name.
        words = []
        for w in m.group(0).split():
            bare = POSSESSIVE.sub("", w)
            words.append(bare)
            if bare != w:
                break
        if words[0].lower() in lists.first_names:
            found.append(words)
            out.add(normalize(words[0]))  # "Ursula" after "Ursula von der Leyen" is her too
    # A family name alone ("Mostaque a levé") or a capture that runs on from a given name
    # ("Dorsey To Be Interim") is the person too: every run of a person's words but the first.
    for words in found:
        for i in range(1, len(words)):
            for j in range(i + 1, len(words) + 1):
                out.add(normalize(" ".join(words[i:j])))
        out.add(normalize(" ".join(words)))
    return out


_NAME_TOKEN = rf"(?:[{CAPITALS}][\w&'’.+\-]*[\w&+]|[A-Z])"
_MORE = re.compile(rf"(?: (?:(?:of|in|de|&) )?{_NAME_TOKEN}){{1,3}}")


# How a fund's name ends: a vintage numeral or the word itself.
_FUND_TAIL = re.compile(r" (?:I{2,3}|IV|VI{0,3}|IX|Fund|Fonds)$")

# Words a company's full legal name adds to the name people use.
_CORPORATE_TAIL = re.compile(
    r"(?: (?:International|Group|Holdings?|Corporation|Company|Co|Corp|Inc|Incorporated|"
    r"Ltd|Limited|LLC|plc|PLC|AG|SE|SA|NV|GmbH|Gruppe|Groupe|Grupo))+\.?"
)


def _fuller(name: str, text: str, stop: frozenset[str], lists: NameLists) -> str | None:
    """The longest form of an unregistered `name` the item writes ("Tower" -> "Tower
    Semiconductor", "Planet" -> "Planet A Foods"): a headline cuts names short."""
    best = None
    start = 0
    while (i := text.find(name, start)) >= 0:
        start = i + 1
        if i > 0 and (text[i - 1].isalnum() or text[i - 1] in "-&"):
            continue  # inside a longer word
        m = _MORE.match(text, i + len(name))
        if m is None:
            continue
        if _CORPORATE_TAIL.fullmatch(m.group(0)):
            continue  # "Navistar International Corp" is still "Navistar"
        if _FUND_TAIL.search(m.group(0)):
            continue  # "Partech Africa II" is a fund of Partech's
        longer = clean_name(name + m.group(0), stop, lists)
        if longer and longer.startswith(name + " ") and (best is None or len(longer) > len(best)):
            best = longer
    return best


# One word with a capital or digit inside (not after a hyphen), or an acronym.
_BRAND_WORD = re.compile(r"^(?:[A-Za-z]+[a-z][A-Z0-9][\w&]*|[A-Z0-9]+[A-Z0-9&.]*)$")
_CLAUSE = re.compile(r"[:|]\s+")
_LONG_WORD = re.compile(r"\b[^\W\d_]{4,}")
_NARROW_LONG_WORD = re.compile(rf"\b{_LETTER}{{4,}}")  # the same with no character >= U+3000


def _title_case(title: str) -> bool:
    """A Title Case Headline: its capitals say nothing about which words are names."""
    wide = not title.isascii() and _WIDE.search(title) is not None
    words = (_LONG_WORD if wide else _NARROW_LONG_WORD).findall(title)
    return len(words) >= 3 and len([w for w in words if w[0].isupper()]) > 0.6 * len(words)


def _clause_starts(title: str) -> list[int]:
    """Where the headline and each clause after a colon begin."""
    return [0, *(m.end() for m in _CLAUSE.finditer(title))]


def _headline_subject(
    title: str, lex: Lexicon, mentions: list[Mention], candidates: Mapping[int, object]
) -> str | None:
    """An unknown company opening the headline: "Flatpay rings up $47M", "VAT: CEO ... quits"."""
    if mentions and mentions[0].start == 0:
        return None
    m = _HEAD_NAME.match(title)
    if not m:
        return None
    name = m.group(0)
    words = name.split()
    if words[0].lower() in lex.stopwords or words[0].lower() in lex.not_names:
        return None
    rest = title[m.end() :]
    if _HEAD_AFTER.match(rest):
        return name
    rest2 = _AUX.sub("", rest, count=1).lstrip()
    if lex.role is not None and lex.role.match(rest2) and len(words) <= 2:
        return name  # "Kakao co-CEO resigns", "BlackBerry CEO Thorsten Heins Out"
    if len(words) <= 3:
        rules = lex.ruleset.rules
        for rid in candidates:  # only rules whose anchors occur can match
            if rid >= len(rules):
                continue  # a company cue
            rule = rules[rid]
            if not rule.veto and rule.weight >= 0.6 and rule.regex.match(rest2):
                return name
    return None
