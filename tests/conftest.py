"""Shared fixtures: a real encrypted store in a temp folder, signed-in sessions per role."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from safedesk.domain.compartments import is_reading_role
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import membership, users, vault
from safedesk.services.session import Session
from safedesk.store import crypto
from safedesk.store import users as users_store
from safedesk.store.crypto import FAST_KDF

# Qt must never need a display in tests (pytest-qt makes the QApplication later).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Cheap key slots here and in every Python process the suite starts (tests/support).
crypto.allow_weak_kdf("the test suite")
_SUPPORT = str(Path(__file__).parent / "support")
os.environ["PYTHONPATH"] = os.pathsep.join(
    dict.fromkeys(filter(None, [_SUPPORT, *os.environ.get("PYTHONPATH", "").split(os.pathsep)]))
)
# Typed times are the school's local time: pin it so results do not depend on the machine.
os.environ["TZ"] = "Europe/London"
time.tzset()

HEAD_USER = "head"
HEAD_PASSWORD = "correct horse battery"
OTHER_PASSWORD = "another long password"
SCHOOL_NAME = "St Brigid's C of E Primary"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in item.path.as_posix():
            item.add_marker(pytest.mark.gui)


@dataclass
class SchoolStore:
    paths: DataPaths
    recovery_key: str

    def sign_in(self, username: str = HEAD_USER, password: str = HEAD_PASSWORD) -> Session:
        return vault.sign_in(self.paths, username, password)


def add_account(
    head: Session, username: str, roles: set[Role], password: str = OTHER_PASSWORD
) -> None:
    """An account as a school makes one: the administrator adds it, and reading roles are
    then granted in person by a member (the head, here): the new person types the password
    they were given, then chooses ``password``, their own."""
    reading = sorted(r for r in roles if is_reading_role(r))
    first = f"given {password}" if reading else password
    users.add_user(
        head,
        username=username,
        display_name=f"Test {username}",
        roles=roles,
        password=first,
        kdf=FAST_KDF,
    )
    with head.store.read() as conn:
        added = users_store.by_username(conn, username)
    assert added is not None
    if Role.CHAIR_OF_GOVERNORS in added.roles:
        # The first chair of governors is given the role (nobody holds their file yet): the
        # file is made when they choose their own password, at their first sign-in.
        reading.remove(Role.CHAIR_OF_GOVERNORS)
        chair = vault.sign_in(head.paths, username, first, kdf=FAST_KDF)
        try:
            users.change_own_password(chair, first, password, kdf=FAST_KDF)
        finally:
            chair.lock()
        first = password
    for number, role in enumerate(reading):
        # The first grant makes their keys under their own password; later ones find them.
        typed, new = (first, password) if number == 0 and first != password else (password, None)
        membership.grant(head, username, role, typed, new_password=new, kdf=FAST_KDF)
    if Role.ADMIN in roles:
        membership.confirm(head, username, password)  # an administrator, confirmed in person


def new_school(folder: Path) -> SchoolStore:
    """A new school store (cheap KDF) in ``folder``, whose first user ``head`` is head and
    admin."""
    paths = DataPaths(folder)
    created = vault.create_school(
        paths,
        school_name=SCHOOL_NAME,
        username=HEAD_USER,
        display_name="Ms Ada Ngozi",
        password=HEAD_PASSWORD,
        kdf=FAST_KDF,
    )
    assert created.recovery_key is not None  # the first user is the head: made at set-up
    return SchoolStore(paths, created.recovery_key)


@pytest.fixture
def school(tmp_path: Path) -> SchoolStore:
    return new_school(tmp_path / "data")


@pytest.fixture
def head_session(school: SchoolStore) -> Iterator[Session]:
    session = school.sign_in()
    yield session
    session.close()


@pytest.fixture
def session_as(school: SchoolStore, head_session: Session) -> Iterator[Callable[[Role], Session]]:
    """Sign in as a new user holding exactly one role."""
    opened: list[Session] = []

    def make(role: Role) -> Session:
        username = f"{role.value.replace('_', '.')}{len(opened)}"
        add_account(head_session, username, {role})
        session = school.sign_in(username, OTHER_PASSWORD)
        opened.append(session)
        return session

    yield make
    for session in opened:
        session.close()
