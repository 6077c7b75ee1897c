"""Writes docs/samples/chronology-sample.pdf from the demo school (fictional people only).

uv run python scripts/sample_pdf.py [OUT.pdf]
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

from safedesk.demo.school import DEMO_PASSWORD, build_demo_school
from safedesk.paths import DataPaths
from safedesk.services import export, records, vault
from safedesk.store import crypto as _crypto

# Throwaway stores made here use cheap key slots (never a real school's).
_crypto.allow_weak_kdf("benchmarks and scripts: throwaway stores")


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/samples/chronology-sample.pdf")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        paths = DataPaths(Path(folder) / "demo")
        build_demo_school(paths)
        session = vault.sign_in(paths, "dsl", DEMO_PASSWORD)
        try:
            counts: Counter[str] = Counter()
            for username in ("teacher", "behaviour", "dsl", "head"):
                author = vault.sign_in(paths, username, DEMO_PASSWORD)
                try:
                    for entry in records.my_records(author):
                        counts.update(p.upn for p in entry.pupils)
                finally:
                    author.lock()
            upn, _ = counts.most_common(1)[0]
            result = export.export_chronology_pdf(session, upn, out.resolve())
        finally:
            session.lock()
    print(f"{result.path}: {result.items} items, {result.pages} pages")


if __name__ == "__main__":
    main()
