"""safedesk-admin policy publish / confirm / list: who may do each, the JSON fields, exit codes,
and that a password confirms only for its own account."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from safedesk import cli
from safedesk.domain.roles import Role
from safedesk.services import users
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore, add_account

OWN = "my own long password"
PDF = b"%PDF-1.4\n%%EOF\n"

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(
    school: SchoolStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Run:
    head = school.sign_in()
    add_account(head, "t.ta", {Role.STAFF})
    add_account(head, "d.dsl", {Role.DSL}, password=OWN)
    head.lock()
    ta = school.sign_in("t.ta", OTHER_PASSWORD)
    users.change_own_password(ta, OTHER_PASSWORD, OWN)  # their key is their own from now
    ta.lock()

    def invoke(*args: str, user: str, password: str | None = None) -> tuple[int, str, str]:
        monkeypatch.setenv(cli.PASSWORD_ENV, password or (HEAD_PASSWORD if user == "head" else OWN))
        argv = ["policy", *args, "--user", user, "--data-dir", str(school.paths.root)]
        code = cli.main(argv)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def test_publish_confirm_and_list(run: Run, tmp_path: Path) -> None:
    pdf = tmp_path / "behaviour.pdf"
    pdf.write_bytes(PDF)
    code, out, err = run(
        "publish", "--title", "Behaviour policy", "--version", "2026-27", "--on", "2026-09-01",
        "--pdf", str(pdf), user="d.dsl",
    )  # fmt: skip
    assert (code, err) == (0, "")
    policy = int(out.strip())
    code, out, err = run("list", "--json", user="t.ta")
    assert code == 0, err
    (row,) = json.loads(out)
    assert row["id"] == policy
    assert row["title"] == "Behaviour policy"
    assert row["has_pdf"] is True
    assert row["confirmed_at"] is None
    assert "not_confirmed" not in row  # staff see only their own
    code, out, err = run("confirm", str(policy), user="t.ta")
    assert (code, err) == (0, ""), err
    assert out.startswith(f"Policy {policy} confirmed at 20")
    code, out, _ = run("list", "--json", user="t.ta")
    assert json.loads(out)[0]["confirmed_at"] is not None
    code, out, _ = run("list", "--json", user="head")
    (row,) = json.loads(out)
    assert [c["username"] for c in row["confirmed_by"]] == ["t.ta"]
    assert sorted(u["username"] for u in row["not_confirmed"]) == ["d.dsl", "head"]
    code, out, _ = run("list", user="head")
    assert "confirmed by 1 of 3 staff" in out
    code, _, err = run("confirm", str(policy), user="t.ta")
    assert code == cli.EXIT_BAD_INPUT
    assert "already" in err


def test_staff_cannot_publish_and_a_note_or_pdf_is_needed(run: Run) -> None:
    code, _, err = run(
        "publish", "--title", "Behaviour policy", "--version", "1", "--on", "2026-09-01",
        "--note", "In the staff room.", user="t.ta",
    )  # fmt: skip
    assert code == cli.EXIT_NOT_ALLOWED
    assert "not allowed to publish a policy" in err
    code, _, err = run(
        "publish", "--title", "Behaviour policy", "--version", "1", "--on", "2026-09-01",
        user="head",
    )  # fmt: skip
    assert code == cli.EXIT_BAD_INPUT
    assert "What changed, and where to read it" in err
    code, _, err = run("confirm", "42", user="t.ta")
    assert code == cli.EXIT_BAD_INPUT
    assert "no policy 42" in err


def test_the_heads_password_does_not_confirm_for_another(run: Run) -> None:
    code, out, _ = run(
        "publish", "--title", "KCSIE Part 1", "--version", "2026", "--on", "2026-09-01",
        "--note", "Read it on the shared drive.", user="head",
    )  # fmt: skip
    policy = out.strip()
    code, _, err = run("confirm", policy, user="t.ta", password=HEAD_PASSWORD)
    assert code == cli.EXIT_NOT_ALLOWED
    assert "username or password" in err.lower()
    code, out, _ = run("list", "--json", user="head")
    assert json.loads(out)[0]["confirmed_by"] == []
