"""Files safedesk makes are its user's alone, whatever the umask of the shell that started it
(a school laptop shared through separate logins, a Linux desktop with umask 022).

Each command runs as a separate process, as someone would run it, with umask 022."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import factories
from tests.security.attacker import admin, files_under
from tests.security.conftest import DSL, PASSWORDS, build_school

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


@contextmanager
def shared_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def readable_by_others(root: Path) -> list[str]:
    found = [root, *files_under(root), *(p for p in root.rglob("*") if p.is_dir())]
    return sorted(
        f"{p.relative_to(root.parent)} {stat.filemode(p.stat().st_mode)}"
        for p in found
        if p.stat().st_mode & 0o077
    )


def test_a_store_set_up_on_the_command_line_is_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with shared_umask():
        done = admin(
            data,
            "init",
            "--school",
            "Hill Top",
            "--user",
            "pat.admin",
            "--display",
            "Pat Admin",
            password="a long enough password 1",
        )
    assert done.code == 0, done.err
    assert {p.name for p in data.iterdir()} >= {"keys.json", "school.db"}
    assert readable_by_others(data) == []


def test_backups_chronologies_and_their_folders_are_private(tmp_path: Path) -> None:
    school = build_school(tmp_path / "data")
    root = school.paths.root
    backups = tmp_path / "backups"
    pdfs = tmp_path / "exports"
    pdfs.mkdir(mode=0o700)  # the user's own folder: what safedesk writes into it is checked
    with shared_umask():
        made = admin(root, "backup", "--user", DSL, "--to", str(backups), password=PASSWORDS[DSL])
        printed = admin(
            root,
            "chronology",
            "--pupil",
            factories.PUPIL_A,
            "--pdf",
            str(pdfs / "chronology.pdf"),
            "--user",
            DSL,
            password=PASSWORDS[DSL],
        )
    assert made.code == 0, made.err
    assert printed.code == 0, printed.err
    assert list(backups.iterdir()) and (pdfs / "chronology.pdf").exists()
    assert readable_by_others(backups) == []
    assert readable_by_others(pdfs) == []
    assert readable_by_others(root) == []
