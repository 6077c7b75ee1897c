"""Applies an MIS pupil export in one transaction: new pupils added, changed ones updated."""

from __future__ import annotations

from dataclasses import dataclass, fields

from safedesk.domain.people import PupilDetails
from safedesk.domain.pupil_csv import ImportRejected, parse_pupil_csv
from safedesk.domain.roles import Permission
from safedesk.services.session import Session
from safedesk.store import pupils

__all__ = ["ImportRejected", "ImportResult", "changed_fields", "import_pupils"]


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int


def import_pupils(session: Session, data: bytes) -> ImportResult:
    """All or nothing: a bad line raises ImportRejected before anything is written.

    Pupils missing from the file are kept: their records must outlive the roll.
    """
    session.require(Permission.PUPIL_IMPORT, "import pupils")
    now = session.clock.now()
    # A date of birth is "in the future" by the school's calendar, not UTC's.
    incoming = parse_pupil_csv(data, today=now.astimezone().date())
    added = updated = unchanged = 0
    with session.store.write() as conn:
        existing = pupils.by_upns(conn, [p.upn for p in incoming])
        for details in incoming:
            known = existing.get(details.upn)
            if known is None:
                pupils.insert(conn, details, now)
                added += 1
                continue
            changed = changed_fields(known.details, details)
            if not changed:
                unchanged += 1
                continue
            pupils.update(conn, details, now)
            # Field names only: the audit log must not become a second copy of pupil data.
            session.audit(
                conn,
                "pupil.updated",
                object_type="pupil",
                object_id=details.upn,
                detail={"fields": changed},
            )
            updated += 1
        session.audit(
            conn,
            "pupils.imported",
            detail={"added": added, "updated": updated, "unchanged": unchanged},
        )
    return ImportResult(added, updated, unchanged)


def changed_fields(old: PupilDetails, new: PupilDetails) -> list[str]:
    """The names of the fields that differ, in the order PupilDetails declares them."""
    return [f.name for f in fields(PupilDetails) if getattr(old, f.name) != getattr(new, f.name)]
