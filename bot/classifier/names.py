"""Company names the registry does not know, recognised from how each language introduces them."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

# The capitals a name may open with: digits ("23andMe") and the Latin-1 capitals, accents
# included ("Álvarez", "Øresund"). Not beyond Latin-1 ("Ÿnsect"): a character class
# reaching past U+00FF is no longer a 256-bit table, and these classes are tried at every
# position of every text (2% of the classifier's time).
CAPITALS = "A-Z0-9ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝ"

# A company-like name: 1-4 capitalised tokens, optionally joined by "of", "in", "de", "&".
# Each word opens with its capital, outside any group: the regex engine then skips positions
# where no capital stands instead of entering the pattern at each ("(?<=[A-Z])": a lone
# capital letter is a word, "A" in "Planet A Foods", a lone digit is not).
# The rest of a word is written as runs of letters joined by "'", ".", "-" ("O'Neil",
# "Stability.ai", "X-Men"), ending with a letter: the same words as "[\w&'’.+\-]*[\w&+]",
# with possessive runs the engine need not take apart letter by letter. A name does not
# begin inside a word ("n8n" is not "8n").
_CO_REST = r"(?:[\w&+]++(?:['’.\-]+[\w&+]++)*|(?:['’.\-]+[\w&+]++)+|(?<=[A-Z]))"
CO_BODY = (
    rf"(?-i:[{CAPITALS}](?<!\w.){_CO_REST}"
    rf"(?:\s(?:(?:of|in|de|&)\s)?[{CAPITALS}]{_CO_REST}){{0,3}})"
)
_SUFFIX = re.compile(
    r"(?:\s+(?:Inc|Inc\.|LLC|LCC|Ltd|Ltd\.|Corp|Corp\.|GmbH|AG|SE|SA|S\.A\.|SAS|SL|plc)|\.com)$"
)
POSSESSIVE = re.compile(r"['’]s?$")  # "Apple's", "Apples'": a possessive ending
_ELISION = re.compile(r"[LlDd]['’](?=\w)")


@dataclass(frozen=True)
class NameLists:
    """Capitalised words that are not companies: first names, places, media, generic words."""

    first_names: frozenset[str]
    places: frozenset[str]
    media: frozenset[str]
    generic: frozenset[str]
    public_bodies: frozenset[str] = frozenset()
    noun_endings: tuple[str, ...] = ()
    head_endings: tuple[str, ...] = ()
    body_words: frozenset[str] = frozenset()
    body_heads: frozenset[str] = frozenset()
    known_people: frozenset[str] = frozenset()
    openers: frozenset[str] = frozenset()  # no name alone, but may open one ("Under Armour")
    link_hosts: frozenset[str] = frozenset()  # "(x.com)": where a post is hosted


@cache
def name_lists() -> NameLists:
    """The shared lists in data/names.toml (read once)."""
    text = resources.files("bot.classifier").joinpath("data/names.toml").read_text("utf-8")
    data = tomllib.loads(text)

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in data.get(key, []))

    return NameLists(
        words("first_names"),
        words("places"),
        words("media"),
        words("generic") | words("indexes"),
        words("public_bodies"),
        tuple(sorted(words("noun_endings"))),
        tuple(sorted(words("head_endings"))),
        words("body_words"),
        words("body_heads"),
        words("known_people"),
        words("openers"),
        words("link_hosts"),
    )


_CONTRACTION = re.compile(r"['’](?:ve|re|ll|d|m)$|n['’]t$", re.I)
_MODIFIER = re.compile(r"\w-[a-zà-ÿ]")  # "Twitter-backed", "Meta-owned": a modifier, not a name
_ROLE_TAIL = re.compile(
    r"-(?:(?:Co|Ko|Vize|Ex)-)?(?:CEO|Chef\w*|(?:Mit)?[Gg]ründer\w*|Deal|Mutter\w*|Tochter\w*|\w*[Ss]parte)$"
)
ROLE_PREFIXES = frozenset({"co", "ko", "vize", "ex"})  # "Co-CEO", "Vize-Chef": no name


_WORDS = re.compile(r"[^\W\d_]+")


def names_a_body(text: str, lists: NameLists) -> bool:
    """Whether `text` names a public, academic or sports body by one of its words ("Harvard
    president", "Fraunhofer-Präsident", "la Federación Española")."""
    words = _WORDS.findall(text.lower())
    return not lists.body_heads.isdisjoint(words) or not lists.public_bodies.isdisjoint(words)


def _given(word: str, lists: NameLists) -> bool:
    """A given name, also a compound one ("Jean-Charles", "François-Henri")."""
    low = word.lower()
    return low in lists.first_names or low.split("-", 1)[0] in lists.first_names


def is_outlet(name: str, lists: NameLists) -> bool:
    """A news outlet's name, with or without "The" ("The New York Times", "Reuters")."""
    return " ".join(name.strip(" .,;:").lower().split()).removeprefix("the ") in lists.media


def clean_name(raw: str, stop: frozenset[str], lists: NameLists) -> str | None:
    """`raw` as a company name, or None when it is a person, place, outlet or common word."""
    words = raw.strip(" .,;:!?\"'’“”«»()").split()
    # "Israel's Tower", "Elon Musk's Twitter": the name is what the possessive owns.
    for i in range(len(words) - 1, 0, -1):
        if POSSESSIVE.search(words[i - 1]) and not words[i - 1].endswith("s'"):
            words = words[i:]
            break
    if words and (elided := _ELISION.match(words[0])):
        # "L'assurtech Alan", "L'AFP": the article is no part of the name, nor is a
        # lower-case noun it introduces; "L'Oréal", "D'Ieteren" keep theirs.
        rest = words[0][elided.end() :]
        if rest[:1].islower():
            words = words[1:]
        elif rest.isupper():
            words = [rest, *words[1:]]
    if not words:
        return None
    lows = [w.lower() for w in words]
    if is_outlet(" ".join(words), lists):
        return None  # "New York Times": an outlet, before "New" could be cut off as a word
    if not lists.body_heads.isdisjoint(lows) or not lists.body_words.isdisjoint(lows[1:]):
        return None  # "Pakistan Cricket Board", "Fundación Bankinter": not a company
    words[-1] = POSSESSIVE.sub("", words[-1])
    for i, w in enumerate(words):
        bare = _ROLE_TAIL.sub("", w)
        if bare != w:
            # "Porsche-Chef Oliver Blume": the company ends where its role word does;
            # "Co-CEO" names no company.
            words = [*words[:i], bare] if bare and bare.lower() not in ROLE_PREFIXES else words[:i]
            break

    def common(w: str) -> bool:
        low = w.lower()
        return (
            low in lists.generic
            or low in stop
            or low in lists.places
            or low in lists.public_bodies
            or low.endswith(lists.noun_endings)
        )

    # "Meet Justos", "Ousted Flexport", "Apple CEO", "OpenAI Lead Defects": headline words
    # around a name are not part of it.
    # "Ex-Google-Manager", "ex-Meta": a former employee, not a name.
    while words and words[0].lower().startswith("ex-"):
        words.pop(0)
    while words and common(words[0]):
        if (
            len(words) == 2
            and words[0].lower() in lists.places
            and not common(words[1])
            and words[1][:1].isupper()
        ):
            break  # "France Digitale", "China Mobile": a place can open a name
        words.pop(0)
    if len(words) >= 2 and _given(words[0], lists) and words[1][:1].isupper():
        return None  # "Elon Musk", "Ludovic Le Moan": a person, before "Le" could cut it short
    # "Lieferdienst Brumbly": a German noun heading a name is what it is, not what it is called.
    # The head noun may follow an adjective: "Österreichischer Leuchtenhersteller Zumtobel".
    heads = [i for i, w in enumerate(words[:-1]) if w.lower().endswith(lists.head_endings)]
    if heads:
        words = words[heads[-1] + 1 :]
    last = words[-1].lower() if words else ""
    if last.endswith(lists.head_endings) and (len(words) > 1 or last not in lists.head_endings):
        return None  # "Der Berliner Lieferdienst", "Das Münchner KI-Unternehmen": a description
    for i in range(1, len(words)):
        if words[i] == "A" and i + 1 < len(words) and words[i + 1][:1].isupper():
            continue  # "Planet A Foods": a capital letter inside a name, not the article
        if words[i] == "AI" and i == len(words) - 1:
            continue  # "Silo AI", "Olive AI": the name's last word, not the topic
        if (
            words[i] in ("of", "de")  # not "in": "Gorillas in Dortmund" names a place
            and i + 1 < len(words)
            and words[i + 1][:1].isupper()
            and not common(words[i + 1])
        ):
            continue  # "Bank of America", "Banco de Sabadell"; not "Glovo de España"
        if words[i] in ("of", "in", "de") and i + 1 < len(words) and common(words[i + 1]):
            words = words[:i]  # "Glovo de España", "Flink in Berlin": the place is not the name
            break
        if words[i].lower() in lists.generic or (
            words[i] not in ("of", "in", "de", "&") and words[i].lower() in stop
        ):
            # "Dorsey To Be Interim": a Title Case headline capitalises its function words too.
            words = words[:i]
            break
    while words and words[-1] in ("of", "in", "de", "&"):  # "Apple in court"
        words.pop()
    if not words or len(words) > 4 or not any(c.isalpha() for c in words[0]):
        return None
    if words[-1].isdigit() and any(w in ("de", "of") for w in words):
        return None  # "Serie C de 120 millones": a round and its amount
    if any(_CONTRACTION.search(w) or _MODIFIER.search(w) for w in words):
        return None
    name = _SUFFIX.sub("", " ".join(words)).strip()
    low = name.lower()
    if len(name) < 2 or low in lists.media or low in lists.places or common(name):
        return None
    if len(words) >= 2 and _given(words[0], lists):
        return None  # "Elon Musk", "Garry Tan"
    if low in lists.known_people:
        return None  # "Musk", "Scholz": a person named by the family name alone
    if len(words) == 1 and low in lists.openers:
        return None  # "Another co-founder leaves", "Just got laid off": no name alone
    return name


def overlaps(a: str, b: str) -> bool:
    """One name is the other's first or last words ("ForeVR" / "ForeVR Games")."""
    wa, wb = a.lower().split(), b.lower().split()
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    n = len(short)
    return long_[:n] == short or long_[-n:] == short
