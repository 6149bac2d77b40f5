"""OPML import and export: how people move feed lists between readers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import quoteattr


class OPMLError(Exception):
    """The file is not OPML we can read."""


@dataclass(frozen=True, slots=True)
class Outline:
    """One feed of an OPML file."""

    name: str
    url: str
    category: str = ""


def parse_opml(text: str | bytes) -> list[Outline]:
    """Every outline with an xmlUrl, nested categories flattened into `category`."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        raise OPMLError(f"not valid XML: {e}") from None
    if root.tag.lower() != "opml":
        raise OPMLError(f"expected an <opml> document, got <{root.tag}>")
    body = root.find("body")
    if body is None:
        raise OPMLError("no <body> in OPML")
    out: list[Outline] = []

    def walk(node: ET.Element, path: list[str]) -> None:
        for child in node.findall("outline"):
            url = child.get("xmlUrl") or child.get("xmlurl")
            name = child.get("title") or child.get("text") or url or ""
            if url:
                out.append(Outline(name.strip() or url, url.strip(), "/".join(path)))
            walk(child, [*path, name] if not url else path)

    walk(body, [])
    return out


def render_opml(outlines: list[Outline], title: str = "alertbot sources") -> str:
    """An OPML 2.0 document, grouped by category."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">', "  <head>",
             f"    <title>{_esc(title)}</title>",
             f"    <dateCreated>{datetime.now(UTC).strftime('%a, %d %b %Y %H:%M:%S GMT')}"
             "</dateCreated>", "  </head>", "  <body>"]
    groups: dict[str, list[Outline]] = {}
    for o in outlines:
        groups.setdefault(o.category, []).append(o)
    for cat, items in groups.items():
        indent = "    "
        if cat:
            lines.append(f"    <outline text={quoteattr(cat)} title={quoteattr(cat)}>")
            indent = "      "
        for o in items:
            lines.append(f"{indent}<outline type=\"rss\" text={quoteattr(o.name)} "
                         f"title={quoteattr(o.name)} xmlUrl={quoteattr(o.url)}/>")
        if cat:
            lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
