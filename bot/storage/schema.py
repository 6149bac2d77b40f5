"""The tables, as SQLAlchemy Core metadata (migrations in bot/storage/migrations create them)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# JSON columns hold plain lists/dicts; SQLAlchemy maps them to JSON on both SQLite and PostgreSQL.
sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("type", sa.String(32), nullable=False, server_default="feed"),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("origin", sa.String(32), nullable=False, server_default="config"),
    sa.Column("settings", sa.JSON, nullable=False, server_default="{}"),
    sa.Column("interval_s", sa.Float, nullable=True),
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("etag", sa.Text, nullable=True),
    sa.Column("last_modified", sa.Text, nullable=True),
    sa.Column("body_hash", sa.String(64), nullable=True),
    sa.Column("cursor", sa.Text, nullable=True),  # API sources: since_id / cursor / timestamp
    sa.Column("title", sa.Text, nullable=True),
    sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("first_poll_done", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("url_key", sa.Text, nullable=True),  # canonical link: one article, many feeds
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("link", sa.Text, nullable=False),
    sa.Column("author", sa.Text, nullable=False, server_default=""),
    sa.Column("lang", sa.String(16), nullable=True),
    sa.Column("published", sa.DateTime(timezone=True), nullable=True),
    sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("source_id", "key", name="uq_items_source_key"),
    sa.Index("ix_items_url_key", "url_key"),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"),
              nullable=False, unique=True),
    sa.Column("labels", sa.JSON, nullable=False),
    sa.Column("scores", sa.JSON, nullable=False),
    sa.Column("companies", sa.JSON, nullable=False),
    sa.Column("extracted", sa.JSON, nullable=False),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_events_created_at", "created_at"),
)

# One row per (event, company), so "/alerts company X" is an index lookup.
event_companies = sa.Table(
    "event_companies",
    metadata,
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("company", sa.String(200), primary_key=True),
    sa.Index("ix_event_companies_company", "company"),
)

# Every outlet that covered an event (the first item's link included).
event_links = sa.Table(
    "event_links",
    metadata,
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("url", sa.Text, primary_key=True),
    sa.Column("source", sa.String(200), nullable=False),
)

companies = sa.Table(
    "companies",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("aliases", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("origin", sa.String(32), nullable=False, server_default="runtime"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("company", sa.String(200), nullable=False),  # canonical name or "*"
    sa.Column("labels", sa.JSON, nullable=False),
    sa.Column("options", sa.JSON, nullable=False, server_default="{}"),
    sa.Column("origin", sa.String(32), nullable=False, server_default="chat"),
    sa.Column("status", sa.String(16), nullable=False, server_default="active"),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("created_by", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("platform", "channel", "company", name="uq_subscriptions_target"),
)

# The outbox: written in the same transaction as the event, drained by the delivery worker.
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("subscription_id", sa.Integer,
              sa.ForeignKey("subscriptions.id", ondelete="SET NULL"), nullable=True),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("options", sa.JSON, nullable=False, server_default="{}"),
    sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("message_id", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.UniqueConstraint("event_id", "platform", "channel", name="uq_outbox_target"),
    sa.Index("ix_outbox_due", "status", "next_attempt_at"),
)
