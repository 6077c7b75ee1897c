"""safedesk-admin report governors / inspection: the contract (flags, what is printed, exits)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from safedesk import cli
from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import records
from tests import factories
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore, add_account

REPORTS = ["governors", "inspection"]
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(
    school: SchoolStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Run:
    session = school.sign_in()
    factories.add_pupils(session)
    records.record(session, Kind.CONCERN, factories.concern())
    records.record(session, Kind.BEHAVIOUR, factories.behaviour())
    records.record(session, Kind.INTERVENTION, factories.intervention())
    add_account(session, "t.ta", {Role.STAFF})
    add_account(session, "b.lead", {Role.BEHAVIOUR_LEAD})
    add_account(session, "d.dsl", {Role.DSL})
    session.lock()

    def invoke(*args: str, user: str = "head") -> tuple[int, str, str]:
        monkeypatch.setenv(cli.PASSWORD_ENV, HEAD_PASSWORD if user == "head" else OTHER_PASSWORD)
        code = cli.main([*args, "--user", user, "--data-dir", str(school.paths.root)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def _range() -> tuple[str, str]:
    from datetime import date, timedelta

    today = date.today()
    return (today - timedelta(days=30)).isoformat(), today.isoformat()


@pytest.mark.parametrize("report", REPORTS)
def test_writes_the_pdf_and_says_where_and_how_long(run: Run, tmp_path: Path, report: str) -> None:
    target = tmp_path / f"{report}.pdf"
    first, last = _range()
    code, out, err = run("report", report, "--from", first, "--to", last, "--pdf", str(target))
    assert (code, err) == (0, "")
    pages = len(PdfReader(target).pages)
    assert out == f"{target}: {pages} pages\n"


def test_a_dsl_may_too(run: Run, tmp_path: Path) -> None:
    first, last = _range()
    target = tmp_path / "g.pdf"
    code, _, err = run(
        "report", "governors", "--from", first, "--to", last, "--pdf", str(target), user="d.dsl"
    )
    assert (code, err) == (0, "")


@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("user", ["t.ta", "b.lead"])
def test_others_are_refused_exit_3(run: Run, tmp_path: Path, report: str, user: str) -> None:
    target = tmp_path / "r.pdf"
    first, last = _range()
    code, out, err = run(
        "report", report, "--from", first, "--to", last, "--pdf", str(target), user=user
    )
    assert (code, out) == (3, "")
    assert "not allowed" in err
    assert not target.exists()


@pytest.mark.parametrize(
    ("first", "last", "named"),
    [("someday", "2026-11-30", "--from"), ("2026-11-01", "31/02/2026", "--to")],
)
def test_a_bad_date_is_exit_2_naming_the_flag(
    run: Run, tmp_path: Path, first: str, last: str, named: str
) -> None:
    target = tmp_path / "g.pdf"
    code, out, err = run("report", "governors", "--from", first, "--to", last, "--pdf", str(target))
    assert (code, out) == (2, "")
    assert named in err
    assert not target.exists()


def test_the_last_day_before_the_first_is_exit_2(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "g.pdf"
    code, _, err = run(
        "report", "inspection", "--from", "2026-11-30", "--to", "2026-11-01", "--pdf", str(target)
    )
    assert code == 2
    assert "--to" in err and "--from" in err


@pytest.mark.parametrize("report", REPORTS)
def test_an_existing_file_is_left_alone_exit_2(run: Run, tmp_path: Path, report: str) -> None:
    target = tmp_path / "minutes.pdf"
    target.write_bytes(b"last term's minutes")
    first, last = _range()
    code, out, err = run("report", report, "--from", first, "--to", last, "--pdf", str(target))
    assert (code, out) == (2, "")
    assert "already exists" in err
    assert target.read_bytes() == b"last term's minutes"


@pytest.mark.parametrize("report", REPORTS)
def test_the_printed_head_is_found_by_verify(run: Run, tmp_path: Path, report: str) -> None:
    import re

    target = tmp_path / f"{report}.pdf"
    first, last = _range()
    assert run("report", report, "--from", first, "--to", last, "--pdf", str(target))[0] == 0
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(target).pages)
    printed = re.search(r"safedesk-admin verify --user NAME --head ([0-9a-f]{16})", text)
    assert printed, text[-600:]
    code, out, err = run("verify", "--head", printed.group(1))
    assert code == 0, err
    assert f"head {printed.group(1)} is row " in out
