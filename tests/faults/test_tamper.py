"""Tampering with a raw connection and a member's key, as an outsider with an account would:
each change succeeds in the file (the triggers guard only the program's own connections), and
`verify` must then fail, naming the row's table and the record it belongs to.

The attacker holds exactly what a DSL holds: their password and the live key file, which give
the file keys; they write with plain `sqlcipher3`, never through the program.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import amendments, backup, casework, integrity, records, upkeep, users
from safedesk.services.settings import update_settings
from safedesk.store import audit, backup_file, members
from safedesk.store.instance_lock import InstanceLock
from tests import factories
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account
from tests.security import attacker

DSL, TEACHER = "d.lead", "t.jones"


@dataclass
class Scene:
    school: SchoolStore
    concern: str  # a taken-in concern, amended once and acknowledged
    incident: str  # a behaviour incident
    backup: Path
    keys: dict[str, bytes]  # file name -> its key, from the DSL's own slot

    def path(self, file: str) -> Path:
        return self.school.paths.root / f"{file}.db"

    def take_keys(self) -> None:
        """The file keys the DSL's password opens in the live key file, as it is now."""
        root = self.school.paths.root
        dsl = attacker.loot((root / "keys.json").read_bytes(), DSL, OTHER_PASSWORD)
        for file in ("school", "safeguarding", "behaviour"):
            key = attacker.opening_key(root / f"{file}.db", dsl.file_keys)
            assert key is not None, f"the DSL holds the {file} key"
            self.keys[file] = key

    def verify(self) -> list[str]:
        """What the head's `verify` reports, signed in afresh (no session was open during the
        tampering, as when someone works on the files after hours)."""
        with InstanceLock(self.school.paths.lock):
            session = self.school.sign_in()
            try:
                report = integrity.verify(session)
            finally:
                session.lock()
        assert report.ok == (not report.problems)
        return report.problems


@pytest.fixture
def scene(pupil_school: SchoolStore, tmp_path: Path) -> Scene:
    school = pupil_school
    head = school.sign_in()
    try:
        add_account(head, DSL, {Role.DSL, Role.BEHAVIOUR_LEAD})
        add_account(head, TEACHER, {Role.STAFF})
        update_settings(head, backup_dir=str(tmp_path / "usb"))
        teacher = school.sign_in(TEACHER, OTHER_PASSWORD)
        try:
            concern = records.record(teacher, Kind.CONCERN, factories.concern())
            incident = records.record(teacher, Kind.BEHAVIOUR, factories.behaviour())
            amendments.amend(teacher, concern, "category", "emotional_abuse", "Wrong category")
        finally:
            teacher.lock()
        factories.take_in_all(head)
        casework.act(head, concern, {"type": "acknowledge"})
        written = backup.create_backup(head)
    finally:
        head.lock()
    scene = Scene(school, concern, incident, written, {})
    scene.take_keys()
    assert scene.verify() == []  # sound before anyone touches it
    return scene


def raw(scene: Scene, file: str) -> contextlib.AbstractContextManager[Any]:
    return attacker.raw_write(scene.path(file), scene.keys[file])


def named(problems: list[str], *parts: str) -> bool:
    return any(all(part in p for part in parts) for p in problems)


def entry_id(scene: Scene, file: str, ref: str) -> int:
    with raw(scene, file) as conn:
        return int(conn.execute("SELECT id FROM entry WHERE ref = ?", (ref,)).fetchone()[0])


# --- record content --------------------------------------------------------------------------


def test_replace_into_a_record(scene: Scene) -> None:
    with raw(scene, "safeguarding") as conn:
        row = conn.execute("SELECT * FROM concern").fetchone()
        columns = [c[1] for c in conn.execute("PRAGMA table_info(concern)")]
        values = dict(zip(columns, row, strict=True))
        values["description"] = "Nothing of note."
        marks = ", ".join("?" for _ in columns)
        conn.execute(
            f"REPLACE INTO concern ({', '.join(columns)}) VALUES ({marks})", list(values.values())
        )
    problems = scene.verify()
    assert named(problems, "safeguarding:", "concern row", scene.concern, "changed"), problems


def test_insert_or_replace_an_amendment(scene: Scene) -> None:
    with raw(scene, "safeguarding") as conn:
        row = conn.execute("SELECT * FROM amendment").fetchone()
        columns = [c[1] for c in conn.execute("PRAGMA table_info(amendment)")]
        values = dict(zip(columns, row, strict=True))
        values["reason"] = "At the DSL's request"
        marks = ", ".join("?" for _ in columns)
        conn.execute(
            f"INSERT OR REPLACE INTO amendment ({', '.join(columns)}) VALUES ({marks})",
            list(values.values()),
        )
    problems = scene.verify()
    assert named(problems, "amendment row", scene.concern, "changed"), problems


def test_drop_trigger_then_update(scene: Scene) -> None:
    with raw(scene, "behaviour") as conn:
        conn.execute("DROP TRIGGER entry_no_update")
        conn.execute("UPDATE entry SET recorded_at = recorded_at || '' , author = 'someone'")
    problems = scene.verify()
    assert named(problems, "behaviour:", "entry row", scene.incident, "changed"), problems
    assert named(problems, "behaviour:", "structure"), problems


def test_drop_trigger_then_delete_a_record(scene: Scene) -> None:
    with raw(scene, "behaviour") as conn:
        conn.execute("DROP TRIGGER entry_no_delete")
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM entry WHERE ref = ?", (scene.incident,))
    problems = scene.verify()
    assert named(problems, "behaviour:", "entry row", scene.incident, "removed"), problems


def test_a_row_added_behind_the_programs_back(scene: Scene) -> None:
    with raw(scene, "safeguarding") as conn:
        conn.execute("DROP TRIGGER IF EXISTS entry_status_no_update")
        entry = conn.execute("SELECT id FROM entry WHERE ref = ?", (scene.concern,)).fetchone()[0]
        columns = [c[1] for c in conn.execute("PRAGMA table_info(entry_status)")]
        row = conn.execute(
            "SELECT * FROM entry_status WHERE entry_id = ? ORDER BY id DESC", (entry,)
        ).fetchone()
        values = dict(zip(columns, row, strict=True))
        values["id"] = int(values["id"]) + 1000
        marks = ", ".join("?" for _ in columns)
        conn.execute(
            f"INSERT INTO entry_status ({', '.join(columns)}) VALUES ({marks})",
            list(values.values()),
        )
    problems = scene.verify()
    assert named(problems, "entry_status row", scene.concern, "added"), problems


def test_writable_schema_removes_a_trigger(scene: Scene) -> None:
    with raw(scene, "safeguarding") as conn:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(
            "DELETE FROM sqlite_master WHERE type = 'trigger' AND name = 'entry_no_update'"
        )
        conn.execute("PRAGMA writable_schema = OFF")
    with raw(scene, "safeguarding") as conn:  # a new connection reads the edited schema
        conn.execute("UPDATE entry SET author = 'someone' WHERE ref = ?", (scene.concern,))
    problems = scene.verify()
    assert named(problems, "safeguarding:", "entry row", scene.concern, "changed"), problems
    assert named(problems, "safeguarding:", "structure"), problems


def test_an_amendment_removed(scene: Scene) -> None:
    """Without its amendment, the record would show the changed text as its "original"."""
    with raw(scene, "safeguarding") as conn:
        conn.execute("DROP TRIGGER amendment_no_delete")
        conn.execute("DELETE FROM amendment")
    problems = scene.verify()
    assert named(problems, "amendment row", scene.concern, "removed"), problems


def test_rows_swapped_in_order(scene: Scene) -> None:
    with raw(scene, "safeguarding") as conn:
        conn.execute("DROP TRIGGER entry_status_no_update")
        ids = [r[0] for r in conn.execute("SELECT id FROM entry_status ORDER BY id LIMIT 2")]
        assert len(ids) == 2
        conn.execute("UPDATE entry_status SET id = -1 WHERE id = ?", (ids[0],))
        conn.execute("UPDATE entry_status SET id = ? WHERE id = ?", (ids[0], ids[1]))
        conn.execute("UPDATE entry_status SET id = ? WHERE id = -1", (ids[1],))
    problems = scene.verify()
    assert named(problems, "entry_status row", "changed"), problems


# --- accounts and roles ----------------------------------------------------------------------


def test_a_role_granted_in_the_table(scene: Scene) -> None:
    with raw(scene, "school") as conn:
        teacher = conn.execute("SELECT id FROM user WHERE username = ?", (TEACHER,)).fetchone()
        columns = [c[1] for c in conn.execute("PRAGMA table_info(user_role)")]
        values = {c: None for c in columns} | {"user_id": teacher[0], "role": "admin"}
        row = conn.execute("SELECT * FROM user_role LIMIT 1").fetchone()
        for column, value in zip(columns, row, strict=True):
            if values[column] is None:
                values[column] = value
        marks = ", ".join("?" for _ in columns)
        conn.execute(
            f"INSERT INTO user_role ({', '.join(columns)}) VALUES ({marks})",
            list(values.values()),
        )
    problems = scene.verify()
    assert named(problems, "school:", "user_role row", TEACHER, "added"), problems


def test_a_disabled_account_re_enabled_in_the_table(scene: Scene) -> None:
    head = scene.school.sign_in()
    try:
        users.disable_user(head, TEACHER)
    finally:
        head.lock()
    assert scene.verify() == []
    scene.take_keys()  # disabling gave the files new keys; the DSL is still a member
    with raw(scene, "school") as conn:
        columns = [c[1] for c in conn.execute("PRAGMA table_info(user)")]
        flag = next(c for c in columns if c in ("disabled_at", "disabled", "active"))
        value = 1 if flag == "active" else None
        conn.execute(f"UPDATE user SET {flag} = ? WHERE username = ?", (value, TEACHER))
    problems = scene.verify()
    assert named(problems, "school:", "user row", TEACHER, "changed"), problems


# --- the chain itself ------------------------------------------------------------------------


def _rechain(conn: Any, *, after: int, keep: Callable[[tuple[Any, ...]], bool]) -> int:
    """Rewrite the chain from row ``after`` on, keeping only rows ``keep`` accepts and
    re-hashing them so every link checks: what someone with the key and the program's code
    can do. Returns the new head's seq."""
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    rows = conn.execute(
        "SELECT seq, at, actor, action, object_type, object_id, detail FROM audit_log "
        "WHERE seq > ? ORDER BY seq",
        (after,),
    ).fetchall()
    prev = conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (after,)).fetchone()[0]
    conn.execute("DELETE FROM audit_log WHERE seq > ?", (after,))
    seq = after
    for _, at, actor, action, otype, oid, detail in rows:
        if not keep((at, actor, action, otype, oid, detail)):
            continue
        seq += 1
        digest = audit.row_hash(prev, seq, at, actor, action, otype, oid, detail)
        conn.execute(
            "INSERT INTO audit_log (seq, at, actor, action, object_type, object_id, detail, "
            "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, at, actor, action, otype, oid, detail, prev, digest),
        )
        prev = digest
    return seq


def test_a_re_chained_log(scene: Scene) -> None:
    """An event removed from the middle (the amendment's arrival) and the rest re-hashed: every
    link checks, but the signed heads no longer do."""
    with raw(scene, "safeguarding") as conn:
        _rechain(conn, after=1, keep=lambda row: "amendment" not in row[5])
    problems = scene.verify()
    assert named(problems, "safeguarding:", "rewritten"), problems


def test_a_re_chained_log_with_its_signed_heads_removed(scene: Scene) -> None:
    with raw(scene, "safeguarding") as conn:
        _rechain(conn, after=1, keep=lambda row: "amendment" not in row[5])
        conn.execute("DROP TRIGGER IF EXISTS signed_head_no_delete")
        conn.execute("DELETE FROM signed_head")
    problems = scene.verify()
    assert named(problems, "safeguarding:", "signed by nobody"), problems
    # The school file saw the safeguarding file's heads, and the backup holds one.
    assert named(problems, "safeguarding:", "rolled back"), problems


def test_the_audit_tail_deleted(scene: Scene) -> None:
    """Everything since the backup removed (its rows' events with it): the school file's own
    signed heads and the heads other files saw catch it."""
    with raw(scene, "school") as conn:
        conn.execute("DROP TRIGGER audit_log_no_delete")
        last = conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
        conn.execute("DELETE FROM audit_log WHERE seq > ?", (last - 5,))
        conn.execute("DROP TRIGGER IF EXISTS signed_head_no_delete")
        conn.execute("DELETE FROM signed_head WHERE seq > ?", (last - 5,))
    problems = scene.verify()
    assert named(problems, "school:", "rolled back") or named(
        problems, "school:", "removed behind"
    ), problems
    # Found without anyone running verify: the head's next sign-in raises it in the queue,
    # and it is still found at the one after (the key slot keeps the head it signed).
    for _ in range(2):
        head = scene.school.sign_in()
        try:
            report = upkeep.after_sign_in(head)
            with head.compartment(Compartment.SAFEGUARDING).read() as conn:
                alarms = [a.detail for a in members.open_alarms(conn)]
        finally:
            head.lock()
        assert named(report.problems, "school file's audit log no longer holds row"), report
        assert named(alarms, "cut back or rewritten"), alarms


def test_a_forged_restore_that_sets_every_backup_head_aside(scene: Scene) -> None:
    """The log rolled back before the backup was made, and a `backup.restored` event appended
    claiming the backup's heads were knowingly set aside: the event is signed by nobody, so it
    sets nothing aside."""
    manifest = backup_file.read_manifest(scene.backup)
    superseded = {file: [head] for file, head in manifest.heads.items()}
    with raw(scene, "school") as conn:
        conn.execute("DROP TRIGGER audit_log_no_delete")
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        cut = int(manifest.heads["school"][0]) - 3
        conn.execute("DELETE FROM audit_log WHERE seq > ?", (cut,))
        conn.execute("DROP TRIGGER IF EXISTS signed_head_no_delete")
        conn.execute("DELETE FROM signed_head WHERE seq > ?", (cut,))
        prev = conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (cut,)).fetchone()[0]
        detail = json.dumps({"superseded": superseded}, sort_keys=True)
        at = "2026-11-29T09:00:00+00:00"
        digest = audit.row_hash(prev, cut + 1, at, "head", "backup.restored", None, None, detail)
        conn.execute(
            "INSERT INTO audit_log (seq, at, actor, action, object_type, object_id, detail, "
            "prev_hash, hash) VALUES (?, ?, 'head', 'backup.restored', NULL, NULL, ?, ?, ?)",
            (cut + 1, at, detail, prev, digest),
        )
    problems = scene.verify()
    assert named(problems, "school:", "signed by nobody"), problems
    assert named(problems, "school:", "rolled back"), problems


def _append_event(conn: Any, actor: str | None, action: str, detail: str) -> int:
    """An audit row appended at the tail as the program would chain it (unsigned); its seq."""
    seq, prev = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC").fetchone()
    at = "2026-11-29T09:00:00+00:00"
    digest = audit.row_hash(prev, seq + 1, at, actor, action, None, None, detail)
    conn.execute(
        "INSERT INTO audit_log (seq, at, actor, action, object_type, object_id, detail, "
        "prev_hash, hash) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?)",
        (seq + 1, at, actor, action, detail, prev, digest),
    )
    return int(seq + 1)


# --- the inbox (found by the break-it pass of step 7) ------------------------------------------


@pytest.mark.parametrize("hash_given", [None, "", "0" * 63 + "g"])
def test_a_waiting_item_deleted_under_a_forged_anonymous_put(
    scene: Scene, hash_given: str | None
) -> None:
    """A member of staff deletes a colleague's concern waiting in the inbox and appends an
    unsigned "inbox put" event whose ledger row has no real hash (read as "this row should not
    exist"). An anonymous put carries exactly one row with a real hash, or it is not anonymous:
    the event is then unsigned, and the row's removal shows."""
    teacher = scene.school.sign_in(TEACHER, OTHER_PASSWORD)
    try:
        records.record(teacher, Kind.CONCERN, factories.concern())
    finally:
        teacher.lock()
    with raw(scene, "school") as conn:
        (item,) = conn.execute("SELECT id FROM inbox_item").fetchone()
        conn.execute("DELETE FROM inbox_item WHERE id = ?", (item,))
        detail = json.dumps(
            {"rows": [["inbox_item", [item], "insert", hash_given, ""]]}, sort_keys=True
        )
        _append_event(conn, None, "inbox.item_put", detail)
    problems = scene.verify()
    assert named(problems, "school:", "signed by nobody"), problems


# --- accounts changed under a member of staff's own signature (break-it pass, step 7) ---------


def _append_signed(
    conn: Any,
    scene: Scene,
    signer: str,
    rows: list[tuple[str, list[Any], str]],
    from_seq: int | None = None,
) -> None:
    """An event written as the program would (with the rows' ledger hashes), its head signed
    with ``signer``'s own key: every account signs commits to `school`."""
    from datetime import UTC, datetime

    from safedesk.domain.clock import to_stored
    from safedesk.store import evidence, ledger

    held = attacker.loot(scene.school.paths.keys.read_bytes(), signer, OTHER_PASSWORD)
    assert held.account is not None
    version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
    detail = json.dumps(
        {
            "rows": [
                [t, pk, op, ledger.row_hash(conn, t, pk, version), ledger.reference(conn, t, pk)]
                for t, pk, op in rows
            ]
        },
        sort_keys=True,
    )
    seq, prev = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC").fetchone()
    at = to_stored(datetime.now(UTC))
    digest = audit.row_hash(prev, seq + 1, at, signer, "rows.written", None, None, detail)
    conn.execute(
        "INSERT INTO audit_log (seq, at, actor, action, object_type, object_id, detail, "
        "prev_hash, hash) VALUES (?, ?, ?, 'rows.written', NULL, NULL, ?, ?, ?)",
        (seq + 1, at, signer, detail, prev, digest),
    )
    first = seq + 1 if from_seq is None else from_seq
    signature = held.account.sign.sign(
        evidence.head_message(held.store_id, "school", seq + 1, digest, first)
    )
    conn.execute(
        "INSERT INTO signed_head (seq, hash, signer, sign_public, signature, at, from_seq) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (seq + 1, digest, signer, held.account.sign.public, signature, at, first),
    )


def test_a_member_of_staff_signing_their_own_change_to_accounts(scene: Scene) -> None:
    """The teacher renames the DSL's account as their own and gives themselves `admin`, then
    writes the ledger event the program would and signs it with their own key."""
    with raw(scene, "school") as conn:
        ids = dict(conn.execute("SELECT username, id FROM user").fetchall())
        conn.execute("UPDATE user SET display_name = 'Someone else' WHERE username = ?", (DSL,))
        conn.execute(
            "INSERT INTO user_role (user_id, role, granted_by, granted_at) VALUES "
            "(?, 'admin', 'head', '2026-01-05T08:00:00+00:00')",
            (ids[TEACHER],),
        )
        _append_signed(
            conn,
            scene,
            TEACHER,
            [("user", [ids[DSL]], "update"), ("user_role", [ids[TEACHER], "admin"], "insert")],
        )
    problems = scene.verify()
    assert named(problems, "school:", "under the signature of t.jones", "held no role"), problems


def test_a_member_of_staff_signing_their_own_training_entry(scene: Scene) -> None:
    """The teacher writes themselves a DSL training course into the log with the school
    file's key, the ledger event the program would write and their own signature: only a
    DSL, the head or the administrator records training, so verify names it."""
    with raw(scene, "school") as conn:
        conn.execute(
            "INSERT INTO training_entry (who, course, taken_on, expires_on, added_by, added_at) "
            "VALUES (?, 'dsl', '2026-09-01', '2028-09-01', 'head', '2026-09-02T08:00:00+00:00')",
            (TEACHER,),
        )
        row_id = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        _append_signed(conn, scene, TEACHER, [("training_entry", [row_id], "insert")])
    problems = scene.verify()
    assert named(problems, "school:", "under the signature of t.jones", "held no role"), problems


def test_a_behaviour_lead_signing_a_policy_version(scene: Scene) -> None:
    """An account manager of another kind (here the DSL account holds both roles, so the
    teacher is given the behaviour lead's words): publishing a policy is a DSL's or the
    head's, and a version signed by anyone else is named."""
    with raw(scene, "school") as conn:
        conn.execute(
            "INSERT INTO policy_version (title, title_key, version, published_on, note, "
            "author, published_at) VALUES ('Behaviour policy', 'behaviour policy', '9', "
            "'2026-09-01', 'Staff may restrain at will', 'head', '2026-09-01T08:00:00+00:00')"
        )
        row_id = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        _append_signed(conn, scene, TEACHER, [("policy_version", [row_id], "insert")])
    problems = scene.verify()
    assert named(problems, "school:", "under the signature of t.jones", "held no role"), problems


@pytest.mark.parametrize(
    ("table", "sql"),
    [
        ("pupil", "UPDATE pupil SET legal_surname = 'Someone-Else' WHERE id = 1"),
        ("list_item", "UPDATE list_item SET label = 'Attendance' WHERE value = 'neglect'"),
        ("list_item", "UPDATE list_item SET active = 0 WHERE value = 'sexual_abuse'"),
        (
            "setting",
            "INSERT OR REPLACE INTO setting (key, value) VALUES ('idle_lock_minutes', '120')",
        ),
        ("closure_day", "INSERT INTO closure_day (day, reason) VALUES ('2026-12-01', 'Closed')"),
    ],
)
def test_the_schools_pupils_lists_and_settings_changed(scene: Scene, table: str, sql: str) -> None:
    """What every chronology and time-to-action rests on: a pupil's name, a category's label, a
    setting, the calendar. Changed behind the program's back, each is named."""
    with raw(scene, "school") as conn:
        conn.execute(sql)
        assert conn.execute("SELECT changes()").fetchone()[0] == 1
    problems = scene.verify()
    assert named(problems, "school:", f"{table} row"), problems


# --- second break-it pass of step 7 ----------------------------------------------------------


def test_a_restore_event_signed_by_a_member_of_staff_excuses_nothing(scene: Scene) -> None:
    """The teacher signs a commit of their own holding a made-up `backup.restored` event and
    a role they give themselves: only an administrator's restore sets heads aside, and a
    restore event clears no other row of its commit."""
    with raw(scene, "school") as conn:
        ids = dict(conn.execute("SELECT username, id FROM user").fetchall())
        conn.execute(
            "INSERT INTO user_role (user_id, role, granted_by, granted_at) VALUES "
            "(?, 'admin', 'head', '2026-01-05T08:00:00+00:00')",
            (ids[TEACHER],),
        )
        detail = json.dumps({"superseded": {}, "backup_heads": {}}, sort_keys=True)
        restored = _append_event(conn, TEACHER, "backup.restored", detail)
        _append_signed(
            conn, scene, TEACHER, [("user_role", [ids[TEACHER], "admin"], "insert")], restored
        )
    problems = scene.verify()
    assert named(problems, "school:", "records a restore under the signature of t.jones"), problems


def test_a_waiting_item_swapped_and_re_recorded_anonymously(scene: Scene) -> None:
    """A member of staff copies their own waiting item over a colleague's and writes an
    anonymous put for the row with its new, real hash: an anonymous put only adds an item
    the log has never named."""
    teacher = scene.school.sign_in(TEACHER, OTHER_PASSWORD)
    try:
        for _ in range(2):  # the colleague's and the copier's own, as far as the inbox shows
            records.record(teacher, Kind.BEHAVIOUR, factories.behaviour())
    finally:
        teacher.lock()
    from safedesk.store import ledger

    with raw(scene, "school") as conn:
        rows = conn.execute("SELECT id, item FROM inbox_item ORDER BY id").fetchall()
        assert len(rows) == 2
        victim, mine = rows[0][0], rows[-1][1]
        conn.execute("UPDATE inbox_item SET item = ? WHERE id = ?", (mine, victim))
        version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
        digest = ledger.row_hash(conn, "inbox_item", [victim], version)
        detail = json.dumps(
            {"rows": [["inbox_item", [victim], "insert", digest, str(victim)]]}, sort_keys=True
        )
        _append_event(conn, None, "inbox.item_put", detail)
    problems = scene.verify()
    assert named(problems, "school:", "signed by nobody"), problems
    # Before anyone runs verify: the member taking the items in keeps the swapped one back.
    head = scene.school.sign_in()
    try:
        from safedesk.services import intake

        taken = intake.take_in(head, Compartment.BEHAVIOUR)
        with head.compartment(Compartment.BEHAVIOUR).read() as conn:
            kinds = [a.kind for a in members.open_alarms(conn)]
    finally:
        head.lock()
    assert (taken.taken_in, taken.quarantined) == (1, 1)
    assert "changed_in_inbox" in kinds


def test_a_head_claiming_rows_before_the_last_head_covers_only_its_own(scene: Scene) -> None:
    """The teacher gives themselves a role in an unsigned row, then signs a later commit of
    their own whose head claims to start before an earlier head (from_seq): the role's row is
    still signed by nobody, and it makes nobody an administrator."""
    with raw(scene, "school") as conn:
        ids = dict(conn.execute("SELECT username, id FROM user").fetchall())
        conn.execute(
            "INSERT INTO user_role (user_id, role, granted_by, granted_at) VALUES "
            "(?, 'admin', 'head', '2026-01-05T08:00:00+00:00')",
            (ids[TEACHER],),
        )
        # The role's row, unsigned; then a commit of their own claiming to start at row 1.
        _append_event(conn, TEACHER, "rows.written", json.dumps({"note": "nothing"}))
        _append_signed(conn, scene, TEACHER, [("user_role", [ids[TEACHER], "admin"], "insert")], 1)
    problems = scene.verify()
    assert problems, "a head whose from_seq reaches back over others vouched for a role"
    assert named(problems, "school:"), problems
