"""Applies an MIS pupil export (a CSV file or a Common Transfer File) in one transaction:
new pupils added, changed ones updated.

``preview_import`` says what an import would do without writing anything; ``apply_import``
then writes exactly that, checking inside its write transaction that none of the pupils it
touches changed since the preview (someone else's import, say). ``import_pupils`` does both at
once, as the command line always has.

A UPN is a child's for life, so an update that changes the date of birth, or the legal surname
and forename together, is marked as an *identity change*: most likely the file is for another
school or a UPN is wrong, and the person importing must check before going on.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime

from safedesk.domain import local_time
from safedesk.domain.errors import SafedeskError
from safedesk.domain.people import Pupil, PupilDetails
from safedesk.domain.pupil_csv import ImportRejected
from safedesk.domain.pupil_file import PupilFile, read_pupil_file
from safedesk.domain.roles import Permission
from safedesk.services.session import Session
from safedesk.store import pupils
from safedesk.store.db import Connection

__all__ = [
    "ImportOutdated",
    "ImportPreview",
    "ImportRejected",
    "ImportResult",
    "PupilChange",
    "apply_import",
    "changed_fields",
    "changes_identity",
    "import_pupils",
    "preview_import",
]


class ImportOutdated(SafedeskError):
    """The pupils changed between the preview and the import; nothing was written."""


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    # The UPNs whose update changed who the pupil seems to be (see ``changes_identity``);
    # not part of the counts' equality.
    identity_changes: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class PupilChange:
    details: PupilDetails  # as it will be stored
    before: PupilDetails | None  # as stored when previewed; None for a new pupil
    fields: tuple[str, ...] = ()  # the fields that change (an update)

    @property
    def identity_changed(self) -> bool:
        """Whether this update changes who the pupil seems to be (``changes_identity``)."""
        return changes_identity(self.fields)


@dataclass(frozen=True)
class ImportPreview:
    """What importing the file would do, or (``problems``) why it cannot be imported."""

    description: str  # "a CSV file", "a Common Transfer File (CTF 25.0) from …"
    added: tuple[PupilChange, ...] = ()
    updated: tuple[PupilChange, ...] = ()
    unchanged: tuple[PupilChange, ...] = ()
    problems: Mapping[str, str] = field(default_factory=dict)
    # For a CTF: the school it was made for, from its header ("" when not said).
    made_for: str = ""

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.updated)

    @property
    def identity_changes(self) -> tuple[PupilChange, ...]:
        """The updates that change a pupil's date of birth, or legal surname and forename."""
        return tuple(c for c in self.updated if c.identity_changed)

    @property
    def result(self) -> ImportResult:
        return ImportResult(
            len(self.added),
            len(self.updated),
            len(self.unchanged),
            tuple(c.details.upn for c in self.identity_changes),
        )


def preview_import(session: Session, data: bytes) -> ImportPreview:
    """What importing ``data`` would do, reading the store but writing nothing. A file that
    cannot be imported gives a preview with its ``problems`` and no pupils."""
    session.require(Permission.PUPIL_IMPORT, "import pupils")
    try:
        incoming = _read(session, data)
    except ImportRejected as rejected:
        return ImportPreview("the file", problems=rejected.problems)
    with session.store.read() as conn:
        existing = pupils.by_upns(conn, [p.upn for p in incoming.pupils])
    return _plan(incoming, existing)


def apply_import(session: Session, preview: ImportPreview) -> ImportResult:
    """Writes what ``preview`` showed. ImportOutdated, writing nothing, if any pupil in it
    was changed (or added) in the store since: the file must be previewed again."""
    session.require(Permission.PUPIL_IMPORT, "import pupils")
    if preview.problems:
        raise ImportRejected(preview.problems)
    every = (*preview.added, *preview.updated, *preview.unchanged)
    now = session.clock.now()
    with session.store.write() as conn:
        existing = pupils.by_upns(conn, [c.details.upn for c in every])
        moved = [c for c in every if _stored(existing, c.details.upn) != c.before]
        if moved:
            raise ImportOutdated(
                f"{_count(len(moved), 'pupil')} in this file "
                f"{'was' if len(moved) == 1 else 'were'} changed in safedesk after this "
                "preview was made (perhaps by another import). Nothing was imported: please "
                "preview the file again and check the changes."
            )
        _write(session, conn, preview, now)
    return preview.result


def import_pupils(session: Session, data: bytes) -> ImportResult:
    """All or nothing: a bad line raises ImportRejected before anything is written.

    Pupils missing from the file are kept: their records must outlive the roll.
    """
    session.require(Permission.PUPIL_IMPORT, "import pupils")
    incoming = _read(session, data)
    now = session.clock.now()
    with session.store.write() as conn:
        plan = _plan(incoming, pupils.by_upns(conn, [p.upn for p in incoming.pupils]))
        _write(session, conn, plan, now)
    return plan.result


def changes_identity(changed: Collection[str]) -> bool:
    """Whether changing ``changed`` fields of a pupil matched by UPN changes who the child
    seems to be: a new date of birth, or a new legal surname *and* forename. (A surname alone
    changes on marriage or adoption; a forename alone is corrected now and then.)"""
    return "date_of_birth" in changed or {"legal_surname", "legal_forename"} <= set(changed)


def changed_fields(old: PupilDetails, new: PupilDetails) -> list[str]:
    """The names of the fields that differ, in the order PupilDetails declares them."""
    return [f.name for f in fields(PupilDetails) if getattr(old, f.name) != getattr(new, f.name)]


def _read(session: Session, data: bytes) -> PupilFile:
    # A date of birth is "in the future" by the school's calendar, not UTC's (and by Python's
    # own zone rules: this may run on a worker thread, away from the C library's).
    today = local_time.to_local(session.clock.now()).date()
    return read_pupil_file(data, today=today)


def _plan(incoming: PupilFile, existing: Mapping[str, Pupil]) -> ImportPreview:
    added: list[PupilChange] = []
    updated: list[PupilChange] = []
    unchanged: list[PupilChange] = []
    for details in incoming.pupils:
        known = existing.get(details.upn)
        if known is None:
            added.append(PupilChange(details, None))
            continue
        # What the file does not say (a CTF's registration group) stays as it is.
        kept = incoming.not_given.get(details.upn, frozenset())
        merged = replace(details, **{name: getattr(known.details, name) for name in kept})
        changed = changed_fields(known.details, merged)
        change = PupilChange(merged, known.details, tuple(changed))
        (updated if changed else unchanged).append(change)
    return ImportPreview(
        incoming.description,
        tuple(added),
        tuple(updated),
        tuple(unchanged),
        problems={},
        made_for=incoming.made_for,
    )


def _write(session: Session, conn: Connection, plan: ImportPreview, now: datetime) -> None:
    for change in plan.added:
        pupils.insert(conn, change.details, now)
    for change in plan.updated:
        pupils.update(conn, change.details, now)
        # Field names only: the audit log must not become a second copy of pupil data.
        session.audit(
            conn,
            "pupil.updated",
            object_type="pupil",
            object_id=change.details.upn,
            detail={"fields": list(change.fields)},
        )
    result = plan.result
    session.audit(
        conn,
        "pupils.imported",
        detail={"added": result.added, "updated": result.updated, "unchanged": result.unchanged},
    )


def _stored(existing: Mapping[str, Pupil], upn: str) -> PupilDetails | None:
    known = existing.get(upn)
    return known.details if known is not None else None


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
