"""Previewing an import, then applying exactly the preview; CTF files through the service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from safedesk.domain import upn
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.people import PupilDetails
from safedesk.domain.pupil_csv import ImportRejected
from safedesk.domain.roles import Role
from safedesk.services import pupils
from safedesk.services.pupil_import import (
    ImportOutdated,
    ImportResult,
    apply_import,
    import_pupils,
    preview_import,
)
from safedesk.services.session import Session
from safedesk.store import audit
from safedesk.store import pupils as pupil_store
from tests.conftest import new_school

A, B, C = upn.make("801200005001"), upn.make("801200005002"), upn.make("801200005003")
CSV = (
    "UPN,Surname,Forename,DOB,Year,Class\n"
    f"{A},O'Connor-Nguyễn,Siobhán,04/03/2019,1,Oak\n"
    f"{B},Wiśniewska,Zoë,30/11/2018,3,Ash\n"
)
SAMPLE = (Path(__file__).parents[3] / "docs" / "samples" / "pupils.ctf.xml").read_bytes()


def listed(session: Session) -> dict[str, PupilDetails]:
    return {p.upn: p.details for p in pupils.list_pupils(session)}


def test_preview_writes_nothing_then_apply_writes_it(head_session: Session) -> None:
    import_pupils(head_session, CSV.encode())
    with head_session.store.read() as conn:
        events_before = len(audit.events_with_action(conn, "pupils.imported"))
    preview = preview_import(head_session, SAMPLE)
    assert listed(head_session)[A].year_group == "1"  # nothing written yet
    assert preview.description.startswith("a Common Transfer File (CTF 25.0)")
    assert [c.details.upn for c in preview.added] == [C]
    assert {c.details.upn: c.fields for c in preview.updated} == {
        A: ("preferred_forename", "gender", "year_group", "sen", "fsm", "cla", "eal"),
        B: ("gender",),
    }
    assert preview.unchanged == ()
    assert (preview.changes, preview.result) == (3, ImportResult(1, 2, 0))

    assert apply_import(head_session, preview) == ImportResult(1, 2, 0)
    after_apply = listed(head_session)
    # The registration group, which a CTF does not carry, is kept.
    assert (after_apply[A].class_name, after_apply[A].year_group) == ("Oak", "2")
    assert after_apply[C].class_name is None
    with head_session.store.read() as conn:
        imports = audit.events_with_action(conn, "pupils.imported")
        updated = audit.events_with_action(conn, "pupil.updated")
    assert len(imports) == events_before + 1
    assert imports[-1].detail["updated"] == 2
    assert {e.object_id: e.detail["fields"] for e in updated}[B] == ["gender"]
    # Imported again, nothing changes.
    assert import_pupils(head_session, SAMPLE) == ImportResult(0, 0, 3)


def test_import_pupils_of_a_ctf_matches_preview_then_apply(tmp_path: Path) -> None:
    results = []
    for name in ("previewed", "in one go"):
        session = new_school(tmp_path / name).sign_in()
        try:
            import_pupils(session, CSV.encode())
            if name == "previewed":
                result = apply_import(session, preview_import(session, SAMPLE))
            else:
                result = import_pupils(session, SAMPLE)
            results.append((result, listed(session)))
        finally:
            session.close()
    assert results[0] == results[1]
    assert results[0][0] == ImportResult(1, 2, 0)


def test_a_change_between_preview_and_apply_is_caught(head_session: Session) -> None:
    import_pupils(head_session, CSV.encode())
    preview = preview_import(head_session, SAMPLE)
    # Someone moves a pupil's class meanwhile (another import, in the app or the CLI).
    moved = CSV.replace("Oak", "Elm")
    import_pupils(head_session, moved.encode())
    with pytest.raises(ImportOutdated) as caught:
        apply_import(head_session, preview)
    assert "1 pupil in this file was changed in safedesk after this preview" in str(caught.value)
    assert "preview the file again" in str(caught.value)
    now = listed(head_session)
    assert C not in now and now[A].class_name == "Elm" and now[A].year_group == "1"
    # A pupil the preview would add, added meanwhile, is caught too.
    preview = preview_import(head_session, SAMPLE)
    with head_session.store.write() as conn:
        details = PupilDetails(C, "De la Cruz", "Mateo", date(2020, 6, 15))
        pupil_store.insert(conn, details, head_session.clock.now())
    with pytest.raises(ImportOutdated):
        apply_import(head_session, preview)
    # Previewed again, it applies.
    assert apply_import(head_session, preview_import(head_session, SAMPLE)).added == 0


def test_unchanged_pupils_elsewhere_do_not_block_an_apply(head_session: Session) -> None:
    import_pupils(head_session, CSV.encode())
    preview = preview_import(head_session, CSV.replace("Oak", "Elm").encode())
    with head_session.store.write() as conn:
        other = PupilDetails(C, "De la Cruz", "Mateo", date(2020, 6, 15))
        pupil_store.insert(conn, other, head_session.clock.now())
    assert apply_import(head_session, preview) == ImportResult(0, 1, 1)


def test_a_bad_file_previews_as_its_problems_and_cannot_be_applied(head_session: Session) -> None:
    bad = SAMPLE.replace(b"<DOB>2018-11-30</DOB>", b"<DOB>2018-11-31</DOB>")
    preview = preview_import(head_session, bad)
    assert list(preview.problems) == [f"pupil 2 (line 82, UPN {B})"]
    assert "'2018-11-31' is not a real date" in preview.problems[f"pupil 2 (line 82, UPN {B})"]
    assert preview.changes == 0
    with pytest.raises(ImportRejected):
        apply_import(head_session, preview)
    assert listed(head_session) == {}


def test_a_csv_preview_names_the_changed_fields(head_session: Session) -> None:
    import_pupils(head_session, CSV.encode())
    changed = CSV.replace("Oak", "Elm").replace("Zoë", "Zoe")
    preview = preview_import(head_session, changed.encode())
    assert [(c.details.upn, c.fields) for c in preview.updated] == [
        (A, ("class_name",)),
        (B, ("legal_forename",)),
    ]
    [first, _] = preview.updated
    assert first.before == replace(first.details, class_name="Oak")


@pytest.mark.parametrize("role", [Role.STAFF, Role.DSL, Role.HEAD])
def test_only_admin_previews_or_applies(
    session_as: Callable[[Role], Session], head_session: Session, role: Role
) -> None:
    preview = preview_import(head_session, SAMPLE)
    with pytest.raises(PermissionDenied):
        preview_import(session_as(role), SAMPLE)
    with pytest.raises(PermissionDenied):
        apply_import(session_as(role), preview)


# Another school's pupils under the same UPNs: the CTF would change who they are.
OTHER_CHILDREN = (
    "UPN,Surname,Forename,DOB,Sex,Year,Class\n"
    f"{A},Okafor,Chidi,04/03/2019,M,2,Oak\n"  # new names, same date of birth
    f"{B},Wiśniewska,Zoë,30/11/2016,F,3,Ash\n"  # a new date of birth only
    f"{C},De la Cruz,Mateo,15/06/2020,M,0,Elm\n"  # only the year: not an identity change
)


def test_new_names_or_a_new_date_of_birth_are_marked_as_identity_changes(
    head_session: Session,
) -> None:
    import_pupils(head_session, OTHER_CHILDREN.encode())
    preview = preview_import(head_session, SAMPLE)
    changed = {c.details.upn: c.identity_changed for c in preview.updated}
    assert changed == {A: True, B: True, C: False}
    assert [c.details.upn for c in preview.identity_changes] == [A, B]
    assert preview.result.identity_changes == (A, B)
    assert preview.result == ImportResult(0, 3, 0)  # the counts compare as before
    # Who made the file and for whom, from its header.
    assert preview.description == (
        "a Common Transfer File (CTF 25.0) from Brookside Primary School (LA 801, "
        "establishment 2001)"
    )
    assert preview.made_for == "LA 801, establishment 2002"
    assert import_pupils(head_session, SAMPLE).identity_changes == (A, B)


def test_a_new_surname_or_forename_alone_is_not_an_identity_change(
    head_session: Session,
) -> None:
    import_pupils(head_session, CSV.encode())
    married = CSV.replace("O'Connor-Nguyễn", "Okafor").replace("Zoë", "Zoe")
    preview = preview_import(head_session, married.encode())
    assert [c.fields for c in preview.updated] == [("legal_surname",), ("legal_forename",)]
    assert preview.identity_changes == ()
    assert preview.made_for == ""  # a CSV says nothing of where it came from
