"""safedesk-admin chronology: the PDF contract (flags, password from the environment, exits)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from safedesk import cli
from safedesk.cli.chronology_commands import PDF_PASSWORD_ENV
from safedesk.domain.entries import Kind
from safedesk.domain.roles import Role
from safedesk.services import records, users
from safedesk.store.crypto import FAST_KDF
from tests import factories
from tests.conftest import HEAD_PASSWORD, OTHER_PASSWORD, SchoolStore


@pytest.fixture
def run(school: SchoolStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    session = school.sign_in()
    factories.add_pupils(session)
    records.record(session, Kind.CONCERN, factories.concern())
    users.add_user(
        session,
        username="t.ta",
        display_name="TA",
        roles={Role.STAFF},
        password=OTHER_PASSWORD,
        kdf=FAST_KDF,
    )
    session.lock()

    def invoke(*args: str, user: str = "head") -> tuple[int, str, str]:
        monkeypatch.setenv(cli.PASSWORD_ENV, HEAD_PASSWORD if user == "head" else OTHER_PASSWORD)
        code = cli.main([*args, "--user", user, "--data-dir", str(school.paths.root)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def test_writes_the_pdf(run, tmp_path: Path) -> None:
    target = tmp_path / "c.pdf"
    code, out, err = run("chronology", "--pupil", factories.PUPIL_A, "--pdf", str(target))
    assert (code, err) == (0, "")
    assert "1 items" in out
    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    assert "Came in without a coat" in text


def test_the_printed_head_is_checked_against_the_store(run, tmp_path: Path) -> None:
    """The PDF names the signed log entry it was exported at; verify --head finds it, and
    says who signed it. A head the store never had is a failed check."""
    import re

    target = tmp_path / "c.pdf"
    assert run("chronology", "--pupil", factories.PUPIL_A, "--pdf", str(target))[0] == 0
    text = " ".join("".join(p.extract_text() for p in PdfReader(target).pages).split())
    assert "How to check this document" in text
    printed = re.search(r"safedesk-admin verify --user NAME --head ([0-9a-f]{16})", text)
    assert printed, text[-600:]
    assert "signed by Ms Ada Ngozi (head)" in text
    code, out, err = run("verify", "--head", printed.group(1))
    assert code == 0, err
    assert f"head {printed.group(1)} is row " in out
    assert "of the safeguarding audit chain, signed" in out and "by head at" in out
    code, _, err = run("verify", "--head", "f" * 16)
    assert code == 1 and "did not come from this store" in err


def test_date_range_excludes(run, tmp_path: Path) -> None:
    target = tmp_path / "c.pdf"
    args = ("chronology", "--pupil", factories.PUPIL_A, "--pdf", str(target))
    code, out, _ = run(*args, "--from", "2001-01-01", "--to", "01/01/2002")
    assert code == 0
    assert "0 items" in out
    assert run(*args, "--from", "someday")[0] == 2


def test_encrypt_takes_the_password_from_the_environment(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "c.pdf"
    args = ("chronology", "--pupil", factories.PUPIL_A, "--pdf", str(target), "--encrypt")
    monkeypatch.delenv(PDF_PASSWORD_ENV, raising=False)
    code, _, err = run(*args)
    assert code == 2
    assert PDF_PASSWORD_ENV in err
    assert not target.exists()
    monkeypatch.setenv(PDF_PASSWORD_ENV, "a strong pdf password")
    assert run(*args)[0] == 0
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    assert reader.is_encrypted
    assert reader.decrypt("a strong pdf password")


def test_staff_may_not_export_exit_3(run, tmp_path: Path) -> None:
    target = tmp_path / "c.pdf"
    code, out, _ = run(
        "chronology", "--pupil", factories.PUPIL_A, "--pdf", str(target), user="t.ta"
    )
    assert (code, out) == (3, "")
    assert not target.exists()


def test_transfer_and_its_receipt(run, tmp_path: Path) -> None:
    target = tmp_path / "t.pdf"
    code, out, err = run(
        "transfer",
        "--pupil",
        factories.PUPIL_A,
        "--pdf",
        str(target),
        "--to-school",
        "Hillside Academy",
        "--to-person",
        "Mr Bello",
        "--method",
        "in_person",
    )
    assert (code, err) == (0, "")
    ref = out.splitlines()[0]
    assert ref.startswith("T-")
    assert "Receipt of a child protection file" in PdfReader(target).pages[-1].extract_text()
    code, out, _ = run("queue", "--json")
    assert ref in out
    code, _, err = run("transfer-received", ref, "--confirmed-by", "Mr Bello", "--on", "today")
    assert code == 2
    assert "confirmed_on" in err
    assert run("transfer-received", ref, "--confirmed-by", "Mr Bello", "--on", "2026-11-24")[0] == 0
    assert ref not in run("queue", "--json")[1]


def test_transfer_with_a_bad_method_writes_nothing(run, tmp_path: Path) -> None:
    target = tmp_path / "t.pdf"
    code, _, err = run(
        "transfer",
        "--pupil",
        factories.PUPIL_A,
        "--pdf",
        str(target),
        "--to-school",
        "Hillside",
        "--to-person",
        "Mr Bello",
        "--method",
        "pigeon",
    )
    assert code == 2
    assert "method" in err
    assert not target.exists()


@pytest.fixture
def shared(school: SchoolStore, run):
    """A behaviour incident Shiv started on Zoë: two pupils on one record."""
    session = school.sign_in()
    records.record(session, Kind.BEHAVIOUR, factories.behaviour())
    session.lock()
    return run


@pytest.mark.parametrize("command", ["chronology", "transfer"])
def test_other_pupils_are_masked_unless_included(shared, tmp_path: Path, command: str) -> None:
    args = [command, "--pupil", factories.PUPIL_A]
    if command == "transfer":
        args += ["--to-school", "Hillside", "--to-person", "Mr Bello", "--method", "in_person"]
    masked, named = tmp_path / "masked.pdf", tmp_path / "named.pdf"
    code, out, err = shared(*args, "--pdf", str(masked))
    assert (code, err) == (0, "")
    assert "names other pupils" not in out
    text = "".join(p.extract_text() for p in PdfReader(masked).pages)
    assert "another pupil (A)" in text
    assert not any(w in text for w in ("Zoë", "Wiśniewska", factories.PUPIL_B))
    code, out, err = shared(*args, "--pdf", str(named), "--include-other-pupils")
    assert (code, err) == (0, "")
    assert "names other pupils (audited)" in out
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(named).pages)
    assert f"Zoë Wiśniewska ({factories.PUPIL_B}), target" in text


def test_pdf_inside_the_data_folder_is_refused(run, school: SchoolStore) -> None:
    target = school.paths.root / "c.pdf"
    code, out, err = run("chronology", "--pupil", factories.PUPIL_A, "--pdf", str(target))
    assert (code, out) == (2, "")
    assert "data folder" in err
    assert not target.exists()


def test_a_weak_pdf_password_is_refused(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "c.pdf"
    monkeypatch.setenv(PDF_PASSWORD_ENV, "Password1234")
    code, _, err = run(
        "chronology", "--pupil", factories.PUPIL_A, "--pdf", str(target), "--encrypt"
    )
    assert code == 2
    assert PDF_PASSWORD_ENV in err
    assert not target.exists()
