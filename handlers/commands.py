"""The /alerts command, platform-neutral: parse words, act on the store, answer with a Reply."""

from __future__ import annotations

import logging
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot import render
from bot.classifier import Classifier
from bot.companies import CompanyRegistry
from bot.config import parse_duration
from bot.feeds import AddError, add_source
from bot.fetch import Fetcher
from bot.models import BUILTIN_LABELS, Event
from bot.sources import SourceType
from bot.storage import Store, utcnow
from handlers.replies import Caller, Line, Reply, Section

log = logging.getLogger("handlers")

HELP = """\
*/alerts company NAME* — what happened at a company recently, by label
*/alerts subscribe NAME [departure|funding|dispute ...]* — alerts about NAME in this channel \
(all labels if none given; NAME `*` = every company)
*/alerts unsubscribe NAME* — stop them
*/alerts subscriptions* — this channel's subscriptions
*/alerts events [LABEL] [since 7d]* — recent events across companies
*/alerts feeds add URL | list | remove NAME* — manage sources (admins)
*/alerts help* — this text"""

MAX_LINES = 40  # per answer; adapters paginate within their own size limits


class UsageError(Exception):
    """The command's words are off; the message tells the user how to say it."""


@dataclass
class CommandService:
    """Every /alerts subcommand; adapters turn platform input into calls and Replies into UI."""

    store: Store
    registry: CompanyRegistry
    classifier: Classifier
    fetcher: Fetcher
    source_types: dict[str, SourceType]
    custom_labels: Sequence[str] = ()
    on_sources_changed: Callable[[], None] = lambda: None
    _aliases: dict[str, str] = field(default_factory=lambda: {
        "sub": "subscribe", "unsub": "unsubscribe", "subs": "subscriptions",
        "feed": "feeds", "event": "events", "co": "company"})

    @property
    def labels(self) -> list[str]:
        """Every label a subscription may name."""
        return [*BUILTIN_LABELS, *[c for c in self.custom_labels if c not in BUILTIN_LABELS]]

    async def run(self, caller: Caller, text: str) -> Reply:
        """Parse the words after /alerts and run the subcommand; errors become a Reply."""
        try:
            words = split_words(text)
        except UsageError as e:
            return Reply(str(e), ok=False)
        if not words:
            return self.help()
        cmd, args = self._aliases.get(words[0].lower(), words[0].lower()), words[1:]
        try:
            if cmd == "help":
                return self.help()
            if cmd == "company":
                return await self.company(caller, _need(args, "company NAME", join=True))
            if cmd == "subscribe":
                name, labels = self._name_and_labels(args)
                return await self.subscribe(caller, name, labels)
            if cmd == "unsubscribe":
                return await self.unsubscribe(caller, _need(args, "unsubscribe NAME", join=True))
            if cmd == "subscriptions":
                return await self.subscriptions(caller)
            if cmd == "events":
                label, since = self._label_and_since(args)
                return await self.events(caller, label, since)
            if cmd == "feeds":
                action = args[0].lower() if args else "list"
                if action == "add":
                    return await self.feeds_add(caller, _need(args[1:], "feeds add URL"))
                if action == "list":
                    return await self.feeds_list(caller)
                if action in ("remove", "rm", "delete"):
                    return await self.feeds_remove(
                        caller, _need(args[1:], "feeds remove NAME", join=True))
                raise UsageError("usage: /alerts feeds add URL | list | remove NAME")
            raise UsageError(f"unknown command {words[0]!r}. Try /alerts help")
        except UsageError as e:
            return Reply(str(e), ok=False)
        except Exception:  # the user gets a short message, the log the traceback
            log.exception("command failed", extra={"channel": caller.channel})
            return Reply("Sorry, something went wrong running that command; it was logged.",
                         ok=False)

    def help(self) -> Reply:
        """The list of subcommands."""
        return Reply("How to use /alerts", [Section("Commands", tuple(
            Line(line) for line in HELP.splitlines()))])

    # ---- companies and events ---------------------------------------------------------

    def resolve_company(self, query: str) -> str | None:
        """The canonical name for what the user typed (case, spacing and typos forgiven)."""
        found = self.registry.resolve(query)
        return found.name if found else None

    def complete_company(self, prefix: str, limit: int = 25) -> list[str]:
        """Company names for autocomplete: prefix matches first, then close names."""
        p = prefix.strip().lower()
        names = self.registry.names()
        if not p:
            return names[:limit]
        starts = [n for n in names if n.lower().startswith(p)]
        inside = [n for n in names if p in n.lower() and n not in starts]
        out = starts + inside
        if len(out) < limit:
            out += [n for n in self.registry.suggest(prefix, limit) if n not in out]
        return out[:limit]

    async def company(self, caller: Caller, query: str, limit: int = MAX_LINES) -> Reply:
        """Recent events of one company, newest first, grouped by label."""
        name = self.resolve_company(query)
        events = await self.store.recent_events(company=name or query, limit=limit)
        if name is None and not events:
            close = self.registry.suggest(query, 5)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            return Reply(f"No company matches {query!r}.{hint}", ok=False)
        name = name or (events[0].companies[0] if events and events[0].companies else query)
        if not events:
            return Reply(f"Nothing recorded about {name} yet. "
                         f"`/alerts subscribe {_quote(name)}` to be told when it happens.")
        sections = []
        for label in self.labels:
            lines = tuple(event_line(e) for e in events if label in e.labels)
            if lines:
                sections.append(Section(render.label_names([label]), lines))
        return Reply(f"Recent events at {name} ({len(events)})", sections)

    async def events(self, caller: Caller, label: str | None = None,
                     since: float = 7 * 86400.0, limit: int = MAX_LINES) -> Reply:
        """Recent events across companies, optionally of one label."""
        since = min(since, 36500 * 86400.0)  # "all" is infinite; a century is plenty
        got = await self.store.recent_events(label=label, since=utcnow() - timedelta(
            seconds=since), limit=limit + 1)
        more = max(0, len(got) - limit)
        got = got[:limit]
        what = f"{label.capitalize()} events" if label else "Events"
        span = _span(since)
        if not got:
            return Reply(f"No {what.lower()} in the last {span}.")
        lines = tuple(event_line(e, with_company=True) for e in got)
        return Reply(f"{what} in the last {span}", [Section(what, lines)], more=more)

    # ---- subscriptions ----------------------------------------------------------------

    async def subscribe(self, caller: Caller, query: str, labels: Sequence[str] = (),
                        options: dict[str, Any] | None = None) -> Reply:
        """This channel gets alerts about a company (or "*"); unknown companies are added."""
        labels = list(dict.fromkeys(labels)) or list(self.labels)
        bad = [lab for lab in labels if lab not in self.labels]
        if bad:
            raise UsageError(f"unknown label {bad[0]!r}: expected {', '.join(self.labels)}")
        note = ""
        if query.strip() == "*":
            name = "*"
        else:
            resolved = self.resolve_company(query)
            if resolved is None:
                name = " ".join(query.split())
                self.registry.add(name)
                self.classifier.add_company(name)
                await self.store.add_company(name, origin="chat")
                note = (f" {name} was not in the registry: added, so its news starts "
                        "matching now.")
            else:
                name = resolved
        sub, created = await self.store.subscribe(caller.platform, caller.channel, name, labels,
                                                  options, "chat", caller.user)
        self.on_sources_changed()  # a subscribed company may bring its own search sources
        who = "every company" if name == "*" else name
        verb = "Subscribed" if created else "Updated: subscribed"
        return Reply(f"{verb} this channel to {', '.join(sub.labels)} alerts about {who}.{note}",
                     ephemeral=False)

    async def unsubscribe(self, caller: Caller, query: str) -> Reply:
        """Stop a channel's alerts about a company."""
        name = "*" if query.strip() == "*" else (self.resolve_company(query) or query.strip())
        if await self.store.unsubscribe(caller.platform, caller.channel, name):
            self.on_sources_changed()
            return Reply(f"Unsubscribed this channel from {name}.", ephemeral=False)
        subs = await self.store.subscriptions(caller.platform, caller.channel)
        names = ", ".join(s.company for s in subs) or "none"
        return Reply(f"This channel is not subscribed to {name!r} (its subscriptions: {names}).",
                     ok=False)

    async def subscriptions(self, caller: Caller) -> Reply:
        """This channel's subscriptions, with labels and any delivery problem."""
        subs = await self.store.subscriptions(caller.platform, caller.channel)
        if not subs:
            return Reply("This channel has no subscriptions. Try `/alerts subscribe NAME`.")
        lines = []
        for s in subs:
            text = f"{'every company' if s.company == '*' else s.company}: {', '.join(s.labels)}"
            if s.options.get("role_id"):
                text += f" (pings role {s.options['role_id']})"
            if s.origin == "config":
                text += " (from the config file)"
            if s.status != "active":
                text += f" ⚠ paused: {s.last_error or s.status}"
            lines.append(Line(text))
        return Reply(f"This channel's subscriptions ({len(subs)})",
                     [Section("Subscriptions", tuple(lines))])

    # ---- feeds (admins) ---------------------------------------------------------------

    def _admin(self, caller: Caller) -> Reply | None:
        if caller.is_admin:
            return None
        return Reply("Sorry, only workspace admins (or users listed as bot admins) can manage "
                     "feeds. Subscribing channels is open to everyone.", ok=False)

    async def feeds_add(self, caller: Caller, url: str) -> Reply:
        """Fetch a URL once and, if it is a source we can read, start polling it."""
        if (refused := self._admin(caller)) is not None:
            return refused
        try:
            row, pv = await add_source(self.store, self.fetcher, self.source_types, url,
                                       origin="chat", allow_local=False)
        except AddError as e:
            return Reply(f"Not added: {e}", ok=False)
        self.on_sources_changed()
        found = f"{pv.items} items" if pv else "not checked"
        return Reply(f"Added {row.name!r} ({row.type}, {found}). New items will be alerted "
                     "from the next poll on.", ephemeral=False)

    async def feeds_list(self, caller: Caller) -> Reply:
        """Every source with its status."""
        if (refused := self._admin(caller)) is not None:
            return refused
        rows = await self.store.list_sources()
        if not rows:
            return Reply("No sources yet. `/alerts feeds add URL` adds one.")
        lines = []
        for s in rows:
            status = ("disabled" if not s.enabled else
                      f"failing ×{s.error_count}" if s.error_count else
                      "ok" if s.last_success_at else "new")
            text = f"{s.name} ({s.type}, {status}, {s.item_count} items)"
            if s.last_error:
                text += f" — last error: {render.trim(s.last_error, 200)}"
            lines.append(Line(text, link=s.url if s.url.startswith("http") else None))
        return Reply(f"Sources ({len(rows)})", [Section("Sources", tuple(lines[:MAX_LINES]))],
                     more=max(0, len(lines) - MAX_LINES))

    async def feeds_remove(self, caller: Caller, name: str) -> Reply:
        """Stop polling a source added at run time."""
        if (refused := self._admin(caller)) is not None:
            return refused
        src = await self.store.get_source(name)
        if src is None:
            return Reply(f"No source named {name!r}. `/alerts feeds list` shows them.", ok=False)
        if src.origin == "config":
            return Reply(f"{src.name!r} comes from the config file; remove it there.", ok=False)
        await self.store.remove_source(src.name)
        self.on_sources_changed()
        return Reply(f"Removed {src.name!r}.", ephemeral=False)

    # ---- parsing ----------------------------------------------------------------------

    def _name_and_labels(self, args: list[str]) -> tuple[str, list[str]]:
        labels: list[str] = []
        rest = list(args)
        while rest and rest[-1].lower() in self.labels:
            labels.insert(0, rest.pop().lower())
        if not rest:
            raise UsageError("usage: /alerts subscribe NAME [departure|funding|dispute ...]")
        return " ".join(rest), labels

    def _label_and_since(self, args: list[str]) -> tuple[str | None, float]:
        label, since = None, 7 * 86400.0
        i = 0
        while i < len(args):
            w = args[i].lower()
            if w in self.labels:
                label = w
            elif w == "since" and i + 1 < len(args):
                since = _duration(args[i + 1])
                i += 1
            else:
                since = _duration(w)
            i += 1
        return label, since


def event_line(e: Event, with_company: bool = False) -> Line:
    """One event as an answer row: date, title, link and facts."""
    text = e.title
    if with_company and e.companies:
        text = f"[{render.label_names(e.labels)}] {', '.join(e.companies)}: {e.title}"
    return Line(text, link=e.link or None, date=e.published or e.created_at,
                facts=tuple(render.facts(e)))


def split_words(text: str) -> list[str]:
    """Shell-like words; curly quotes (phones and Slack love them) count as quotes."""
    text = (text or "").replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    try:
        return shlex.split(text)
    except ValueError:
        raise UsageError("unbalanced quotes in the command") from None


def _need(args: list[str], usage: str, join: bool = False) -> str:
    if not args:
        raise UsageError(f"usage: /alerts {usage}")
    return " ".join(args) if join else args[0]


def _duration(word: str) -> float:
    try:
        return parse_duration(word)
    except ValueError:
        raise UsageError(f"{word!r} is not a duration like 24h, 7d or 2w") from None


def _span(seconds: float) -> str:
    if seconds % 86400 == 0:
        n = int(seconds // 86400)
        return f"{n} day{'s' if n != 1 else ''}"
    if seconds % 3600 == 0:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 60)} min"


def _quote(name: str) -> str:
    return f'"{name}"' if " " in name else name
