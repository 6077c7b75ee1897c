"""Chronology PDF benchmark: a 1,000-item chronology through safedesk's renderer, next to a bare
reportlab document of the same text (same font, same page size) built in the same run.

    uv run python benchmarks/pdf_bench.py [--items N]
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from reportlab.platypus import Paragraph, SimpleDocTemplate

from safedesk.domain import upn
from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.people import PupilDetails
from safedesk.paths import DataPaths
from safedesk.reports.chronology_pdf import render_chronology
from safedesk.reports.pdf_base import PAGE, page_count, styles, text
from safedesk.services import chronology, records, vault
from safedesk.store import crypto as _crypto
from safedesk.store import pupils
from safedesk.store.crypto import FAST_KDF

# Throwaway stores made here use cheap key slots (never a real school's).
_crypto.allow_weak_kdf("benchmarks and scripts: throwaway stores")

PUPIL = upn.make("801200005001")
ACCOUNT = (
    "At morning break {name} told me that an older boy on the estate had been asking them to "
    "carry a parcel to the shops after school, and said they would get into trouble if they "
    "told anyone. {name} was tearful and asked me not to tell mum. I said I would have to "
    "share it with the people who keep children safe."
)


def build_store(root: Path, items: int) -> tuple[DataPaths, str]:
    paths = DataPaths(root)
    password = "benchmark password"  # noqa: S105 - a throwaway store
    vault.create_school(
        paths,
        school_name="Benchmark Primary",
        username="dsl",
        display_name="Ms Benchmark",
        password=password,
        kdf=FAST_KDF,
    )
    session = vault.sign_in(paths, "dsl", password)
    start = datetime(2016, 9, 5, 9, 0).astimezone()
    with session.store.write() as conn:
        pupils.insert(
            conn,
            PupilDetails(PUPIL, "O'Connor-Nguyễn", "Siobhán", date(2012, 5, 1), "Shiv"),
            start,
        )
    for n in range(items):
        moment = start + timedelta(days=3 * n)
        session.clock = FixedClock(moment + timedelta(minutes=20))
        records.record(
            session,
            Kind.CONCERN,
            {
                "pupils": [PUPIL],
                "occurred_at": moment.isoformat(),
                "category": "exploitation",
                "urgency": "urgent",
                "description": f"({n}) " + ACCOUNT.format(name="Shiv"),
                "child_words": "“He said I'd be in trouble.”",
            },
        )
    session.lock()
    return paths, password


def bare_reportlab(lines: list[str]) -> bytes:
    """The same words as plain paragraphs: what any reportlab document of this text costs."""
    st = styles()
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=PAGE).build([Paragraph(text(t), st["body"]) for t in lines])
    return buffer.getvalue()


def timed(work: Callable[[], bytes], runs: int) -> tuple[float, bytes]:
    times = []
    out = b""
    for _ in range(runs):
        began = time.perf_counter()
        out = work()
        times.append(time.perf_counter() - began)
    return statistics.median(times), out


def measure(items: int = 1000, runs: int = 3) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        paths, password = build_store(Path(folder) / "data", items)
        session = vault.sign_in(paths, "dsl", password)
        try:
            found = chronology.open_chronology(session, PUPIL, purpose="exported")
            lines = [f"{i.title} {i.ref} {i.summary}" for i in found.items]
            lines += [f"{label}: {value}" for i in found.items for label, value in i.detail]
            ours, pdf = timed(lambda: render_chronology(found), runs)
            bare, _ = timed(lambda: bare_reportlab(lines), runs)
            began = time.perf_counter()
            chronology.open_chronology(session, PUPIL, purpose="exported")
            gather = time.perf_counter() - began
        finally:
            session.lock()
    pages = page_count(pdf)
    return {
        "items": len(found.items),
        "pages": pages,
        "render_s": ours,
        "bare_s": bare,
        "gather_s": gather,
        "pages_per_s": pages / ours,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    found = measure(args.items)
    ratio = found["render_s"] / found["bare_s"]
    print(
        f"{found['items']:.0f} items, {found['pages']:.0f} pages: "
        f"safedesk {found['render_s']:.2f} s vs bare reportlab {found['bare_s']:.2f} s "
        f"({ratio:.2f}×), {found['pages_per_s']:.0f} pages/s; "
        f"reading the chronology {found['gather_s'] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
