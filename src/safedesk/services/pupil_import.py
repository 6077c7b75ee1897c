"""Applies an MIS pupil export in one transaction: new pupils added, changed ones updated."""

from __future__ import annotations

from dataclasses import dataclass, fields

from safedesk.domain.pupil_csv import parse_pupil_csv
from safedesk.domain.roles import Permission
from safedesk.services.session import Session
from safedesk.store import pupils


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int


def import_pupils(session: Session, data: bytes) -> ImportResult:
    """All or nothing: a bad line raises ImportRejected before anything is written."""
    session.require(Permission.PUPIL_IMPORT, "import pupils")
    incoming = parse_pupil_csv(data, today=session.clock.now().astimezone().date())
    added = updated = unchanged = 0
    now = session.clock.now()
    with session.store.write() as conn:
        existing = pupils.by_upns(conn, [p.upn for p in incoming])
        for details in incoming:
            known = existing.get(details.upn)
            if known is None:
                pupils.insert(conn, details, now)
                added += 1
                continue
            changed = [
                f.name
                for f in fields(details)
                if getattr(details, f.name) != getattr(known.details, f.name)
            ]
            if not changed:
                unchanged += 1
                continue
            pupils.update(conn, details, now)
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
