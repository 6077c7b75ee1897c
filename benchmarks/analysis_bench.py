"""Step 10 at school scale: leaders' analysis, the Reports page and the governors' report on the
demo school (450 pupils) with ten and with 25 school years of records (records are kept until
the pupil is 25), each next to a baseline measured in the same run; and the queue, a
chronology and search again at 25 years.

    uv run python benchmarks/analysis_bench.py [--years 10 25] [--runs 15]

run.py calls :func:`measure` on the ten-year school it builds and :func:`measure_25` for the
25-year one; run alone, this prints its own lines.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from casework_bench import School, Timing, build, demo_school, median_time, warm_figures
from safedesk.demo.pupils import school_year_start
from safedesk.demo.school import DEMO_PASSWORD
from safedesk.domain.analysis import Filters
from safedesk.domain.clock import to_stored
from safedesk.domain.compartments import Compartment
from safedesk.paths import DataPaths
from safedesk.services import analysis, leader_reports, vault
from safedesk.store import crypto as _crypto

_crypto.allow_weak_kdf("benchmarks and scripts: throwaway stores")

HERE = Path(__file__).resolve().parent

# --- bare SQL: the same figures as GROUP BY aggregates, none of the domain work ----------

_IN_RANGE = "e.kind = '{kind}' AND e.occurred_at >= ?1 AND e.occurred_at < ?2"
_INCIDENTS = (
    "FROM entry e JOIN behaviour_incident b ON b.entry_id = e.id WHERE "
    + _IN_RANGE.format(kind="behaviour")
)
_INTERVENTIONS = (
    "FROM entry e JOIN physical_intervention i ON i.entry_id = e.id WHERE "
    + _IN_RANGE.format(kind="intervention")
)
_CONCERNS = "FROM entry e JOIN concern c ON c.entry_id = e.id WHERE " + _IN_RANGE.format(
    kind="concern"
)
BEHAVIOUR_SQL = (
    f"SELECT count(*) {_INCIDENTS}",
    # The period just before, of the same length: the trend.
    "SELECT count(*) FROM entry e WHERE e.kind = 'behaviour' AND e.occurred_at >= ?3 "
    "AND e.occurred_at < ?1",
    *(
        f"SELECT {column}, count(*) {_INCIDENTS} GROUP BY 1"
        for column in (
            "b.behaviour_type",
            "b.location",
            "coalesce(b.trigger, 'not_recorded')",
            "b.severity",
            "strftime('%w', e.occurred_at)",
            "strftime('%H', e.occurred_at)",
            "strftime('%Y-%W', e.occurred_at)",
            "strftime('%Y-%m', e.occurred_at)",
        )
    ),
    # Year group and class from the school file, as the service reads them.
    "SELECT s.year_group, s.class_name, count(DISTINCT e.id) FROM entry e "
    "JOIN behaviour_incident b ON b.entry_id = e.id "
    "JOIN entry_pupil ep ON ep.entry_id = e.id JOIN pupil p ON p.id = ep.pupil_id "
    "JOIN school.pupil s ON s.upn = p.upn WHERE "
    + _IN_RANGE.format(kind="behaviour")
    + " GROUP BY 1, 2",
    # Repeat pupils: instigators three times or more, named.
    "SELECT s.upn, s.legal_forename, s.legal_surname, s.year_group, count(*) FROM entry e "
    "JOIN entry_pupil ep ON ep.entry_id = e.id JOIN pupil p ON p.id = ep.pupil_id "
    "JOIN school.pupil s ON s.upn = p.upn WHERE "
    + _IN_RANGE.format(kind="behaviour")
    + " AND ep.role = 'instigator' GROUP BY 1 HAVING count(*) >= 3 ORDER BY 5 DESC",
    f"SELECT b.bullying_type, b.prejudice_type, count(*) {_INCIDENTS} "
    "AND b.behaviour_type = 'bullying' GROUP BY 1, 2",
)
INTERVENTION_SQL = (
    "SELECT count(*), count(DISTINCT ep.pupil_id), "
    "sum((julianday(i.ended_at) - julianday(i.started_at)) * 1440), "
    "sum(i.injuries_pupil <> 'none'), sum(i.injuries_staff <> 'none'), "
    "sum(date(i.parent_informed_at) = date(i.started_at)) "
    f"{_INTERVENTIONS.replace('WHERE', 'JOIN entry_pupil ep ON ep.entry_id = e.id WHERE')}",
    "SELECT count(*) FROM entry e WHERE e.kind = 'intervention' AND e.occurred_at >= ?3 "
    "AND e.occurred_at < ?1",
    f"SELECT i.restraint_type, count(*) {_INTERVENTIONS} GROUP BY 1",
    "SELECT json_extract(h.value, '$.hold'), count(*) FROM entry e "
    "JOIN physical_intervention i ON i.entry_id = e.id, json_each(i.more_holds) h WHERE "
    + _IN_RANGE.format(kind="intervention")
    + " GROUP BY 1",
    *(
        f"SELECT {column}, count(*) {_INTERVENTIONS} GROUP BY 1"
        for column in (
            "i.intervention_kind",
            "coalesce(i.trigger, 'not_recorded')",
            "strftime('%Y-%W', e.occurred_at)",
        )
    ),
    # Minutes of each, for the median; each pupil's count; pupils with SEN.
    f"SELECT (julianday(i.ended_at) - julianday(i.started_at)) * 1440 {_INTERVENTIONS}",
    "SELECT s.upn, s.legal_forename, s.legal_surname, s.sen, count(*) FROM entry e "
    "JOIN entry_pupil ep ON ep.entry_id = e.id JOIN pupil p ON p.id = ep.pupil_id "
    "JOIN school.pupil s ON s.upn = p.upn WHERE "
    + _IN_RANGE.format(kind="intervention")
    + " GROUP BY 1 ORDER BY 5 DESC",
)
CONCERN_SQL = (
    f"SELECT count(*) {_CONCERNS}",
    "SELECT count(*) FROM entry e WHERE e.kind = 'concern' AND e.occurred_at >= ?3 "
    "AND e.occurred_at < ?1",
    f"SELECT c.category, count(*) {_CONCERNS} GROUP BY 1",
    f"SELECT c.urgency, count(*) {_CONCERNS} GROUP BY 1",
    f"SELECT strftime('%Y-%m', e.occurred_at), count(*) {_CONCERNS} GROUP BY 1",
)


def bare_analysis(conns: dict[Compartment, Any], span: tuple[str, str, str]) -> int:
    found = 0
    for compartment, statements in (
        (Compartment.BEHAVIOUR, BEHAVIOUR_SQL + INTERVENTION_SQL),
        (Compartment.SAFEGUARDING, CONCERN_SQL),
    ):
        for sql in statements:
            params = span if "?3" in sql else span[:2]
            found += len(conns[compartment].execute(sql, params).fetchall())
    return found


def _span(first: date, last: date) -> tuple[str, str, str]:
    def moment(day: date) -> str:
        return to_stored(datetime.combine(day, time()).astimezone().astimezone(UTC))

    before = first - (last - first) - timedelta(days=1)
    return moment(first), moment(last + timedelta(days=1)), moment(before)


def last_school_year(now: datetime) -> tuple[date, date]:
    """The last whole school year (September to July): a year of records."""
    first = school_year_start(now.date()) - 1
    return date(first, 9, 1), date(first + 1, 8, 31)


def analysis_figures(school: School, runs: int, label: str) -> list[Timing]:
    session = vault.sign_in(school.paths, "head", DEMO_PASSWORD)
    conns = {
        c: session.compartment(c).connection()
        for c in (Compartment.SAFEGUARDING, Compartment.BEHAVIOUR)
    }
    first, last = last_school_year(school.now)
    span = _span(first, last)
    try:
        found = analysis.analyse(session, Filters(first, last))
        assert found.behaviour is not None
        assert found.interventions is not None
        what = (
            f"{found.behaviour.total:,} incidents, {found.interventions.total} interventions, "
            f"{found.concerns.total if found.concerns else 0} concerns"
        )
        return [
            Timing(
                f"analysis of a school year, {label} ({what})",
                median_time(runs, lambda: analysis.analyse(session, Filters(first, last))),
                median_time(runs, lambda: bare_analysis(conns, span)),
                "bare SQL: the same figures as GROUP BY aggregates in both files",
                "≤ 2× and < 100 ms",
            )
        ]
    finally:
        session.lock()


def governors_figure(school: School, runs: int, label: str) -> list[Timing]:
    """The governors' report PDF for the last whole school year (a term is the usual), written
    to a file."""
    session = vault.sign_in(school.paths, "head", DEMO_PASSWORD)
    first, last = last_school_year(school.now)
    with tempfile.TemporaryDirectory(prefix="safedesk-bench-pdf-") as folder:
        numbered = iter(range(1000))

        def write() -> object:
            target = Path(folder) / f"governors-{next(numbered)}.pdf"
            return leader_reports.write_governors_report(session, first, last, target)

        def bare_pdf() -> object:
            from reportlab.lib.pagesizes import A4
            from reportlab.pdfgen import canvas

            target = Path(folder) / f"bare-{next(numbered)}.pdf"
            page = canvas.Canvas(str(target), pagesize=A4)
            page.drawString(72, 770, "Governors' report")
            page.save()
            return target

        try:
            result = leader_reports.write_governors_report(
                session, first, last, Path(folder) / "first.pdf"
            )
            ours = median_time(runs, write)
            base = median_time(runs, bare_pdf)
        finally:
            session.lock()
    return [
        Timing(
            f"governors' report PDF for a school year, {label} ({result.pages} pages)",
            ours,
            base,
            "a one-page reportlab PDF written to a file (the cost of any PDF at all)",
            "< 3 s",
        )
    ]


# --- the Reports page: a child process with an offscreen QApplication --------------------

REPORTS_PAGE = r"""
import json, sys, time
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget
from safedesk.store import crypto
crypto.allow_weak_kdf("benchmark")
from safedesk.paths import DataPaths
from safedesk.services import vault

app = QApplication(sys.argv[:1])
folder, runs = sys.argv[1], int(sys.argv[2])
session = vault.sign_in(DataPaths(Path(folder)), "head", "demo-password")


class Watch(QObject):
    # The first paint of the page, and the longest gap between ticks of a 1 ms timer.
    def __init__(self, page):
        super().__init__()
        self.painted = None
        self.gap = 0.0
        self.last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self.tick)
        page.installEventFilter(self)

    def tick(self):
        now = time.perf_counter()
        self.gap = max(self.gap, now - self.last)
        self.last = now

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and self.painted is None:
            self.painted = time.perf_counter()
        return False


def wait(until, limit=120.0):
    began = time.perf_counter()
    while not until() and time.perf_counter() - began < limit:
        app.processEvents()
        time.sleep(0.0005)


def open_page(make, done):
    page = make()
    page.resize(1366, 768)
    watch = Watch(page)
    finished = {}
    if done is not None:
        done(page).connect(lambda: finished.setdefault("at", time.perf_counter()))
    began = watch.last = time.perf_counter()
    watch.timer.start()
    page.show()
    wait(lambda: watch.painted is not None and (done is None or "at" in finished))
    end = finished.get("at", watch.painted)
    if done is None:  # the empty page: watched for as long as the full one took, at least
        hold = time.perf_counter() + RUN_FOR[0]
        wait(lambda: time.perf_counter() >= hold)
        end = time.perf_counter()
    watch.timer.stop()
    page.close()
    page.deleteLater()
    app.processEvents()
    return {"paint": watch.painted - began, "loaded": end - began, "stall": watch.gap}


def reports():
    from safedesk.ui.reports_page import ReportsPage
    return ReportsPage(session)


def empty():
    from safedesk.ui.page_parts import add_heading
    page = QWidget()
    add_heading(
        QVBoxLayout(page),
        "Reports",
        "Patterns in behaviour, bullying, physical interventions and concerns, for any dates "
        "and any group of pupils. Enter shows the figures for what is chosen.",
    )
    return page


RUN_FOR = [0.0]
first = open_page(reports, lambda page: page.loaded)  # matplotlib imported here, once
again = [open_page(reports, lambda page: page.loaded) for _ in range(runs)]
RUN_FOR[0] = min(r["loaded"] for r in again)
bare = [open_page(empty, None) for _ in range(runs)]
session.lock()
print(json.dumps({"first": first, "again": again, "bare": bare}))
"""


def reports_page_figures(school: School, runs: int, label: str) -> list[Timing]:
    result = subprocess.run(
        [sys.executable, "-c", REPORTS_PAGE, str(school.paths.root), str(runs)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    if result.returncode:
        raise RuntimeError(f"the Reports page benchmark failed:\n{result.stderr[-3000:]}")
    found = json.loads(result.stdout.strip().splitlines()[-1])

    def median(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    again, bare, first = found["again"], found["bare"], found["first"]
    base = "an empty page with the same heading, opened the same way"
    return [
        Timing(
            f"Reports page, first paint, {label} (the first opening in a process: "
            f"{first['paint'] * 1000:.0f} ms)",
            median(again, "paint"),
            median(bare, "paint"),
            base,
            "none set: compare",
        ),
        Timing(
            f"Reports page, every chart shown, {label} (the first opening: "
            f"{first['loaded'] * 1000:.0f} ms, matplotlib imported then)",
            median(again, "loaded"),
            median(bare, "paint"),
            base + " (its first paint)",
            "none set: compare",
        ),
        Timing(
            f"Reports page, longest stall of the event loop while it loads, {label} (first "
            f"opening: {first['stall'] * 1000:.0f} ms)",
            median(again, "stall"),
            median(bare, "stall"),
            base + ", watched as long",
            "none set: compare",
        ),
    ]


def measure(school: School, runs: int = 15, label: str = "ten years") -> list[Timing]:
    found = analysis_figures(school, runs, label)
    found += reports_page_figures(school, max(3, runs // 3), label)
    found += governors_figure(school, max(3, runs // 5), label)
    return found


def measure_25(runs: int = 15, pupils: int = 450) -> tuple[list[Timing], School]:
    """The 25-year school: built here, measured, removed."""
    with demo_school(pupils=pupils, years=25) as school:
        found = measure(school, runs, "25 years")
        found += [
            Timing(f"{t.name}, 25 years", t.ours, t.baseline, t.baseline_name, "< 20 ms")
            for t in warm_figures(school, runs)
        ]
    return found, school


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, nargs="+", default=[10, 25])
    parser.add_argument("--pupils", type=int, default=450)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", help="build the school in this folder once, and reuse it")
    args = parser.parse_args()
    for years in args.years:
        began = clock.perf_counter()
        if args.keep:
            root = Path(args.keep) / f"years-{years}"
            if (root / "data").exists():
                school = School(DataPaths(root / "data"), datetime.now().astimezone(), 0.0, {})
            else:
                root.mkdir(parents=True)
                school = build(root, pupils=args.pupils, years=years)
            found = measure(school, args.runs, f"{years} years")
            if years == 25:
                found += [
                    Timing(f"{t.name}, 25 years", t.ours, t.baseline, t.baseline_name, "< 20 ms")
                    for t in warm_figures(school, args.runs)
                ]
        elif years == 25:
            found, school = measure_25(args.runs, args.pupils)
        else:
            with demo_school(pupils=args.pupils, years=years) as school:
                found = measure(school, args.runs, f"{years} years")
        print(
            f"{years} years: built in {school.build_s:.1f} s ({school.counts}); "
            f"measured in {clock.perf_counter() - began - school.build_s:.1f} s"
        )
        for t in found:
            print(
                f"  {t.name}: {t.ours * 1000:.2f} ms vs {t.baseline * 1000:.2f} ms "
                f"({t.ours / t.baseline:.2f}×, target {t.target}) — {t.baseline_name}"
            )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
