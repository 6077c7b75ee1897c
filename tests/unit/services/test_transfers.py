"""Case-file transfer: the whole file with a receipt page, recorded, and followed up in the queue
until the receiving school confirms receipt."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlcipher3
from pypdf import PdfReader

from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied, ValidationError
from safedesk.domain.roles import Role
from safedesk.domain.time_to_action import Timeliness
from safedesk.services import queue, records, transfers
from safedesk.services.session import Session
from safedesk.store import audit, kill_points
from safedesk.store import transfers as store_transfers
from tests import factories
from tests.factories import PUPIL_A

NOW = datetime.fromisoformat("2026-11-23T10:00").astimezone()  # a Monday
TO = {"to_school": "Hillside Academy", "to_person": "Mr Ade Bello (DSL)", "method": "secure_email"}


@pytest.fixture
def dsl(head_session: Session, session_as: Callable[[Role], Session]) -> Session:
    factories.add_pupils(head_session)
    session = session_as(Role.DSL)
    session.clock = FixedClock(NOW - timedelta(days=3))
    records.record(session, Kind.CONCERN, factories.concern() | {"occurred_at": "2026-11-20T09:00"})
    session.clock = FixedClock(NOW)
    return session


def test_transfer_writes_the_file_with_a_receipt_page_and_records_it(
    dsl: Session, tmp_path: Path
) -> None:
    target = tmp_path / "file.pdf"
    result = transfers.transfer_case_file(dsl, PUPIL_A, target, TO, password="a long password")
    assert result.ref == "T-2026-0001"
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    assert reader.decrypt("a long password")
    pages = [p.extract_text() for p in reader.pages]
    assert "Receipt of a child protection file" in pages[-1]
    assert "Hillside Academy" in pages[-1]
    assert "T-2026-0001" in pages[-1]
    assert "Came in without a coat" in "".join(pages)
    (stored,) = transfers.pupil_transfers(dsl, PUPIL_A)
    assert (stored.details.to_person, stored.details.method) == (TO["to_person"], "secure_email")
    assert stored.confirmed_on is None
    with dsl.compartment(Compartment.SAFEGUARDING).read() as conn:
        actions = [e.action for e in audit.events(conn)]
    assert "chronology.transferred" in actions
    assert "pupil.file_transferred" in actions


def test_receipt_is_a_queue_follow_up_until_confirmed(dsl: Session, tmp_path: Path) -> None:
    result = transfers.transfer_case_file(dsl, PUPIL_A, tmp_path / "f.pdf", TO)
    items = [i for i in queue.load_queue(dsl).items if i.case_ref == result.ref]
    (item,) = items
    assert item.kind.value == "transfer"
    assert item.due_at.astimezone().strftime("%a %d %H:%M") == "Mon 30 10:00"  # 5 school days
    assert item.status(NOW + timedelta(days=8)) is Timeliness.OVERDUE
    transfers.confirm_receipt(
        dsl, result.ref, {"confirmed_on": "2026-11-24", "confirmed_by": "Mr Bello"}
    )
    assert [i for i in queue.load_queue(dsl).items if i.case_ref == result.ref] == []
    with pytest.raises(ValidationError) as caught:
        transfers.confirm_receipt(
            dsl, result.ref, {"confirmed_on": "2026-11-24", "confirmed_by": "Mr Bello"}
        )
    assert "already confirmed" in caught.value.problems["ref"]


@pytest.mark.parametrize("field", ["to_school", "to_person", "method"])
def test_every_mandatory_field_is_named_and_no_file_is_written(
    dsl: Session, tmp_path: Path, field: str
) -> None:
    target = tmp_path / "f.pdf"
    with pytest.raises(ValidationError) as caught:
        transfers.transfer_case_file(dsl, PUPIL_A, target, TO | {field: " "})
    assert "required" in caught.value.problems[field]
    assert not target.exists()


def test_receipt_fields_are_mandatory(dsl: Session, tmp_path: Path) -> None:
    result = transfers.transfer_case_file(dsl, PUPIL_A, tmp_path / "f.pdf", TO)
    with pytest.raises(ValidationError) as caught:
        transfers.confirm_receipt(dsl, result.ref, {})
    assert set(caught.value.problems) == {"confirmed_on", "confirmed_by"}


@pytest.mark.parametrize("role", [Role.STAFF, Role.BEHAVIOUR_LEAD, Role.ADMIN])
def test_only_the_dsl_transfers(
    dsl: Session, session_as: Callable[[Role], Session], role: Role, tmp_path: Path
) -> None:
    target = tmp_path / "f.pdf"
    with pytest.raises(PermissionDenied):
        transfers.transfer_case_file(session_as(role), PUPIL_A, target, TO)
    assert not target.exists()


def test_transfers_are_append_only(dsl: Session, tmp_path: Path) -> None:
    result = transfers.transfer_case_file(dsl, PUPIL_A, tmp_path / "f.pdf", TO)
    transfers.confirm_receipt(
        dsl, result.ref, {"confirmed_on": "2026-11-23", "confirmed_by": "Mr Bello"}
    )
    file = dsl.compartment(Compartment.SAFEGUARDING)
    for sql in (
        "UPDATE pupil_transfer SET to_school = 'x'",
        "DELETE FROM pupil_transfer",
        "UPDATE pupil_transfer_receipt SET confirmed_by = 'x'",
        "DELETE FROM pupil_transfer_receipt",
    ):
        with file.write() as conn, pytest.raises(sqlcipher3.dbapi2.IntegrityError):
            conn.execute(sql)
    (stored,) = transfers.pupil_transfers(dsl, PUPIL_A)
    assert (stored.details.to_school, stored.confirmed_by) == (TO["to_school"], "Mr Bello")


def test_two_transfers_at_once_get_a_number_each_and_print_their_own(
    dsl: Session, tmp_path: Path
) -> None:
    """The number is taken inside the transaction that records the transfer: one made while
    another was rendering (which first expected the same number) does not collide with it."""
    inner: list[transfers.TransferResult] = []

    def meanwhile(_done: int, _total: int) -> None:
        if not inner:
            inner.append(transfers.transfer_case_file(dsl, PUPIL_A, tmp_path / "b.pdf", TO))

    outer = transfers.transfer_case_file(dsl, PUPIL_A, tmp_path / "a.pdf", TO, progress=meanwhile)
    assert (inner[0].ref, outer.ref) == ("T-2026-0001", "T-2026-0002")
    for result in (inner[0], outer):
        receipt = PdfReader(result.path).pages[-1].extract_text()
        assert f"Transfer reference {result.ref}" in receipt.replace("\n", " ")
    assert [t.ref for t in transfers.pupil_transfers(dsl, PUPIL_A)] == [
        "T-2026-0001",
        "T-2026-0002",
    ]


@pytest.mark.parametrize("where", ["kill point", "insert"])
def test_a_failure_before_it_is_recorded_leaves_no_pdf(
    dsl: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()

    def fail(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the machine stopped here")

    if where == "kill point":
        monkeypatch.setattr(
            kill_points, "reached", lambda name: fail() if name == "transfer.pdf_written" else None
        )
    else:
        monkeypatch.setattr(store_transfers, "insert", fail)
    with pytest.raises(RuntimeError):
        transfers.transfer_case_file(dsl, PUPIL_A, out / "file.pdf", TO)
    assert list(out.iterdir()) == []  # neither the PDF nor its .partial file
    assert transfers.pupil_transfers(dsl, PUPIL_A) == []
    with dsl.compartment(Compartment.SAFEGUARDING).read() as conn:
        assert "pupil.file_transferred" not in [e.action for e in audit.events(conn)]
    monkeypatch.undo()
    assert transfers.transfer_case_file(dsl, PUPIL_A, out / "file.pdf", TO).ref == "T-2026-0001"


def test_refused_inside_the_data_folder_or_with_a_weak_password(
    dsl: Session, tmp_path: Path
) -> None:
    inside = dsl.paths.root / "file.pdf"
    with pytest.raises(ValidationError) as caught:
        transfers.transfer_case_file(dsl, PUPIL_A, inside, TO)
    assert "data folder" in caught.value.problems["file"]
    with pytest.raises(ValidationError) as caught:
        transfers.transfer_case_file(dsl, PUPIL_A, tmp_path / "f.pdf", TO, password="welcome12345")
    assert "password" in caught.value.problems
    assert not inside.exists()
    assert not (tmp_path / "f.pdf").exists()
    assert transfers.pupil_transfers(dsl, PUPIL_A) == []


def test_the_pdf_metadata_names_no_child(dsl: Session, tmp_path: Path) -> None:
    target = tmp_path / "file.pdf"
    transfers.transfer_case_file(dsl, PUPIL_A, target, TO)
    metadata = PdfReader(target).metadata
    assert metadata is not None
    assert metadata.title == "Chronology"
    assert not any(
        word in str(value) for value in metadata.values() for word in ("Shiv", "Siobh", "Nguy")
    )


def test_the_receipt_counts_the_file_in_words(dsl: Session, tmp_path: Path) -> None:
    """The fixture's file holds one item (the concern): "1 item", never "1 items"; and the
    time it was sent reads as every other time does."""
    target = tmp_path / "file.pdf"
    transfers.transfer_case_file(dsl, PUPIL_A, target, TO, password="a long password")
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    assert reader.decrypt("a long password")
    receipt = " ".join(reader.pages[-1].extract_text().split())
    assert "this child protection file: 1 item and this page" in receipt
    assert "23/11/2026 10:00, " in receipt
