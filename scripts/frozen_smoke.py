"""Smoke test of the frozen build: the packaged programs do a school's first jobs.

    uv run python scripts/frozen_smoke.py [dist/safedesk]

Runs the frozen ``safedesk-admin`` through init, pupils import (a CSV, and a CTF as a dry
run), record concern, chronology --pdf (the bundled fonts must load), analysis --json, report
governors (its charts need the bundled matplotlib) and verify, in a new
temporary data folder; checks that every data file of the package is in the bundle; then
starts the frozen ``safedesk`` offscreen and waits for its first window, and once more to
draw a PDF page from memory with the bundled PDFium. Exit 0 when all
pass; otherwise prints what failed, exit 1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))
from package_data import data_files  # noqa: E402

PUPILS_CSV = ROOT / "tests" / "fixtures" / "pupils_sims_utf8_bom.csv"
PUPILS_CTF = ROOT / "docs" / "samples" / "pupils.ctf.xml"
UPN = "B801200005001"  # the first pupil of that file
PASSWORD = "smoke-test-password-1"  # noqa: S105 — a throwaway store in a temporary folder
TIMEOUT_S = 180


class SmokeFailed(Exception):
    pass


def executable(dist: Path, name: str) -> Path:
    path = dist / (f"{name}.exe" if os.name == "nt" else name)
    if not path.exists():
        raise SmokeFailed(f"{path} is missing: build with packaging/safedesk.spec first")
    return path


def run(cmd: list[str], *, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
    shown = " ".join(Path(c).name if i == 0 else c for i, c in enumerate(cmd))
    print(f"$ {shown}", flush=True)
    done = subprocess.run(  # noqa: S603 — our own frozen programs
        cmd,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **(env or {})},
        timeout=TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise SmokeFailed(
            f"{shown} exited {done.returncode}\n--- stdout\n{done.stdout}"
            f"\n--- stderr\n{done.stderr}"
        )
    return done.stdout


def bundle_data_differences(dist: Path) -> list[str]:
    """The package's data files against the bundle's: both ways, so nothing is left out and
    nothing stale rides along."""
    bundle = dist / "_internal"
    package = set(data_files(ROOT / "src"))
    bundled = set(data_files(bundle)) if (bundle / "safedesk").is_dir() else set()
    return [f"missing from the bundle: {rel}" for rel in sorted(package - bundled)] + [
        f"in the bundle but not the package: {rel}" for rel in sorted(bundled - package)
    ]


def admin_jobs(admin: Path, data: Path, work: Path) -> None:
    env = {"SAFEDESK_PASSWORD": PASSWORD}
    base = [str(admin)]
    where = ["--data-dir", str(data)]
    as_head = [*where, "--user", "h.head"]
    out = run(
        [
            *base,
            "init",
            *where,
            "--school",
            "Smoke Test Primary",
            "--user",
            "h.head",
            "--display",
            "Hanna Head",
        ],
        env=env,
    )
    if "recovery" not in out.lower():
        raise SmokeFailed(f"init printed no recovery key:\n{out}")
    out = run([*base, "pupils", "import", str(PUPILS_CSV), *as_head], env=env)
    if "added" not in out:
        raise SmokeFailed(f"pupils import printed:\n{out}")
    # A Common Transfer File too (read with the bundled defusedxml), without applying it.
    out = run([*base, "pupils", "import", str(PUPILS_CTF), "--dry-run", *as_head], env=env)
    if "nothing was imported" not in out:
        raise SmokeFailed(f"pupils import of a CTF (dry run) printed:\n{out}")
    concern = {
        "pupils": [UPN],
        "occurred_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(timespec="seconds"),
        "category": "neglect",
        "urgency": "urgent",
        "description": "Smoke test: came in without a coat.",
        "child_words": "none",
    }
    ref = run(
        [*base, "record", "concern", *as_head, "--json", "-"], stdin=json.dumps(concern), env=env
    ).strip()
    if not ref.startswith("C-"):
        raise SmokeFailed(f"record concern printed {ref!r}")
    pdf = work / "chronology.pdf"
    run([*base, "chronology", *as_head, "--pupil", UPN, "--pdf", str(pdf)], env=env)
    content = pdf.read_bytes() if pdf.exists() else b""
    if not content.startswith(b"%PDF") or b"DejaVu" not in content:
        raise SmokeFailed("the chronology PDF is missing or was made without the bundled fonts")
    # The governors' report draws its charts with the bundled matplotlib (imported only then).
    today = datetime.now(UTC).date()
    days = ["--from", (today - timedelta(days=30)).isoformat(), "--to", today.isoformat()]
    figures = json.loads(run([*base, "analysis", *as_head, *days, "--json"], env=env))
    if figures.get("concerns", {}).get("total") != 1:
        raise SmokeFailed(f"analysis --json printed {figures!r}")
    report = work / "governors.pdf"
    run([*base, "report", "governors", *as_head, *days, "--pdf", str(report)], env=env)
    content = report.read_bytes() if report.exists() else b""
    if not content.startswith(b"%PDF") or b"/Image" not in content:
        raise SmokeFailed("the governors' report is missing or has no chart in it")
    run([*base, "verify", *as_head], env=env)


def first_window(gui: Path, data: Path) -> None:
    env = {"SAFEDESK_EXIT_WHEN_SHOWN": "1", "QT_QPA_PLATFORM": "offscreen"}
    out = run([str(gui), "--data-dir", str(data)], env=env)
    # A windowed Windows build may have no stdout to print to; its exit 0 is the answer.
    if "shown" not in out and os.name != "nt":
        raise SmokeFailed(f"the frozen safedesk exited without showing a window:\n{out}")


def pdf_page_drawn(gui: Path, data: Path, work: Path) -> None:
    """The frozen app draws a PDF page from memory with its bundled PDFium, as its viewers do
    (the result goes to a file: a windowed Windows build has no stdout)."""
    result = work / "pdf-self-test.txt"
    env = {
        "SAFEDESK_EXIT_WHEN_SHOWN": "1",
        "QT_QPA_PLATFORM": "offscreen",
        "SAFEDESK_PDF_SELF_TEST": str(result),
    }
    run([str(gui), "--data-dir", str(data)], env=env)
    said = result.read_text("utf-8") if result.exists() else "(nothing written)"
    if said != "drawn 100x100, 6400 dark pixels":
        raise SmokeFailed(f"the frozen safedesk did not draw a PDF page: {said}")


def main(argv: list[str]) -> int:
    dist = Path(argv[1]) if len(argv) > 1 else ROOT / "dist" / "safedesk"
    try:
        differences = bundle_data_differences(dist)
        if differences:
            raise SmokeFailed("; ".join(differences))
        admin, gui = executable(dist, "safedesk-admin"), executable(dist, "safedesk")
        with tempfile.TemporaryDirectory(prefix="safedesk-smoke-") as tmp:
            work = Path(tmp)
            admin_jobs(admin, work / "data", work)
            first_window(gui, work / "data")
            pdf_page_drawn(gui, work / "data", work)
    except (SmokeFailed, subprocess.TimeoutExpired) as exc:
        print(f"FROZEN SMOKE TEST FAILED: {exc}", file=sys.stderr)
        return 1
    print("frozen smoke test passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
