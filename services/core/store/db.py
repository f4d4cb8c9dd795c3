"""SQLite connection handling: WAL, foreign keys, migrations, one transaction per change."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from services.core.store.migrations import MIGRATIONS

APP_NAME = "voltra"


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "core.sqlite3"


def utcnow() -> str:
    """The store's timestamp form: ISO-8601 UTC with millisecond precision and a Z."""
    return to_iso(datetime.now(UTC))


def to_iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def from_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def connect(path: str | Path) -> sqlite3.Connection:
    """Open a connection configured the way every part of the core expects.

    ``isolation_level=None`` puts transactions under our explicit control
    (see :func:`transaction`); ``check_same_thread=False`` because the core hands
    connections to a worker thread pool, one connection per thread.
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA cache_size=-65536")
    # Read pages straight from the OS page cache instead of copying them into each
    # connection's own cache: station searches touch scattered pages of a large file, and
    # every worker thread has its own connection (H2: ~25% off the 1M-station search).
    conn.execute("PRAGMA mmap_size=2147483648")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection, immediate: bool = True) -> Iterator[sqlite3.Connection]:
    """Run a block as one transaction: all of it lands, or none of it does.

    IMMEDIATE takes the write lock up front so two writers never deadlock on upgrade.
    Nested use joins the outer transaction.
    """
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def schema_version(conn: sqlite3.Connection) -> int:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    row = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply pending migrations, each in its own transaction. Returns the new version."""
    current = schema_version(conn)
    for version, name, sql in MIGRATIONS:
        if version <= current:
            continue
        with transaction(conn):
            if callable(sql):  # a migration that must also rewrite rows in Python
                sql(conn)
            else:
                for statement in _split_sql(sql):
                    conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, utcnow()),
            )
        current = version
    return current


def _split_sql(sql: str) -> list[str]:
    # executescript() would COMMIT implicitly and break the one-transaction rule, so
    # statements are split here; complete_statement() knows about comments and literals.
    statements, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    if buf.strip() and not all(ln.strip().startswith("--") for ln in buf.strip().splitlines()):
        statements.append(buf.strip())
    return statements


class ConnectionPool:
    """One connection per thread, all opened on the same database file."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def get(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()
