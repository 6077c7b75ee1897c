"""Compartments at school scale: taking in what staff sealed into the inbox, and rotating the
keys of every file, each on its own copy of the demo school (450 pupils, 10 school years).

    uv run python benchmarks/compartments_bench.py [--years N] [--pupils N]

- Taking in: a teacher (not a member) records 100 records, sealed into the inboxes in
  `school`; a DSL's session then takes them in (``intake.take_in``, as upkeep does). The
  baseline is the same 100 records recorded by the DSL, a member, whose session takes each in
  at once (``records.record``): what the same records cost when nobody waits for a member.
  A second baseline stores the same 100 with the same repository calls in one transaction
  per file (validate, copy the pupils, insert, audit) without any seal: what the inbox's
  cryptography and checks add to storing the records at all.
- Rotating: ``rotation.rotate`` of each file (new keys sealed to every member, key history,
  published keys, ``PRAGMA rekey``, a full checkpoint, the old keys retired), next to
  ``shutil.copy`` of the same file.

run.py calls :func:`measure` with the school casework_bench built; run alone, this builds its
own and prints its lines.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time as clock
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from casework_bench import School, Timing, demo_school
from safedesk.demo.records import BEHAVIOUR, CONCERNS
from safedesk.demo.school import DEMO_PASSWORD
from safedesk.domain.compartments import KIND_COMPARTMENT, READING, Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.entry_validation import validate_new_entry
from safedesk.paths import DataPaths
from safedesk.services import intake, records, rotation, upkeep, vault
from safedesk.services.session import Session
from safedesk.store import crypto as _crypto
from safedesk.store import entries, pupils

# Throwaway stores made here use cheap key slots (never a real school's).
_crypto.allow_weak_kdf("benchmarks and scripts: throwaway stores")

BATCH = 100
CONCERN_SHARE = 0.7  # the ten-year school's own mix is about 7 concerns to 3 incidents


@contextmanager
def copy_of(school: School) -> Iterator[DataPaths]:
    with tempfile.TemporaryDirectory(prefix="safedesk-bench-copy-") as folder:
        root = Path(folder) / "data"
        shutil.copytree(school.paths.root, root, ignore=shutil.ignore_patterns("*.lock"))
        yield DataPaths(root)


@contextmanager
def signed_in(paths: DataPaths, username: str) -> Iterator[Session]:
    session = vault.sign_in(paths, username, DEMO_PASSWORD)
    try:
        yield session
    finally:
        session.lock()


# --- taking in the inbox ----------------------------------------------------------------------


def payloads(paths: DataPaths, now: datetime, seed: int) -> list[tuple[Kind, dict[str, Any]]]:
    """100 records like the demo school's, about pupils on its roll, dated this morning."""
    rng = random.Random(seed)
    with signed_in(paths, "teacher") as session, session.store.read() as conn:
        roll = [
            (str(row[0]), str(row[1] or row[2]))
            for row in conn.execute(
                "SELECT upn, preferred_forename, legal_forename FROM pupil "
                "WHERE year_group IS NOT NULL ORDER BY id DESC LIMIT 450"
            )
        ]
    found: list[tuple[Kind, dict[str, Any]]] = []
    for n in range(BATCH):
        happened = (now - timedelta(minutes=30 + n)).replace(microsecond=0)
        if rng.random() < CONCERN_SHARE:
            upn, name = rng.choice(roll)
            category, urgency, text, words = rng.choice(CONCERNS)
            found.append(
                (
                    Kind.CONCERN,
                    {
                        "pupils": [upn],
                        "occurred_at": happened.isoformat(),
                        "category": category,
                        "urgency": urgency,
                        "description": text.format(name=name),
                        "child_words": f"“{words}”" if words else "",
                        "action_taken": "Reassured the child; did not ask leading questions.",
                        "others_told": "Class teacher",
                    },
                )
            )
        else:
            (first, name), (second, _) = rng.sample(roll, 2)
            location, kind, severity, before, escalated, what, done = rng.choice(BEHAVIOUR)
            body: dict[str, Any] = {
                "pupils": [
                    {"upn": first, "role": "instigator"},
                    {"upn": second, "role": "target"},
                ],
                "occurred_at": happened.isoformat(),
                "location": location,
                "behaviour_type": kind,
                "severity": severity,
                "trigger": "peer_conflict",
                "antecedent": before,
                "escalation": escalated,
                "description": what.format(name=name),
                "action_taken": done,
                "parents_informed": severity != "low",
            }
            if kind == "bullying":
                body["bullying_type"] = "verbal"
            found.append((Kind.BEHAVIOUR, body))
    return found


def take_in_batch(paths: DataPaths, batch: list[tuple[Kind, dict[str, Any]]]) -> float:
    """A teacher seals ``batch`` into the inboxes; a DSL's session takes it in (timed)."""
    with signed_in(paths, "teacher") as teacher:
        for kind, body in batch:
            records.record(teacher, kind, body)
    with signed_in(paths, "dsl") as dsl:
        began = clock.perf_counter()
        taken = sum(intake.take_in(dsl, compartment).taken_in for compartment in READING)
        elapsed = clock.perf_counter() - began
    assert taken == len(batch), f"took in {taken} of {len(batch)}"
    return elapsed


def record_batch(paths: DataPaths, batch: list[tuple[Kind, dict[str, Any]]]) -> float:
    """The DSL records ``batch`` (each taken in at once: nothing waits)."""
    with signed_in(paths, "dsl") as dsl:
        upkeep.after_sign_in(dsl)
        began = clock.perf_counter()
        for kind, body in batch:
            records.record(dsl, kind, body)
        return clock.perf_counter() - began


def store_batch(paths: DataPaths, batch: list[tuple[Kind, dict[str, Any]]], run: int) -> float:
    """The same records stored by a DSL's session with the repository calls taking in makes,
    one transaction per file, with no seal to open, signature or sequence to check."""
    with signed_in(paths, "dsl") as dsl:
        upkeep.after_sign_in(dsl)
        now = dsl.clock.now()
        began = clock.perf_counter()
        for compartment in READING:
            with dsl.compartment(compartment).write() as conn:
                values = intake.all_list_values(conn)
                for n, (kind, body) in enumerate(batch):
                    if KIND_COMPARTMENT[kind] is not compartment:
                        continue
                    entry = validate_new_entry(kind, body, lists=values, now=now)
                    found = pupils.by_upns(conn, [p.upn for p in entry.pupils], schema="school")
                    ids = {upn: pupils.upsert_copy(conn, p.details) for upn, p in found.items()}
                    ref = f"{kind.ref_prefix}-{now.year}-{90000 + run * BATCH + n}"
                    entries.insert(
                        conn, entry, ref=ref, author="dsl", recorded_at=now, pupil_ids=ids
                    )
                    dsl.audit(conn, "record.received", object_type=kind.value, object_id=ref)
        return clock.perf_counter() - began


def inbox_figures(school: School, runs: int) -> list[Timing]:
    ours: list[float] = []
    direct: list[float] = []
    bare: list[float] = []
    with copy_of(school) as moved, copy_of(school) as recorded, copy_of(school) as stored:
        for run in range(runs):
            batch = payloads(moved, datetime.now().astimezone(), seed=run)
            ours.append(take_in_batch(moved, batch))
            direct.append(record_batch(recorded, batch))
            bare.append(store_batch(stored, batch, run))
    concerns = sum(kind is Kind.CONCERN for kind, _ in batch)
    name = (
        f"take in {BATCH} inbox items ({concerns} concerns, {BATCH - concerns} incidents) "
        "sealed by a teacher"
    )
    return [
        Timing(
            name,
            statistics.median(ours),
            statistics.median(direct),
            f"a DSL recording the same {BATCH} (each taken in at once)",
            "≤ 2×",
        ),
        Timing(
            "the same against storing them unsealed",
            statistics.median(ours),
            statistics.median(bare),
            f"the same {BATCH} stored by the same repository calls, one transaction per file, "
            "no seal, signature or sequence",
            "— (what the inbox adds)",
        ),
    ]


# --- rotating the keys --------------------------------------------------------------------------


def rotation_figures(school: School, runs: int) -> list[Timing]:
    found: list[Timing] = []
    totals: tuple[list[float], list[float]] = ([], [])
    with copy_of(school) as paths, tempfile.TemporaryDirectory() as spare:
        with signed_in(paths, "head") as head:
            upkeep.after_sign_in(head)
            per_file: dict[Compartment, tuple[list[float], list[float]]] = {}
            for _ in range(runs):
                for compartment in Compartment:
                    path = paths.database(compartment.value)
                    began = clock.perf_counter()
                    rotation.rotate(head, compartment, reason="benchmark")
                    rotated = clock.perf_counter() - began
                    began = clock.perf_counter()
                    shutil.copy(path, Path(spare) / path.name)
                    copied = clock.perf_counter() - began
                    ours, base = per_file.setdefault(compartment, ([], []))
                    ours.append(rotated)
                    base.append(copied)
        for compartment, (ours, base) in per_file.items():
            size = paths.database(compartment.value).stat().st_size / 2**20
            found.append(
                Timing(
                    f"rotate {compartment.value}.db ({size:.1f} MiB)",
                    statistics.median(ours),
                    statistics.median(base),
                    "shutil.copy of the same file",
                    "—",
                )
            )
            totals[0].append(statistics.median(ours))
            totals[1].append(statistics.median(base))
    found.append(
        Timing(
            "rotate all three files",
            sum(totals[0]),
            sum(totals[1]),
            "shutil.copy of the same files",
            "—",
        )
    )
    return found


def measure(school: School, runs: int = 3) -> list[Timing]:
    return [*inbox_figures(school, runs), *rotation_figures(school, runs)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--pupils", type=int, default=450)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with demo_school(pupils=args.pupils, years=args.years) as school:
        print(f"built in {school.build_s:.1f} s: {school.counts}")
        found = measure(school, args.runs)
    for t in found:
        print(
            f"{t.name}: {t.ours * 1000:.1f} ms vs {t.baseline * 1000:.1f} ms "
            f"({t.ours / t.baseline:.2f}×, target {t.target}) — {t.baseline_name}"
        )


if __name__ == "__main__":
    main()
