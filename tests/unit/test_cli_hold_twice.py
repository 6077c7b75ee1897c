"""safedesk-admin hold add: a second hold on what is held already is refused (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safedesk import cli
from safedesk.cli.common import EXIT_BAD_INPUT, EXIT_OK
from tests import factories
from tests.conftest import HEAD_PASSWORD, SchoolStore


def test_the_same_pupil_cannot_be_held_twice(
    school: SchoolStore,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    session = school.sign_in()
    factories.add_pupils(session)
    session.lock()
    monkeypatch.setenv(cli.PASSWORD_ENV, HEAD_PASSWORD)
    where = ["--user", "head", "--data-dir", str(Path(school.paths.root))]
    add = ["hold", "add", "--pupil", factories.PUPIL_C, *where]
    assert cli.main([*add, "--reason", "Inquiry"]) == EXIT_OK
    capsys.readouterr()
    assert cli.main([*add, "--reason", "Inquiry again"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"Mateo De la Cruz ({factories.PUPIL_C}) is already held" in err
    assert "by Ms Ada Ngozi, reason: Inquiry" in err
    assert cli.main(["hold", "list", "--json", *where]) == EXIT_OK
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 2  # the first hold, in each file; nothing more
    assert {tuple(sorted(h)) for h in listed} == {("by", "hold", "on", "reason")}
