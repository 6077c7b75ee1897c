"""Proof: a key rotation killed at any step loses nothing and still shuts the door.

A rotation gives a file new keys in steps, each safe to repeat (services/rotation.py): the
next keys saved in the key file, the compartment's key history and members updated, the new
public keys published, the file re-encrypted, a checkpoint, the old keys retired. A
subprocess runs one rotation (the head disables a DSL, or a DSL changes their own password:
both rotate `school`, `behaviour` and `safeguarding`, in that order) with
``SAFEDESK_KILL_AT`` set to one named point, and is SIGKILLed there. After each kill:

- every remaining member signs in to the files as the crash left them and reads every record
  written before (a member of staff, the copies in "My records");
- ``verify`` passes;
- the rotation completes at the next sign-in of a member (the app's upkeep), or had already;
- then every record is still there, including those that were waiting in the inbox sealed to
  the old keys, ``verify`` passes again, the recovery key opens every file, and the removed
  password with the key file as it was before (a copy someone kept) opens no ``*.db``.

Then a store with some hundreds of records takes several kills at random moments of
rotations in turn (repeated crashes, some during the sign-in that finishes the last one).

    SAFEDESK_ROTATION_KILLS=all uv run pytest -q tests/faults/test_rotation_crash.py  # every
    SAFEDESK_ROTATION_KILLS=50 uv run pytest -q tests/faults/test_rotation_crash.py   # 50 random

Two more tests kill the process between steps outside the rotation's named points (while the
account's own state changes).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from safedesk.domain.compartments import READING, Compartment
from safedesk.domain.entries import Kind, StoredEntry
from safedesk.domain.errors import AuthenticationError
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import integrity, records, upkeep, vault
from safedesk.store import access, keyfile
from safedesk.store.instance_lock import InstanceLock
from safedesk.store.keyfile import Epochs
from tests import factories
from tests.conftest import (
    HEAD_PASSWORD,
    HEAD_USER,
    OTHER_PASSWORD,
    SchoolStore,
    add_account,
    new_school,
)
from tests.faults.conftest import (
    Writer,
    assert_old_copy_opens_nothing,
    crash_seed,
    readable_entries,
    recovery_opens_current,
    start_rotator,
)

NEW_PASSWORD = "a completely new password"
RECORDS = 300  # by the head, taken in at once
WAITING = 3  # by a teacher, left sealed in the inbox under the old keys

# The points a rotation passes, per file, in order. `school` is rotated first (it has no key
# history or published keys of its own), then `behaviour`, then `safeguarding`.
SCHOOL_POINTS = (
    "rotation.next_saved",
    "rotation.rekeyed",
    "rotation.checkpointed",
    "rotation.retired",
)
READING_POINTS = (
    "rotation.next_saved",
    "rotation.history_recorded",
    "rotation.published",
    "rotation.rekeyed",
    "rotation.checkpointed",
    "rotation.retired",
)


def kill_points(files: int) -> list[str]:
    """``name#N`` for each point in the first ``files`` files rotated: `school`, then
    `behaviour`, then `safeguarding`."""
    seen: dict[str, int] = {}
    found = []
    for points in [SCHOOL_POINTS, READING_POINTS, READING_POINTS][:files]:
        for name in points:
            seen[name] = seen.get(name, 0) + 1
            found.append(f"{name}#{seen[name]}")
    return found


def every_point() -> bool:
    return os.environ.get("SAFEDESK_ROTATION_KILLS", "") == "all"


def random_kills() -> int:
    value = os.environ.get("SAFEDESK_ROTATION_KILLS", "")
    return int(value) if value.isdigit() else 6


def cases() -> list[tuple[Scenario, str]]:
    """By default every point in `school` and in the first reading file for a disable, and in
    the first reading file for a password change; with "all", every point of every file."""
    if every_point():
        return [(s, p) for s in (DISABLE, PASSWORD) for p in kill_points(3)]
    reading = kill_points(2)[len(SCHOOL_POINTS) :]
    return [(DISABLE, p) for p in kill_points(2)] + [(PASSWORD, p) for p in reading]


# --- the store every case starts from ---------------------------------------------------------


@dataclass(frozen=True)
class Person:
    username: str
    password: str


HEAD = Person(HEAD_USER, HEAD_PASSWORD)
DSL1 = Person("dsl1", OTHER_PASSWORD)
DSL2 = Person("dsl2", OTHER_PASSWORD)
LEAD = Person("lead", OTHER_PASSWORD)
TEACHER = Person("teacher", OTHER_PASSWORD)


@dataclass(frozen=True)
class Template:
    school: SchoolStore
    seen: dict[str, dict[str, StoredEntry]]  # username -> what they read, by ref
    waiting: frozenset[str]  # the teacher's refs still in the inbox


def _record_all(school: SchoolStore) -> frozenset[str]:
    head = school.sign_in()
    try:
        factories.add_pupils(head)
        for person, role in ((DSL1, Role.DSL), (DSL2, Role.DSL), (LEAD, Role.BEHAVIOUR_LEAD)):
            add_account(head, person.username, {role}, person.password)
        add_account(head, TEACHER.username, {Role.STAFF}, TEACHER.password)
        for n in range(random_kills()):
            add_account(head, f"dsl.r{n}", {Role.DSL})
        for n in range(RECORDS):
            kind = (Kind.CONCERN, Kind.BEHAVIOUR, Kind.INTERVENTION)[n % 3]
            payload = factories.PAYLOADS[kind]()
            if kind is not Kind.INTERVENTION:
                payload["description"] = f"Record {n}: " + str(payload["description"])
            records.record(head, kind, payload)
    finally:
        head.lock()
    teacher = school.sign_in(TEACHER.username, TEACHER.password)
    try:
        kinds = [(Kind.CONCERN, Kind.BEHAVIOUR)[n % 2] for n in range(WAITING)]
        return frozenset(records.record(teacher, k, factories.PAYLOADS[k]()) for k in kinds)
    finally:
        teacher.lock()


def read_as(paths: DataPaths, person: Person) -> dict[str, StoredEntry]:
    """Sign in (as the files are: no upkeep) and read every record this person may read."""
    with InstanceLock(paths.lock):
        session = vault.sign_in(paths, person.username, person.password)
        try:
            return readable_entries(session)
        finally:
            session.lock()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    school = new_school(tmp_path_factory.mktemp("rotation") / "data")
    waiting = _record_all(school)
    people = (HEAD, DSL1, DSL2, LEAD, TEACHER)
    seen = {p.username: read_as(school.paths, p) for p in people}
    assert len(seen[HEAD.username]) == RECORDS
    assert waiting <= set(seen[TEACHER.username]) and not waiting & set(seen[HEAD.username])
    return Template(school, seen, waiting)


@pytest.fixture
def copy(template: Template, tmp_path: Path) -> SchoolStore:
    root = tmp_path / "data"
    shutil.copytree(template.school.paths.root, root)
    return SchoolStore(DataPaths(root), template.school.recovery_key)


# --- what must hold after a kill --------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """Who runs the rotation, what they do, and who must be shut out by it."""

    name: str
    actor: Person
    action: tuple[str, str]
    removed: Person  # the password (with the old key file) that must open nothing after
    remaining: tuple[Person, ...]  # members who keep their access, with their password after

    def args(self) -> list[str]:
        return [self.actor.username, self.actor.password, *self.action]


DISABLE = Scenario(
    "disable a DSL",
    HEAD,
    ("disable", DSL1.username),
    DSL1,
    (TEACHER, LEAD, DSL2, HEAD),
)
PASSWORD = Scenario(
    "a DSL changes their password",
    DSL1,
    ("password", NEW_PASSWORD),
    DSL1,
    (TEACHER, LEAD, DSL2, Person(DSL1.username, NEW_PASSWORD), HEAD),
)


def same_record(before: StoredEntry, after: StoredEntry) -> bool:
    """The same record, its history only added to (a receipt tells its author it was taken
    in; nothing else may change)."""
    grown = after.statuses[: len(before.statuses)] == before.statuses
    return grown and replace(after, statuses=before.statuses) == before


def assert_reads_what_it_read(
    paths: DataPaths, person: Person, template: Template, *, after_take_in: bool
) -> None:
    """Every record ``person`` read before, unchanged; after upkeep, the waiting ones too."""
    found = read_as(paths, person)
    before = template.seen[person.username]
    missing = set(before) - set(found)
    assert not missing, f"{person.username} lost {sorted(missing)[:5]} ({len(missing)})"
    changed = [ref for ref in before if not same_record(before[ref], found[ref])]
    assert not changed, f"{person.username} reads changed records: {changed[:5]}"
    if after_take_in and person.username in (HEAD.username, DSL2.username, DSL1.username):
        assert template.waiting <= set(found), "a record waiting in the inbox was lost"


def verify_as_head(paths: DataPaths, *, run_upkeep: bool) -> upkeep.UpkeepReport | None:
    with InstanceLock(paths.lock):
        session = vault.sign_in(paths, HEAD.username, HEAD.password)
        try:
            report = integrity.verify(session)
            assert report.ok, report.problems
            done = upkeep.after_sign_in(session) if run_upkeep else None
            if done is not None:
                assert not done.problems, done.problems
                assert not done.quarantined, "an item was quarantined"
                again = integrity.verify(session)
                assert again.ok, again.problems
            return done
        finally:
            session.lock()


def pending_rotations(paths: DataPaths) -> set[str]:
    with InstanceLock(paths.lock):
        session = vault.sign_in(paths, HEAD.username, HEAD.password)
        try:
            with session.store.read() as conn:
                return {p.compartment for p in access.pending_rotations(conn)}
        finally:
            session.lock()


def assert_rotated(paths: DataPaths, before: dict[str, Epochs]) -> None:
    """Every file has new keys, no rotation is half-done or still asked for."""
    after = keyfile.load(paths.keys).epochs
    # The DSL's files (each scenario takes a DSL's access away): the allegations files are
    # the head's and the chair's, whose keys these rotations do not touch.
    for compartment in (Compartment.SCHOOL, *READING):
        name = compartment.value
        assert after[name].next is None, f"{name}: a next key is still waiting"
        assert after[name].current > before[name].current, f"{name} was not rotated"
    assert not pending_rotations(paths)


def check_after_crash(
    school: SchoolStore,
    template: Template,
    scenario: Scenario,
    old_keys: bytes,
    before: dict[str, Epochs],
) -> None:
    paths = school.paths
    for person in scenario.remaining:
        assert_reads_what_it_read(paths, person, template, after_take_in=False)
    # Disabled or with a changed password, the answer is the same: nobody learns which.
    with pytest.raises(AuthenticationError, match="Wrong username or password"):
        vault.sign_in(paths, DSL1.username, DSL1.password)
    verify_as_head(paths, run_upkeep=False)

    verify_as_head(paths, run_upkeep=True)  # the next sign-in of a member finishes it
    assert_rotated(paths, before)
    for person in scenario.remaining:
        assert_reads_what_it_read(paths, person, template, after_take_in=True)
    recovery_opens_current(paths, school.recovery_key)
    assert_old_copy_opens_nothing(
        paths, old_keys, scenario.removed.username, scenario.removed.password
    )


# --- a kill at each named point ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "point"), cases(), ids=[f"{s.action[0]}-{p}" for s, p in cases()]
)
def test_rotation_killed_at_each_step_loses_nothing(
    copy: SchoolStore, template: Template, scenario: Scenario, point: str
) -> None:
    paths = copy.paths
    old_keys = paths.keys.read_bytes()
    before = dict(keyfile.load(paths.keys).epochs)
    rotator = start_rotator(paths.root, *scenario.args(), kill_at=point)
    returncode = rotator.finish()
    assert returncode == -signal.SIGKILL, (
        f"{point} was never reached: {rotator.texts()} {rotator.stderr}"
    )
    assert "ROTATING" in rotator.texts() and "ROTATED" not in rotator.texts()
    check_after_crash(copy, template, scenario, old_keys, before)


def test_rotation_not_killed_completes(copy: SchoolStore, template: Template) -> None:
    """The control: the same rotation, left alone, finishes in one go."""
    paths = copy.paths
    old_keys = paths.keys.read_bytes()
    before = dict(keyfile.load(paths.keys).epochs)
    rotator = start_rotator(paths.root, *DISABLE.args())
    assert rotator.finish() == 0, (rotator.texts(), rotator.stderr)
    assert rotator.texts()[-1] == "DONE"
    assert_rotated(paths, before)
    check_after_crash(copy, template, DISABLE, old_keys, before)


# --- kills at random moments ------------------------------------------------------------------


def _timed_run(paths: DataPaths, target: str) -> Writer:
    return start_rotator(
        paths.root, HEAD.username, HEAD.password, "disable", target, "--upkeep-first"
    )


def _gap(writer: Writer, first: str, second: str) -> float:
    at = {text: moment for moment, text in writer.lines}
    return at[second] - at[first]


def _is_active(paths: DataPaths, username: str) -> bool:
    with InstanceLock(paths.lock):
        session = vault.sign_in(paths, HEAD.username, HEAD.password)
        try:
            with session.store.read() as conn:
                row = conn.execute(
                    "SELECT active FROM user WHERE username = ?", (username,)
                ).fetchone()
            return bool(row[0])
        finally:
            session.lock()


def test_rotations_killed_at_random_moments_lose_nothing(
    copy: SchoolStore, template: Template, tmp_path: Path
) -> None:
    paths = copy.paths
    seed = crash_seed()
    rng = random.Random(seed)
    # How long a disable's rotations take here: the quicker of two runs left alone on a copy.
    spare = DataPaths(tmp_path / "spare")
    shutil.copytree(paths.root, spare.root)
    rotation_s = start_s = float("inf")
    for target in ("dsl.r0", "dsl.r1"):
        calibration = _timed_run(spare, target)
        assert calibration.finish() == 0, (calibration.texts(), calibration.stderr)
        rotation_s = min(rotation_s, _gap(calibration, "ROTATING", "ROTATED"))
        start_s = min(start_s, _gap(calibration, "STARTED", "ROTATING"))

    kills = random_kills()
    targets = [f"dsl.r{n}" for n in range(kills)]
    first_copy: dict[str, bytes] = {}
    where_killed: list[str] = []
    for run in range(1, kills + 1):
        target = next(t for t in targets if _is_active(paths, t))
        first_copy.setdefault(target, paths.keys.read_bytes())
        before = dict(keyfile.load(paths.keys).epochs)
        rotator = _timed_run(paths, target)
        if rng.random() < 0.2:
            # While signing in and finishing what the last kill left.
            assert rotator.wait_for("STARTED"), rotator.stderr
            time.sleep(rng.uniform(0, start_s))
        else:
            assert rotator.wait_for("ROTATING"), (rotator.texts(), rotator.stderr)
            time.sleep(rng.uniform(0, rotation_s))
        rotator.kill()
        assert "Traceback" not in rotator.stderr, rotator.stderr
        half_done = any(e.next for e in keyfile.load(paths.keys).epochs.values())
        state = "mid-rotation" if half_done or pending_rotations(paths) else "between"
        where_killed.append(state)

        for person in (TEACHER, LEAD, DSL2, HEAD):
            assert_reads_what_it_read(paths, person, template, after_take_in=run > 1)
        verify_as_head(paths, run_upkeep=False)
        verify_as_head(paths, run_upkeep=True)
        if not _is_active(paths, target):
            # The disable was committed: its rotation is now complete, the door shut.
            assert_rotated(paths, before)
            with pytest.raises(AuthenticationError, match="Wrong username or password"):
                vault.sign_in(paths, target, OTHER_PASSWORD)
            assert_old_copy_opens_nothing(paths, first_copy[target], target, OTHER_PASSWORD)
        recovery_opens_current(paths, copy.recovery_key)

    for person in (TEACHER, LEAD, DSL2, HEAD):
        assert_reads_what_it_read(paths, person, template, after_take_in=True)
    print(
        f"\n{kills} random kills (seed {seed}), a disable's rotations ≈ "
        f"{rotation_s * 1000:.0f} ms: " + ", ".join(where_killed)
    )
    assert "mid-rotation" in where_killed, where_killed


# --- kills between steps the rotation does not name -------------------------------------------


def test_password_change_killed_before_the_files_learn_the_new_key(copy: SchoolStore) -> None:
    paths = copy.paths
    rotator = start_rotator(
        paths.root,
        *PASSWORD.args(),
        "--die-in",
        "safedesk.store.members:put",
    )
    assert rotator.finish() == -signal.SIGKILL, (rotator.texts(), rotator.stderr)
    verify_as_head(paths, run_upkeep=True)
    with InstanceLock(paths.lock):
        session = vault.sign_in(paths, DSL1.username, NEW_PASSWORD)
        try:
            opened = set(session.compartments)
        finally:
            session.lock()
    assert opened == {Compartment.SAFEGUARDING, Compartment.BEHAVIOUR}


@pytest.mark.parametrize(
    "die_in",
    ["safedesk.store.users:set_active", "safedesk.store.access:ask_rotation"],
    ids=["before-marked-disabled", "before-rotation-asked"],
)
def test_disable_killed_before_the_rotation_is_asked_still_shuts_the_door(
    copy: SchoolStore, die_in: str
) -> None:
    paths = copy.paths
    old_keys = paths.keys.read_bytes()
    rotator = start_rotator(paths.root, *DISABLE.args(), "--die-in", die_in)
    assert rotator.finish() == -signal.SIGKILL, (rotator.texts(), rotator.stderr)
    verify_as_head(paths, run_upkeep=True)  # a member's next sign-in
    if _is_active(paths, DSL1.username):
        # Killed before the disable's one transaction committed: it never happened, and
        # the account works as before (the administrator sees it still active).
        vault.sign_in(paths, DSL1.username, DSL1.password).lock()
        return
    assert_old_copy_opens_nothing(paths, old_keys, DSL1.username, DSL1.password)
