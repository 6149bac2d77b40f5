"""The company registry: canonical names with aliases, former names, tickers, handles, domains."""

from __future__ import annotations

import difflib
import re
import threading
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """A case-, accent-, spacing- and punctuation-free key ("Stability-AI " -> "stabilityai")."""
    if text.isascii():  # most names: no accents to strip, and casefold() is lower()
        return _NON_ALNUM.sub("", text.lower().replace("&", "and"))
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub("", stripped.replace("&", "and"))


@dataclass(frozen=True, slots=True)
class Company:
    """One company and every way text refers to it."""

    name: str
    aliases: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    tickers: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()  # social handles, without "@"
    domains: tuple[str, ...] = ()
    # The name is also an ordinary word ("Mistral", "Scale"): match it only with its exact
    # casing and, at the start of a sentence, with one of `context` nearby.
    ambiguous: bool = False
    context: tuple[str, ...] = ()  # words that show the ambiguous name means the company
    parent: str | None = None
    # Products whose name alone points at the company ("ChatGPT" is OpenAI's news), matched
    # only with their exact casing; kept apart from aliases because they are not its name.
    products: tuple[str, ...] = ()

    def surface_names(self) -> tuple[str, ...]:
        """Every written name: canonical name, aliases and former names."""
        return (self.name, *self.aliases, *self.former_names)


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def company_from_dict(data: dict[str, Any]) -> Company:
    """A Company from one TOML table (unknown keys are an error: they are typos)."""
    known = {
        "name",
        "aliases",
        "former_names",
        "tickers",
        "handles",
        "domains",
        "ambiguous",
        "context",
        "parent",
        "products",
    }
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"company {data.get('name')!r}: unknown keys {sorted(unknown)}")
    return Company(
        name=str(data["name"]),
        aliases=_tuple(data.get("aliases")),
        former_names=_tuple(data.get("former_names")),
        tickers=_tuple(data.get("tickers")),
        handles=tuple(h.lstrip("@") for h in _tuple(data.get("handles"))),
        domains=_tuple(data.get("domains")),
        ambiguous=bool(data.get("ambiguous", False)),
        context=_tuple(data.get("context")),
        parent=data.get("parent"),
        products=_tuple(data.get("products")),
    )


@dataclass
class CompanyRegistry:
    """Companies by canonical name; lookups forgive case, spacing, punctuation and typos."""

    _companies: dict[str, Company] = field(default_factory=dict)  # normalized name -> company
    _keys: dict[str, str] = field(default_factory=dict)  # normalized surface form -> name key
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    version: int = 0  # bumped on every change, so matchers know to rebuild

    @classmethod
    def bundled(cls) -> CompanyRegistry:
        """The registry shipped with the bot (bot/companies/data/companies.toml)."""
        text = resources.files("bot.companies").joinpath("data/companies.toml").read_text("utf-8")
        return cls.from_toml(text)

    @classmethod
    def from_toml(cls, text: str) -> CompanyRegistry:
        """A registry from TOML text with a `company` array of tables."""
        data = tomllib.loads(text)
        reg = cls()
        for entry in data.get("company", []):
            reg.put(company_from_dict(entry))
        return reg

    @classmethod
    def of(cls, companies: Iterable[Company]) -> CompanyRegistry:
        """A registry holding exactly these companies."""
        reg = cls()
        for c in companies:
            reg.put(c)
        return reg

    def put(self, company: Company) -> Company:
        """Add or replace a company (merging with an entry of the same name)."""
        with self._lock:
            key = normalize(company.name)
            old = self._companies.get(key)
            if old is not None:
                company = _merge(old, company)
            self._companies[key] = company
            for form in (
                *company.surface_names(),
                *company.tickers,
                *company.handles,
                *company.domains,
                *company.products,
            ):
                nf = normalize(form)
                # Never let an alias steal another company's canonical name.
                if nf and (nf not in self._companies or nf == key):
                    self._keys.setdefault(nf, key)
            self._keys[key] = key
            self.version += 1
            return company

    def add(self, name: str, aliases: Sequence[str] = ()) -> Company:
        """Add a company at run time (or extend a known one with more aliases)."""
        known = self.get(name)
        if known is not None:
            return self.put(Company(name=known.name, aliases=tuple(aliases)))
        return self.put(Company(name=name.strip(), aliases=tuple(a.strip() for a in aliases)))

    def get(self, name: str) -> Company | None:
        """The company whose name, alias, former name, ticker, handle or domain is `name`."""
        key = self._keys.get(normalize(name))
        return self._companies.get(key) if key else None

    def resolve(self, query: str) -> Company | None:
        """Like get(), but also forgives a small typo ("stabilty" -> Stability AI)."""
        found = self.get(query)
        if found is not None:
            return found
        nq = normalize(query)
        if len(nq) < 4:
            return None
        close = difflib.get_close_matches(nq, list(self._keys), n=1, cutoff=0.84)
        if close:
            return self._companies[self._keys[close[0]]]
        # "stabilty" should find "stabilityai": compare with each key's prefix of the same length.
        best: tuple[float, str] | None = None
        for k in self._keys:
            if len(k) > len(nq):
                r = difflib.SequenceMatcher(None, nq, k[: len(nq) + 1]).ratio()
                if r >= 0.88 and (best is None or r > best[0]):
                    best = (r, k)
        return self._companies[self._keys[best[1]]] if best else None

    def suggest(self, query: str, n: int = 5) -> list[str]:
        """Up to n canonical names close to `query`, best first."""
        nq = normalize(query)
        if not nq:
            return []
        scored: dict[str, float] = {}
        for k, name_key in self._keys.items():
            r = difflib.SequenceMatcher(None, nq, k).ratio()
            if k.startswith(nq):
                r = max(r, 0.9)
            name = self._companies[name_key].name
            if r >= 0.5 and r > scored.get(name, 0.0):
                scored[name] = r
        return [name for name, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))][:n]

    def names(self) -> list[str]:
        """Canonical names, sorted."""
        return sorted(c.name for c in self._companies.values())

    def companies(self) -> list[Company]:
        """Every company, in insertion order."""
        return list(self._companies.values())

    def __len__(self) -> int:
        return len(self._companies)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None


def _merge(old: Company, new: Company) -> Company:
    def union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*a, *b)))

    return Company(
        name=old.name,
        aliases=union(old.aliases, new.aliases),
        former_names=union(old.former_names, new.former_names),
        tickers=union(old.tickers, new.tickers),
        handles=union(old.handles, new.handles),
        domains=union(old.domains, new.domains),
        ambiguous=old.ambiguous or new.ambiguous,
        context=union(old.context, new.context),
        parent=old.parent or new.parent,
        products=union(old.products, new.products),
    )
