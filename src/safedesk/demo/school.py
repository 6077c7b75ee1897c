"""Builds the demo school: a store, one account per role, pupils, and a term of records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from safedesk.demo.pupils import generate_pupils, to_mis_csv
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import users, vault
from safedesk.services.pupil_import import import_pupils
from safedesk.store.keyring import FAST_KDF, KdfParams

SCHOOL_NAME = "Riverside Primary School (demo)"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - shown on the demo's sign-in screen on purpose


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    roles: frozenset[Role]

    @property
    def roles_label(self) -> str:
        return ", ".join(r.label for r in Role if r in self.roles)


ACCOUNTS = (
    DemoAccount("head", "Mrs Adaeze Okonkwo", frozenset({Role.HEAD, Role.ADMIN})),
    DemoAccount("dsl", "Mr Tom Hughes", frozenset({Role.DSL})),
    DemoAccount("teacher", "Miss Priya Shah", frozenset({Role.STAFF})),
    DemoAccount("behaviour", "Mr Dan Kowalski", frozenset({Role.BEHAVIOUR_LEAD})),
    DemoAccount("office", "Mrs Sue Bennett", frozenset({Role.ADMIN})),
)


@dataclass(frozen=True)
class DemoSchool:
    paths: DataPaths
    password: str
    accounts: tuple[DemoAccount, ...]
    recovery_key: str
    pupils: int
    records: int


def build_demo_school(
    paths: DataPaths,
    *,
    pupils: int = 300,
    kdf: KdfParams = FAST_KDF,
    seed: int = 7,
    today: date | None = None,
    with_records: bool = True,
) -> DemoSchool:
    """A new store in ``paths`` (which must be empty) filled with demo data."""
    head = ACCOUNTS[0]
    created = vault.create_school(
        paths,
        school_name=SCHOOL_NAME,
        username=head.username,
        display_name=head.display_name,
        password=DEMO_PASSWORD,
        kdf=kdf,
    )
    session = vault.sign_in(paths, head.username, DEMO_PASSWORD)
    try:
        for account in ACCOUNTS[1:]:
            users.add_user(
                session,
                username=account.username,
                display_name=account.display_name,
                roles=account.roles,
                password=DEMO_PASSWORD,
                kdf=kdf,
            )
        roll = generate_pupils(pupils, seed=seed, today=today)
        import_pupils(session, to_mis_csv(roll))
        made = 0
        if with_records:
            from safedesk.demo.records import record_a_term

            made = record_a_term(session, roll, seed=seed, today=today)
    finally:
        session.lock()
    return DemoSchool(paths, DEMO_PASSWORD, ACCOUNTS, created.recovery_key, pupils, made)
