"""Mutation testing of domain/: run mutmut, then print each module's score.

    uv run python scripts/mutation_scores.py              # a fresh run (about 15 minutes)
    uv run python scripts/mutation_scores.py --no-run     # the scores of the last run
    uv run python scripts/mutation_scores.py --survivors  # ... and name each survivor

What is mutated and which tests run is set in pyproject.toml's [tool.mutmut]; see
docs/mutation-testing.md. A module's score is the share of its mutants the tests detect:
(killed + timed out) / every mutant tried, where a mutant no test reaches ("no tests") counts
as undetected. Exits 1 when any module scores under --min (default 90), or the run failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = Path("src/safedesk/domain")
MUTANTS = ROOT / "mutants"

# mutmut's exit codes per mutant (mutmut.stats.status_by_exit_code, mutmut 3.x).
DETECTED = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout"}
DETECTED |= {152: "timeout", 255: "timeout"}
UNDETECTED = {0: "survived", 5: "no tests", 33: "no tests", 35: "suspicious"}
UNDETECTED |= {-11: "segfault", -9: "segfault"}
NOT_COUNTED = {34: "skipped", 37: "caught by type check"}


@dataclass(frozen=True)
class ModuleScore:
    module: str
    counts: Counter[str]
    survivors: tuple[str, ...]

    @property
    def tried(self) -> int:
        return sum(n for status, n in self.counts.items() if status not in NOT_COUNTED.values())

    @property
    def detected(self) -> int:
        return self.counts["killed"] + self.counts["timeout"]

    @property
    def score(self) -> float:
        return 100.0 if self.tried == 0 else 100.0 * self.detected / self.tried

    @property
    def unfinished(self) -> int:
        return self.counts["not checked"] + self.counts["interrupted"]


def status_of(exit_code: int | None) -> str:
    if exit_code is None:
        return "not checked"
    if exit_code == 2:
        return "interrupted"
    return (DETECTED | UNDETECTED | NOT_COUNTED).get(exit_code, "suspicious")


def mutmut_config() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        config: dict[str, object] = tomllib.load(f)["tool"]["mutmut"]
    return config


def not_mutated(config: dict[str, object]) -> list[str]:
    patterns = [str(p) for p in config.get("do_not_mutate", [])]  # type: ignore[attr-defined]
    return sorted(
        path.name
        for path in (ROOT / DOMAIN).glob("*.py")
        if any(fnmatch(str(DOMAIN / path.name), p) for p in patterns)
    )


def read_scores() -> list[ModuleScore]:
    scores = []
    for meta in sorted((MUTANTS / DOMAIN).glob("*.py.meta")):
        with meta.open(encoding="utf-8") as f:
            exit_codes: dict[str, int | None] = json.load(f)["exit_code_by_key"]
        if not exit_codes:
            continue  # nothing in it to mutate (constants, enums, exceptions only)
        counts = Counter(status_of(code) for code in exit_codes.values())
        survivors = tuple(
            sorted(
                name for name, code in exit_codes.items() if status_of(code) in UNDETECTED.values()
            )
        )
        scores.append(ModuleScore(meta.name.removesuffix(".py.meta"), counts, survivors))
    return scores


def run_mutmut(*, fresh: bool, max_children: int | None) -> int:
    if fresh and MUTANTS.exists():
        shutil.rmtree(MUTANTS)  # mutmut keeps old verdicts; a fresh run judges every mutant
    command = ["mutmut", "run"]
    if max_children:
        command += ["--max-children", str(max_children)]
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode  # noqa: S603


def report(scores: list[ModuleScore], skipped: list[str], minimum: float, survivors: bool) -> int:
    width = max((len(s.module) for s in scores), default=10) + 3
    print(f"\n{'module':<{width}}{'score':>7}  killed  timeout  survived  no tests  other")
    for s in scores:
        other = s.tried - s.detected - s.counts["survived"] - s.counts["no tests"]
        flag = "" if s.score >= minimum else f"   < {minimum:g} %"
        print(
            f"{s.module + '.py':<{width}}{s.score:6.1f}%  {s.counts['killed']:>6}  "
            f"{s.counts['timeout']:>7}  {s.counts['survived']:>8}  {s.counts['no tests']:>8}  "
            f"{other:>5}{flag}"
        )
    tried = sum(s.tried for s in scores)
    detected = sum(s.detected for s in scores)
    overall = 100.0 * detected / tried if tried else 100.0
    print(f"{'overall':<{width}}{overall:6.1f}%  ({detected} of {tried} mutants detected)")
    if skipped:
        print(f"not mutated (do_not_mutate in pyproject.toml): {', '.join(skipped)}")
    if survivors:
        for s in scores:
            for name in s.survivors:
                print(f"  {name}")
        print("Show one with: uv run mutmut show <name>")
    failed = [s.module for s in scores if s.score < minimum]
    unfinished = sum(s.unfinished for s in scores)
    if unfinished:
        print(f"{unfinished} mutants were not checked: the run did not finish", file=sys.stderr)
    if failed:
        print(f"under {minimum:g} %: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed or unfinished or not scores else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min", type=float, default=90.0, help="lowest score a module may have")
    parser.add_argument(
        "--no-run", action="store_true", help="report the last run's results without running"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep mutants/ and mutmut's earlier verdicts (only new or changed mutants run)",
    )
    parser.add_argument("--max-children", type=int, help="parallel workers (default: CPUs)")
    parser.add_argument("--survivors", action="store_true", help="list undetected mutants")
    args = parser.parse_args(argv)
    if not args.no_run:
        code = run_mutmut(fresh=not args.keep, max_children=args.max_children)
        if code != 0:
            print(f"mutmut run failed (exit {code})", file=sys.stderr)
            return 1
    if not MUTANTS.exists():
        print("No results: run without --no-run first.", file=sys.stderr)
        return 1
    return report(read_scores(), not_mutated(mutmut_config()), args.min, args.survivors)


if __name__ == "__main__":
    sys.exit(main())
