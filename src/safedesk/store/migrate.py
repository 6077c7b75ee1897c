"""Applies the numbered SQL files in store/migrations/<compartment>/, each in its own transaction.

Each compartment's file has its own schema and version (``PRAGMA user_version``). A line
``-- @include NAME.sql`` in a migration is replaced by store/migrations/common/NAME.sql, so
the parts every compartment shares are written once."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import sqlcipher3

from safedesk.store.db import Connection, StoreTooNew

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_INCLUDE = re.compile(r"^-- @include ([a-z0-9_]+\.sql)$", re.M)
_PACKAGE = "safedesk.store.migrations"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def _with_includes(sql: str) -> str:
    common = resources.files(_PACKAGE).joinpath("common")
    return _INCLUDE.sub(lambda m: common.joinpath(m.group(1)).read_text("utf-8"), sql)


def available_migrations(compartment: str) -> list[Migration]:
    found = []
    for entry in resources.files(_PACKAGE).joinpath(compartment).iterdir():
        match = _NAME.match(entry.name)
        if match:
            sql = _with_includes(entry.read_text("utf-8"))
            found.append(Migration(int(match.group(1)), entry.name, sql))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration {expected:04d} is missing")
    return found


def latest_version(compartment: str) -> int:
    return len(available_migrations(compartment))


def current_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: Connection,
    db_path: Path,
    backup_dir: Path,
    compartment: str,
    migrations: list[Migration] | None = None,
) -> int:
    """Bring the store to the latest schema; returns the version it started at.

    An existing store is copied aside (still encrypted) before it is touched.
    A store made by a newer safedesk is refused.
    """
    migrations = available_migrations(compartment) if migrations is None else migrations
    start = current_version(conn)
    latest = len(migrations)
    if start > latest:
        raise StoreTooNew(
            f"This safedesk {compartment} file was made by a newer version of safedesk "
            f"(schema {start}; "
            f"this version knows up to {latest}). Please install the newer version; nothing "
            "has been changed."
        )
    if start == latest:
        return start
    if start > 0:
        _copy_aside(conn, db_path, backup_dir, start)
    for migration in migrations[start:]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            _run_script(conn, migration.sql)
            conn.execute(f"PRAGMA user_version = {migration.version}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return start


def _run_script(conn: Connection, sql: str) -> None:
    # executescript() would COMMIT first; run statement by statement inside our transaction.
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if _complete(buffer):
            if buffer.strip():
                conn.execute(buffer)
            buffer = ""
    if buffer.strip() and not _only_comments(buffer):
        raise RuntimeError("migration ends with an incomplete statement")


def _complete(buffer: str) -> bool:
    return bool(sqlcipher3.complete_statement(buffer)) and not _only_comments(buffer)


def _only_comments(text: str) -> bool:
    return all(not ln.strip() or ln.strip().startswith("--") for ln in text.splitlines())


def copy_aside_of(backup_dir: Path, db_path: Path, version: int) -> Path | None:
    """The newest copy of ``db_path`` set aside before an upgrade from ``version``."""
    found = sorted(backup_dir.glob(f"{db_path.stem}-schema{version}-*.db"))
    return found[-1] if found else None


def remove_copies_aside(backup_dir: Path, db_path: Path) -> int:
    """Remove every copy of ``db_path`` set aside before an upgrade (once the file's key has
    changed: they are under the retired key, which a disabled account's old slot opens)."""
    removed = 0
    for copy in backup_dir.glob(f"{db_path.stem}-schema*-*.db"):
        copy.unlink(missing_ok=True)
        removed += 1
    return removed


def put_back(copy: Path, db_path: Path) -> None:
    """Put a copy set aside back in place of the file (every connection to it closed): its
    write-ahead log and shared memory belong to the file it replaces and go first."""
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    partial = db_path.with_name(f".{db_path.name}.putback")
    shutil.copy2(copy, partial)
    partial.replace(db_path)


def _copy_aside(conn: Connection, db_path: Path, backup_dir: Path, version: int) -> Path:
    conn.execute("PRAGMA main.wal_checkpoint(TRUNCATE)").fetchone()
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = backup_dir / f"{db_path.stem}-schema{version}-{stamp}.db"
    shutil.copy2(db_path, target)
    return target
