"""PDF exports: passwords worth having, never inside the data folder, and written whole or
not at all (a ``.partial`` file beside the target, renamed onto it when complete)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from safedesk.domain.entries import Kind
from safedesk.domain.errors import ValidationError
from safedesk.domain.roles import Role
from safedesk.services import export, records
from safedesk.services.session import Session
from tests import factories
from tests.factories import PUPIL_A


@pytest.fixture
def dsl(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    session = session_as(Role.DSL)
    records.record(session, Kind.CONCERN, factories.concern())
    return session


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder for exports, beside (not in) the data folder."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.mark.parametrize(
    "password",
    [
        "",
        "short",
        "elevenchars",  # 11
        "password1234",
        "Password123!",
        "P@ssw0rd 2026",
        "123456789012",
        "aaaaaaaaaaaa",
        "abababababab",
        "abcabcabcabc",
        "qwertyuiopas",
        "ABCDEFGHIJKLM",
        "1qaz2wsx3edc",
        "iloveyou2026",
        "Safeguarding1",
        "welcome2026!!",
        "passwordpassword",
        "Correct Horse Battery Staple",
    ],
)
def test_weak_passwords_are_refused(password: str) -> None:
    assert export.pdf_password_problem(password)


@pytest.mark.parametrize(
    "password", ["pale brown owl at noon", "a long password", "Tq7#vLw2!mPz", "зелёный чайник 7"]
)
def test_good_passwords_pass(password: str) -> None:
    assert export.pdf_password_problem(password) is None


def test_the_password_rule_says_why(dsl: Session, out: Path) -> None:
    assert "12 characters" in (export.pdf_password_problem("elevenchars") or "")
    with pytest.raises(ValidationError) as caught:
        export.export_chronology_pdf(dsl, PUPIL_A, out / "x.pdf", password="password1234")
    assert "people try first" in caught.value.problems["password"]
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    "where",
    [
        lambda data: data / "c.pdf",
        lambda data: data / "backups" / "c.pdf",
        lambda data: data / "replaced" / ".." / "c.pdf",
        lambda data: data.parent / data.name / "c.pdf",
    ],
)
def test_never_inside_the_data_folder(
    dsl: Session, where: Callable[[Path], Path], tmp_path: Path
) -> None:
    data = dsl.paths.root
    (data / "backups").mkdir(exist_ok=True)
    (data / "replaced").mkdir(exist_ok=True)
    before = sorted(p.name for p in data.rglob("*"))
    with pytest.raises(ValidationError) as caught:
        export.export_chronology_pdf(dsl, PUPIL_A, where(data))
    assert "data folder" in caught.value.problems["file"]
    assert sorted(p.name for p in data.rglob("*") if "pdf" in p.name) == []
    assert [n for n in sorted(p.name for p in data.rglob("*")) if n not in before] == []


def test_not_through_a_link_into_the_data_folder(dsl: Session, tmp_path: Path) -> None:
    link = tmp_path / "looks-harmless"
    link.symlink_to(dsl.paths.root, target_is_directory=True)
    with pytest.raises(ValidationError):
        export.export_chronology_pdf(dsl, PUPIL_A, link / "c.pdf")
    assert not list(dsl.paths.root.glob("*.pdf"))


def test_a_missing_folder_or_a_folder_as_target_is_refused(dsl: Session, out: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        export.export_chronology_pdf(dsl, PUPIL_A, out / "nowhere" / "c.pdf")
    assert "does not exist" in caught.value.problems["file"]
    with pytest.raises(ValidationError) as caught:
        export.export_chronology_pdf(dsl, PUPIL_A, out)
    assert "is a folder" in caught.value.problems["file"]


def test_written_aside_then_renamed(
    dsl: Session, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = out / "chronology.pdf"
    target.write_bytes(b"an older export")
    renamed: list[tuple[str, bytes, bytes]] = []
    real_replace = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        # At the rename: the whole PDF is in the .partial file, the old file still in place.
        renamed.append((Path(src).name, Path(src).read_bytes()[:5], target.read_bytes()))
        real_replace(src, dst)

    monkeypatch.setattr(export.os, "replace", replace)
    export.export_chronology_pdf(dsl, PUPIL_A, target)
    ((name, head, old),) = renamed
    assert name.startswith(".chronology.pdf.") and name.endswith(".partial")
    assert (head, old) == (b"%PDF-", b"an older export")
    assert "Came in without a coat" in PdfReader(target).pages[1].extract_text()
    assert [p.name for p in out.iterdir()] == ["chronology.pdf"]
    if os.name == "posix":
        assert target.stat().st_mode & 0o077 == 0  # only its owner reads it


@pytest.mark.parametrize("fails", ["fsync", "replace"])
def test_a_failed_write_leaves_no_file_and_the_old_one_alone(
    dsl: Session, out: Path, monkeypatch: pytest.MonkeyPatch, fails: str
) -> None:
    target = out / "chronology.pdf"
    target.write_bytes(b"an older export")

    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, fails, broken)
    with pytest.raises(export.ExportFailed) as caught:
        export.export_chronology_pdf(dsl, PUPIL_A, target)
    assert "No space left on device" in str(caught.value)
    assert [p.name for p in out.iterdir()] == ["chronology.pdf"]
    assert target.read_bytes() == b"an older export"
