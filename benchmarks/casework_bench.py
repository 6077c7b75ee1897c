"""Casework at school scale: the demo school with 450 pupils and 10 school years of records and
casework, built once per run in a temporary folder, and each service timed next to bare SQL
that reads the same rows on the same (warm) connections: the `safeguarding` file's, and the
`behaviour` file's where a service reads both.

    uv run python benchmarks/casework_bench.py [--years N] [--pupils N]

run.py builds the school with :func:`demo_school` and calls :func:`measure`; run alone, this
prints its own lines.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import secrets
import statistics
import subprocess
import sys
import tempfile
import time as clock
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from safedesk.demo.school import DEMO_PASSWORD, build_demo_school
from safedesk.domain.clock import to_stored
from safedesk.domain.compartments import Compartment
from safedesk.domain.roles import Role
from safedesk.paths import DataPaths
from safedesk.services import chronology, membership, queue, search, upkeep, users, vault
from safedesk.services.session import Session
from safedesk.store import crypto as _crypto
from safedesk.store.crypto import KdfParams
from safedesk.store.search import match_expression

# Throwaway stores made here use cheap key slots (never a real school's).
_crypto.allow_weak_kdf("benchmarks and scripts: throwaway stores")

BENCH_USER = "bench.dsl"
BENCH_PASSWORD = "benchmark password for the DSL"  # noqa: S105 - a throwaway store
SEARCH_WORDS = ("bruise", "breakfast", "social worker", "police")


@dataclass(frozen=True)
class Timing:
    name: str
    ours: float  # seconds
    baseline: float
    baseline_name: str
    target: str


def median_time(runs: int, work: Callable[[], object]) -> float:
    work()  # warm: the first call pays for imports and the page cache
    times = []
    for _ in range(runs):
        began = clock.perf_counter()
        work()
        times.append(clock.perf_counter() - began)
    return statistics.median(times)


# --- the school ------------------------------------------------------------------------


@dataclass(frozen=True)
class School:
    paths: DataPaths
    now: datetime
    build_s: float
    counts: dict[str, int]


def build(root: Path, *, pupils: int, years: int) -> School:
    """The demo school (cheap KDF for its own accounts) plus a DSL with the real KDF, granted
    the role in person by the head, the DSL choosing their own password there."""
    now = datetime.now().astimezone()
    began = clock.perf_counter()
    demo = build_demo_school(DataPaths(root / "data"), pupils=pupils, years=years, now=now)
    built = clock.perf_counter() - began
    head = vault.sign_in(demo.paths, "head", DEMO_PASSWORD)
    try:
        users.add_user(
            head,
            username=BENCH_USER,
            display_name="Benchmark DSL",
            roles={Role.DSL},
            password=f"given {BENCH_PASSWORD}",
            kdf=KdfParams(),
        )
        # In person, choosing their own password as the role is granted.
        membership.grant(
            head,
            BENCH_USER,
            Role.DSL,
            f"given {BENCH_PASSWORD}",
            new_password=BENCH_PASSWORD,
            kdf=KdfParams(),
        )
        counts = _counts(head)
    finally:
        head.lock()
    # Their first sign-in, so the timed ones are like every later one.
    first = vault.sign_in(demo.paths, BENCH_USER, BENCH_PASSWORD)
    try:
        upkeep.after_sign_in(first)
    finally:
        first.lock()
    for compartment in Compartment:
        size = demo.paths.database(compartment.value).stat().st_size
        counts[f"KiB in {compartment.value}.db"] = size // 1024
    return School(demo.paths, now, built, counts)


_COUNTED = {
    Compartment.SCHOOL: (("pupils", "pupil"),),
    Compartment.SAFEGUARDING: (
        ("concerns", "concern"),
        ("notifications", "notification"),
        ("acknowledgements", "case_acknowledgement"),
        ("decisions", "case_triage"),
        ("actions", "case_action"),
        ("referrals", "case_referral"),
        ("contacts", "case_contact"),
        ("closures", "case_closure"),
    ),
    Compartment.BEHAVIOUR: (
        ("behaviour incidents", "behaviour_incident"),
        ("interventions", "physical_intervention"),
    ),
}


def _counts(head: Session) -> dict[str, int]:
    counts: dict[str, int] = {}
    audit_rows = 0
    for compartment, tables in _COUNTED.items():
        store = head.store if compartment is Compartment.SCHOOL else head.compartment(compartment)
        with store.read() as conn:
            for name, table in tables:
                counts[name] = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            audit_rows += int(conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])
    counts["audit rows"] = audit_rows
    return counts


@contextlib.contextmanager
def demo_school(*, pupils: int = 450, years: int = 10) -> Iterator[School]:
    """The demo school, built in a temporary folder removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="safedesk-bench-") as folder:
        yield build(Path(folder), pupils=pupils, years=years)


# --- bare SQL: the same rows, none of the domain work -----------------------------------

_NAMES = "p.upn, p.legal_forename, p.preferred_forename, p.legal_surname"
_URGENCY = (
    "(SELECT m.new_value FROM amendment m WHERE m.entry_id = e.id AND m.field = 'urgency' "
    "ORDER BY m.id DESC LIMIT 1), c.urgency"
)
_OPEN = (
    "NOT EXISTS (SELECT 1 FROM case_triage t WHERE t.case_ref = {ref}) "
    "AND NOT EXISTS (SELECT 1 FROM case_closure x WHERE x.case_ref = {ref})"
)
_NOT_CLOSED = "NOT EXISTS (SELECT 1 FROM case_closure x WHERE x.case_ref = {t}.case_ref)"
QUEUE_SQL = (
    # Concerns and police notifications without a decision.
    f"SELECT e.ref, e.recorded_at, {_URGENCY}, a.at FROM entry e "
    "JOIN concern c ON c.entry_id = e.id "
    "LEFT JOIN case_acknowledgement a ON a.case_ref = e.ref "
    f"WHERE e.kind = 'concern' AND {_OPEN.format(ref='e.ref')}",
    "SELECT n.ref, n.received_at, a.at FROM notification n "
    "LEFT JOIN case_acknowledgement a ON a.case_ref = n.ref "
    f"WHERE {_OPEN.format(ref='n.ref')}",
    # Open actions, referrals awaiting a decision, monitoring reviews.
    "SELECT a.case_ref, a.id, a.description, a.owner, a.at, a.due_on FROM case_action a "
    "WHERE NOT EXISTS (SELECT 1 FROM case_action_done d WHERE d.action_id = a.id) AND "
    + _NOT_CLOSED.format(t="a"),
    "SELECT r.case_ref, r.id, r.agency, r.at, r.decision_due, r.made_at FROM case_referral r "
    "WHERE NOT EXISTS (SELECT 1 FROM case_referral_decision d WHERE d.referral_id = r.id) "
    "AND " + _NOT_CLOSED.format(t="r"),
    "SELECT t.case_ref, t.id, t.at, t.review_on FROM case_triage t WHERE t.decision = "
    "'monitor' AND t.id = (SELECT max(u.id) FROM case_triage u WHERE u.case_ref = t.case_ref) "
    "AND " + _NOT_CLOSED.format(t="t"),
    # Files sent on whose receipt is not confirmed, with the pupil.
    f"SELECT t.ref, t.id, t.to_school, t.sent_at, {_NAMES} FROM pupil_transfer t "
    "JOIN pupil p ON p.id = t.pupil_id "
    "LEFT JOIN pupil_transfer_receipt r ON r.transfer_id = t.id WHERE r.id IS NULL",
)
# The pupils (and a concern's current urgency) on each of those cases.
QUEUE_PUPILS_SQL = (
    f"SELECT e.ref, {_URGENCY}, {_NAMES} FROM entry e JOIN concern c ON c.entry_id = e.id "
    "JOIN entry_pupil ep ON ep.entry_id = e.id JOIN pupil p ON p.id = ep.pupil_id "
    "WHERE e.ref IN ({marks}) "
    f"UNION ALL SELECT n.ref, 'urgent', NULL, {_NAMES} FROM notification n "
    "JOIN notification_pupil np ON np.notification_id = n.id "
    "JOIN pupil p ON p.id = np.pupil_id WHERE n.ref IN ({marks})"
)


def bare_queue(conn: Any) -> int:
    rows = [row for sql in QUEUE_SQL for row in conn.execute(sql).fetchall()]
    refs = sorted({str(row[0]) for row in rows})
    marks = ",".join("?" * len(refs))
    pupils = conn.execute(QUEUE_PUPILS_SQL.format(marks=marks), refs + refs).fetchall()
    return len(rows) + len(pupils)


_FIRST_ACT = ", ".join(
    f"ifnull((SELECT min(at) FROM {table} WHERE case_ref = e.ref), '~')"
    for table in ("case_triage", "case_action", "case_referral", "case_contact", "case_closure")
)
FIGURES_SQL = (
    f"SELECT e.ref, e.recorded_at, {_URGENCY}, a.at, nullif(min({_FIRST_ACT}), '~') "
    "FROM entry e JOIN concern c ON c.entry_id = e.id "
    "LEFT JOIN case_acknowledgement a ON a.case_ref = e.ref "
    "WHERE e.recorded_at >= ? AND e.recorded_at < ?"
)

_PUPIL_CASES = (
    "SELECT e.ref FROM entry e JOIN entry_pupil ep ON ep.entry_id = e.id "
    "WHERE ep.pupil_id = ?1 AND e.kind = 'concern' "
    "UNION SELECT n.ref FROM notification n JOIN notification_pupil np "
    "ON np.notification_id = n.id WHERE np.pupil_id = ?1"
)
# The pupil's records in one file, each with its own fields, every pupil on it, and its
# amendments (``?1`` is the pupil's id in that file's copy of the pupils).
_ENTRY_SQL = (
    "SELECT e.*, {columns} FROM entry_pupil ep JOIN entry e ON e.id = ep.entry_id "
    "{joins} WHERE ep.pupil_id = ?1",
    f"SELECT other.entry_id, other.role, {_NAMES} FROM entry_pupil ep "
    "JOIN entry_pupil other ON other.entry_id = ep.entry_id "
    "JOIN pupil p ON p.id = other.pupil_id WHERE ep.pupil_id = ?1",
    "SELECT m.* FROM entry_pupil ep JOIN amendment m ON m.entry_id = ep.entry_id "
    "WHERE ep.pupil_id = ?1",
)
CHRONOLOGY_SQL = {
    Compartment.SAFEGUARDING: (
        _ENTRY_SQL[0].format(columns="c.*", joins="LEFT JOIN concern c ON c.entry_id = e.id"),
        *_ENTRY_SQL[1:],
        "SELECT n.* FROM notification_pupil np JOIN notification n "
        "ON n.id = np.notification_id WHERE np.pupil_id = ?1",
        # Every act on the pupil's concerns and police notifications.
        *(
            f"SELECT t.* FROM {table} t WHERE t.case_ref IN ({_PUPIL_CASES})"
            for table in (
                "case_acknowledgement",
                "case_triage",
                "case_action",
                "case_referral",
                "case_contact",
                "case_closure",
            )
        ),
        "SELECT d.* FROM case_action_done d JOIN case_action a ON a.id = d.action_id "
        f"WHERE a.case_ref IN ({_PUPIL_CASES})",
        "SELECT d.* FROM case_referral_decision d JOIN case_referral r "
        f"ON r.id = d.referral_id WHERE r.case_ref IN ({_PUPIL_CASES})",
    ),
    Compartment.BEHAVIOUR: (
        _ENTRY_SQL[0].format(
            columns="b.*, i.*",
            joins="LEFT JOIN behaviour_incident b ON b.entry_id = e.id "
            "LEFT JOIN physical_intervention i ON i.entry_id = e.id",
        ),
        *_ENTRY_SQL[1:],
    ),
}

SEARCH_SQL = (
    "SELECT rowid, ref, snippet(search_index, 3, '[', ']', '…', 16) FROM search_index "
    "WHERE search_index MATCH ? ORDER BY rank LIMIT 50"
)


def bare(conn: Any, statements: tuple[str, ...], params: tuple[object, ...] = ()) -> int:
    return sum(len(conn.execute(sql, params).fetchall()) for sql in statements)


# --- the figures ------------------------------------------------------------------------


def busiest_pupil(conns: dict[Compartment, Any]) -> tuple[str, dict[Compartment, int]]:
    """The pupil with the most records and police notifications in both files: their UPN and
    their id in each file's copy of the pupils."""
    counts: dict[str, int] = {}
    ids: dict[str, dict[Compartment, int]] = {}
    for compartment, conn in conns.items():
        notified = (
            " + (SELECT count(*) FROM notification_pupil np WHERE np.pupil_id = p.id)"
            if compartment is Compartment.SAFEGUARDING
            else ""
        )
        for upn, pupil_id, n in conn.execute(
            "SELECT p.upn, p.id, (SELECT count(*) FROM entry_pupil ep WHERE ep.pupil_id = p.id)"
            f"{notified} FROM main.pupil p"
        ):
            counts[upn] = counts.get(upn, 0) + int(n)
            ids.setdefault(upn, {})[compartment] = int(pupil_id)
    upn = max(sorted(counts), key=lambda u: counts[u])
    return upn, ids[upn]


def bare_chronology(conns: dict[Compartment, Any], ids: dict[Compartment, int]) -> int:
    return sum(
        bare(conns[compartment], CHRONOLOGY_SQL[compartment], (pupil_id,))
        for compartment, pupil_id in ids.items()
    )


def warm_figures(school: School, runs: int) -> list[Timing]:
    session = vault.sign_in(school.paths, "dsl", DEMO_PASSWORD)
    # The very connections the services read through (this thread's, of each file).
    conns = {
        c: session.compartment(c).connection()
        for c in (Compartment.SAFEGUARDING, Compartment.BEHAVIOUR)
    }
    conn = conns[Compartment.SAFEGUARDING]
    now = school.now
    found: list[Timing] = []
    try:
        upkeep.after_sign_in(session)
        items = queue.load_queue(session, now).items
        found.append(
            Timing(
                f"DSL queue ({len(items)} open items)",
                median_time(runs, lambda: queue.load_queue(session, now)),
                median_time(runs, lambda: bare_queue(conn)),
                "bare SQL: the same open rows and their pupils",
                "≤ 2×",
            )
        )
        first = now.date() - timedelta(days=365)
        span = (
            to_stored(datetime.combine(first, time()).astimezone()),
            to_stored(datetime.combine(now.date() + timedelta(days=1), time()).astimezone()),
        )
        cases = bare(conn, (FIGURES_SQL,), span)
        found.append(
            Timing(
                f"time-to-action figures, last 12 months ({cases} concerns)",
                median_time(runs, lambda: queue.figures(session, first, now.date(), at=now)),
                median_time(runs, lambda: bare(conn, (FIGURES_SQL,), span)),
                "bare SQL: the same concerns with acknowledgement and first act",
                "≤ 2×",
            )
        )
        upn, ids = busiest_pupil(conns)
        items_n = len(chronology.open_chronology(session, upn).items)
        found.append(
            Timing(
                f"chronology of the busiest pupil ({items_n} items)",
                median_time(runs, lambda: chronology.open_chronology(session, upn)),
                median_time(runs, lambda: bare_chronology(conns, ids)),
                "bare SQL: that pupil's entries, pupils, amendments, notifications and acts "
                "in both files",
                "≤ 2×",
            )
        )
        for words in SEARCH_WORDS:
            match = match_expression(words)
            hits = len(search.search(session, words))
            found.append(
                Timing(
                    f"search “{words}” ({hits} hits)",
                    median_time(runs, lambda w=words: search.search(session, w)),  # type: ignore[misc]
                    median_time(
                        runs,
                        lambda m=match: sum(bare(c, (SEARCH_SQL,), (m,)) for c in conns.values()),  # type: ignore[misc]
                    ),
                    "bare FTS5 MATCH in both files' indexes, rank order, one snippet, LIMIT 50",
                    "≤ 2× and < 100 ms",
                )
            )
    finally:
        session.lock()
    return found


# Run in a new process each time, so the first queue pays what it pays after a real sign-in
# (the school calendar's first bank-holiday look-up included); safedesk's own modules are
# imported before the clock starts, as they are in the app by the time anyone signs in. After
# Enter the app reads its settings, holds other work, runs the upkeep a member owes (pending
# key rotations, published keys, pupils' copies, taking in the inbox) and loads the queue,
# which waits for the upkeep: the same calls in the same order, timed from sign-in to queue.
UNLOCK_AND_QUEUE = """
import json, sys, time
from safedesk.store import crypto
crypto.allow_weak_kdf("benchmark: the demo school's other accounts")
from datetime import datetime
from pathlib import Path
from safedesk.paths import DataPaths
from safedesk.services import queue, school_calendar, settings, upkeep, vault
paths, user, password, now = DataPaths(Path(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4]
if sys.argv[5] == "preloaded":  # as the app does while the sign-in window waits
    school_calendar.preload_bank_holidays()
began = time.perf_counter()
session = vault.sign_in(paths, user, password)
signed_in = time.perf_counter()
settings.get_settings(session)
settings.school_name(session)
upkeep.after_sign_in(session)
kept_up = time.perf_counter()
queue.load_queue(session, datetime.fromisoformat(now))
done = time.perf_counter()
print(json.dumps({"total": done - began, "sign_in": signed_in - began,
                  "upkeep": kept_up - signed_in, "queue": done - kept_up}))
session.lock()
"""


def unlock_figures(school: School, runs: int) -> list[Timing]:
    kdf = KdfParams()

    def unlock_and_queue(how: str) -> dict[str, float]:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                UNLOCK_AND_QUEUE,
                str(school.paths.root),
                BENCH_USER,
                BENCH_PASSWORD,
                school.now.isoformat(),
                how,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise RuntimeError(f"signing in to the queue failed:\n{result.stderr}")
        found: dict[str, float] = json.loads(result.stdout.strip())
        return found

    def kdf_only() -> float:
        began = clock.perf_counter()
        kdf.derive(BENCH_PASSWORD.encode(), secrets.token_bytes(16))
        return clock.perf_counter() - began

    def median_parts(how: str) -> dict[str, float]:
        found = [unlock_and_queue(how) for _ in range(runs)]
        return {part: statistics.median(f[part] for f in found) for part in found[0]}

    cold = median_parts("cold")
    app = median_parts("preloaded")
    base = statistics.median(kdf_only() for _ in range(runs))
    split = (
        f"sign-in {app['sign_in'] * 1000:.0f} ms, upkeep {app['upkeep'] * 1000:.0f} ms, "
        f"queue {app['queue'] * 1000:.0f} ms"
    )
    return [
        Timing(
            "Enter to the queue as the app does it, new process, bank holidays preloaded "
            f"({split})",
            app["total"],
            base,
            "Argon2id alone",
            "≤ 0.5 s",
        ),
        Timing(
            "the same with nothing preloaded (a script that signs in and asks at once)",
            cold["total"],
            base,
            "Argon2id alone",
            "≤ 0.5 s",
        ),
    ]


def measure(school: School, runs: int = 15) -> list[Timing]:
    found = warm_figures(school, runs)
    found.extend(unlock_figures(school, max(3, runs // 3)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--pupils", type=int, default=450)
    args = parser.parse_args()
    with demo_school(pupils=args.pupils, years=args.years) as school:
        print(f"built in {school.build_s:.1f} s: {school.counts}")
        found = measure(school)
    for t in found:
        print(
            f"{t.name}: {t.ours * 1000:.2f} ms vs {t.baseline * 1000:.2f} ms "
            f"({t.ours / t.baseline:.2f}×, target {t.target}) — {t.baseline_name}"
        )


if __name__ == "__main__":
    main()
