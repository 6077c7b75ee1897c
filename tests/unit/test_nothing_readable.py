"""Without the key, nothing in the data folder names a pupil or quotes a record; after lock the
data key is gone from the objects that held it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from safedesk.domain.entries import Kind
from safedesk.services import backup, casework, drafts, records
from safedesk.services.session import Session
from tests import factories
from tests.conftest import SchoolStore

SECRETS = [
    "Wiśniewska",  # a pupil's surname (stored as UTF-8)
    "O'Connor",
    "Ms Ada Ngozi",  # the head's display name
    "breakfast club",  # record text
    "Mum said there",  # the child's own words
    "draft words 7731",  # a draft
    "Operation Encompass notification 5519",
]


def forms(secret: str) -> Iterator[bytes]:
    """The byte forms a careless store might hold: UTF-8, UTF-16 (either order), lower case."""
    for text in {secret, secret.lower()}:
        yield text.encode("utf-8")
        yield text.encode("utf-16-le")
        yield text.encode("utf-16-be")


def test_no_file_in_the_folder_reveals_names_or_text(
    school: SchoolStore, head_session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    factories.add_pupils(head_session)
    records.record(head_session, Kind.CONCERN, factories.concern())
    records.record(head_session, Kind.BEHAVIOUR, factories.behaviour())
    drafts.save_draft(head_session, Kind.CONCERN, {"description": "draft words 7731"})
    casework.record_notification(
        head_session,
        {
            "pupils": [factories.PUPIL_B],
            "received_at": factories.earlier(1),
            "received_from": "Police",
            "summary": "Operation Encompass notification 5519",
        },
    )
    backup.create_backup(head_session)
    # The WAL still holds the latest pages while the store is open: look at it now, and after.
    files_open = _all_files(school.paths.root)
    assert any(p.name.endswith("-wal") for p in files_open)
    _assert_clean(files_open)
    head_session.lock()
    _assert_clean(_all_files(school.paths.root))
    for record in caplog.records:
        message = record.getMessage()
        assert not any(secret in message for secret in SECRETS), record.name


def _all_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _assert_clean(files: list[Path]) -> None:
    assert len(files) >= 3  # database, keyring, a backup at least (and the WAL while open)
    for path in files:
        data = path.read_bytes()
        for secret in SECRETS:
            for form in forms(secret):
                assert form not in data, f"{secret!r} readable in {path.name}"


def test_lock_wipes_the_data_key(head_session: Session) -> None:
    store = head_session.store
    key_bytes = store.key  # a copy, as the code that opens connections gets it
    held = store._key  # the bytearray the store keeps
    assert any(held)
    head_session.lock()
    assert not any(held)  # wiped in place, not just dropped
    assert len(key_bytes) == 32
    with pytest.raises(Exception, match="locked"):
        store.key  # noqa: B018 - reading it must fail once locked
