"""A populated school for the attacks: one account per role, records of every kind, casework,
a police notification, items still waiting in the inboxes, a draft, and backups made by
different people. Built once per module with the services API (as the program builds it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import backup, casework, drafts, membership, queue, records, users, vault
from safedesk.services.session import Session
from safedesk.services.setup import Headteacher
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import (
    HEAD_PASSWORD,
    HEAD_USER,
    SCHOOL_NAME,
    SchoolStore,
    add_account,
    new_school,
)

# Accounts: long names, so that finding one in raw bytes is never chance.
STAFF = "sam.staff.reader"  # staff who wrote none of the records below
AUTHOR = "tom.staff.writer"  # staff who wrote them
ADMIN = "ada.admin.only"
BEHAVIOUR_LEAD = "bea.behaviour.lead"
DSL = "dee.designated.lead"
HEAD = "hana.headteacher"
PASSWORDS = {
    STAFF: "sam's own password 1",
    AUTHOR: "tom's own password 2",
    ADMIN: "ada's own password 3",
    BEHAVIOUR_LEAD: "bea's own password 4",
    DSL: "dee's own password 5",
    HEAD: "hana's own password 6",
    HEAD_USER: HEAD_PASSWORD,
}
# Separate-head set-up: the one-time password the administrator chose for the head.
HEAD_ONE_TIME_PASSWORD = "one-time password for hana 7"
# ... and the first password it chose for the DSL (who chooses their own at the grant).
DSL_FIRST_PASSWORD = "first password for dee 5"
ROLE_ACCOUNTS = {
    "staff": STAFF,
    "admin": ADMIN,
    "behaviour_lead": BEHAVIOUR_LEAD,
    "dsl": DSL,
    "head": HEAD,
}
# Which files each role's password opens, as the design says.
OPENS = {
    "staff": {"school.db"},
    "admin": {"school.db"},
    "behaviour_lead": {"school.db", "behaviour.db"},
    "dsl": {"school.db", "safeguarding.db", "behaviour.db"},
    "head": {"school.db", "safeguarding.db", "behaviour.db"},
}

# What must stay inside its compartment (each unique, so a hit is never chance).
CONCERN_TEXT = "Bruise shaped like a buckle on the left forearm 7341"
CHILD_WORDS = "Uncle Roderick hits me with his belt 5528"
WAITING_CONCERN = "Left alone overnight with baby brother 6612"  # still in the inbox
TRIAGE_TEXT = "Threshold met for a strategy discussion 2291"
CONTACT_TEXT = "Aunt Philippa confirmed the belt story 8813"
POLICE_TEXT = "Father arrested after an incident at home 4470"
BEHAVIOUR_TEXT = "Threw a chair across the library 3356"
INTERVENTION_TEXT = "Kicked the fire door then a classmate 9902"
WAITING_BEHAVIOUR = "Bit a classmate during wet play 1187"  # still in the inbox
DRAFT_TEXT = "Half-written worry about a lunchbox 6065"

SAFEGUARDING_SECRETS = [
    CONCERN_TEXT,
    CHILD_WORDS,
    WAITING_CONCERN,
    TRIAGE_TEXT,
    CONTACT_TEXT,
    POLICE_TEXT,
]
BEHAVIOUR_SECRETS = [BEHAVIOUR_TEXT, INTERVENTION_TEXT, WAITING_BEHAVIOUR]
ALL_SECRETS = [*SAFEGUARDING_SECRETS, *BEHAVIOUR_SECRETS, DRAFT_TEXT]
# Names that must never be in the clear in any file (pupils, people, the school).
NAMES = ["Wiśniewska", "O'Connor-Nguyễn", AUTHOR, DSL, "Ms Ada Ngozi", "St Brigid's C of E"]

# Who may read what (the author's own copies aside, checked in test_author_view).
MAY_READ = {
    "staff": set(),
    "admin": set(),
    "behaviour_lead": set(BEHAVIOUR_SECRETS),
    "dsl": set(SAFEGUARDING_SECRETS) | set(BEHAVIOUR_SECRETS),
    "head": set(SAFEGUARDING_SECRETS) | set(BEHAVIOUR_SECRETS),
}


def concern_payload(description: str, words: str | None = None) -> dict[str, Any]:
    payload = factories.concern()
    payload["description"] = description
    payload["child_words"] = words or "“I don't want to say.”"
    return payload


def behaviour_payload(description: str) -> dict[str, Any]:
    payload = factories.behaviour()
    payload["description"] = description
    return payload


def intervention_payload(cause: str) -> dict[str, Any]:
    payload = factories.intervention()
    payload["cause"] = cause
    return payload


@dataclass
class Populated:
    school: SchoolStore
    snapshot_open: Path  # every file copied while a DSL's session was open (WALs present)
    backups: dict[str, Path] = field(default_factory=dict)  # maker -> backup file
    refs: dict[str, str] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.school.paths.root


def build_school(root: Path) -> SchoolStore:
    """The school with one account per role (reading roles granted in person by the head)."""
    school = new_school(root)
    head = school.sign_in()
    try:
        factories.add_pupils(head)
        add_account(head, STAFF, {Role.STAFF}, PASSWORDS[STAFF])
        add_account(head, AUTHOR, {Role.STAFF}, PASSWORDS[AUTHOR])
        add_account(head, ADMIN, {Role.ADMIN}, PASSWORDS[ADMIN])
        add_account(head, BEHAVIOUR_LEAD, {Role.BEHAVIOUR_LEAD}, PASSWORDS[BEHAVIOUR_LEAD])
        add_account(head, DSL, {Role.DSL}, PASSWORDS[DSL])
        add_account(head, HEAD, {Role.HEAD}, PASSWORDS[HEAD])
    finally:
        head.lock()
    # Each account signs in once, as a person does: its own key pair replaces the one the
    # administrator made.
    for name in (STAFF, AUTHOR, ADMIN, BEHAVIOUR_LEAD, DSL, HEAD):
        school.sign_in(name, PASSWORDS[name]).lock()
    return school


def build_school_with_separate_head(root: Path, kept: list[bytes] | None = None) -> SchoolStore:
    """The set-up the design describes when the person setting up is not the head: the
    first account is the administrator only, and the headteacher's account is made with a
    one-time password the administrator chose. Signing in on it gives the head no keys; the
    reading compartments and the recovery key are made when the head chooses their own
    password. The head then confirms the administrator in person, the administrator adds
    the staff, and the head grants the DSL role in person (the new DSL choosing their own
    password there and then). ``kept``: the administrator's copies of the key file, taken
    after set-up and after the head's first sign-in (every Windows user can read it)."""
    paths = DataPaths(root)
    kept = [] if kept is None else kept
    vault.create_school(
        paths,
        school_name=SCHOOL_NAME,
        username=ADMIN,
        display_name="Ada Administrator",
        password=PASSWORDS[ADMIN],
        kdf=FAST_KDF,
        headteacher=Headteacher(HEAD, "Hana Headteacher", HEAD_ONE_TIME_PASSWORD),
    )
    kept.append(paths.keys.read_bytes())
    head = vault.sign_in(paths, HEAD, HEAD_ONE_TIME_PASSWORD, kdf=FAST_KDF)
    kept.append(paths.keys.read_bytes())
    try:
        assert head.compartments == {} and head.new_recovery_code is None
        users.change_own_password(head, HEAD_ONE_TIME_PASSWORD, PASSWORDS[HEAD], kdf=FAST_KDF)
        code = head.new_recovery_code
    finally:
        head.lock()
    assert code is not None
    school = SchoolStore(paths, code)
    head = sign_in(school, HEAD)
    try:
        membership.confirm(head, ADMIN, PASSWORDS[ADMIN])
    finally:
        head.lock()
    administrator = sign_in(school, ADMIN)
    try:
        factories.add_pupils(administrator)
        for name, role in ((STAFF, Role.STAFF), (AUTHOR, Role.STAFF), (DSL, Role.DSL)):
            users.add_user(
                administrator,
                username=name,
                display_name=f"Test {name}",
                roles={role},
                password=DSL_FIRST_PASSWORD if name == DSL else PASSWORDS[name],
                kdf=FAST_KDF,
            )
    finally:
        administrator.lock()
    head = sign_in(school, HEAD)
    try:
        # In person: the new DSL types the password they were given and one of their own.
        membership.grant(
            head, DSL, Role.DSL, DSL_FIRST_PASSWORD, new_password=PASSWORDS[DSL], kdf=FAST_KDF
        )
    finally:
        head.lock()
    for name in (STAFF, AUTHOR, DSL):
        sign_in(school, name).lock()
    return school


def sign_in(school: SchoolStore, name: str) -> Session:
    return school.sign_in(name, PASSWORDS[name])


@pytest.fixture(scope="module")
def populated(tmp_path_factory: pytest.TempPathFactory) -> Populated:
    base = tmp_path_factory.mktemp("populated")
    school = build_school(base / "data")
    refs: dict[str, str] = {}
    author = sign_in(school, AUTHOR)
    try:
        refs["concern"] = records.record(
            author, Kind.CONCERN, concern_payload(CONCERN_TEXT, CHILD_WORDS)
        )
        refs["behaviour"] = records.record(
            author, Kind.BEHAVIOUR, behaviour_payload(BEHAVIOUR_TEXT)
        )
        refs["intervention"] = records.record(
            author, Kind.INTERVENTION, intervention_payload(INTERVENTION_TEXT)
        )
        drafts.save_draft(author, Kind.CONCERN, {"description": DRAFT_TEXT})
    finally:
        author.lock()
    dsl = sign_in(school, DSL)
    try:
        queue.load_queue(dsl)  # takes in what waits, in both compartments
        casework.act(
            dsl,
            refs["concern"],
            {"type": "triage", "decision": "social_care", "rationale": TRIAGE_TEXT},
        )
        casework.act(
            dsl,
            refs["concern"],
            {
                "type": "contact",
                "with_whom": "Aunt (by phone)",
                "contact_at": factories.earlier(1),
                "method": "phone",
                "what_was_said": CONTACT_TEXT,
                "next_step": "Strategy discussion tomorrow.",
            },
        )
        refs["notification"] = casework.record_notification(
            dsl,
            {
                "pupils": [factories.PUPIL_B],
                "received_at": factories.earlier(1),
                "received_from": "Police",
                "summary": POLICE_TEXT,
            },
        )
        # Recorded while the DSL's session is open but not yet taken in: they wait, sealed.
        author = sign_in(school, AUTHOR)
        try:
            refs["waiting_concern"] = records.record(
                author, Kind.CONCERN, concern_payload(WAITING_CONCERN)
            )
            refs["waiting_behaviour"] = records.record(
                author, Kind.BEHAVIOUR, behaviour_payload(WAITING_BEHAVIOUR)
            )
        finally:
            author.lock()
        snap = _snapshot(school.paths.root, base / "snapshot-open")
        backups = base / "backups"
        made = {"head": sign_in(school, HEAD), "dsl": dsl, "admin": sign_in(school, ADMIN)}
        out = {}
        for maker, session in made.items():
            out[maker] = backup.create_backup(session, backups / maker)
        staff = sign_in(school, STAFF)
        try:
            out["staff (automatic)"] = backup.create_backup(
                staff, backups / "staff", automatic=True
            )
        finally:
            staff.lock()
        made["head"].lock()
        made["admin"].lock()
    finally:
        dsl.lock()
    return Populated(school, snap, out, refs)


def _snapshot(folder: Path, into: Path) -> Path:
    from tests.security import attacker

    return attacker.snapshot(folder, into)
