"""Recording concerns, behaviour incidents and interventions; reading them by role.

Every record goes through its compartment's sealed inbox (services.inbox), so that staff who
cannot read safeguarding or behaviour records can still make them; a member's own record is
taken in at once. Reading needs the compartment's key: members read the compartment, and
an author reads the copies sealed to them ("My records").
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from safedesk.domain.compartments import KIND_COMPARTMENT, Compartment
from safedesk.domain.entries import (
    Amendment,
    Kind,
    PupilRole,
    Status,
    StatusEvent,
    StoredEntry,
    StoredPupil,
    when_field,
)
from safedesk.domain.entry_validation import entry_payload, pupil_problems, validate_new_entry
from safedesk.domain.errors import NotFound, PermissionDenied, ValidationError
from safedesk.domain.people import User
from safedesk.domain.roles import Permission
from safedesk.services import inbox, intake
from safedesk.services.lists import active_values
from safedesk.services.session import Session
from safedesk.store import access, crypto, entries, key_chain, pupils, sealed, sealed_items, users
from safedesk.store.db import Connection, StoreError
from safedesk.store.key_material import Pin

log = logging.getLogger(__name__)

READ_PERMISSION = {
    Kind.CONCERN: Permission.READ_CONCERNS,
    Kind.BEHAVIOUR: Permission.READ_BEHAVIOUR,
    Kind.INTERVENTION: Permission.READ_BEHAVIOUR,
}
_PREFIXES = {kind.ref_prefix: kind for kind in Kind}


def readable_kinds(user: User) -> list[Kind]:
    return [k for k in Kind if user.can(READ_PERMISSION[k])]


def session_readable_kinds(session: Session) -> list[Kind]:
    """Kinds this session may read: its roles allow it, and it holds the key."""
    return [k for k in readable_kinds(session.user) if session.member_of(KIND_COMPARTMENT[k])]


def parse_kind(text: str) -> Kind:
    try:
        return Kind(text)
    except ValueError:
        kinds = ", ".join(k.value for k in Kind)
        raise ValidationError({"kind": f"{text!r} is not one of: {kinds}"}) from None


def kind_of_ref(ref: str) -> Kind:
    prefix = ref.strip().upper().split("-", 1)[0]
    kind = _PREFIXES.get(prefix)
    if kind is None:
        raise NotFound(f"There is no record {ref}.")
    return kind


def record(
    session: Session, kind: Kind, payload: Mapping[str, Any], *, draft_id: int | None = None
) -> str:
    """Validate and record one record; returns its reference (e.g. C-2026-0042)."""
    session.require(Permission.RECORD_CREATE, "record incidents or concerns")
    compartment = KIND_COMPARTMENT[kind]
    now = session.clock.now()
    with session.store.write() as conn:
        entry = validate_new_entry(kind, payload, lists=active_values(conn), now=now)
        found = pupils.by_upns(conn, [p.upn for p in entry.pupils])
        known = {upn: (p.display_name, p.details.date_of_birth) for upn, p in found.items()}
        if problems := pupil_problems(kind, entry, known):
            raise ValidationError(problems)
        ref = access.next_ref(conn, compartment.value, kind.ref_prefix, now.astimezone().year)
        inbox.put(
            session,
            compartment,
            op="record",
            ref=ref,
            kind=kind.value,
            body=entry_payload(entry),
            conn=conn,
        )
        # Who recorded what is inside the seal; `school` only learns that something was.
        session_note_sealed(session, conn)
        if draft_id is not None:
            _discard_draft(session, conn, draft_id)
    if session.member_of(compartment):
        try:
            intake.take_in(session, compartment, own_just_put=True)
        except StoreError as error:
            # The record is saved: sealed in the inbox, taken in at the next look. Saying
            # "not saved" here would have it recorded twice. The type alone: a message may
            # carry paths and a traceback frightens whoever reads the console.
            log.warning(
                "a record was kept in the inbox: taking it in failed (%s)", type(error).__name__
            )
    return ref


def session_note_sealed(session: Session, conn: Connection) -> None:
    from safedesk.store import audit

    audit.append(conn, at=session.clock.now(), actor=None, action="inbox.item_put")


def _discard_draft(session: Session, conn: Connection, draft_id: int) -> None:
    assert session.account is not None
    sealed.discard_draft(conn, [sealed_items.owner_tag(session.account.secrets.mailbox)], draft_id)


def load(conn: Connection, ref: str) -> StoredEntry:
    entry = entries.by_ref(conn, ref.strip().upper())
    if entry is None:
        raise NotFound(f"There is no record {ref}.")
    return entry


def open_record(session: Session, ref: str) -> StoredEntry:
    """One record in full: for a member who may read its kind, or (their copy) its author."""
    kind = kind_of_ref(ref)
    compartment = KIND_COMPARTMENT[kind]
    if session.member_of(compartment) and session.user.can(READ_PERMISSION[kind]):
        store = session.compartment(compartment)
        # A reference staff were just given may still be waiting in the inbox.
        intake.take_in_waiting(session, compartment)
        with store.read() as conn:
            entry = load(conn, ref)
        with store.write() as conn:
            session.audit(conn, "record.viewed", object_type=entry.kind.value, object_id=entry.ref)
        return entry
    mine = {e.ref: e for e in my_records(session)}
    found = mine.get(ref.strip().upper())
    if found is not None:
        return found
    with session.store.write() as conn:
        session.audit(conn, "permission.refused", object_type="entry", object_id=ref.upper())
    raise PermissionDenied(
        f"Your account ({session.user.roles_label}) may not open {ref.upper()}. "
        "Records are seen by the person who wrote them and by the leads responsible."
    )


def my_records(session: Session) -> list[StoredEntry]:
    """What this user recorded, newest first, with its status (never the follow-up): from
    the copies and receipts sealed to them alone."""
    account = session.account
    if account is None:
        return []
    secrets = account.secrets
    tag = sealed_items.owner_tag(secrets.mailbox)
    with session.store.read() as conn:
        copies = [
            value
            for row in sealed.owned(conn, "copy", [tag])
            if (
                value := sealed_items.open_for(
                    session.store_id, "copy", row.item, secrets.box_privates
                )
            )
        ]
        receipts = [
            value
            for row in sealed.owned(conn, "receipt", [tag])
            if (
                value := sealed_items.open_for(
                    session.store_id, "receipt", row.item, secrets.box_privates
                )
            )
        ]
        receipts = [r for r in receipts if _genuine_receipt(session, conn, r)]
        names = users.display_names(conn)
        upns = {upn for copy in copies if copy.get("op") == "record" for upn in _upns(copy["body"])}
        found = pupils.by_upns(conn, upns)
    built = [
        _from_copy(copy, found, names.get(secrets.username, ""))
        for copy in copies
        if copy.get("op") == "record" and copy.get("author") == secrets.username
    ]
    by_ref = {entry.ref: entry for entry in built}
    for copy in copies:
        if copy.get("op") == "amend" and copy.get("ref") in by_ref:
            by_ref[copy["ref"]] = _with_amendment(by_ref[copy["ref"]], copy)
    for receipt in sorted(receipts, key=lambda r: str(r.get("at"))):
        entry = by_ref.get(str(receipt.get("ref")))
        if entry is None:
            continue
        event = StatusEvent(
            Status(receipt["status"]),
            receipt.get("outcome"),
            "",
            datetime.fromisoformat(receipt["at"]),
        )
        latest = entry.statuses[-1]
        # A receipt may be sent twice (sealing it and noting it was sent are in two files):
        # no status is shown twice.
        if (latest.status, latest.outcome) == (event.status, event.outcome):
            continue
        by_ref[entry.ref] = _replace(entry, statuses=(*entry.statuses, event))
    return sorted(by_ref.values(), key=lambda e: e.recorded_at, reverse=True)


def genuine_receipt(session: Session, conn: Connection, receipt: dict[str, Any]) -> bool:
    """Whether a receipt (or a disposal notice) sealed to this account was signed by the
    compartment it names."""
    return _genuine_receipt(session, conn, receipt)


def _genuine_receipt(session: Session, conn: Connection, receipt: dict[str, Any]) -> bool:
    """Signed by the compartment, with keys this account's pin leads to: a receipt sealed by
    anyone else (an author's public key is no secret) is not shown."""
    assert session.account is not None
    name = str(receipt.get("compartment", ""))
    pin = session.account.secrets.pins.get(name)
    held = next((k for c, k in session.keys.items() if c.value == name), None)
    try:
        epoch = int(receipt["epoch"])
        signature = base64.b64decode(str(receipt["signature"]))
    except (KeyError, TypeError, ValueError):
        return False
    trusted: dict[int, Pin] = {}
    if pin is not None:
        trusted = key_chain.trusted_pins(session.store_id, pin, key_chain.published(conn, name))
    if held is not None:
        trusted.setdefault(held.epoch, held.pin)
    signer = trusted.get(epoch)
    if signer is None:
        return False
    message = key_chain.receipt_message(session.store_id, name, receipt)
    return crypto.verify(signer.sign_public, message, signature)


def _upns(body: dict[str, Any]) -> list[str]:
    if "pupil" in body:
        return [str(body["pupil"])]
    return [p["upn"] if isinstance(p, dict) else str(p) for p in body.get("pupils", [])]


def _from_copy(copy: dict[str, Any], found: dict[str, Any], author_name: str) -> StoredEntry:
    kind = Kind(copy["kind"])
    body = copy["body"]
    roles: dict[str, PupilRole | None] = {}
    if kind is Kind.BEHAVIOUR:
        roles = {p["upn"]: PupilRole(p["role"]) if p.get("role") else None for p in body["pupils"]}
    stored_pupils = tuple(
        StoredPupil(
            upn,
            found[upn].display_name if upn in found else upn,
            roles.get(upn),
            found[upn].details.date_of_birth.isoformat() if upn in found else "",
        )
        for upn in _upns(body)
    )
    original: dict[str, str | None] = {}
    for name, value in body.items():
        if name in ("pupil", "pupils"):
            continue
        original[name] = ("true" if value else "false") if isinstance(value, bool) else value
    if kind is Kind.BEHAVIOUR:
        original.setdefault("parents_informed", "false")
    assert original.get(when_field(kind))
    recorded = datetime.fromisoformat(copy["recorded_at"])
    return StoredEntry(
        id=int(copy["seq"]),
        ref=copy["ref"],
        kind=kind,
        author=copy["author"],
        recorded_at=recorded,
        pupils=stored_pupils,
        original=original,
        statuses=(StatusEvent(Status.SENT, None, copy["author"], recorded),),
        author_name=author_name,
    )


def _replace(entry: StoredEntry, **changes: Any) -> StoredEntry:
    from dataclasses import replace

    return replace(entry, **changes)


def _with_amendment(entry: StoredEntry, copy: dict[str, Any]) -> StoredEntry:
    body = copy["body"]
    amendment = Amendment(
        body["field"],
        body.get("old"),
        body.get("value"),
        body["reason"],
        copy["author"],
        datetime.fromisoformat(copy["recorded_at"]),
    )
    return _replace(entry, amendments=(*entry.amendments, amendment))


def pupil_records(session: Session, upn: str) -> list[StoredEntry]:
    """A pupil's records of the kinds this user may read, in time order (audited)."""
    kinds = readable_kinds(session.user)
    if not kinds:
        session.require(Permission.READ_BEHAVIOUR, "read pupils' records")
    wanted = upn.strip().upper()
    with session.store.read() as conn:
        if not pupils.by_upns(conn, [wanted]):
            raise NotFound(f"There is no pupil with UPN {upn}.")
    listed: list[StoredEntry] = []
    for compartment in sorted({KIND_COMPARTMENT[k] for k in kinds}):
        here = [k for k in kinds if KIND_COMPARTMENT[k] is compartment]
        store = session.compartment(compartment, "read pupils' records")
        intake.take_in_waiting(session, compartment)  # what staff have just recorded
        with store.read() as conn:
            copy = pupils.copy_ids(conn, [wanted])
            if copy:
                listed += entries.for_pupil(conn, copy[wanted], here)
        with store.write() as conn:
            session.audit(
                conn,
                "pupil.records_viewed",
                object_type="pupil",
                object_id=wanted,
                detail={"kinds": [k.value for k in here]},
            )
    return sorted(listed, key=lambda e: (e.occurred_at, e.ref))


def compartment_of(kind: Kind) -> Compartment:
    return KIND_COMPARTMENT[kind]
