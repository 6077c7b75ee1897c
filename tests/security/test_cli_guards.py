"""safedesk-admin refusing what it must refuse: restores by the wrong people, grants not made
in person or by a non-member, an administrator's reading role, and which folder it acts on."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.conftest import HEAD_PASSWORD, HEAD_USER, SchoolStore
from tests.security import attacker
from tests.security.attacker import admin
from tests.security.conftest import (
    ADMIN,
    BEHAVIOUR_LEAD,
    DSL,
    HEAD,
    PASSWORDS,
    STAFF,
    build_school,
)

NOT_ALLOWED = 3


def opens(root: Path, name: str, password: str) -> set[str]:
    person = attacker.loot((root / "keys.json").read_bytes(), name, password)
    return {
        f
        for f in attacker.COMPARTMENT_FILES
        if attacker.opening_key(root / f, person.file_keys) is not None
    }


def roles_of(root: Path, name: str) -> list[str]:
    listed = admin(root, "user", "list", "--user", HEAD_USER, "--json", password=HEAD_PASSWORD)
    assert listed.code == 0, listed.err
    return next(u["roles"] for u in json.loads(listed.out) if u["username"] == name)


# --- restore -------------------------------------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "-"


def _key_file_but(root: Path, who: str | None) -> str:
    """The key file, less ``who``'s own slot: signing in rewraps it (it remembers the chain
    heads its holder signed, so a log cut back behind them is found)."""
    raw = json.loads((root / "keys.json").read_text("utf-8"))
    if who is not None:
        mine = attacker.read_key_file((root / "keys.json").read_bytes()).slot_id(who)
        raw["accounts"] = [a for a in raw["accounts"] if a.get("id") != mine]
    return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()


def store_state(root: Path, who: str | None = None) -> dict[str, object]:
    """Everything a restore could change: the key file (but the slot of ``who``, who signed
    in) and reading files byte for byte, every table of `school` but its audit log and the
    chain heads signed and seen (a refusal is audited), and the folder's files (the sign-in
    failure log and lock files aside)."""
    head = attacker.loot((root / "keys.json").read_bytes(), HEAD_USER, HEAD_PASSWORD)
    key = attacker.school_key(head, root)
    with attacker.raw_open(root / "school.db", key) as conn:
        assert conn is not None
        tables = [
            r[0]
            for r in conn.execute(  # type: ignore[attr-defined]
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT IN ('audit_log', 'signed_head', 'seen_head') ORDER BY name"
            ).fetchall()
        ]
        school = {
            t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"').fetchall()))  # type: ignore[attr-defined]
            for t in tables
        }
    ignored = {"signin-failures.json", "safedesk.lock", "keys.json.lock"}
    return {
        "keys.json": _key_file_but(root, who),
        **{
            name: (_digest(root / name), _digest(root / f"{name}-wal"))
            for name in ("safeguarding.db", "behaviour.db")
        },
        "school": school,
        "files": sorted(
            str(p.relative_to(root)) for p in attacker.files_under(root) if p.name not in ignored
        ),
    }


@pytest.fixture
def with_backup(tmp_path: Path) -> tuple[SchoolStore, Path]:
    """A school, a backup made by the head (in which the administrator is active), then the
    administrator's account disabled in the live store."""
    school = build_school(tmp_path / "data")
    made = admin(
        school.paths.root,
        "backup",
        "--user",
        HEAD_USER,
        "--to",
        str(tmp_path / "backups"),
        password=HEAD_PASSWORD,
    )
    assert made.code == 0, made.err
    backup = Path(made.out.strip().splitlines()[-1])
    assert backup.is_file()
    done = admin(
        school.paths.root, "user", "disable", ADMIN, "--user", HEAD_USER, password=HEAD_PASSWORD
    )
    assert done.code == 0, done.err
    return school, backup


@pytest.mark.parametrize(
    ("who", "env"),
    [
        (ADMIN, {}),
        (ADMIN, {"SAFEDESK_BACKUP_PASSWORD": PASSWORDS[ADMIN]}),
        (STAFF, {}),
        (DSL, {}),
        (HEAD, {}),
    ],
    ids=[
        "disabled-admin",
        "disabled-admin-with-backup-password",
        "staff",
        "dsl",
        "head-not-admin",
    ],
)
def test_restore_by_someone_the_live_store_does_not_allow_changes_nothing(
    with_backup: tuple[SchoolStore, Path], who: str, env: dict[str, str]
) -> None:
    school, backup = with_backup
    root = school.paths.root
    before = store_state(root, who)
    done = admin(
        root, "restore", "--from", str(backup), "--user", who, password=PASSWORDS[who], env=env
    )
    assert done.code == NOT_ALLOWED, (done.code, done.out, done.err)
    assert store_state(root, who) == before
    assert not (root / "replaced").exists()
    assert not list(root.glob(".restore-*"))


# --- grants --------------------------------------------------------------------------------

NEWBIE = "nia.new.dsl"
FIRST_PASSWORD = "set by the administrator 8"
NEWBIE_PASSWORD = "nia's own password 8"


def own_password(root: Path, name: str) -> None:
    """The new member of staff replaces the password the administrator gave them."""
    done = admin(
        root,
        "passwd",
        "--user",
        name,
        password=FIRST_PASSWORD,
        env={"SAFEDESK_NEW_PASSWORD": NEWBIE_PASSWORD},
    )
    assert done.code == 0, done.err


@pytest.fixture(scope="module")
def grant_school(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A school with an account whose DSL role was asked for but not yet granted."""
    school = build_school(tmp_path_factory.mktemp("grants") / "data")
    root = school.paths.root
    added = admin(
        root,
        "user",
        "add",
        "--user",
        ADMIN,
        "--new",
        NEWBIE,
        "--role",
        "dsl",
        "--display",
        "Nia New",
        password=PASSWORDS[ADMIN],
        env={"SAFEDESK_NEW_PASSWORD": FIRST_PASSWORD},
    )
    assert added.code == 0, added.err
    own_password(root, NEWBIE)
    return root


def _nothing_granted(root: Path) -> None:
    assert "dsl" not in roles_of(root, NEWBIE)
    assert opens(root, NEWBIE, NEWBIE_PASSWORD) == {"school.db"}


@pytest.mark.parametrize("acting", [ADMIN, BEHAVIOUR_LEAD, STAFF])
def test_grant_by_a_non_member_is_refused(grant_school: Path, acting: str) -> None:
    done = admin(
        grant_school,
        "user",
        "grant",
        NEWBIE,
        "--role",
        "dsl",
        "--user",
        acting,
        password=PASSWORDS[acting],
        env={"SAFEDESK_GRANTEE_PASSWORD": NEWBIE_PASSWORD},
    )
    assert done.code == NOT_ALLOWED, (done.code, done.err)
    _nothing_granted(grant_school)


@pytest.mark.parametrize(
    "grantee_password",
    ["wrong password 1234", "", PASSWORDS[HEAD], FIRST_PASSWORD],
    ids=["wrong", "empty", "the-acting-members-own", "the-one-the-administrator-set"],
)
def test_grant_without_the_grantees_own_password_is_refused(
    grant_school: Path, grantee_password: str
) -> None:
    done = admin(
        grant_school,
        "user",
        "grant",
        NEWBIE,
        "--role",
        "dsl",
        "--user",
        HEAD,
        password=PASSWORDS[HEAD],
        env={"SAFEDESK_GRANTEE_PASSWORD": grantee_password},
    )
    assert done.code == NOT_ALLOWED, (done.code, done.err)
    _nothing_granted(grant_school)


def test_grant_with_no_grantee_password_given_is_refused(grant_school: Path) -> None:
    """No SAFEDESK_GRANTEE_PASSWORD and no terminal to ask on: refused (a usage error, exit 2,
    by the contract's rule for a missing password), and nothing granted."""
    done = admin(
        grant_school,
        "user",
        "grant",
        NEWBIE,
        "--role",
        "dsl",
        "--user",
        HEAD,
        password=PASSWORDS[HEAD],
    )
    assert done.code in (2, NOT_ALLOWED), (done.code, done.err)
    _nothing_granted(grant_school)


GRANTED_PASSWORD = "nia's password chosen at the grant 7"


def test_grant_in_person_by_a_member_works(tmp_path: Path) -> None:
    """The control for the refusals above: the same grant, made properly, gives the keys."""
    school = build_school(tmp_path / "data")
    root = school.paths.root
    added = admin(
        root,
        "user",
        "add",
        "--user",
        ADMIN,
        "--new",
        NEWBIE,
        "--role",
        "dsl",
        "--display",
        "Nia New",
        password=PASSWORDS[ADMIN],
        env={"SAFEDESK_NEW_PASSWORD": FIRST_PASSWORD},
    )
    assert added.code == 0, added.err
    own_password(root, NEWBIE)
    assert opens(root, NEWBIE, NEWBIE_PASSWORD) == {"school.db"}
    done = admin(
        root,
        "user",
        "grant",
        NEWBIE,
        "--role",
        "dsl",
        "--user",
        HEAD,
        password=PASSWORDS[HEAD],
        env={
            "SAFEDESK_GRANTEE_PASSWORD": NEWBIE_PASSWORD,
            "SAFEDESK_GRANTEE_NEW_PASSWORD": GRANTED_PASSWORD,
        },
    )
    assert done.code == 0, done.err
    assert "dsl" in roles_of(root, NEWBIE)
    assert opens(root, NEWBIE, GRANTED_PASSWORD) == set(attacker.COMPARTMENT_FILES)
    assert opens(root, NEWBIE, NEWBIE_PASSWORD) == set()  # the old password opens nothing


SECOND = "ada.second.account"
SECOND_PASSWORD = "ada's second password 9"


@pytest.mark.parametrize("role", ["dsl", "head", "behaviour_lead"])
def test_administrator_cannot_give_themselves_or_a_second_account_a_reading_role(
    grant_school: Path, role: str
) -> None:
    root = grant_school
    mine = admin(
        root,
        "user",
        "grant",
        ADMIN,
        "--role",
        role,
        "--user",
        ADMIN,
        password=PASSWORDS[ADMIN],
        env={"SAFEDESK_GRANTEE_PASSWORD": PASSWORDS[ADMIN]},
    )
    assert mine.code == NOT_ALLOWED, (mine.code, mine.err)

    if SECOND not in {u for u in _usernames(root)}:
        added = admin(
            root,
            "user",
            "add",
            "--user",
            ADMIN,
            "--new",
            SECOND,
            "--role",
            role,
            "--display",
            "Ada Again",
            password=PASSWORDS[ADMIN],
            env={"SAFEDESK_NEW_PASSWORD": SECOND_PASSWORD},
        )
        assert added.code == 0, added.err
    # Asked for only: the second account is staff until a member grants the role in person.
    assert roles_of(root, SECOND) == ["staff"]
    second = admin(
        root,
        "user",
        "grant",
        SECOND,
        "--role",
        role,
        "--user",
        ADMIN,
        password=PASSWORDS[ADMIN],
        env={"SAFEDESK_GRANTEE_PASSWORD": SECOND_PASSWORD},
    )
    assert second.code == NOT_ALLOWED, (second.code, second.err)

    assert roles_of(root, ADMIN) == ["admin"]
    assert roles_of(root, SECOND) == ["staff"]
    assert opens(root, ADMIN, PASSWORDS[ADMIN]) == {"school.db"}
    assert opens(root, SECOND, SECOND_PASSWORD) == {"school.db"}


def _usernames(root: Path) -> list[str]:
    listed = admin(root, "user", "list", "--user", HEAD_USER, "--json", password=HEAD_PASSWORD)
    return [u["username"] for u in json.loads(listed.out)]


# --- the data folder -----------------------------------------------------------------------


def test_data_dir_before_or_after_the_subcommand_acts_on_that_folder_only(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    xdg = {
        name: tmp_path / name.lower()
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
    }
    for folder in [home, *xdg.values()]:
        folder.mkdir()
    env = {"HOME": str(home), "USERPROFILE": str(home), **{k: str(v) for k, v in xdg.items()}}
    first, second = tmp_path / "first", tmp_path / "second"

    def run(*args: str, new: str | None = None) -> attacker.Ran:
        extra = dict(env)
        if new is not None:
            extra["SAFEDESK_NEW_PASSWORD"] = f"{new}'s own password"
        return admin(None, *args, password=HEAD_PASSWORD, env=extra)

    assert run("--data-dir", str(first), "init", "--school", "One", "--user", "head").code == 0
    assert run("init", "--school", "Two", "--user", "head", "--data-dir", str(second)).code == 0
    for folder in (first, second):
        assert (folder / "school.db").is_file() and (folder / "keys.json").is_file()

    def add(name: str, *where: str) -> None:
        args = ["--user", "head", "--new", name, "--role", "staff", "--display", name]
        if where[0] == "before":
            done = run("--data-dir", str(first), "user", "add", *args, new=name)
        elif where[0] == "between":
            done = run("user", "--data-dir", str(first), "add", *args, new=name)
        else:
            done = run("user", "add", *args, "--data-dir", str(first), new=name)
        assert done.code == 0, (where, done.err)

    add("added.before", "before")
    add("added.between", "between")
    add("added.after", "after")

    def names(*args: str) -> set[str]:
        done = run(*args)
        assert done.code == 0, done.err
        return {u["username"] for u in json.loads(done.out)}

    listed_before = names("--data-dir", str(first), "user", "list", "--user", "head", "--json")
    listed_after = names("user", "list", "--user", "head", "--json", "--data-dir", str(first))
    assert listed_before == listed_after == {"head", "added.before", "added.between", "added.after"}
    assert names("user", "list", "--user", "head", "--json", "--data-dir", str(second)) == {"head"}
    made_at_home = [p for p in [home, *xdg.values()] for p in attacker.files_under(p)]
    assert made_at_home == []
    assert [p for p in [home, *xdg.values()] if any(p.iterdir())] == []


def test_restore_by_the_live_administrator_works_and_keeps_the_disabled_admin_out(
    with_backup: tuple[SchoolStore, Path],
) -> None:
    """The control for the refusals above (the same restore, by an active administrator of
    the live store, does change the store), and the disabled administrator, active in the
    backup, stays disabled: their password opens nothing in what was put back."""
    school, backup = with_backup
    root = school.paths.root
    before = store_state(root)
    done = admin(
        root, "restore", "--from", str(backup), "--user", HEAD_USER, password=HEAD_PASSWORD
    )
    assert done.code == 0, done.err
    assert store_state(root) != before
    assert opens(root, ADMIN, PASSWORDS[ADMIN]) == set()
    again = admin(
        root, "restore", "--from", str(backup), "--user", ADMIN, password=PASSWORDS[ADMIN]
    )
    assert again.code == NOT_ALLOWED


def test_restore_of_an_older_backup_does_not_give_back_a_removed_role(tmp_path: Path) -> None:
    """A DSL's role is removed after a backup was made; the administrator later restores
    that backup (after a disk failure, say). As with disabled accounts, the live store's
    decision must stand: the person must not be a member of the reading files again.
    (The design promises this in so many words for disabled accounts only.)"""
    school = build_school(tmp_path / "data")
    root = school.paths.root
    made = admin(
        root,
        "backup",
        "--user",
        HEAD_USER,
        "--to",
        str(tmp_path / "backups"),
        password=HEAD_PASSWORD,
    )
    assert made.code == 0, made.err
    removed = admin(
        root, "user", "revoke", DSL, "--role", "dsl", "--user", HEAD_USER, password=HEAD_PASSWORD
    )
    assert removed.code == 0, removed.err
    assert opens(root, DSL, PASSWORDS[DSL]) == {"school.db"}

    done = admin(
        root,
        "restore",
        "--from",
        made.out.strip().splitlines()[-1],
        "--user",
        HEAD_USER,
        password=HEAD_PASSWORD,
    )
    assert done.code == 0, done.err
    assert opens(root, DSL, PASSWORDS[DSL]) == {"school.db"}, (
        "restoring an older backup made the DSL whose role was removed a member again"
    )
