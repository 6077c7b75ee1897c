"""A damaged page, wherever it falls, is reported as a damaged store: never "read-only" (the
folder is writable), never out of memory, never a raw SQLite error, and never quarantines a
sound record as if it were hostile."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from safedesk.domain.entries import Kind
from safedesk.domain.errors import SafedeskError
from safedesk.services import integrity, records
from safedesk.store.db import StoreDamaged
from tests import factories
from tests.conftest import SchoolStore

PAGE = 4096
FILES = ("school.db", "safeguarding.db", "behaviour.db")


@pytest.fixture(scope="module")
def sound_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[SchoolStore, dict[str, bytes]]:
    from tests.conftest import new_school

    school = new_school(tmp_path_factory.mktemp("corrupt") / "data")
    session = school.sign_in()
    try:
        factories.add_pupils(session)
        for _ in range(20):
            records.record(session, Kind.CONCERN, factories.concern())
            records.record(session, Kind.BEHAVIOUR, factories.behaviour())
        for store in session.all_stores():
            store.checkpoint()
    finally:
        session.lock()
    return school, {name: (school.paths.root / name).read_bytes() for name in FILES}


def _put_back(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        for suffix in ("-wal", "-shm"):
            (root / f"{name}{suffix}").unlink(missing_ok=True)
        (root / name).write_bytes(data)


def _outcome(school: SchoolStore) -> str:
    """What a member of staff meets: signing in, recording, verifying, signing out."""
    try:
        session = school.sign_in()
    except StoreDamaged:
        return "damaged"
    try:
        records.record(session, Kind.CONCERN, factories.concern())
        return "ok" if integrity.verify(session).ok else "verify fails"
    except StoreDamaged:
        return "damaged"
    finally:
        with contextlib.suppress(StoreDamaged):
            session.lock()


@pytest.mark.parametrize("name", FILES)
def test_every_damaged_page_is_called_damaged(
    sound_files: tuple[SchoolStore, dict[str, bytes]], name: str
) -> None:
    school, files = sound_files
    pages = len(files[name]) // PAGE
    seen: dict[str, list[int]] = {}
    for page in range(0, pages, 2):
        damaged = dict(files)
        data = bytearray(files[name])
        at = page * PAGE + 200
        data[at : at + 8] = os.urandom(8)
        damaged[name] = bytes(data)
        _put_back(school.paths.root, damaged)
        try:
            outcome = _outcome(school)
        except SafedeskError as error:  # any other plain error is a wrong answer here
            outcome = f"{type(error).__name__}: {error}"
        seen.setdefault(outcome, []).append(page)
    _put_back(school.paths.root, files)
    assert set(seen) <= {"damaged", "verify fails"}, seen
