"""Proof: a writer killed with SIGKILL at any moment loses nothing it had committed.

One store takes every kill in turn (repeated crashes on the same file). The kills are timed
by a seeded random generator: some during start-up (importing, taking the lock, signing in),
most while the writer is recording concerns and saving drafts as fast as it can. After each
kill the store must open, verify (page integrity, encrypted page HMACs, the audit hash
chain), hold every reference the writer printed, have an audit row for every record it holds,
and still have the draft text the writer last reported saving.

    SAFEDESK_CRASH_KILLS=500 uv run pytest -q tests/faults/test_crash.py   # the full proof
"""

from __future__ import annotations

import random
import time
from collections import Counter

from tests.conftest import SchoolStore
from tests.faults.conftest import (
    Writer,
    check_store,
    crash_kills,
    crash_seed,
    start_writer,
)
from tests.faults.writer import DRAFT_MARK

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


def kill_once(pupil_school: SchoolStore, rng: random.Random, run: int, start_up: float) -> Writer:
    writer = start_writer(pupil_school.paths.root, "--run", str(run), "--draft-every", "3")
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


def test_sigkill_at_any_moment_loses_nothing_committed(pupil_school: SchoolStore) -> None:
    kills = crash_kills()
    seed = crash_seed()
    rng = random.Random(seed)
    printed: set[str] = set()
    phases: Counter[str] = Counter()
    start_up = 1.0  # refined from what the writers show
    ready_times: list[float] = []
    for run in range(1, kills + 1):
        writer = kill_once(pupil_school, rng, run, start_up)
        phase = phase_of(writer)
        phases[phase] += 1
        ready = [at for at, text in writer.lines if text == "READY"]
        if ready:
            ready_times.append(ready[0] - writer.started)
            start_up = sorted(ready_times)[len(ready_times) // 2]
        where = f"seed {seed}, kill {run} ({phase})"

        facts = check_store(pupil_school.paths)

        printed.update(writer.refs())
        missing = printed - facts.refs
        assert not missing, f"{where}: committed records lost: {sorted(missing)}"
        assert facts.refs == facts.audited_refs, f"{where}: records and audit rows disagree"
        assert len(facts.refs) == len(set(facts.refs))
        draft = writer.last_draft()
        if draft is not None:
            draft_id, seq = draft
            assert draft_id in facts.drafts, f"{where}: draft {draft_id} lost"
            text = facts.drafts[draft_id].payload["description"]
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
