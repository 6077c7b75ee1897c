"""Any member of staff raises a concern about an adult, sealed: only the head (or, for one about
the head, only the chair of governors) ever reads its words.

Each attacker holds only what that person holds: their own password and the key file, and
raw SQLCipher connections keyed with every key their slot unseals, tried on a copy of every
file of the data folder (and every sealed item in `school` opened with every box key they
hold). They try while the concerns wait in the inbox, and after the head and the chair have
taken them in.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from safedesk.domain.errors import SafedeskError, ValidationError
from safedesk.domain.roles import Role
from safedesk.services import adult_concerns, allegations, inbox, integrity, membership
from safedesk.services.adult_concerns import NobodyToReceive
from tests import factories
from tests.conftest import HEAD_PASSWORD, HEAD_USER, SchoolStore, add_account
from tests.security import attacker
from tests.security.conftest import (
    ADMIN,
    AUTHOR,
    BEHAVIOUR_LEAD,
    DSL,
    HEAD,
    PASSWORDS,
    STAFF,
    build_school,
)

CHAIR = "carys.chair.of.governors"
CHAIR_PASSWORD = "carys's own password 8"
ABOUT_COLLEAGUE = "Drove a Year 4 pupil home alone in his own car 4812"
LOW_LEVEL_NAMED = "The volunteer photographed pupils on a personal phone 3907"
ABOUT_HEAD = "The headteacher grabbed a pupil by the collar 7725"
SELF_REPORT = "I was alone with a pupil in the library with the door shut 6150"
SECRETS = (ABOUT_COLLEAGUE, LOW_LEVEL_NAMED, ABOUT_HEAD, SELF_REPORT)
HEADS_SEE = {ABOUT_COLLEAGUE, LOW_LEVEL_NAMED, SELF_REPORT}
RESTRICTED_FILES = ("allegations.db", "allegations_head.db")

PEOPLE = {
    "author": (STAFF, PASSWORDS[STAFF], set()),
    "another member of staff": (AUTHOR, PASSWORDS[AUTHOR], set()),
    "dsl who is not the head": (DSL, PASSWORDS[DSL], set()),
    "behaviour lead": (BEHAVIOUR_LEAD, PASSWORDS[BEHAVIOUR_LEAD], set()),
    "administrator": (ADMIN, PASSWORDS[ADMIN], set()),
    "head": (HEAD_USER, HEAD_PASSWORD, HEADS_SEE),
    "second head": (HEAD, PASSWORDS[HEAD], HEADS_SEE),
    "chair": (CHAIR, CHAIR_PASSWORD, {ABOUT_HEAD}),
}


def concern(what: str, **more: object) -> dict[str, object]:
    return {
        "subject_name": "Mr Rocket Raccoon",
        "subject_role": "Year 4 teacher",
        "happened_at": factories.earlier(3),
        "what": what,
        **more,
    }


def _raise(school: SchoolStore, name: str, payload: dict[str, object]) -> str:
    session = school.sign_in(name, PASSWORDS.get(name, HEAD_PASSWORD))
    try:
        return adult_concerns.raise_concern(session, payload).message
    finally:
        session.lock()


@dataclass(frozen=True)
class Built:
    school: SchoolStore
    waiting: Path  # a copy of the data folder while the concerns still waited in the inbox


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("adult_concerns")
    school = build_school(root / "data")
    head = school.sign_in()
    try:
        add_account(head, CHAIR, {Role.CHAIR_OF_GOVERNORS}, CHAIR_PASSWORD)
    finally:
        head.lock()
    # The chair confirms, in person, the staff who may raise a concern about the head (each
    # types their own password): their slots then hold the chair's file's public key.
    chair = school.sign_in(CHAIR, CHAIR_PASSWORD)
    try:
        for name in (STAFF, AUTHOR, ADMIN, BEHAVIOUR_LEAD, DSL):
            membership.confirm(chair, name, PASSWORDS[name])
    finally:
        chair.lock()
    _raise(school, STAFF, concern(ABOUT_COLLEAGUE, subject_username=DSL, subject_name=""))
    _raise(
        school,
        AUTHOR,
        concern(LOW_LEVEL_NAMED, subject_name="Mrs Volunteer", subject_role="Reading volunteer")
        | {"low_level": True},
    )
    # No "about the head" box ticked: naming the head's account is enough.
    _raise(school, ADMIN, concern(ABOUT_HEAD, subject_username=HEAD_USER, subject_role="Head"))
    _raise(
        school,
        DSL,
        concern(SELF_REPORT, subject_username=DSL, subject_role="DSL") | {"low_level": True},
    )
    waiting = attacker.snapshot(school.paths.root, root / "waiting")
    for name, password in ((HEAD_USER, HEAD_PASSWORD), (CHAIR, CHAIR_PASSWORD)):
        school.sign_in(name, password).lock()  # their sign-in takes the concerns in
    return Built(school, waiting)


def words_found(folder: Path, person: attacker.Loot) -> set[str]:
    """Every secret this person reads, by every key they hold, anywhere in ``folder``."""
    readable = attacker.everything_readable(folder, person)  # school, pupils' files, inboxes
    texts = list(readable.texts.values())
    for name in RESTRICTED_FILES:
        key = attacker.opening_key(folder / name, person.file_keys)
        if key is not None:
            with attacker.raw_open(folder / name, key) as conn:
                texts.append(attacker.dump(conn))
    found = {secret for secret in SECRETS if any(secret in text for text in texts)}
    # Nor in the clear in any file's bytes (school.db, a WAL, the key file, the log).
    found |= {secret for _, secret in attacker.leaks(attacker.files_under(folder), SECRETS)}
    return found


@pytest.mark.parametrize("who", list(PEOPLE))
def test_while_waiting_in_the_inbox_only_the_files_members_could_open_it(
    built: Built, who: str
) -> None:
    name, password, may_read = PEOPLE[who]
    person = attacker.loot(built.waiting.joinpath("keys.json").read_bytes(), name, password)
    assert person.account is not None, "their own password opens their own slot"
    assert words_found(built.waiting, person) == may_read


@pytest.mark.parametrize("who", list(PEOPLE))
def test_after_intake_only_the_head_or_the_chair_finds_the_words(built: Built, who: str) -> None:
    name, password, may_read = PEOPLE[who]
    folder = built.school.paths.root
    person = attacker.loot(built.school.paths.keys.read_bytes(), name, password)
    assert person.account is not None
    assert words_found(folder, person) == may_read


def test_the_head_finds_them_filed_with_who_raised_them(built: Built) -> None:
    head = built.school.sign_in()
    try:
        (found,) = allegations.list_allegations(head)
        assert (found.alleged, found.raised_by, found.recorded_by) == (
            ABOUT_COLLEAGUE,
            STAFF,
            STAFF,
        )
        assert found.subject.username == DSL and found.subject.name == f"Test {DSL}"
        low = {c.what: c.raised_by for c in allegations.list_low_level(head)}
        assert low == {LOW_LEVEL_NAMED: AUTHOR, SELF_REPORT: DSL}
        # An allegation: "tell the LADO" follows, as for one the head records.
        assert [d.allegation_id for d in allegations.lado_due(head)] == [found.id]
    finally:
        head.lock()


def test_the_chair_finds_the_one_about_the_head(built: Built) -> None:
    chair = built.school.sign_in(CHAIR, CHAIR_PASSWORD)
    try:
        (found,) = allegations.list_allegations(chair, about_head=True)
        assert (found.alleged, found.raised_by, found.subject.username) == (
            ABOUT_HEAD,
            ADMIN,
            HEAD_USER,
        )
        assert allegations.list_low_level(chair, about_head=True) == []
        assert [d.allegation_id for d in allegations.lado_due(chair, about_head=True)] == [found.id]
    finally:
        chair.lock()


def _actions(folder: Path, file: str, person: attacker.Loot) -> list[tuple[str | None, str]]:
    key = attacker.opening_key(folder / file, person.file_keys)
    assert key is not None
    with attacker.raw_open(folder / file, key) as conn:
        return [
            (r[0], r[1])
            for r in conn.execute("SELECT actor, action FROM audit_log").fetchall()  # type: ignore[attr-defined]
        ]


def test_audited_in_the_files_own_log_and_school_learns_only_that_something_was_put(
    built: Built,
) -> None:
    folder = built.school.paths.root
    head = attacker.loot(built.school.paths.keys.read_bytes(), HEAD_USER, HEAD_PASSWORD)
    chair = attacker.loot(built.school.paths.keys.read_bytes(), CHAIR, CHAIR_PASSWORD)
    in_head_file = _actions(folder, "allegations.db", head)
    assert in_head_file.count((HEAD_USER, "allegation.recorded")) == 1
    assert in_head_file.count((HEAD_USER, "low_level_concern.recorded")) == 2
    assert (CHAIR, "allegation.recorded") in _actions(folder, "allegations_head.db", chair)
    in_school = _actions(folder, "school.db", head)
    assert in_school.count((None, "inbox.item_put")) >= 4
    assert not [a for a in in_school if "allegation" in a[1] or "low_level" in a[1]]
    # No counter in `school` under a tag the head or a DSL could match to an author (their
    # mailbox is in the pupils' files): who passed one on, and to whose file, stays unknown.
    key = attacker.school_key(head, folder)
    with attacker.raw_open(folder / "school.db", key) as conn:
        owners = [str(r[0]) for r in conn.execute("SELECT owner FROM author_sequence")]  # type: ignore[attr-defined]
    assert not [o for o in owners if o.endswith((":allegations", ":allegations_head"))], owners


def test_the_heads_verify_passes_over_the_file_that_took_them_in(built: Built) -> None:
    # (The chair holds no verify permission yet: docs/dev/wip-allegation-inbox.md.)
    session = built.school.sign_in()
    try:
        report = integrity.verify(session)
        assert report.problems == []
        assert report.ok
    finally:
        session.lock()


def test_a_concern_about_the_head_with_no_chair_is_refused_and_nothing_kept(
    tmp_path: Path,
) -> None:
    school = build_school(tmp_path / "data")
    key = attacker.school_key(
        attacker.loot(school.paths.keys.read_bytes(), STAFF, PASSWORDS[STAFF]), school.paths.root
    )
    before = attacker.inbox_rows(school.paths.root, key)
    session = school.sign_in(STAFF, PASSWORDS[STAFF])
    try:
        with pytest.raises(NobodyToReceive, match="chair of governors, or the local authority"):
            adult_concerns.raise_concern(session, concern(ABOUT_HEAD, about_head=True))
    finally:
        session.lock()
    assert attacker.inbox_rows(school.paths.root, key) == before
    assert not attacker.leaks(attacker.files_under(school.paths.root), [ABOUT_HEAD])


def test_an_account_the_chair_has_not_confirmed_is_told_to_speak_to_them(built: Built) -> None:
    # The second head holds the head's file but was never confirmed by the chair.
    session = built.school.sign_in(HEAD, PASSWORDS[HEAD])
    try:
        with pytest.raises(inbox.NotConfirmed, match="speak to the chair of governors"):
            adult_concerns.raise_concern(
                session, concern("Nothing kept 1", subject_username=HEAD_USER)
            )
    finally:
        session.lock()
    assert not attacker.leaks(attacker.files_under(built.school.paths.root), ["Nothing kept 1"])


def test_missing_fields_are_named_and_nothing_is_sealed(built: Built) -> None:
    session = built.school.sign_in(STAFF, PASSWORDS[STAFF])
    try:
        with pytest.raises(ValidationError) as caught:
            adult_concerns.raise_concern(
                session, {"subject_name": " ", "subject_role": "", "what": "", "happened_at": ""}
            )
        assert set(caught.value.problems) == {"subject_name", "subject_role", "what", "happened_at"}
        with pytest.raises(ValidationError, match="not an account"):
            adult_concerns.raise_concern(session, concern("x", subject_username="nobody.here"))
    finally:
        session.lock()


def test_a_member_raising_one_files_it_at_once(built: Built) -> None:
    head = built.school.sign_in()
    try:
        said = adult_concerns.raise_concern(head, concern("Head's own note 5150", low_level=True))
        assert "headteacher" in said.message
        assert "Head's own note 5150" in [c.what for c in allegations.list_low_level(head)]
    finally:
        head.lock()


def test_nothing_readable_in_a_plain_sqlite_open(built: Built) -> None:
    """Guard: the files are encrypted, so a reader without any key sees nothing at all."""
    for name in ("school.db", *RESTRICTED_FILES):
        with pytest.raises(sqlite3.DatabaseError):
            sqlite3.connect(built.school.paths.root / name).execute(
                "SELECT count(*) FROM sqlite_master"
            ).fetchone()


def test_refusal_is_a_safedesk_error() -> None:
    assert issubclass(NobodyToReceive, SafedeskError)


@pytest.mark.parametrize("by", ["their job", "their name"])
def test_a_concern_typed_about_the_head_by_name_never_goes_to_the_head(
    tmp_path: Path, by: str
) -> None:
    """No account picked, the box not ticked (break-it pass): the job "Head teacher", or the
    head's own name however written, still sends it to the chair; with no chair yet it is
    refused and nothing kept."""
    school = build_school(tmp_path / "data")
    head = school.sign_in()
    try:
        head_name = head.user.display_name
    finally:
        head.lock()
    payload = (
        concern(ABOUT_HEAD, subject_name="Someone", subject_role="Head Teacher")
        if by == "their job"
        else concern(ABOUT_HEAD, subject_name=f"  {head_name.upper()} ", subject_role="Teacher")
    )
    session = school.sign_in(STAFF, PASSWORDS[STAFF])
    try:
        with pytest.raises(NobodyToReceive):
            adult_concerns.raise_concern(session, payload)
        # A colleague who is not the head still goes to the head's file.
        adult_concerns.raise_concern(session, concern("About a colleague 1188"))
    finally:
        session.lock()
    assert not attacker.leaks(attacker.files_under(school.paths.root), [ABOUT_HEAD])
