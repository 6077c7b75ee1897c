"""Proof: a writer killed with SIGKILL at any moment loses nothing it had committed.

One store takes every kill in turn (repeated crashes on the same files). The kills are timed
by a seeded random generator: some during start-up (importing, taking the lock, signing in),
most while the writer is recording concerns and behaviour incidents and saving drafts as fast
as it can. Writers take turns: the head (a member: each record is sealed into the inbox in
`school`, then taken into `safeguarding` or `behaviour` at once) and a teacher (not a member:
records wait in the inbox, sealed). After each kill the store must open and verify (page
integrity, encrypted page HMACs and the audit hash chain of every file) both as the crash left
it and after a member's session has taken in what waits; hold every reference the writer
printed, each with its audit event; leave nothing waiting; give the writer back the draft text
it last reported saving; and show a teacher every record they made in "My records".

    SAFEDESK_CRASH_KILLS=500 uv run pytest -q tests/faults/test_crash.py   # the full proof
"""

from __future__ import annotations

import random
import time
from collections import Counter

from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import drafts, records, vault
from safedesk.services.drafts import Draft
from safedesk.store.instance_lock import InstanceLock
from tests.conftest import SchoolStore, add_account
from tests.faults.conftest import (
    Writer,
    check_store,
    crash_kills,
    crash_seed,
    start_writer,
)
from tests.faults.writer import DRAFT_MARK, STAFF_PASSWORD, STAFF_USER

# Phases a kill can land in, named by the last line the writer had printed.
PHASES = {None: "importing", "STARTED": "locking", "LOCKED": "signing in", "READY": "mid-write"}


def phase_of(writer: Writer) -> str:
    last = None
    for text in writer.texts():
        word = text.split()[0]
        if word in PHASES:
            last = word
        elif word in {"REF", "DRAFT"}:
            last = "READY"
    return PHASES[last]


def kill_once(
    school: SchoolStore, rng: random.Random, run: int, start_up: float, as_staff: bool
) -> Writer:
    who = ["--user", STAFF_USER, "--password", STAFF_PASSWORD] if as_staff else []
    writer = start_writer(school.paths.root, "--run", str(run), "--draft-every", "3", *who)
    if rng.random() < 0.3:
        # During start-up: anywhere from the first instruction to just after sign-in.
        time.sleep(rng.uniform(0, start_up * 1.1))
    else:
        # Mid-write: some way into the recording loop.
        assert writer.wait_for("READY"), writer.texts()
        time.sleep(rng.uniform(0, 0.25))
    writer.kill()
    assert "Traceback" not in writer.stderr, writer.stderr
    return writer


def staff_view(paths: DataPaths) -> tuple[set[str], dict[int, Draft]]:
    """What the teacher sees: the refs in "My records" and their drafts."""
    with InstanceLock(paths.lock):
        session = vault.sign_in(paths, STAFF_USER, STAFF_PASSWORD)
        try:
            mine = {e.ref for e in records.my_records(session)}
            return mine, {d.id: d for d in drafts.my_drafts(session)}
        finally:
            session.lock()


def test_sigkill_at_any_moment_loses_nothing_committed(pupil_school: SchoolStore) -> None:
    head = pupil_school.sign_in()
    add_account(head, STAFF_USER, {Role.STAFF}, STAFF_PASSWORD)
    head.lock()
    kills = crash_kills()
    seed = crash_seed()
    rng = random.Random(seed)
    printed: set[str] = set()
    by_staff: set[str] = set()
    phases: Counter[str] = Counter()
    start_up = 1.0  # refined from what the writers show
    ready_times: list[float] = []
    for run in range(1, kills + 1):
        as_staff = run % 2 == 0
        writer = kill_once(pupil_school, rng, run, start_up, as_staff)
        phase = phase_of(writer)
        phases[phase] += 1
        ready = [at for at, text in writer.lines if text == "READY"]
        if ready:
            ready_times.append(ready[0] - writer.started)
            start_up = sorted(ready_times)[len(ready_times) // 2]
        where = f"seed {seed}, kill {run} ({phase}, {'teacher' if as_staff else 'head'})"

        facts = check_store(pupil_school.paths)
        kept = facts.drafts
        printed.update(writer.refs())
        if as_staff:
            by_staff.update(writer.refs())
            mine, kept = staff_view(pupil_school.paths)
            assert not by_staff - mine, f"{where}: missing from My records: {by_staff - mine}"

        missing = printed - facts.refs
        assert not missing, f"{where}: committed records lost: {sorted(missing)}"
        assert facts.refs == facts.audited_refs, f"{where}: records and audit rows disagree"
        assert facts.waiting == 0, f"{where}: {facts.waiting} items left in the inbox"
        draft = writer.last_draft()
        if draft is not None:
            draft_id, seq = draft
            assert draft_id in kept, f"{where}: draft {draft_id} lost"
            text = kept[draft_id].payload["description"]
            assert text.startswith(f"{DRAFT_MARK} run {run} seq "), f"{where}: {text!r}"
            assert int(text.rsplit(" ", 1)[1]) >= seq, f"{where}: draft older than reported"

    print(
        f"\n{kills} kills (seed {seed}): "
        + ", ".join(f"{name} {count}" for name, count in sorted(phases.items()))
        + f"; {len(printed)} records reported, {len(facts.refs)} stored; "
        f"start-up ≈ {start_up:.2f} s"
    )
    assert phases["mid-write"] >= kills // 2, phases
    assert len(printed) > kills, "the writers recorded almost nothing before being killed"
    assert any(ref.startswith("B-") for ref in printed), "no behaviour incident was recorded"
