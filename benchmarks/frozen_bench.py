"""The packaged app against a bare PySide6 window packaged the same way.

    uv run --with pyinstaller python benchmarks/frozen_bench.py [--runs 7] [--rebuild]

Builds both one-folder programs with PyInstaller (packaging/safedesk.spec and
benchmarks/bare_window.spec: windowed, the same excluded modules) into
benchmarks/results/frozen/, unless already built there. Then times, in the same run, cold
starts of each (a new process until its first window is shown, offscreen; safedesk on a
school's data folder, so its first window is the sign-in) and compares the folders' sizes.
Target: start-up ≤ 1.5× the bare window. Writes benchmarks/results/frozen.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results" / "frozen"
EXE = ".exe" if os.name == "nt" else ""


def build(spec: Path, name: str, rebuild: bool) -> Path:
    folder = OUT / "dist" / name
    if folder.is_dir() and not rebuild:
        return folder
    print(f"building {name} …", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(spec),
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(OUT / "dist"),
            "--workpath",
            str(OUT / "build"),
        ],
        check=True,
        cwd=ROOT,
    )
    return folder


def launch(args: list[str]) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SAFEDESK_EXIT_WHEN_SHOWN": "1"}
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - started
    if os.name != "nt" and "shown" not in done.stdout:
        raise SystemExit(f"{args[0]} exited without showing a window: {done.stdout}{done.stderr}")
    return elapsed


def median_start(args: list[str], runs: int) -> float:
    launch(args)  # the first start fills the OS's file cache for both alike
    return statistics.median(launch(args) for _ in range(runs))


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    ours = build(ROOT / "packaging" / "safedesk.spec", "safedesk", args.rebuild)
    bare = build(ROOT / "benchmarks" / "bare_window.spec", "bare_window", args.rebuild)
    with tempfile.TemporaryDirectory(prefix="safedesk-frozen-bench-") as tmp:
        data = Path(tmp) / "data"
        subprocess.run(
            [
                str(ours / f"safedesk-admin{EXE}"),
                "init",
                "--data-dir",
                str(data),
                "--school",
                "Bench Primary",
                "--user",
                "h.head",
                "--display",
                "Hanna Head",
            ],
            env={**os.environ, "SAFEDESK_PASSWORD": "benchmark password 1"},
            capture_output=True,
            check=True,
        )
        ours_s = median_start([str(ours / f"safedesk{EXE}"), "--data-dir", str(data)], args.runs)
    bare_s = median_start([str(bare / f"bare_window{EXE}")], args.runs)
    ours_mb, bare_mb = size_of(ours) / 2**20, size_of(bare) / 2**20
    table = "\n".join(
        [
            "| figure | safedesk | baseline | ratio | target |",
            "|---|---|---|---|---|",
            f"| cold start to the first window (frozen, median of {args.runs}) | "
            f"{ours_s * 1000:.0f} ms | {bare_s * 1000:.0f} ms (bare PySide6 window, frozen "
            f"the same way) | {ours_s / bare_s:.2f}× | ≤ 1.5× |",
            f"| one-folder build size | {ours_mb:.0f} MB | {bare_mb:.0f} MB (the same bare "
            f"window) | {ours_mb / bare_mb:.2f}× | none set |",
        ]
    )
    print(table)
    (OUT.parent / "frozen.md").write_text(table + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
