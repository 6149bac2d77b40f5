"""Generated company-search sources: Google News RSS, HN search and Bluesky post search."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from bot.sources.bluesky import search_url as bluesky_search_url
from bot.sources.hackernews import search_url as hn_search_url

#: The `search` kinds a company (or [polling] search) may list.
KINDS = ("news", "hackernews", "bluesky")


def google_news_url(company: str, lang: str = "en", region: str = "US") -> str:
    """Google News RSS search for the exact company name in one language and region."""
    lang, region = lang.lower(), region.upper()
    # English editions are per country (en-US, en-GB); others go by language alone.
    hl = f"{lang}-{region}" if lang == "en" else lang
    q = quote(f'"{company}"', safe="")
    return (f"https://news.google.com/rss/search?q={q}&hl={hl}&gl={region}"
            f"&ceid={region}:{lang}")


def search_sources(company: str, kinds: Sequence[str],
                   langs: Sequence[tuple[str, str]] = (("en", "US"),),
                   ) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(name, url, type, settings) of the search sources for one company."""
    company = " ".join(company.split())
    if not company:
        raise ValueError("company name is empty")
    out: list[tuple[str, str, str, dict[str, Any]]] = []
    for kind in dict.fromkeys(kinds):
        base: dict[str, Any] = {"search": kind, "company": company}
        if kind == "news":
            for lang, region in dict.fromkeys(langs):
                tag = f"{lang.lower()}-{region.upper()}"
                out.append((f"News search: {company} ({tag})",
                            google_news_url(company, lang, region), "feed",
                            {**base, "lang": lang.lower()}))
        elif kind == "hackernews":
            out.append((f"HN search: {company}", hn_search_url(company), "hackernews", base))
        elif kind == "bluesky":
            # Quoted: a phrase search, so "Stability AI" does not match every "AI" post.
            out.append((f"Bluesky search: {company}", bluesky_search_url(f'"{company}"'),
                        "bluesky", base))
        else:
            raise ValueError(f"unknown search kind {kind!r} (expected one of "
                             f"{', '.join(KINDS)})")
    return out
