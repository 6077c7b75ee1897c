"""safedesk benchmarks: each figure next to a baseline measured in the same run.

    uv run python benchmarks/run.py [--quick]

Store workload, unlock and cold start; then, on the demo school with 450 pupils and 10 school
years (1 with --quick) built once for the run, the queue, the time-to-action figures, a
chronology, search against bare SQL and Enter-to-queue against Argon2id (casework_bench.py),
leaders' analysis, the Reports page and the governors' report (analysis_bench.py), taking in
the inbox and rotating every file's keys (compartments_bench.py, on copies); the
chronology PDF (pdf_bench.py); without --quick, the 25-year demo school's analysis, Reports,
governors' report, queue, chronology and search (analysis_bench.py); and the run's peak
memory. Writes a markdown table to stdout and to benchmarks/results/latest.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from safedesk.paths import DataPaths
from safedesk.services import vault
from safedesk.store import crypto as _crypto
from safedesk.store.crypto import KdfParams
from safedesk.store.db import connect

# Throwaway stores made here use cheap key slots (never a real school's).
_crypto.allow_weak_kdf("benchmarks and scripts: throwaway stores")

ROOT = Path(__file__).resolve().parent


@dataclass
class Figure:
    name: str
    ours: float
    baseline: float
    baseline_name: str
    unit: str = "s"
    target: str = ""

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline if self.baseline else float("nan")

    def shown(self, value: float) -> str:
        if self.unit == "MB":
            return f"{value:,.0f} MB"
        if value < 0.01:
            return f"{value * 1000:,.2f} ms"
        if value >= 1:
            return f"{value:,.2f} s"
        return f"{value * 1000:,.1f} ms"


def median_of(runs: int, work: Callable[[], float]) -> float:
    return statistics.median(work() for _ in range(runs))


# --- store workload ---------------------------------------------------------------------

SCHEMA = (
    "CREATE TABLE item (id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, pupil TEXT NOT NULL, "
    "kind TEXT NOT NULL, happened TEXT NOT NULL, body TEXT NOT NULL)"
)
PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    f"PRAGMA cache_size = -{128 * 1024}",
    "PRAGMA temp_store = MEMORY",
)


def plain_connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    return conn


def rows(count: int) -> list[tuple[str, str, str, str, str]]:
    body = "Arrived without a coat and said there was no breakfast at home. " * 3
    return [
        (
            f"C-2026-{i:06d}",
            f"B8012000{i % 450:05d}",
            ("concern", "behaviour")[i % 2],
            f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T09:{i % 60:02d}:00",
            body,
        )
        for i in range(count)
    ]


def workload(conn: object, count: int, batch: int = 1000) -> dict[str, float]:
    """Insert in transactions of ``batch`` rows, then scan, then 1,000 point lookups."""
    c = conn  # sqlite3 and sqlcipher3 connections share the DB-API
    c.execute(SCHEMA)  # type: ignore[attr-defined]
    data = rows(count)
    started = time.perf_counter()
    for start in range(0, count, batch):
        c.execute("BEGIN")  # type: ignore[attr-defined]
        c.executemany(  # type: ignore[attr-defined]
            "INSERT INTO item (ref, pupil, kind, happened, body) VALUES (?, ?, ?, ?, ?)",
            data[start : start + batch],
        )
        c.execute("COMMIT")  # type: ignore[attr-defined]
    inserted = time.perf_counter()
    scanned = c.execute(  # type: ignore[attr-defined]
        "SELECT count(*), sum(length(body)) FROM item WHERE kind = 'concern'"
    ).fetchone()
    assert scanned[0] == count // 2 + count % 2
    scan = time.perf_counter()
    for i in range(0, count, max(1, count // 1000)):
        c.execute("SELECT body FROM item WHERE ref = ?", (f"C-2026-{i:06d}",)).fetchone()  # type: ignore[attr-defined]
    lookups = time.perf_counter()
    return {"insert": inserted - started, "scan": scan - inserted, "lookup": lookups - scan}


def store_figures(count: int) -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        key = secrets.token_bytes(32)
        ours_conn = connect(Path(folder) / "enc.db", key)
        ours = workload(ours_conn, count)
        ours_conn.close()
        plain_conn = plain_connect(Path(folder) / "plain.db")
        plain = workload(plain_conn, count)
        plain_conn.close()
        # Cold read: a new connection (and key) reading the whole table once.
        cold_ours = _cold_scan(lambda: connect(Path(folder) / "enc.db", key))
        cold_plain = _cold_scan(lambda: plain_connect(Path(folder) / "plain.db"))
    base = "stdlib sqlite3, same pragmas, no encryption"
    target = "≤ 1.5×"
    return [
        Figure(
            f"insert {count:,} rows (1,000 per transaction)",
            ours["insert"],
            plain["insert"],
            base,
            target=target,
        ),
        Figure(
            f"scan {count:,} rows (warm cache)", ours["scan"], plain["scan"], base, target=target
        ),
        Figure(
            "1,000 indexed lookups (warm)", ours["lookup"], plain["lookup"], base, target=target
        ),
        Figure(
            f"open and scan {count:,} rows (cold)",
            cold_ours,
            cold_plain,
            base,
            target="about 2× expected",
        ),
    ]


def _cold_scan(opener: Callable[[], object]) -> float:
    started = time.perf_counter()
    conn = opener()
    conn.execute("SELECT count(*), sum(length(body)) FROM item").fetchone()  # type: ignore[attr-defined]
    conn.close()  # type: ignore[attr-defined]
    return time.perf_counter() - started


# --- unlock -----------------------------------------------------------------------------


def unlock_figures(runs: int) -> list[Figure]:
    kdf = KdfParams()
    with tempfile.TemporaryDirectory() as folder:
        paths = DataPaths(Path(folder) / "data")
        vault.create_school(
            paths,
            school_name="Bench",
            username="head",
            display_name="Head",
            password="benchmark password",
            kdf=kdf,
        )

        def unlock() -> float:
            started = time.perf_counter()
            session = vault.sign_in(paths, "head", "benchmark password")
            elapsed = time.perf_counter() - started
            session.close()
            return elapsed

        def kdf_only() -> float:
            started = time.perf_counter()
            kdf.derive(b"benchmark password", secrets.token_bytes(16))
            return time.perf_counter() - started

        ours = median_of(runs, unlock)
        base = median_of(runs, kdf_only)
    return [
        Figure(
            "unlock (Argon2id, AES-GCM unwrap, HPKE-open three files' keys, open them, audit)",
            ours,
            base,
            "Argon2id alone",
            target="0.3–0.5 s",
        )
    ]


# --- cold start -------------------------------------------------------------------------

BARE_WINDOW = (
    "import sys\n"
    "from PySide6.QtCore import QTimer\n"
    "from PySide6.QtWidgets import QApplication, QWidget\n"
    "app = QApplication(sys.argv[:1])\n"
    "w = QWidget(); w.show()\n"
    "print('shown', flush=True)\n"
    "QTimer.singleShot(0, app.quit)\n"
    "app.exec()\n"
)


def _launch(args: list[str]) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SAFEDESK_EXIT_WHEN_SHOWN": "1"}
    started = time.perf_counter()
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - started
    assert "shown" in result.stdout, result.stdout + result.stderr
    return elapsed


def start_figures(runs: int) -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        paths = DataPaths(Path(folder) / "data")
        # The real cost: the app started here reads the key file as a school's would.
        vault.create_school(
            paths,
            school_name="Bench",
            username="head",
            display_name="Head",
            password="benchmark password",
        )
        app = [sys.executable, "-m", "safedesk.app", "--data-dir", str(paths.root)]
        ours = median_of(runs, lambda: _launch(app))
        bare = median_of(runs, lambda: _launch([sys.executable, "-c", BARE_WINDOW]))
    return [
        Figure("cold start to the sign-in window", ours, bare, "bare PySide6 window", target="≤ 2×")
    ]


# --- casework at school scale, the chronology PDF, memory ---------------------------------


def school_figures(years: int, runs: int, key_runs: int) -> tuple[list[Figure], str]:
    import analysis_bench
    import casework_bench
    import compartments_bench

    with casework_bench.demo_school(pupils=450, years=years) as school:
        found = casework_bench.measure(school, runs)
        found += analysis_bench.measure(school, runs, f"{years} school year{'s' * (years != 1)}")
        found += compartments_bench.measure(school, key_runs)
    return [
        Figure(t.name, t.ours, t.baseline, t.baseline_name, target=t.target) for t in found
    ], _school_note(school, years)


def _school_note(school: object, years: int) -> str:
    counts = ", ".join(f"{value:,} {name}" for name, value in school.counts.items())  # type: ignore[attr-defined]
    return (
        f"Demo school: 450 pupils on roll, {years} school year{'s' * (years != 1)}, built in "
        f"{school.build_s:.1f} s: {counts}."  # type: ignore[attr-defined]
    )


def school_25_figures(runs: int) -> tuple[list[Figure], str]:
    """Analysis, Reports, the governors' report, and the queue, a chronology and search, on
    the demo school with 25 school years (records are kept until the pupil is 25)."""
    import analysis_bench

    found, school = analysis_bench.measure_25(runs)
    return [
        Figure(t.name, t.ours, t.baseline, t.baseline_name, target=t.target) for t in found
    ], _school_note(school, 25)


def pdf_figure(items: int, runs: int) -> Figure:
    import pdf_bench

    found = pdf_bench.measure(items, runs)
    return Figure(
        f"chronology PDF, {found['items']:,.0f} items, {found['pages']:,.0f} pages "
        f"({found['pages'] / found['render_s']:,.0f} pages/s)",
        found["render_s"],
        found["bare_s"],
        "bare reportlab document of the same text",
        target="≤ 2×",
    )


MEMORY_FLOOR = (
    "import resource\n"
    "import sqlcipher3\n"
    "from safedesk.store.crypto import KdfParams\n"
    "KdfParams().derive(b'benchmark password', bytes(16))\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
)


def memory_figure() -> Figure:
    """The run's peak resident memory, next to a process that only derives one Argon2id key."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_FLOOR], capture_output=True, text=True, check=True
    )
    floor = int(result.stdout.strip()) / 1024
    return Figure(
        "peak memory of the whole benchmark run",
        peak,
        floor,
        "Python + sqlcipher3 + one Argon2id derivation",
        unit="MB",
        target="≤ 250 MB",
    )


def table(figures: list[Figure], notes: list[str]) -> str:
    lines = [
        "| figure | safedesk | baseline | ratio | target | baseline is |",
        "|---|---:|---:|---:|---|---|",
    ]
    for f in figures:
        lines.append(
            f"| {f.name} | {f.shown(f.ours)} | {f.shown(f.baseline)} | "
            f"{f.ratio:.2f}× | {f.target} | {f.baseline_name} |"
        )
    lines += ["", *notes]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller, faster run")
    args = parser.parse_args()
    count = 10_000 if args.quick else 100_000
    runs = 3 if args.quick else 5
    figures = [*store_figures(count), *unlock_figures(runs), *start_figures(runs)]
    found, note = school_figures(
        1 if args.quick else 10, 7 if args.quick else 21, 1 if args.quick else 3
    )
    figures += found
    notes = [note]
    if not args.quick:
        found, note = school_25_figures(runs=15)
        figures += found
        notes.append(note)
    figures.append(pdf_figure(250 if args.quick else 1000, 1 if args.quick else 3))
    figures.append(memory_figure())
    report = table(figures, notes)
    print(report)
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.md").write_text(report + "\n", "utf-8")


if __name__ == "__main__":
    main()
