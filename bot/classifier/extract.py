"""Facts behind a label: amounts, rounds, valuations, investors, people, dispute kinds."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.classifier.lexicon import GatedSet, Lexicon, lowered

_ROUND_SERIES = re.compile(r"^(?:s[eé]ries?|serie)\s+([a-h]\d?)(.*)$", re.I)
_SPACES = re.compile(r"\s+")
# What may end a sentence or clause after an extracted string: never part of the fact shown.
_TRAILING = " \t\n.,;:!?…'\"’”»)"
# Particles inside a person's name ("Ludovic Le Moan", "José de los Mozos", "Ursula von der").
_PARTICLES = frozenset({"de", "del", "de los", "van", "von", "der", "le", "la", "di", "da", "los"})


def tidy(value: Any) -> Any:
    """`value` with trailing punctuation stripped from every string in it ("€600 million.")."""
    if isinstance(value, str):
        return value.rstrip(_TRAILING)
    if isinstance(value, list):
        return [tidy(v) for v in value]
    if isinstance(value, dict):
        return {k: tidy(v) for k, v in value.items()}
    return value


def parse_number(text: str) -> float | None:
    """ "1,2" -> 1.2, "1.300" -> 1300, "1,250.5" -> 1250.5, "4,25" -> 4.25, "12 500" -> 12500."""
    s = text.replace("\u202f", " ").replace("\u00a0", " ").strip()
    s = s.replace(" ", "")
    if not s:
        return None
    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        thousands = "." if dec == "," else ","
        s = s.replace(thousands, "").replace(dec, ".")
    elif "," in s or "." in s:
        sep = "," if "," in s else "."
        parts = s.split(sep)
        # One separator followed by exactly three digits groups thousands ("1.300 millones");
        # anything else is a decimal mark ("1,2 Mrd.", "532.9 millones").
        if len(parts) > 2 or (len(parts[-1]) == 3 and parts[0] != "0"):
            s = "".join(parts)
        else:
            s = ".".join(parts)
    try:
        return float(s)
    except ValueError:
        return None


def amounts(text: str, lex: Lexicon) -> list[tuple[re.Match[str], str, float, str]]:
    """Every money amount in `text`: (match, as written, value, currency code)."""
    out = []
    for m in lex.money.finditer(text):
        num = m.group("num") or m.group("num2")
        cur = (m.group("pre") or m.group("post") or m.group("post2") or "").lower()
        scale = (m.group("scale") or m.group("scale2") or "").lower().rstrip(".")
        worded = m.groupdict().get("worded")
        if worded:  # "a billion dollars": the phrase holds number and scale
            value: float | None = lex.worded.get(_SPACES.sub(" ", worded.lower()), None)
            scale = ""
        else:
            value = parse_number(num or "")
        if value is None or not cur:
            continue
        factor = lex.scales.get(scale, lex.scales.get(scale + ".", 1.0)) if scale else 1.0
        out.append(
            (
                m,
                _SPACES.sub(" ", m.group(0).strip()),
                value * factor,
                lex.currencies.get(cur, cur.upper()),
            )
        )
    return out


def normalize_round(raw: str) -> str:
    """ "série a" / "Serie B" / "series c" -> "Series A"; others capitalised."""
    raw = _SPACES.sub(" ", raw.strip())
    m = _ROUND_SERIES.match(raw)
    if m:
        return f"Series {m.group(1).upper()}{m.group(2)}"
    if raw.lower() in ("ipo", "opv"):
        return "IPO"
    return raw[:1].upper() + raw[1:].lower()


_RUN_ON = re.compile(r"\.(?=[A-Z])")


def captures(patterns: GatedSet | None, text: str, group: str) -> list[str]:
    """The `group` captures of `patterns` in `text`, tidied, once each, in pattern order."""
    found: list[str] = []
    if patterns is None:
        return found
    for _, matches in patterns.finditers(text, lowered(text)):
        for m in matches:
            name = m.groupdict().get(group)
            if name:
                # Feeds sometimes drop the space after a full stop: "Intel.Cette nouvelle".
                name = _RUN_ON.split(name)[0]
                found.append(name.strip(" .,'’"))
    return list(dict.fromkeys(found))


_VALUATION_AFTER = re.compile(
    r"\s*(?:pre-money |post-money )?(?:valuation|valorisation|Bewertung|valoración|bewertet\b)",
    re.I,
)


def funding_facts(text: str, lex: Lexicon, company: str | None) -> dict[str, Any]:
    """Amount, currency, round, valuation and lead investors, where the text states them."""
    facts: dict[str, Any] = {}
    valuation = lex.extract.get("valuation")
    valuation_cues = valuation.gated if valuation is not None else ()
    for m, written, value, currency in amounts(text, lex):
        before = text[max(0, m.start() - 45) : m.start()]
        after = text[m.end() : m.end() + 25]
        is_valuation = any(p.search(before) for p in valuation_cues) or bool(
            _VALUATION_AFTER.match(after)
        )
        if is_valuation:
            facts.setdefault("valuation", written)
        elif "amount" not in facts:
            facts["amount"] = written
            facts["amount_value"] = value
            facts["currency"] = currency
    rounds = captures(lex.extract.get("round"), text, "round")
    if rounds:
        facts["round"] = normalize_round(rounds[0])
    investors = [
        n
        for n in captures(lex.extract.get("investors"), text, "name")
        if company is None or n.lower() != company.lower()
    ]
    if investors:
        facts["investors"] = investors
    return facts


def _clean_person(name: str, lex: Lexicon) -> str:
    words = name.split()
    stop = lex.person_stop
    while words and words[-1].lower().strip("'’s") in stop:
        words.pop()
    while words and words[0].lower() in stop:
        words.pop(0)
    # "CTO Mira Murati", "AI CEO Emad Mostaque": a title before the name, captured with it.
    if lex.role is not None:
        for i in range(len(words) - 3, -1, -1):
            if lex.role.fullmatch(words[i]):
                words = words[i + 1 :]
                break
    return " ".join(words)


def looks_like_person(name: str, lex: Lexicon, is_company: Callable[[str], bool]) -> bool:
    """Capitalised given and family names: no company, role word or acronym ("OpenAI CTO")."""
    words = name.split()
    if len(words) < 2 or is_company(name):
        return False
    for i, w in enumerate(words):
        if w.lower() in _PARTICLES and 0 < i < len(words) - 1:
            continue
        if not w[:1].isupper() or (len(w) > 1 and w.isupper()):
            return False  # lower case, or an acronym: "CTO", "AI", "SAP"
        if not name_cased(w):
            return False  # inner capitals of a brand ("OpenAI", "DeepMind")
        if lex.role is not None and lex.role.fullmatch(w):
            return False
        if i < len(words) - 1 and is_company(w):
            # "Google Vogt" is no person; "Ashneer Grover" is one, though Grover is a company.
            return False
    return True


_NAME_PARTS = re.compile(r"[-'’]")
_MAC = re.compile(r"^Ma?c(?=[A-Z])")


def name_cased(word: str) -> bool:
    """Capitals only where names have them: "Jean-Pierre", "O'Neil", "McDonald"."""
    for part in _NAME_PARTS.split(word):
        part = _MAC.sub("", part)
        if any(c.isupper() for c in part[1:]):
            return False
    return True


def _role_in(name: str, lex: Lexicon) -> str | None:
    """The role word a rejected name capture holds ("OpenAI CTO" -> "CTO")."""
    if lex.role is None:
        return None
    return next((w for w in name.split() if lex.role.fullmatch(w)), None)


def departure_facts(text: str, lex: Lexicon, is_company: Callable[[str], bool]) -> dict[str, Any]:
    """The people who leave, their roles, and where they go."""
    people: dict[str, dict[str, str]] = {}
    roles: list[str] = []  # roles of leavers the text does not name ("OpenAI CTO resigns")
    people_patterns = lex.extract.get("people")
    found = people_patterns.finditers(text, lowered(text)) if people_patterns is not None else []
    for _, matches in found:
        for m in matches:
            gd = m.groupdict()
            name = _clean_person(gd.get("person") or "", lex)
            if not looks_like_person(name, lex, is_company):
                role = gd.get("role") or _role_in(gd.get("person") or "", lex)
                if role:
                    roles.append(_SPACES.sub(" ", role.strip()))
                continue
            entry = people.setdefault(name, {"name": name})
            role = gd.get("role")
            if role and "role" not in entry:
                entry["role"] = _SPACES.sub(" ", role.strip())
    # "Dick Costolo Steps Down" beside "Dick Costolo": a Title Case capture ran on.
    for n in list(people):
        short = next(
            (o for o in people if o != n and (n.startswith(o + " ") or n.endswith(" " + o))),
            None,
        )
        if short is not None:
            if "role" in people[n]:
                people[short].setdefault("role", people[n]["role"])
            del people[n]
    if len(people) > 1:
        # "CEO X said CTO Y is leaving": the one who announces is not the one who leaves.
        # A capture may run on from a name before it ("OpenAI CEO Sam Altman"): compare ends.
        speakers = [
            _clean_person(n, lex) for n in captures(lex.extract.get("announcer"), text, "person")
        ]
        leavers = {
            n: e
            for n, e in people.items()
            if not any(s == n or s.endswith(" " + n) for s in speakers)
        }
        if leavers:
            people = leavers
    facts: dict[str, Any] = {}
    if people:
        facts["people"] = list(people.values())
        dest = captures(lex.extract.get("to"), text, "name")
        dest = [d for d in dest if d not in people]
        if dest:
            facts["people"][0]["to"] = dest[0]
    elif roles:
        facts["people"] = [{"role": r} for r in dict.fromkeys(roles)]
    return facts


def dispute_facts(
    text: str,
    evidence: list[str],
    lex: Lexicon,
    primary: str | None,
    party: Callable[[str, Lexicon], str | None],
) -> dict[str, Any]:
    """The kind of dispute and the other side of it: the object or subject of its verb."""
    facts: dict[str, Any] = {}
    # The strongest evidence comes first; its kind is the dispute's kind.
    for phrase in evidence:
        kind = next((k for k, pattern in lex.kinds if pattern.search(phrase)), None)
        if kind:
            facts["kind"] = kind
            break
    # Every company the text names is not a party: an investor, a rival, the outlet cited.
    cited = set(captures(lex.extract.get("sources"), text, "name"))
    parties: list[str] = []
    for key in ("parties", "party_subject"):
        for raw in captures(lex.extract.get(key), text, "name"):
            if raw in cited or raw.lower() in lex.stopwords:
                continue
            n = party(raw, lex)
            if n is not None and n != primary and n not in parties:
                parties.append(n)
    if parties:
        facts["parties"] = parties
    return facts
