"""Connecting to the database and bringing its schema up to date (Alembic)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from recordroom.core import ConfigurationError
from recordroom.core.private import ensure_private_file, make_private_dir

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(None|\"[^\"\n]*\")", re.M)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web app read while a worker writes; FULL makes each commit durable on disk,
    # which intake relies on before it removes the inbox copy of a file.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """A transaction of ``Database.write_session`` takes SQLite's one write lock at once (waiting
    up to the busy timeout), so a read at its start can never find the database changed under it
    when it comes to write (which SQLite refuses, without waiting). Other transactions are begun
    by the driver, at their first write, as before."""
    if connection.get_execution_options().get("sqlite_immediate", False):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise ConfigurationError(f"RECORDROOM_DATABASE_URL {url!r} is not a database URL") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            # Every page's text is in here: 0600 before SQLite creates it with the umask's mode
            # (its -wal and -shm files take the database file's mode).
            make_private_dir(Path(database).parent)
            ensure_private_file(Path(database))
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    """The newest migration's revision, read from the ``revision`` and ``down_revision`` lines of
    the migration files; None unless they make one chain with one head."""
    revisions: dict[str, str | None] = {}
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        if "revision" in found:
            down = found.get("down_revision", "None")
            revisions[found["revision"].strip('"')] = None if down == "None" else down.strip('"')
    heads = set(revisions) - set(revisions.values())
    return heads.pop() if len(heads) == 1 else None


def _current_revisions(engine: Engine) -> list[str]:
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            return [str(row[0]) for row in rows]
    except DBAPIError:  # a new database: no version table yet
        return []


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision. Alembic is loaded only when there is something
    to do: every command starts here, and a schema already up to date is the rule."""
    head = head_revision()
    if head is not None and _current_revisions(engine) == [head]:
        return
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Database:
    """An engine and its session factory, made once per process."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.write_sessions = sessionmaker(
            self.engine.execution_options(sqlite_immediate=True), expire_on_commit=False
        )

    def session(self) -> Session:
        return self.sessions()

    def write_session(self) -> Session:
        """A session for a transaction that writes after it reads (on SQLite: ``BEGIN
        IMMEDIATE``; on PostgreSQL the same as ``session``)."""
        return self.write_sessions()

    def migrate(self) -> None:
        migrate(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
