"""Alembic environment: runs on the connection the store hands over (async engines included)."""

from __future__ import annotations

from alembic import context

from bot.storage.schema import metadata

config = context.config
target_metadata = metadata


def run_migrations_online() -> None:
    """Migrate on the connection passed in `config.attributes['connection']`, or on the URL."""
    connection = config.attributes.get("connection")
    if connection is None:
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
        with engine.begin() as conn:
            context.configure(
                connection=conn, target_metadata=target_metadata, render_as_batch=True
            )
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
