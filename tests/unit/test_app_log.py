"""The log in the data folder: what ran and every unexpected error with its stack, and never a
name, a record's words, a password or a UPN, even when an exception's message or a logged
argument carries them."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from safedesk import app_log
from safedesk.domain import upn
from safedesk.domain.entries import Kind
from safedesk.domain.errors import AuthenticationError, ValidationError
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import pupil_import, records, users, vault
from safedesk.services.session import Session
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import SchoolStore

# Made up words that nothing in safedesk's code or messages contains.
PUPIL_MARK = "Quokkaford"  # a pupil's surname
RECORD_MARK = "zebrawingle"  # words of a record
PASSWORD_MARK = "pelicanstep"  # part of a password
STAFF_MARK = "Ottoline Marchbankes"  # a member of staff's display name
ERROR_MARK = "walrusfig"  # in the message of an unexpected error
MARKED_UPN = "801200005009"
MARKERS = [PUPIL_MARK, RECORD_MARK, PASSWORD_MARK, STAFF_MARK, ERROR_MARK, MARKED_UPN]

log = logging.getLogger("safedesk.tests.app_log")


@pytest.fixture
def logs(school: SchoolStore) -> Iterator[Path]:
    folder = app_log.setup(school.paths, "tests")
    assert folder == school.paths.root / "logs"
    yield folder
    app_log.stop()


def everything_logged(folder: Path) -> str:
    app_log.stop()  # flushed and closed
    files = list(app_log.log_files(folder))
    assert files, "no log was written"
    return "\n".join(p.read_text("utf-8") for p in files)


def assert_no_marker(text: str) -> None:
    for marker in MARKERS:
        assert marker.lower() not in text.lower(), f"{marker!r} reached the log"


def test_nothing_recorded_or_typed_reaches_the_log(
    school: SchoolStore, head_session: Session, logs: Path, tmp_path: Path
) -> None:
    # Through the real services: a pupil, a record, a member of staff and a password, each
    # with its marker, and a failed sign-in with the marked password.
    marked = upn.make(MARKED_UPN)
    csv = f"UPN,Surname,Forename,DOB,Class\n{marked},{PUPIL_MARK},Ann,04/03/2018,Oak\n"
    pupil_import.import_pupils(head_session, csv.encode())
    concern = factories.concern() | {
        "pupils": [marked],
        "description": f"Said {RECORD_MARK} twice.",
    }
    records.record(head_session, Kind.CONCERN, concern)
    users.add_user(
        head_session,
        username="o.marchbanks",
        display_name=STAFF_MARK,
        roles={Role.STAFF},
        password=f"a long {PASSWORD_MARK} password",
        kdf=FAST_KDF,
    )
    with pytest.raises(AuthenticationError):
        vault.sign_in(school.paths, "head", f"wrong {PASSWORD_MARK}")

    # Careless logging: the marked words as arguments.
    log.warning("saving failed for %s", RECORD_MARK)
    log.warning("pupil %s (%s) not found", PUPIL_MARK, marked)
    log.warning("details: %r", {"password": PASSWORD_MARK})
    log.warning("%(who)s signed in", {"who": STAFF_MARK})
    log.info(f"{1 + 1} tasks", PUPIL_MARK)  # arguments that do not fit the message

    # Unexpected errors whose messages quote what was typed, in every way they do.
    def broken_service() -> None:
        raise RuntimeError(f"cannot save {ERROR_MARK}")

    # (The messages they carry: "invalid literal for int() with base 10", a KeyError's key,
    # "No such file or directory" with the path, SQLite's "no such column", a chained cause.
    # No comment on these lines: a stack shows its lines of code.)
    failures = [
        broken_service,
        lambda: int(PUPIL_MARK),
        lambda: {}[STAFF_MARK],
        lambda: (tmp_path / RECORD_MARK).read_text(),
        lambda: _select(head_session, PUPIL_MARK),
        lambda: _raise_chained(),
    ]
    for failure in failures:
        try:
            failure()
        except Exception:
            log.exception("unexpected")
    # Ours: its message may name someone.
    try:
        raise ValidationError({"description": f"{RECORD_MARK} is too long"})
    except ValidationError as exc:
        log.error("refused", exc_info=exc)

    text = everything_logged(logs)
    assert_no_marker(text)
    # And what it is for is there: the start, the types, the stacks, the codes.
    assert "safedesk 0.1.0 started (tests;" in text
    assert "saving failed for <hidden>" in text
    assert "Traceback (most recent call last):" in text
    assert 'File "test_app_log.py", line' in text  # no folders: they may name an account
    assert "in broken_service" in text and "RuntimeError (message not logged)" in text
    assert "ValueError (message not logged)" in text
    assert "KeyError (message not logged)" in text
    assert "FileNotFoundError (ENOENT, message not logged)" in text
    assert "OperationalError" in text
    assert "The above exception was the direct cause of the following exception:" in text
    assert "safedesk.domain.errors.ValidationError (message not logged)" in text


def _select(session: Session, column: str) -> None:
    with session.store.read() as conn:
        conn.execute(f"SELECT {column}")


def _raise_chained() -> None:
    try:
        raise LookupError(f"no pupil {PUPIL_MARK}")
    except LookupError as exc:
        raise RuntimeError(f"record {RECORD_MARK} not saved") from exc


def test_what_cannot_hold_words_is_written_as_it_is(logs: Path) -> None:
    log.info(
        "task %s took %.2f s, %d rows, %s",
        app_log.safe("safedesk.services.backup.create_backup"),
        1.5,
        12,
        "PermissionDenied",  # an exception's type name, as services log them
    )
    text = everything_logged(logs)
    assert (
        "task safedesk.services.backup.create_backup took 1.50 s, 12 rows, PermissionDenied" in text
    )


def test_the_log_rotates_and_is_private(school: SchoolStore) -> None:
    folder = app_log.setup(school.paths, "tests")
    assert folder is not None
    line = "x" * 1000
    for _ in range(app_log.MAX_BYTES * (app_log.BACKUP_COUNT + 2) // 1000):
        log.info("%s", app_log.safe(line))
    app_log.stop()
    names = sorted(p.name for p in app_log.log_files(folder))
    assert names == ["safedesk.log"] + [f"safedesk.log.{n}" for n in range(1, 6)]
    for path in app_log.log_files(folder):
        assert path.stat().st_size <= app_log.MAX_BYTES + 2000
        if os.name == "posix":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    if os.name == "posix":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_folder_that_cannot_hold_a_log_does_not_stop_safedesk(tmp_path: Path) -> None:
    blocked = tmp_path / "data"
    blocked.mkdir()
    (blocked / "logs").write_text("not a folder")
    assert app_log.setup(DataPaths(blocked), "tests") is None
    assert app_log.current_folder() is None
    log.error("nothing to write it to")  # and nothing raised
