"""Attachments on a record: added, listed, opened and saved by the members of the record's
compartment who may read it (DSLs and the head for concerns; the behaviour lead too for
behaviour records), each act audited in that file with the attachment's SHA-256.

The bytes live only in the record's compartment file (encrypted with it) and in the row's
ledger hash; they are opened in memory and never written decrypted anywhere but a copy a
member chooses to save (audited). Staff attaching at recording time through the sealed inbox
is not done yet: an attachment is added by a member to a record already taken in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from safedesk.domain.attachments import (
    CHANGED,
    FILE_LABEL,
    AttachmentContent,
    AttachmentInfo,
    too_big,
    validate_new,
)
from safedesk.domain.chronology import Chronology, ChronologyItem, ItemGroup
from safedesk.domain.compartments import KIND_COMPARTMENT, Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import NotFound, ValidationError
from safedesk.domain.redaction import NO_MASK, PupilMask
from safedesk.services import intake
from safedesk.services.records import READ_PERMISSION, kind_of_ref
from safedesk.services.session import Session
from safedesk.services.settings import get_settings
from safedesk.store import attachments
from safedesk.store.db import Store, StoreDamaged

_ADDING = "add attachments to this record"
_READING = "open this record's attachments"


def _file(session: Session, ref: str, doing: str) -> tuple[str, Store]:
    """The record's reference as stored and its compartment's file, for a member who may
    read records of its kind (refused and audited otherwise)."""
    wanted = ref.strip().upper()
    kind = kind_of_ref(wanted)
    session.require(READ_PERMISSION[kind], doing)
    store = session.compartment(KIND_COMPARTMENT[kind], doing)
    return wanted, store


def may_attach(session: Session, kind: Kind) -> bool:
    """Whether this session adds and opens attachments on records of ``kind``."""
    return session.user.can(READ_PERMISSION[kind]) and session.member_of(KIND_COMPARTMENT[kind])


def limit_mb(session: Session) -> int:
    return get_settings(session).attachment_limit_mb


def attach(session: Session, ref: str, *, data: bytes, file_name: str, description: object) -> int:
    """Add ``data`` (a PDF, PNG or JPEG, told by its first bytes) to record ``ref``; returns
    the attachment's number. The audit event names its SHA-256 and size, never its words."""
    wanted, store = _file(session, ref, _ADDING)
    new = validate_new(data, file_name, description, limit_mb=limit_mb(session))
    intake.take_in_waiting(session, KIND_COMPARTMENT[kind_of_ref(wanted)])
    with store.write() as conn:
        entry = attachments.entry_id(conn, wanted)
        if entry is None:
            raise NotFound(f"There is no record {wanted}.")
        number = attachments.insert(
            conn, entry, new, author=session.user.username, at=session.clock.now()
        )
        session.audit(
            conn,
            "attachment.added",
            object_type="attachment",
            object_id=str(number),
            detail={
                "entry": wanted,
                "sha256": new.sha256,
                "size": new.size,
                "media_type": new.media_type.value,
            },
        )
    return number


def attach_file(session: Session, ref: str, path: Path, description: object) -> int:
    """Add the file at ``path`` (its size checked before it is read)."""
    _file(session, ref, _ADDING)
    try:
        size = path.stat().st_size
        if problem := too_big(size, limit_mb(session)):
            raise ValidationError({FILE_LABEL: problem})
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError({FILE_LABEL: f"{path.name} was not found"}) from None
    except IsADirectoryError:
        raise ValidationError({FILE_LABEL: f"{path.name} is a folder; choose a file"}) from None
    except OSError as exc:
        raise ValidationError(
            {FILE_LABEL: f"{path.name} could not be read ({exc.strerror or 'not readable'})"}
        ) from None
    return attach(session, ref, data=data, file_name=path.name, description=description)


def listed(session: Session, ref: str) -> list[AttachmentInfo]:
    """Record ``ref``'s attachments (without their bytes), in the order they were added."""
    wanted, store = _file(session, ref, _READING)
    intake.take_in_waiting(session, KIND_COMPARTMENT[kind_of_ref(wanted)])
    with store.read() as conn:
        if attachments.entry_id(conn, wanted) is None:
            raise NotFound(f"There is no record {wanted}.")
        found = attachments.for_refs(conn, [wanted]).get(wanted, [])
    with store.write() as conn:  # their descriptions are the record's words: a look is audited
        session.audit(
            conn,
            "attachments.listed",
            object_type="entry",
            object_id=wanted,
            detail={"attachments": [info.id for info in found]},
        )
    return found


def records_with_attachments(session: Session, compartment: Compartment) -> list[str]:
    """The references of this file's records that have attachments (a member's)."""
    kinds = [k for k in Kind if KIND_COMPARTMENT[k] is compartment]
    session.require(READ_PERMISSION[kinds[0]], _READING)
    with session.compartment(compartment, _READING).read() as conn:
        return attachments.refs_with_attachments(conn)


def for_refs(
    session: Session, compartment: Compartment, refs: Iterable[str]
) -> dict[str, list[AttachmentInfo]]:
    """The attachments of records of one file already opened by this session (for the
    chronology, which checked who may read it)."""
    with session.compartment(compartment, _READING).read() as conn:
        return attachments.for_refs(conn, refs)


def _content(session: Session, ref: str, attachment_id: int, action: str) -> AttachmentContent:
    wanted, store = _file(session, ref, _READING)
    with store.read() as conn:
        found = attachments.content(conn, attachment_id)
    if found is None or found.info.entry_ref != wanted:
        raise NotFound(f"{wanted} has no attachment {attachment_id}.")
    if not found.intact:
        # Changed behind the program's back (the bytes, or the hash beside them, no longer
        # what the audit chain recorded when it was added): say so, never show it as the file.
        raise StoreDamaged(f"Attachment {attachment_id} of {wanted} {CHANGED}.")
    with store.write() as conn:
        session.audit(
            conn,
            action,
            object_type="attachment",
            object_id=str(attachment_id),
            detail={"entry": wanted, "sha256": found.info.sha256},
        )
    return found


def open_attachment(session: Session, ref: str, attachment_id: int) -> AttachmentContent:
    """An attachment's bytes, in memory, for viewing inside the app (audited)."""
    return _content(session, ref, attachment_id, "attachment.viewed")


def save_copy(session: Session, ref: str, attachment_id: int, target: Path) -> Path:
    """Write a copy where the member chose (never in the data folder); audited as an export."""
    from safedesk.services import export  # which opens chronologies, which list attachments

    target = export.check_target(session, target)
    found = _content(session, ref, attachment_id, "attachment.exported")
    export.write_once(target, found.data)
    return target


def contents_for(
    session: Session, compartment: Compartment, infos: Sequence[AttachmentInfo], purpose: str
) -> list[AttachmentContent]:
    """The bytes of ``infos`` (of one file this session opened), audited once as ``purpose``
    with each one's SHA-256 as recorded when it was added (the chronology PDF that appends
    them). One changed behind the program's back is returned as it is, for the PDF to name
    as changed (``intact`` is False), and listed in the event as such."""
    store = session.compartment(compartment, _READING)
    found: list[AttachmentContent] = []
    with store.read() as conn:
        for info in infos:
            item = attachments.content(conn, info.id)
            if item is None:
                raise NotFound(f"{info.entry_ref} has no attachment {info.id}.")
            found.append(item)
    if found:
        detail: dict[str, object] = {"attachments": [[i.info.id, i.info.sha256] for i in found]}
        if changed := [i.info.id for i in found if not i.intact]:
            detail["changed"] = changed
        with store.write() as conn:
            session.audit(conn, f"attachments.{purpose}", detail=detail)
    return found


ATTACHMENTS_LABEL = "Attachments"
_RECORD_GROUPS = frozenset({ItemGroup.CONCERN, ItemGroup.BEHAVIOUR, ItemGroup.INTERVENTION})


def listed_on(
    items: Sequence[ChronologyItem],
    found: Mapping[str, Sequence[AttachmentInfo]],
    mask: PupilMask = NO_MASK,
) -> list[ChronologyItem]:
    """The chronology's items, each record's with its attachments listed under it (one line
    each: description, type, size, who added it and when; masked like the rest)."""
    listed: list[ChronologyItem] = []
    for item in items:
        here = found.get(item.ref, ()) if item.group in _RECORD_GROUPS else ()
        if here:
            lines = "\n".join(mask.text(info.line) or "" for info in here)
            item = replace(item, detail=(*item.detail, (ATTACHMENTS_LABEL, lines)))
        listed.append(item)
    return listed


def append_to_pdf(session: Session, chronology: Chronology, pdf: bytes) -> bytes:
    """``pdf`` (the chronology's) with the attachments of its records after it, in the
    chronology's order: images on a page each, PDFs page by page (audited, with each one's
    SHA-256, in its file)."""
    from safedesk.reports.chronology_pdf import append_attachments  # reportlab: on use

    order: list[tuple[str, list[str]]] = []  # each record with attachments, its lines
    wanted: dict[Compartment, list[str]] = {}
    for item in chronology.items:
        lines = dict(item.detail).get(ATTACHMENTS_LABEL)
        if item.group in _RECORD_GROUPS and lines:
            order.append((item.ref, lines.split("\n")))
            wanted.setdefault(KIND_COMPARTMENT[Kind(item.group.value)], []).append(item.ref)
    found: dict[str, list[AttachmentContent]] = {}
    for compartment, refs in wanted.items():
        listed = for_refs(session, compartment, refs)
        infos = [i for ref in refs for i in listed.get(ref, [])]
        for content in contents_for(session, compartment, infos, "exported"):
            found.setdefault(content.info.entry_ref, []).append(content)
    attached = [
        (f"Attachment to {ref}: {line}", content)
        for ref, lines in order
        for content, line in zip(found.get(ref, []), lines, strict=False)
    ]
    if not attached:
        return pdf
    pupil = chronology.pupil
    footer = f"{chronology.school_name} · {pupil.details.display_name} · {pupil.upn}"
    return append_attachments(pdf, attached, footer)
