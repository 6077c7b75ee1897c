"""Retention and disposal, the headteacher's: how long each kind of record is kept, the list of
records past their date, holds (an inquiry) and the disposal of chosen records.

Disposal is the only deletion the program ever makes. The record's rows are deleted in one
transaction with its disposal record (what, whose by internal pupil id, when, authorised by
whom) and one audit event carrying each deletion, so ``verify`` matches them; then the file is
rebuilt so nothing of it stays in free pages or the WAL. What it does not reach is in the
README ("Retention and disposal")."""

from __future__ import annotations

import base64
import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime

from safedesk.domain.compartments import KIND_COMPARTMENT, Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import NotFound, SafedeskError, ValidationError
from safedesk.domain.formatting import date_text
from safedesk.domain.retention import Disposal, DueRecord, Hold, Rule, due_on, parse_rule
from safedesk.domain.roles import Permission
from safedesk.services import integrity, records
from safedesk.services.session import Session
from safedesk.store import (
    key_chain,
    migrate,
    pupils,
    retention,
    sealed,
    sealed_items,
    users,
    writer_lock,
)
from safedesk.store.db import Connection, Store

log = logging.getLogger(__name__)

KINDS_IN = {
    Compartment.SAFEGUARDING: (Kind.CONCERN,),
    Compartment.BEHAVIOUR: (Kind.BEHAVIOUR, Kind.INTERVENTION),
}
MAX_REASON = 2000


class CannotDispose(SafedeskError):
    """The record may not be disposed of now (held, not yet due, not found)."""


@dataclass(frozen=True)
class NamedHold(Hold):
    """A hold as the head reads it: the pupil's name (the head holds pupils' files) and the
    name of who placed it. ``on`` and ``author`` stay as stored (the command line's fields)."""

    pupil_name: str = ""  # "" for a hold on one record
    author_name: str = ""

    @property
    def held_text(self) -> str:
        """What is held, in words: "Kai Müller (UPN …)" or "record C-2001-0042"."""
        if self.on.startswith("pupil "):
            upn = self.on[6:]
            return f"{self.pupil_name} ({upn})" if self.pupil_name else f"pupil {upn}"
        return f"record {self.on}"


@dataclass(frozen=True)
class NamedDisposal(Disposal):
    """A disposal record with the name of who authorised it (``authorised_by`` as stored)."""

    authorised_by_name: str = ""


@dataclass(frozen=True)
class DisposalDone:
    ref: str
    kind: Kind
    at: str


def _files(session: Session, doing: str) -> dict[Compartment, Store]:
    return {c: session.compartment(c, doing) for c in KINDS_IN}


def _reason(text: str, field: str = "reason") -> str:
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise ValidationError({field: "say why: it is kept with what was done"})
    if len(cleaned) > MAX_REASON:
        raise ValidationError({field: f"keep it under {MAX_REASON} characters"})
    return cleaned


def rules(session: Session) -> list[Rule]:
    """The rule in force for each kind of record."""
    session.require(Permission.RETENTION, "see how long records are kept")
    found: list[Rule] = []
    for compartment, store in _files(session, "see how long records are kept").items():
        with store.read() as conn:
            found += retention.rules(conn, KINDS_IN[compartment]).values()
    return found


def set_rule(session: Session, kind: str, basis: str, years: object) -> Rule:
    """The head changes how long one kind of record is kept (a new rule row; audited)."""
    session.require(Permission.RETENTION, "change how long records are kept")
    rule = parse_rule(kind, basis, years)
    store = session.compartment(KIND_COMPARTMENT[rule.kind], "change how long records are kept")
    with store.write() as conn:
        rule_id = retention.set_rule(conn, rule, session.user.username, session.clock.now())
        session.audit(
            conn,
            "retention.rule_set",
            object_type="retention_rule",
            object_id=str(rule_id),
            detail={"kind": rule.kind.value, "basis": rule.basis.value, "years": rule.years},
        )
    return rule


def due(session: Session) -> list[DueRecord]:
    """Records past their date, oldest due first (held ones included, marked held)."""
    session.require(Permission.RETENTION, "see records past their retention date")
    today = session.clock.now().date()
    found: list[DueRecord] = []
    held_pupils = _held_pupils(session, "see records past their retention date")
    for compartment, store in _files(session, "see records past their retention date").items():
        with store.read() as conn:
            in_force = retention.rules(conn, KINDS_IN[compartment])
            held = retention.held_refs(conn)
            upns = retention.pupil_upns(conn)
            for ref, kind, occurred, named in retention.candidates(conn):
                day = due_on(in_force[kind], occurred, [born for _id, born in named])
                if day <= today:
                    ids = tuple(i for i, _b in named)
                    on_hold = ref in held or any(upns.get(i) in held_pupils for i in ids)
                    found.append(DueRecord(ref, kind, occurred, day, ids, on_hold))
        with session.store.write() as conn:
            session.audit(conn, "retention.listed", detail={"compartment": compartment.value})
    return sorted(found, key=lambda d: (d.due_on, d.ref))


def _held_pupils(session: Session, doing: str) -> set[str]:
    """UPNs of pupils held in any file. A hold on a pupil is written into every file (so each
    file's triggers refuse the disposal of their records there); this also honours a hold
    written, before that, only into the files that then had records of the pupil."""
    found: set[str] = set()
    for store in _files(session, doing).values():
        with store.read() as conn:
            found |= retention.held_upns(conn)
    return found


def _compartment_of(ref: str) -> Compartment:
    prefix = ref.split("-", 1)[0].upper()
    for kind in Kind:
        if kind.ref_prefix == prefix:
            return KIND_COMPARTMENT[kind]
    raise NotFound(f"There is no record {ref}. Check the reference (for example C-2001-0042).")


def add_hold(
    session: Session, *, reason: str, upn: str | None = None, ref: str | None = None
) -> list[NamedHold]:
    """Stop disposal of one record, or of every record of a pupil: those recorded already and
    those recorded later, in every file (the pupil's copy is made in a file that has none)."""
    session.require(Permission.RETENTION, "put a hold on records")
    why = _reason(reason)
    if (upn is None) == (ref is None):
        raise ValidationError({"hold": "name either a pupil (UPN) or a record (reference)"})
    now = session.clock.now()
    made: list[Hold] = []
    pupil = None
    if upn is not None:
        wanted = upn.strip().upper()
        with session.store.read() as conn:
            pupil = pupils.by_upns(conn, [wanted]).get(wanted)
        if pupil is None:
            raise NotFound(f"There is no pupil with UPN {upn.strip()}. Check the UPN.")
    on = f"pupil {pupil.upn}" if pupil is not None else (ref or "").strip().upper()
    already = [h for h in holds(session) if h.on == on]
    if already:
        raise ValidationError({"hold": _already_held(already[0])})
    targets = {_compartment_of(ref.strip().upper())} if ref is not None else set(KINDS_IN)
    for compartment in sorted(targets):
        store = session.compartment(compartment, "put a hold on records")
        with store.write() as conn:
            pupil_id: int | None = None
            record: str | None = None
            if ref is not None:
                record = ref.strip().upper()
                if conn.execute("SELECT 1 FROM entry WHERE ref = ?", (record,)).fetchone() is None:
                    raise NotFound(f"There is no record {record} to hold.")
            else:
                assert pupil is not None
                # Held here too when nothing of theirs is here yet: a record written later
                # names this same copy, so the file's own triggers refuse its disposal.
                pupil_id = pupils.upsert_copy(conn, pupil.details)
            hold_id = retention.add_hold(
                conn,
                pupil_id=pupil_id,
                ref=record,
                reason=why,
                author=session.user.username,
                at=now,
            )
            session.audit(
                conn, "retention.hold_added", object_type="retention_hold", object_id=str(hold_id)
            )
            made += [h for h in retention.open_holds(conn, compartment.value) if h.id == hold_id]
    return _named(session, made)


def _already_held(hold: NamedHold) -> str:
    try:
        placed = date_text(datetime.fromisoformat(hold.at).date())
    except ValueError:
        placed = hold.at
    what = hold.held_text
    return (
        f"{what[0].upper()}{what[1:]} is already held (placed on {placed} by "
        f"{hold.author_name}, reason: {hold.reason}). Lift that hold first to place another."
    )


def holds(session: Session) -> list[NamedHold]:
    """Holds in force, with the pupil's and the placer's names."""
    session.require(Permission.RETENTION, "see holds on records")
    found: list[Hold] = []
    for compartment, store in _files(session, "see holds on records").items():
        with store.read() as conn:
            found += retention.open_holds(conn, compartment.value)
    return _named(session, found)


def _named(session: Session, found: list[Hold]) -> list[NamedHold]:
    upns = [h.on[6:] for h in found if h.on.startswith("pupil ")]
    with session.store.read() as conn:
        people = users.display_names(conn)
        held = pupils.by_upns(conn, upns) if upns else {}
    return [
        NamedHold(
            **asdict(h),
            pupil_name=held[h.on[6:]].display_name if h.on[6:] in held else "",
            author_name=people.get(h.author, h.author),
        )
        for h in found
    ]


def lift_hold(session: Session, compartment: str, hold_id: int, reason: str) -> list[Hold]:
    """The head lifts a hold (a new row, audited). A hold on a pupil was placed in every file
    at once: lifting it lifts it in each (the same pupil, reason, author and time). Returns
    the holds lifted."""
    session.require(Permission.RETENTION, "lift a hold on records")
    why = _reason(reason)
    try:
        where = Compartment(compartment)
    except ValueError:
        raise NotFound(f"There is no hold {compartment}:{hold_id}.") from None
    if where not in KINDS_IN:
        raise NotFound(f"There is no hold {compartment}:{hold_id}.")
    files = _files(session, "lift a hold on records")
    with files[where].read() as conn:
        chosen = [h for h in retention.open_holds(conn, where.value) if h.id == hold_id]
    if not chosen:
        raise NotFound(f"There is no hold {compartment}:{hold_id} in force.")
    hold = chosen[0]
    lifted: list[Hold] = []
    for other, store in files.items():
        if other is not where and not hold.on.startswith("pupil "):
            continue
        with store.write() as conn:
            for each in retention.open_holds(conn, other.value):
                placed_together = (each.on, each.reason, each.author, each.at) == (
                    hold.on,
                    hold.reason,
                    hold.author,
                    hold.at,
                )
                this_one = each.id == hold_id if other is where else placed_together
                if this_one:
                    retention.lift_hold(
                        conn, each.id, why, session.user.username, session.clock.now()
                    )
                    session.audit(
                        conn,
                        "retention.hold_lifted",
                        object_type="retention_hold",
                        object_id=str(each.id),
                    )
                    lifted.append(each)
    return lifted


def disposals(session: Session) -> list[NamedDisposal]:
    """Disposal records, with the name of who authorised each."""
    session.require(Permission.RETENTION, "see what was disposed of")
    found: list[Disposal] = []
    for store in _files(session, "see what was disposed of").values():
        with store.read() as conn:
            found += retention.disposals(conn)
    with session.store.read() as conn:
        people = users.display_names(conn)
    return [
        NamedDisposal(
            d.ref,
            d.kind,
            d.pupil_ids,
            d.due_on,
            d.rule,
            d.reason,
            d.authorised_by,
            d.at,
            authorised_by_name=people.get(d.authorised_by, d.authorised_by),
        )
        for d in found
    ]


def dispose(session: Session, ref: str, reason: str) -> DisposalDone:
    """Destroy one record past its date that no hold covers, keeping its disposal record."""
    session.require(Permission.RETENTION, "dispose of records")
    why = _reason(reason)
    ref = (ref or "").strip().upper()
    compartment = _compartment_of(ref)
    store = session.compartment(compartment, "dispose of records")
    held_pupils = _held_pupils(session, "dispose of records")
    with store.read() as conn:
        _may_dispose(session, conn, compartment, ref, held_pupils)
        author = retention.author_keys(conn, ref)
    # The author is told first: a disposal cut short after this leaves the record (disposed
    # of when asked again), never the author's own copy of a record already destroyed.
    if author is not None:
        _tell_author(session, compartment, ref, author)
    # Copies of this file set aside before an upgrade hold the record too. They serve only to
    # redo an upgrade left unrecorded, and this session opened the file after its upgrade was
    # recorded: they go first, so a disposal cut short leaves none behind.
    migrate.remove_copies_aside(session.paths.migration_backups, store.path)
    with store.write() as conn:
        kind, day, rule = _may_dispose(session, conn, compartment, ref, held_pupils)
        now = session.clock.now()
        retention.dispose(
            conn,
            ref=ref,
            due=day,
            rule=rule.describe(),
            reason=why,
            authorised_by=session.user.username,
            at=now,
        )
        # One event for the disposal and every row it removed (verify matches them).
        session.audit(
            conn,
            "record.disposed",
            object_type="entry",
            object_id=ref,
            detail={"kind": kind.value, "due_on": day.isoformat()},
        )
    _scrub(session, store)
    log.info("record disposed of in %s", compartment.value)
    return DisposalDone(ref, kind, now.isoformat())


def _may_dispose(
    session: Session, conn: Connection, compartment: Compartment, ref: str, held_pupils: set[str]
) -> tuple[Kind, date, Rule]:
    """The record's kind, due date and rule, once it is known to be past its date and held
    by nothing (CannotDispose or NotFound otherwise)."""
    listed = [c for c in retention.candidates(conn) if c[0] == ref]
    if not listed:
        raise NotFound(f"There is no record {ref}. It may have been disposed of already.")
    _ref, kind, occurred, named = listed[0]
    rule = retention.rules(conn, KINDS_IN[compartment])[kind]
    day = due_on(rule, occurred, [born for _id, born in named])
    if day > session.clock.now().date():
        raise CannotDispose(
            f"{ref} is kept until {day:%d %B %Y} ({rule.describe()}). It cannot be "
            "disposed of before then."
        )
    upns = retention.pupil_upns(conn)
    if ref in retention.held_refs(conn) or any(upns.get(i) in held_pupils for i, _b in named):
        raise CannotDispose(
            f"{ref} is on hold (for example for an inquiry), so it cannot be disposed of. "
            "Lift the hold first if it no longer applies."
        )
    return kind, day, rule


def _tell_author(
    session: Session, compartment: Compartment, ref: str, author: tuple[bytes, bytes]
) -> None:
    """Seal the author a notice naming the disposed record, signed by the compartment (as a
    receipt is): their next sign-in removes their own sealed copies of it."""
    box_public, mailbox = author
    keys = session.keys[compartment]
    value: dict[str, object] = {
        "ref": ref,
        "status": "disposed",
        "at": session.clock.now().isoformat(),
        "compartment": compartment.value,
        "epoch": keys.epoch,
    }
    message = key_chain.receipt_message(session.store_id, compartment.value, value)
    value["signature"] = base64.b64encode(keys.sign.sign(message)).decode("ascii")
    item = sealed_items.seal_for(session.store_id, "receipt", box_public, value)
    with session.store.write() as conn:
        notice_id = retention.put_notice(
            conn, sealed_items.owner_tag(mailbox), item, session.clock.now()
        )
        session.audit(
            conn,
            "record.disposal_notice",
            object_type="disposal_notice",
            object_id=str(notice_id),
        )


def forget_disposed_copies(session: Session) -> int:
    """At sign-in: remove this account's sealed copies and receipts of records the head has
    disposed of (named by genuine notices sealed to it). Returns how many went."""
    account = session.account
    if account is None:
        return 0
    secrets = account.secrets
    tag = sealed_items.owner_tag(secrets.mailbox)
    with session.store.read() as conn:
        waiting = retention.notices(conn, tag)
    if not waiting:
        return 0
    # Every member of a records file holds the key that signs a notice: only one a
    # headteacher's signed commit wrote counts (and one that does not stays, for verify).
    honoured = integrity.school_report(session).head_notices
    waiting = [(i, item) for i, item in waiting if i in honoured]
    if not waiting:
        return 0
    with session.store.read() as conn:
        refs: set[str] = set()
        for _id, item in waiting:
            value = sealed_items.open_for(session.store_id, "receipt", item, secrets.box_privates)
            if (
                value is not None
                and value.get("status") == "disposed"
                and records.genuine_receipt(session, conn, value)
            ):
                refs.add(str(value.get("ref")))
        copies = _owned_of(session, conn, "copy", tag, refs)
        receipts = _owned_of(session, conn, "receipt", tag, refs)
    with session.store.write() as conn:
        retention.forget(conn, tag, copies, receipts, [i for i, _item in waiting])
        session.audit(
            conn,
            "my_records.disposed_removed",
            detail={"copies": len(copies), "receipts": len(receipts)},
        )
    return len(copies) + len(receipts)


def _owned_of(session: Session, conn: Connection, what: str, tag: str, refs: set[str]) -> list[int]:
    assert session.account is not None
    privates = session.account.secrets.box_privates
    found: list[int] = []
    for row in sealed.owned(conn, what, [tag]):
        value = sealed_items.open_for(session.store_id, what, row.item, privates)
        if value is not None and str(value.get("ref")) in refs:
            found.append(row.id)
    return found


def _scrub(session: Session, store: Store) -> None:
    writers = writer_lock.for_folder(session.paths.root)
    with session.gate.exclusive(), writers.exclusive("finish removing a disposed record"):
        for each in session.all_stores():
            each.reset_connections()
        retention.scrub(store)
