"""The demo school's attachments: the scanned note on a concern and the parent's letter on an
intervention, each opening as it was made, and verify content."""

from __future__ import annotations

from pathlib import Path

from safedesk.demo.attachments import letter_pdf, scanned_note
from safedesk.demo.school import DEMO_PASSWORD, build_demo_school
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import Kind
from safedesk.paths import DataPaths
from safedesk.services import attachments, integrity, records, vault


def test_the_demo_has_a_scanned_note_on_a_concern_and_a_letter_on_an_intervention(
    tmp_path: Path,
) -> None:
    demo = build_demo_school(DataPaths(tmp_path / "demo"), pupils=120, years=0)
    head = vault.sign_in(demo.paths, "head", DEMO_PASSWORD)
    try:
        found: dict[Kind, bytes] = {}
        for compartment in (Compartment.SAFEGUARDING, Compartment.BEHAVIOUR):
            with head.compartment(compartment).read() as conn:
                refs = [
                    row[0]
                    for row in conn.execute(
                        "SELECT e.ref FROM attachment a JOIN entry e ON e.id = a.entry_id"
                    )
                ]
            for ref in refs:
                for info in attachments.listed(head, ref):
                    opened = attachments.open_attachment(head, ref, info.id)
                    found[records.kind_of_ref(ref)] = opened.data
        assert found == {Kind.CONCERN: scanned_note(), Kind.INTERVENTION: letter_pdf()}
        report = integrity.verify(head)
        assert report.ok, report.problems
    finally:
        head.lock()


def test_records_with_attachments_are_for_members(head_session, session_as) -> None:
    from safedesk.demo.attachments import scanned_note as note
    from safedesk.domain.errors import PermissionDenied
    from safedesk.domain.roles import Role
    from tests import factories

    factories.add_pupils(head_session)
    ref = records.record(head_session, Kind.BEHAVIOUR, factories.behaviour())
    attachments.attach(head_session, ref, data=note(), file_name="n.png", description="N")
    assert attachments.records_with_attachments(head_session, Compartment.BEHAVIOUR) == [ref]
    assert attachments.records_with_attachments(head_session, Compartment.SAFEGUARDING) == []
    lead = session_as(Role.BEHAVIOUR_LEAD)
    assert attachments.records_with_attachments(lead, Compartment.BEHAVIOUR) == [ref]
    try:
        attachments.records_with_attachments(lead, Compartment.SAFEGUARDING)
    except PermissionDenied:
        pass
    else:
        raise AssertionError("a behaviour lead listed the safeguarding file's attachments")
