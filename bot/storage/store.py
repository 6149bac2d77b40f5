"""Storage through SQLAlchemy Core (SQLite or PostgreSQL): sources, items, events, outbox."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.models import Classification, Delivery, Event, Item, Link
from bot.storage import schema as t
from bot.stories import same_story

log = logging.getLogger(__name__)

_TRACKING = re.compile(r"^(utm_|fbclid$|gclid$|mc_|ref$|ref_src$|cmpid$|ncid$|guccounter$)")


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def as_utc(dt: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: they were written as UTC."""
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def url_key(link: str) -> str | None:
    """A canonical form of an article link, so one article from two feeds is one item."""
    if not link:
        return None
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.").removeprefix("m.")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _TRACKING.match(k.lower())]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https", host, path, urlencode(sorted(query)), ""))


@dataclass(slots=True)
class SourceRow:
    """A source as stored, with its polling state."""

    id: int
    name: str
    type: str
    url: str
    origin: str
    settings: dict[str, Any]
    interval_s: float | None
    enabled: bool
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    cursor: str | None = None
    title: str | None = None
    next_check_at: datetime | None = None
    last_checked_at: datetime | None = None
    last_success_at: datetime | None = None
    error_count: int = 0
    last_error: str | None = None
    first_poll_done: bool = False
    item_count: int = 0


@dataclass(slots=True)
class Subscription:
    """A channel's standing interest in a company (or "*") and some labels."""

    id: int
    platform: str
    channel: str
    company: str
    labels: list[str]
    options: dict[str, Any] = field(default_factory=dict)
    origin: str = "chat"
    status: str = "active"
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What one save did: new items stored, events created, alerts queued, merged duplicates."""

    items: int = 0
    events: int = 0
    alerts: int = 0
    merged: int = 0


@dataclass(frozen=True, slots=True)
class NewItem:
    """A new item with its classification and whether it may alert (first-poll backfill)."""

    item: Item
    classification: Classification
    may_alert: bool = True


def _source(row: sa.Row[Any]) -> SourceRow:
    m = row._mapping
    return SourceRow(
        id=m["id"], name=m["name"], type=m["type"], url=m["url"], origin=m["origin"],
        settings=dict(m["settings"] or {}), interval_s=m["interval_s"], enabled=bool(m["enabled"]),
        etag=m["etag"], last_modified=m["last_modified"], body_hash=m["body_hash"],
        cursor=m["cursor"], title=m["title"], next_check_at=as_utc(m["next_check_at"]),
        last_checked_at=as_utc(m["last_checked_at"]),
        last_success_at=as_utc(m["last_success_at"]), error_count=m["error_count"],
        last_error=m["last_error"], first_poll_done=bool(m["first_poll_done"]),
        item_count=int(m.get("item_count") or 0),
    )


def _subscription(row: sa.Row[Any]) -> Subscription:
    m = row._mapping
    return Subscription(
        id=m["id"], platform=m["platform"], channel=m["channel"], company=m["company"],
        labels=list(m["labels"] or []), options=dict(m["options"] or {}), origin=m["origin"],
        status=m["status"], last_error=m["last_error"],
    )


class Store:
    """All reads and writes of the bot's state; one instance per process."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        # Unchanged polls only move a source's clock: they are written in batches.
        self._checked: dict[int, dict[str, Any]] = {}
        self._flush_task: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, url: str, migrate: bool = True, schema: str = "") -> Store:
        """Connect (creating the SQLite file's folder) and apply migrations."""
        if url.startswith("sqlite"):
            path = url.split(":///", 1)[-1]
            if path and path != ":memory:":
                Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_async_engine(url, connect_args={"timeout": 30})

            @sa.event.listens_for(engine.sync_engine, "connect")
            def _pragmas(dbapi_conn: Any, _record: Any) -> None:
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.close()
        else:
            args: dict[str, Any] = {}
            if schema:  # one database, many installations (or test runs), each in a schema
                args["server_settings"] = {"search_path": schema}
            engine = create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True,
                                         connect_args=args)
            if schema:
                async with engine.begin() as conn:
                    await conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        store = cls(engine)
        if migrate:
            await store.migrate()
        return store

    async def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        from alembic import command
        from alembic.config import Config as AlembicConfig

        def upgrade(sync_conn: sa.Connection) -> None:
            cfg = AlembicConfig()
            cfg.set_main_option("script_location", "bot.storage:migrations")
            cfg.attributes["connection"] = sync_conn
            command.upgrade(cfg, "head")

        async with self.engine.begin() as conn:
            await conn.run_sync(upgrade)

    async def close(self) -> None:
        """Write what is buffered and dispose of the connection pool."""
        await self.flush()
        await self.engine.dispose()

    def _insert_ignore(self, table: sa.Table) -> Any:
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert(table).on_conflict_do_nothing()
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).on_conflict_do_nothing()

    # ---- sources -------------------------------------------------------------------------

    async def upsert_source(
        self,
        name: str,
        url: str,
        type: str = "feed",
        origin: str = "config",
        settings: dict[str, Any] | None = None,
        interval_s: float | None = None,
        enabled: bool = True,
    ) -> SourceRow:
        """Create a source, or update its definition (keeping its polling state)."""
        async with self.engine.begin() as conn:
            row = (await conn.execute(sa.select(t.sources).where(t.sources.c.name == name))).first()
            values = {"url": url, "type": type, "origin": origin, "settings": settings or {},
                      "interval_s": interval_s}
            if row is None:
                await conn.execute(t.sources.insert().values(
                    name=name, enabled=enabled, created_at=utcnow(), **values))
            else:
                changed = row._mapping["url"] != url or row._mapping["type"] != type
                if changed:  # a new URL is a new feed: forget validators and errors
                    values |= {"etag": None, "last_modified": None, "body_hash": None,
                               "cursor": None, "error_count": 0, "last_error": None,
                               "next_check_at": None, "enabled": enabled}
                elif origin == "config":
                    values["enabled"] = enabled if not enabled else row._mapping["enabled"]
                await conn.execute(t.sources.update().where(t.sources.c.name == name)
                                   .values(**values))
            got = (await conn.execute(sa.select(t.sources).where(t.sources.c.name == name))).one()
        return _source(got)

    async def sync_config_sources(self, wanted: Sequence[tuple[str, str, str, dict[str, Any],
                                                              float | None, bool]]) -> None:
        """Make config-origin sources match the config: upsert those listed, drop the rest."""
        names = {w[0] for w in wanted}
        for name, url, type_, settings, interval, enabled in wanted:
            await self.upsert_source(name, url, type_, "config", settings, interval, enabled)
        async with self.engine.begin() as conn:
            q = t.sources.delete().where(t.sources.c.origin == "config")
            if names:
                q = q.where(t.sources.c.name.not_in(names))
            await conn.execute(q)

    async def get_source(self, name: str) -> SourceRow | None:
        """A source by name (case-insensitive)."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(sa.select(t.sources).where(
                sa.func.lower(t.sources.c.name) == name.lower()))).first()
        return _source(row) if row else None

    async def get_source_by_id(self, source_id: int) -> SourceRow | None:
        """A source by id."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(sa.select(t.sources).where(t.sources.c.id == source_id)
                                      )).first()
        return _source(row) if row else None

    async def list_sources(self) -> list[SourceRow]:
        """Every source with its item count, by name."""
        counts = (sa.select(t.items.c.source_id, sa.func.count().label("n"))
                  .group_by(t.items.c.source_id).subquery())
        q = (sa.select(t.sources, sa.func.coalesce(counts.c.n, 0).label("item_count"))
             .select_from(t.sources.outerjoin(counts, counts.c.source_id == t.sources.c.id))
             .order_by(sa.func.lower(t.sources.c.name)))
        async with self.engine.connect() as conn:
            return [_source(r) for r in (await conn.execute(q)).all()]

    async def remove_source(self, name: str) -> bool:
        """Delete a source and its items (events keep their links)."""
        async with self.engine.begin() as conn:
            res = await conn.execute(t.sources.delete().where(
                sa.func.lower(t.sources.c.name) == name.lower()))
        return bool(res.rowcount)

    async def set_source_enabled(self, name: str, enabled: bool) -> bool:
        """Enable (resetting its error count) or disable a source."""
        values: dict[str, Any] = {"enabled": enabled}
        if enabled:
            values |= {"error_count": 0, "next_check_at": None}
        async with self.engine.begin() as conn:
            res = await conn.execute(t.sources.update().where(
                sa.func.lower(t.sources.c.name) == name.lower()).values(**values))
        return bool(res.rowcount)

    async def record_success(
        self,
        source_id: int,
        next_check_at: datetime,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        body_hash: str | None = None,
        title: str | None = None,
        cursor: str | None = None,
    ) -> None:
        """Remember validators and when to look again; a success clears the error run.

        Buffered and written with other sources' in one statement (every few hundred ms):
        thousands of polls a minute would otherwise each wait for the database's write lock.
        Losing the buffer in a crash only means those sources are fetched again, and their
        items are deduplicated by what save_items already committed.
        """
        self._checked[source_id] = {"sid": source_id, "now": utcnow(), "nxt": next_check_at,
                                    "tag": etag, "mod": last_modified, "hash": body_hash,
                                    "ttl": title or None, "cur": cursor}
        if len(self._checked) >= 500:
            await self.flush()
        elif self._flush_task is None:
            self._flush_task = asyncio.create_task(self._flush_soon())

    async def _flush_soon(self, delay: float = 0.5) -> None:
        await asyncio.sleep(delay)
        self._flush_task = None
        await self.flush()

    async def flush(self) -> None:
        """Write buffered poll results now."""
        if self._flush_task is not None and self._flush_task is not asyncio.current_task():
            self._flush_task.cancel()
            self._flush_task = None
        batch, self._checked = list(self._checked.values()), {}
        if not batch:
            return
        c = t.sources.c
        stmt = t.sources.update().where(c.id == sa.bindparam("sid")).values(
            last_checked_at=sa.bindparam("now"), last_success_at=sa.bindparam("now"),
            next_check_at=sa.bindparam("nxt"), etag=sa.bindparam("tag"),
            last_modified=sa.bindparam("mod"), error_count=0, last_error=None,
            # Unchanged polls bring no new hash, title or cursor: keep the stored ones.
            body_hash=sa.func.coalesce(sa.bindparam("hash", type_=sa.String), c.body_hash),
            title=sa.func.coalesce(sa.bindparam("ttl", type_=sa.Text), c.title),
            cursor=sa.func.coalesce(sa.bindparam("cur", type_=sa.Text), c.cursor))
        async with self.engine.begin() as conn:
            await conn.execute(stmt, batch)

    async def record_failure(
        self, source_id: int, error: str, next_check_at: datetime, max_failures: int
    ) -> SourceRow | None:
        """Count a failure; the source is disabled when the run reaches max_failures."""
        if source_id in self._checked:
            await self.flush()  # a success still buffered comes first
        async with self.engine.begin() as conn:
            await conn.execute(
                t.sources.update().where(t.sources.c.id == source_id).values(
                    error_count=t.sources.c.error_count + 1, last_error=error[:2000],
                    last_checked_at=utcnow(), next_check_at=next_check_at,
                    enabled=sa.case((t.sources.c.error_count + 1 >= max_failures, sa.false()),
                                    else_=t.sources.c.enabled),
                ))
            row = (await conn.execute(sa.select(t.sources).where(t.sources.c.id == source_id)
                                      )).first()
        return _source(row) if row else None

    # ---- items and events ---------------------------------------------------------------

    async def unseen(self, source_id: int, items: Sequence[Item]) -> list[Item]:
        """The items this source has not stored yet (storage decides what is new)."""
        if not items:
            return []
        keys = [i.key for i in items]
        seen: set[str] = set()
        async with self.engine.connect() as conn:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                rows = await conn.execute(sa.select(t.items.c.key).where(
                    t.items.c.source_id == source_id, t.items.c.key.in_(chunk)))
                seen.update(r[0] for r in rows)
        out, dup = [], set()
        for i in items:
            if i.key not in seen and i.key not in dup:
                dup.add(i.key)
                out.append(i)
        return out

    async def save_items(
        self,
        source: SourceRow,
        new: Sequence[NewItem],
        merge_window: timedelta = timedelta(hours=72),
    ) -> SaveResult:
        """Store new items, their events and outbox rows in one transaction."""
        now = utcnow()
        n_events = n_alerts = n_merged = 0
        rows: dict[str, dict[str, Any]] = {}
        for ni in new:
            item, cls = ni.item, ni.classification
            key = item.key[:2000]
            rows.setdefault(key, {
                "source_id": source.id, "key": key, "url_key": url_key(item.link),
                "title": item.title, "summary": item.summary, "link": item.link,
                "author": item.author, "lang": item.lang or cls.lang,
                "published": item.published, "fetched_at": now})
        # Most items carry no label: they are inserted in one batch and need nothing else.
        alerting = [ni for ni in new if ni.classification.labels and ni.may_alert]
        async with self.engine.begin() as conn:
            if rows:
                await conn.execute(self._insert_ignore(t.items), list(rows.values()))
            if alerting:
                keys = [ni.item.key[:2000] for ni in alerting]
                ids = dict((await conn.execute(sa.select(t.items.c.key, t.items.c.id).where(
                    t.items.c.source_id == source.id, t.items.c.key.in_(keys)))).all())
                subs = await self._active_subscriptions(conn)
            for ni in alerting:
                item, cls = ni.item, ni.classification
                item_id = ids.get(item.key[:2000])
                if item_id is None:
                    continue
                ukey = rows[item.key[:2000]]["url_key"]
                # The same article reached through another feed, or another outlet's report
                # of the same event: add the link to that event, no new alert.
                existing = await self._event_for_url(conn, ukey, item_id) if ukey else None
                related: Event | None = None
                if existing is None and cls.companies:
                    related = await self._similar_event(conn, item, cls, now - merge_window)
                    if related is not None and set(cls.labels) <= set(related.labels):
                        existing = related.id
                if existing is not None:
                    await conn.execute(self._insert_ignore(t.event_links).values(
                        event_id=existing, url=item.link, source=source.name))
                    n_merged += 1
                    continue
                event_id = (await conn.execute(t.events.insert().values(
                    item_id=item_id, labels=cls.labels, scores=cls.scores,
                    companies=cls.companies, extracted=cls.extracted, evidence=cls.evidence,
                    created_at=now,
                ).returning(t.events.c.id))).scalar_one()
                n_events += 1
                if cls.companies:
                    await conn.execute(t.event_companies.insert(), [
                        {"event_id": event_id, "company": c} for c in dict.fromkeys(cls.companies)])
                if item.link:
                    await conn.execute(t.event_links.insert().values(
                        event_id=event_id, url=item.link, source=source.name))
                if related is not None:
                    # A fuller report of a story already alerted: it is a new alert (it adds
                    # labels), and it lists the earlier coverage with its own.
                    earlier = [{"event_id": event_id, "url": lk.url, "source": lk.source}
                               for lk in related.links if lk.url != item.link]
                    if earlier:
                        await conn.execute(self._insert_ignore(t.event_links), earlier)
                targets = [
                    {"event_id": event_id, "subscription_id": s.id, "platform": s.platform,
                     "channel": s.channel, "options": s.options, "status": "pending",
                     "attempts": 0, "next_attempt_at": now, "created_at": now}
                    for s in _matching(subs, cls)
                ]
                # One row per (event, channel): two subscriptions of one channel alert once.
                unique = {(r["platform"], r["channel"]): r for r in reversed(targets)}
                if unique:
                    await conn.execute(self._insert_ignore(t.outbox), list(unique.values()))
                    n_alerts += len(unique)
            if not source.first_poll_done:
                await conn.execute(t.sources.update().where(t.sources.c.id == source.id)
                                   .values(first_poll_done=True))
        return SaveResult(len(rows), n_events, n_alerts, n_merged)

    async def _event_for_url(self, conn: AsyncConnection, ukey: str, item_id: int) -> int | None:
        q = (sa.select(t.events.c.id).select_from(t.events.join(t.items,
             t.items.c.id == t.events.c.item_id))
             .where(t.items.c.url_key == ukey, t.items.c.id != item_id).limit(1))
        return (await conn.execute(q)).scalar()

    async def _similar_event(self, conn: AsyncConnection, item: Item, cls: Classification,
                             since: datetime) -> Event | None:
        """A recent event telling the same story (possibly with fewer labels), newest first."""
        q = (sa.select(t.events.c.id).select_from(t.events.join(
             t.event_companies, t.event_companies.c.event_id == t.events.c.id))
             .where(t.event_companies.c.company.in_(cls.companies),
                    t.events.c.created_at >= since)
             .distinct().order_by(t.events.c.id.desc()).limit(20))
        ids = [r[0] for r in await conn.execute(q)]
        for ev in await self._events(conn, ids):
            if same_story(ev, item.title, item.published, cls, new_labels_ok=True):
                return ev
        return None

    async def _events(self, conn: AsyncConnection, ids: Sequence[int]) -> list[Event]:
        if not ids:
            return []
        q = (sa.select(t.events, t.items.c.title, t.items.c.link, t.items.c.summary,
                       t.items.c.published, t.items.c.author, t.items.c.lang,
                       t.sources.c.name.label("source"))
             .select_from(t.events.join(t.items, t.items.c.id == t.events.c.item_id)
                          .join(t.sources, t.sources.c.id == t.items.c.source_id))
             .where(t.events.c.id.in_(ids)))
        rows = (await conn.execute(q)).all()
        links: dict[int, list[Link]] = {}
        for r in await conn.execute(sa.select(t.event_links).where(
                t.event_links.c.event_id.in_(ids))):
            links.setdefault(r.event_id, []).append(Link(r.url, r.source))
        by_id = {}
        for r in rows:
            m = r._mapping
            by_id[m["id"]] = Event(
                id=m["id"], title=m["title"], link=m["link"], summary=m["summary"],
                source=m["source"], published=as_utc(m["published"]),
                labels=list(m["labels"]), companies=list(m["companies"]),
                scores=dict(m["scores"]), extracted=dict(m["extracted"]),
                evidence=dict(m["evidence"]), author=m["author"],
                links=links.get(m["id"], []), created_at=as_utc(m["created_at"]),
                lang=m["lang"],
            )
        return [by_id[i] for i in ids if i in by_id]

    async def get_event(self, event_id: int) -> Event | None:
        """One event with all its links."""
        async with self.engine.connect() as conn:
            got = await self._events(conn, [event_id])
        return got[0] if got else None

    async def recent_events(
        self,
        company: str | None = None,
        label: str | None = None,
        since: datetime | None = None,
        limit: int = 50,
    ) -> list[Event]:
        """Events newest first (by publication), for one company, one label, or since a time."""
        when = sa.func.coalesce(t.items.c.published, t.events.c.created_at)
        q = (sa.select(t.events.c.id, t.events.c.labels)
             .select_from(t.events.join(t.items, t.items.c.id == t.events.c.item_id))
             .order_by(when.desc(), t.events.c.id.desc()))
        if company is not None:
            q = q.join(t.event_companies, t.event_companies.c.event_id == t.events.c.id).where(
                sa.func.lower(t.event_companies.c.company) == company.lower())
        if since is not None:
            q = q.where(when >= since)
        async with self.engine.connect() as conn:
            ids: list[int] = []
            # Labels live in a JSON list: filter in Python, reading in pages.
            result = await conn.stream(q.execution_options(yield_per=500))
            async for r in result:
                if label is None or label in (r.labels or []):
                    ids.append(r.id)
                    if len(ids) >= limit:
                        break
            await result.close()
            return await self._events(conn, ids)

    # ---- companies ----------------------------------------------------------------------

    async def add_company(self, name: str, aliases: Sequence[str] = (),
                          origin: str = "runtime") -> bool:
        """Remember a company added at run time; False if it was already there."""
        async with self.engine.begin() as conn:
            res = await conn.execute(self._insert_ignore(t.companies).values(
                name=name, aliases=list(aliases), origin=origin, created_at=utcnow()))
        return bool(res.rowcount)

    async def list_companies(self) -> list[tuple[str, list[str]]]:
        """Companies added at run time, with aliases."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(sa.select(t.companies).order_by(t.companies.c.name))
            return [(r.name, list(r.aliases or [])) for r in rows]

    # ---- subscriptions ------------------------------------------------------------------

    async def _active_subscriptions(self, conn: AsyncConnection) -> list[Subscription]:
        rows = await conn.execute(sa.select(t.subscriptions).where(
            t.subscriptions.c.status == "active"))
        return [_subscription(r) for r in rows]

    async def subscribe(
        self,
        platform: str,
        channel: str,
        company: str,
        labels: Sequence[str],
        options: dict[str, Any] | None = None,
        origin: str = "chat",
        created_by: str | None = None,
    ) -> tuple[Subscription, bool]:
        """Create or replace a subscription (re-activating a flagged one); True if new."""
        values = {"labels": list(labels), "options": options or {}, "origin": origin,
                  "status": "active", "last_error": None}
        async with self.engine.begin() as conn:
            where = sa.and_(t.subscriptions.c.platform == platform,
                            t.subscriptions.c.channel == channel,
                            t.subscriptions.c.company == company)
            row = (await conn.execute(sa.select(t.subscriptions.c.id).where(where))).first()
            if row is None:
                await conn.execute(t.subscriptions.insert().values(
                    platform=platform, channel=channel, company=company,
                    created_by=created_by, created_at=utcnow(), **values))
            else:
                await conn.execute(t.subscriptions.update().where(where).values(**values))
            # Subscribing in a paused channel means someone fixed its access: resume it all.
            await conn.execute(t.subscriptions.update().where(
                t.subscriptions.c.platform == platform, t.subscriptions.c.channel == channel,
                t.subscriptions.c.status == "error").values(status="active", last_error=None))
            got = (await conn.execute(sa.select(t.subscriptions).where(where))).one()
        return _subscription(got), row is None

    async def unsubscribe(self, platform: str, channel: str, company: str) -> bool:
        """Drop a channel's subscription to a company; False if there was none."""
        async with self.engine.begin() as conn:
            res = await conn.execute(t.subscriptions.delete().where(
                t.subscriptions.c.platform == platform, t.subscriptions.c.channel == channel,
                sa.func.lower(t.subscriptions.c.company) == company.lower()))
        return bool(res.rowcount)

    async def subscriptions(self, platform: str | None = None,
                            channel: str | None = None) -> list[Subscription]:
        """Subscriptions, optionally of one platform/channel, by company."""
        q = sa.select(t.subscriptions).order_by(t.subscriptions.c.platform,
                                                t.subscriptions.c.channel,
                                                t.subscriptions.c.company)
        if platform is not None:
            q = q.where(t.subscriptions.c.platform == platform)
        if channel is not None:
            q = q.where(t.subscriptions.c.channel == channel)
        async with self.engine.connect() as conn:
            return [_subscription(r) for r in await conn.execute(q)]

    async def sync_config_routes(self, routes: Iterable[Subscription]) -> None:
        """Make config-origin subscriptions match the config's [[routes]]."""
        wanted = list(routes)
        async with self.engine.begin() as conn:
            await conn.execute(t.subscriptions.delete().where(
                t.subscriptions.c.origin == "config"))
        for r in wanted:
            await self.subscribe(r.platform, r.channel, r.company, r.labels, r.options, "config")

    # ---- outbox -------------------------------------------------------------------------

    async def due_deliveries(self, platforms: Sequence[str], limit: int = 100,
                             now: datetime | None = None) -> list[Delivery]:
        """Pending rows of these platforms whose time has come, oldest first, with events."""
        now = now or utcnow()
        q = (sa.select(t.outbox).where(t.outbox.c.status == "pending",
                                       t.outbox.c.platform.in_(list(platforms)),
                                       t.outbox.c.next_attempt_at <= now)
             .order_by(t.outbox.c.id).limit(limit))
        async with self.engine.connect() as conn:
            rows = (await conn.execute(q)).all()
            events = {e.id: e for e in await self._events(conn, list({r.event_id for r in rows}))}
        return [
            Delivery(id=r.id, event=events[r.event_id], platform=r.platform, channel=r.channel,
                     attempts=r.attempts, options=dict(r.options or {}),
                     subscription_id=r.subscription_id)
            for r in rows if r.event_id in events
        ]

    async def next_due_at(self, platforms: Sequence[str]) -> datetime | None:
        """When the earliest pending delivery of these platforms is due."""
        async with self.engine.connect() as conn:
            got = (await conn.execute(sa.select(sa.func.min(t.outbox.c.next_attempt_at)).where(
                t.outbox.c.status == "pending",
                t.outbox.c.platform.in_(list(platforms))))).scalar()
        return as_utc(got)

    async def mark_sent(self, delivery_id: int, message_id: str | None) -> None:
        """A delivery reached the platform: never send it again."""
        async with self.engine.begin() as conn:
            await conn.execute(t.outbox.update().where(t.outbox.c.id == delivery_id).values(
                status="sent", sent_at=utcnow(), message_id=message_id,
                attempts=t.outbox.c.attempts + 1, last_error=None))

    async def mark_retry(self, delivery_id: int, error: str, at: datetime,
                         give_up: bool) -> None:
        """A transient failure: try again at `at`, or keep the row as failed after too many."""
        async with self.engine.begin() as conn:
            await conn.execute(t.outbox.update().where(t.outbox.c.id == delivery_id).values(
                status="failed" if give_up else "pending", last_error=error[:2000],
                next_attempt_at=at, attempts=t.outbox.c.attempts + 1))

    async def mark_failed(self, delivery: Delivery, error: str, pause_channel: bool = True
                          ) -> None:
        """A permanent failure: keep the row; if the channel is unusable, pause it too."""
        async with self.engine.begin() as conn:
            await conn.execute(t.outbox.update().where(t.outbox.c.id == delivery.id).values(
                status="failed", last_error=error[:2000], attempts=t.outbox.c.attempts + 1))
            if not pause_channel:
                return
            await conn.execute(t.outbox.update().where(
                t.outbox.c.platform == delivery.platform,
                t.outbox.c.channel == delivery.channel,
                t.outbox.c.status == "pending").values(
                status="failed", last_error=f"channel flagged: {error}"[:2000]))
            await conn.execute(t.subscriptions.update().where(
                t.subscriptions.c.platform == delivery.platform,
                t.subscriptions.c.channel == delivery.channel).values(
                status="error", last_error=error[:2000]))

    async def outbox_counts(self) -> dict[tuple[str, str], int]:
        """Outbox rows per (platform, status)."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(t.outbox.c.platform, t.outbox.c.status, sa.func.count())
                .group_by(t.outbox.c.platform, t.outbox.c.status))
            return {(r[0], r[1]): int(r[2]) for r in rows}

    async def requeue_failed(self, platform: str | None = None) -> int:
        """Put failed rows back in the queue (after a channel or token was fixed)."""
        q = t.outbox.update().where(t.outbox.c.status == "failed")
        if platform is not None:
            q = q.where(t.outbox.c.platform == platform)
        async with self.engine.begin() as conn:
            res = await conn.execute(q.values(status="pending", attempts=0,
                                              next_attempt_at=utcnow()))
        return int(res.rowcount or 0)

    async def failed_deliveries(self, limit: int = 50) -> list[tuple[int, str, str, str]]:
        """(id, platform, channel, error) of failed rows, newest first."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(t.outbox.c.id, t.outbox.c.platform, t.outbox.c.channel,
                          t.outbox.c.last_error).where(t.outbox.c.status == "failed")
                .order_by(t.outbox.c.id.desc()).limit(limit))
            return [(r[0], r[1], r[2], r[3] or "") for r in rows]


def _matching(subs: Sequence[Subscription], cls: Classification) -> list[Subscription]:
    companies = {c.lower() for c in cls.companies}
    labels = set(cls.labels)
    return [s for s in subs
            if (s.company == "*" or s.company.lower() in companies) and labels & set(s.labels)]

