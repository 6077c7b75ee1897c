"""A member's session taking sealed items in from a compartment's inbox.

Each item is opened with the compartment's key for the epoch it was sealed to, its author's
signature checked (and the author's key against the one seen before), its number checked
against the author's sequence (a gap or a reused number is an alarm in the queue), and the
record validated again before it is stored, with an audit event naming the item's hash.
Nothing is dropped: an item that cannot be taken in is kept in quarantine with an alarm.
Taking in is idempotent (an item already taken in is only removed from the inbox), because
the compartment and `school` cannot commit together.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import datetime

import sqlcipher3

from safedesk.domain.allegations import NewAllegation, adult_concern_from
from safedesk.domain.amendment_rules import validated_amendment
from safedesk.domain.compartments import KIND_COMPARTMENT, RESTRICTED, Compartment
from safedesk.domain.entries import FIXED_LISTS, Amendment, Kind
from safedesk.domain.entry_validation import pupil_problems, validate_new_entry
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import moment_text
from safedesk.services.session import Session
from safedesk.store import (
    allegations,
    entries,
    identity,
    key_chain,
    ledger,
    lists,
    members,
    pupils,
    sealed,
    sealed_items,
)
from safedesk.store.db import Connection, StoreDamaged, damaged_message, translate
from safedesk.store.sealed_items import BadItem, Item

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TakeInReport:
    taken_in: int = 0
    quarantined: int = 0
    duplicates: int = 0


def all_list_values(conn: Connection) -> dict[str, set[str]]:
    """Every value ever offered, retired ones too: a value valid when recorded stays valid."""
    found: dict[str, set[str]] = {n: {v for v, _ in vals} for n, vals in FIXED_LISTS.items()}
    for item in lists.all_items(conn):
        found.setdefault(item.list_name, set()).add(item.value)
    return found


def take_in_waiting(session: Session, compartment: Compartment) -> TakeInReport:
    """Take in whatever waits, if anything does (a cheap count first): so a member's next
    look at the queue or a pupil shows what staff have just recorded."""
    if compartment not in session.compartments:
        return TakeInReport()
    with session.store.read() as conn:
        waiting = sealed.inbox_count(conn, compartment.value)
    return take_in(session, compartment) if waiting else TakeInReport()


def take_in(
    session: Session, compartment: Compartment, *, own_just_put: bool = False
) -> TakeInReport:
    """Move every waiting item of ``compartment`` in (the session must be a member).

    Each item is first checked against the school file's evidence (that it is the one that
    was put); ``own_just_put``: this session has just put the one item that waits, so the
    check (the whole school file's, costly on a large store) is spared."""
    store = session.compartments[compartment]
    with session.store.read() as conn:
        rows = sealed.inbox(conn, compartment.value)
    if not rows:
        return TakeInReport()
    handled: list[int] = []
    counts = {"in": 0, "quarantined": 0, "duplicate": 0, "keys": 0}
    now = session.clock.now()
    changed = set() if own_just_put and len(rows) == 1 else _changed_while_waiting(session, rows)
    with store.write() as conn:
        privates = key_chain.box_privates(conn)
        # The allegations files keep no lists (nor pupils): a concern about an adult uses none.
        values = {} if compartment in RESTRICTED else all_list_values(conn)
        for row in rows:
            conn.execute("SAVEPOINT take_in_item")
            try:
                if row.id in changed:
                    outcome = _keep_back_changed(conn, row, now)
                else:
                    outcome = _take_one(session, conn, compartment, row, privates, values, now)
            except Exception as error:
                # The file itself failed (a damaged page, a full disk): nothing is taken in,
                # every item stays in the inbox, and the reason is said plainly.
                if isinstance(error, MemoryError):
                    raise StoreDamaged(damaged_message(store.path)) from None
                if isinstance(error, sqlcipher3.DatabaseError) and not isinstance(
                    error, sqlcipher3.IntegrityError
                ):
                    translated = translate(error, store.path)
                    if translated is not None:
                        raise translated from None
                # A bug or a hostile item must not stop the others, nor be lost.
                log.exception("unexpected problem taking in inbox item %s", row.id)
                conn.execute("ROLLBACK TO take_in_item")
                members.quarantine(conn, row.put_at, row.item, "could not be taken in", now)
                members.raise_alarm(
                    conn,
                    "unreadable",
                    f"An item put in the inbox at {_local(row.put_at)} could not be taken in "
                    "because of an unexpected problem; it is kept unopened.",
                    now,
                )
                outcome = "quarantined"
            conn.execute("RELEASE take_in_item")
            counts[outcome] += 1
            handled.append(row.id)
    with session.store.write() as conn:
        sealed.take_from_inbox(conn, handled)
    send_receipts(session, compartment)
    return TakeInReport(counts["in"], counts["quarantined"], counts["duplicate"])


def _changed_while_waiting(session: Session, rows: list[sealed.SealedRow]) -> set[int]:
    """Waiting items that are not what was put: their bytes differ from the hash in the put
    event, or that event was not the program's (`school` is written by every account, so a
    colleague's item can be swapped for another, and its put re-recorded)."""
    from safedesk.services.integrity import school_report

    report = school_report(session)
    with session.store.read() as conn:
        expected, actual = ledger.written_and_actual(
            conn, frozenset({"inbox_item"}), report.vouched_or_anonymous
        )
    changed = set()
    for row in rows:
        key = ledger.row_key("inbox_item", [row.id])
        if expected.get(key) is None or expected.get(key) != actual.get(key):
            changed.add(row.id)
    return changed


def _keep_back_changed(conn: Connection, row: sealed.SealedRow, now: datetime) -> str:
    members.quarantine(conn, row.put_at, row.item, "changed while it waited in the inbox", now)
    members.raise_alarm(
        conn,
        "changed_in_inbox",
        f"An item put in the inbox at {_local(row.put_at)} is not the one that was put there: "
        "it was changed (or swapped for another) outside safedesk while it waited. It is kept "
        "unopened, not taken in. Whoever recorded then may need to record it again; run "
        "Admin → Verify.",
        now,
    )
    return "quarantined"


def _local(stored: str) -> str:
    return moment_text(datetime.fromisoformat(stored))


def _take_one(
    session: Session,
    conn: Connection,
    compartment: Compartment,
    row: sealed.SealedRow,
    privates: dict[int, bytes],
    values: dict[str, set[str]],
    now: datetime,
) -> str:
    try:
        epoch = sealed_items.item_epoch(row.item)
        private = privates.get(epoch)
        if private is None:
            raise BadItem("it was sealed to a key this compartment never had")
        item = sealed_items.open_item(session.store_id, compartment.value, row.item, private)
    except BadItem as exc:
        members.quarantine(conn, row.put_at, row.item, str(exc), now)
        members.raise_alarm(
            conn,
            "unreadable",
            f"An item put in the inbox at {_local(row.put_at)} was not taken in: {exc}. It is "
            "kept unopened. This happens if someone tampered with the school file.",
            now,
        )
        return "quarantined"
    if members.received_hash(conn, item.hash):
        return "duplicate"
    try:
        _check_author(conn, session.store_id, item, now)
    except NotVouched as exc:
        members.quarantine(conn, row.put_at, row.item, str(exc), now)
        members.raise_alarm(
            conn,
            "not_vouched",
            f"A record put in the inbox at {_local(row.put_at)} claims to be from {item.author} "
            f"but was not taken in: {exc}. Someone may be recording in their name. It is kept "
            "unopened; check with them.",
            now,
            subject=item.author,
        )
        return "quarantined"
    if item.op == "keys":
        # The author's new keys, vouched for by their old ones: from now on an item signed
        # with an older key of theirs is kept back (an old key file, an old password).
        members.mark_received(conn, item.hash, item.author, item.seq, item.op, None, now)
        session.audit(
            conn,
            "member.keys_announced",
            object_type="user",
            object_id=item.author,
            detail={"item": item.hash, "seq": item.seq},
        )
        return "keys"
    try:
        if compartment in RESTRICTED:
            ref = _apply_adult_concern(session, conn, item)
        else:
            ref = _apply(conn, compartment, item, values)
        outcome = "in"
    except ValidationError as exc:
        problems = "; ".join(f"{k}: {v}" for k, v in exc.problems.items())
        members.quarantine(conn, row.put_at, row.item, problems, now)
        what = "correction to" if item.op == "amend" else "record"
        members.raise_alarm(
            conn,
            "not_taken_in",
            f"The {what} {item.ref} from {item.author} (their number {item.seq}) could not be "
            f"stored: {problems}. It is kept; ask them about it.",
            now,
            subject=item.ref,
        )
        ref, outcome = None, "quarantined"
    members.mark_received(conn, item.hash, item.author, item.seq, item.op, ref, now)
    session.audit(
        conn,
        "record.received" if outcome == "in" else "record.quarantined",
        object_type=item.kind,
        object_id=item.ref,
        detail={"item": item.hash, "author": item.author, "seq": item.seq, "op": item.op},
    )
    return outcome


class NotVouched(Exception):
    """The item's signing key is not proven to be its author's."""


def _check_author(conn: Connection, store_id: str, item: Item, now: datetime) -> None:
    """The author's key, proven by a chain from an administrator this file trusts (a
    colleague cannot record in someone else's name), and their numbering: a gap or a reused
    number is an alarm."""
    known = members.author(conn, item.author)
    found = identity.problem(
        store_id,
        item.identity,
        members.authorities(conn),
        item.author,
        item.sign_public,
        last_seen=known.sign_public if known else None,
    )
    if found is not None:
        raise NotVouched(found)
    reset_by = identity.reset_over(
        store_id,
        item.identity,
        members.authorities(conn),
        item.author,
        item.sign_public,
        known.sign_public if known else None,
    )
    if reset_by is not None:
        members.raise_alarm(
            conn,
            "reset",
            f"{item.author}'s password was reset by {reset_by}, and the first record signed "
            f"with the keys made then has arrived (their number {item.seq}); it is taken in as "
            f"theirs. If {item.author} did not have their password reset, someone may be "
            "recording in their name: check with them.",
            now,
            subject=item.author,
        )
    last = known.last_seq if known else 0
    earlier = members.received_seq(conn, item.author, item.seq)
    if earlier is not None:
        members.raise_alarm(
            conn,
            "sequence",
            f"{item.author} has two different items numbered {item.seq}: one was replayed or "
            "their key slot was rolled back. Both are kept.",
            now,
            subject=item.author,
        )
    elif item.seq > last + 1:
        members.raise_alarm(
            conn, "gap", gap_text(item.author, last + 1, item.seq - 1), now, subject=item.author
        )
    members.put_author(
        conn,
        members.AuthorKey(
            item.author, item.sign_public, item.box_public, item.mailbox, max(last, item.seq)
        ),
        now,
        changed=known is not None and known.sign_public != item.sign_public,
    )


def _apply(
    conn: Connection, compartment: Compartment, item: Item, values: dict[str, set[str]]
) -> str:
    try:
        kind = Kind(item.kind)
    except ValueError:
        raise ValidationError({"kind": f"{item.kind!r} is not a kind of record"}) from None
    if KIND_COMPARTMENT[kind] is not compartment:
        raise ValidationError({"kind": f"a {kind.label.lower()} does not belong here"})
    recorded_at = datetime.fromisoformat(item.recorded_at)
    if item.op == "amend":
        return _apply_amendment(conn, kind, item, values, recorded_at)
    # A record sealed by an older version before the upgrade is taken in without the fields
    # added since (the schema allows it by when it was recorded, too).
    entry = validate_new_entry(
        kind,
        item.body,
        lists=values,
        now=recorded_at,
        required_since=entries.required_since(conn),
    )
    found = pupils.by_upns(conn, [p.upn for p in entry.pupils], schema="school")
    known = {upn: (p.display_name, p.details.date_of_birth) for upn, p in found.items()}
    if problems := pupil_problems(kind, entry, known):
        raise ValidationError(problems)
    if not item.ref.startswith(f"{kind.ref_prefix}-") or entries.by_ref(conn, item.ref):
        raise ValidationError(
            {"ref": f"{item.ref} is already used or is not a {kind.value} reference"}
        )
    ids = {upn: pupils.upsert_copy(conn, pupil.details) for upn, pupil in found.items()}
    entries.insert(
        conn, entry, ref=item.ref, author=item.author, recorded_at=recorded_at, pupil_ids=ids
    )
    return item.ref


def _apply_adult_concern(session: Session, conn: Connection, item: Item) -> str:
    """A concern about an adult raised by any member of staff, filed as an allegation or a
    low-level concern with its author as who raised (and recorded) it, audited in this file."""
    if item.op != "record":
        raise ValidationError({"op": f"{item.op!r} is not something a concern can be"})
    recorded_at = datetime.fromisoformat(item.recorded_at)
    new = adult_concern_from(item.kind, item.body, raised_by=item.author, now=recorded_at)
    if isinstance(new, NewAllegation):
        row_id = allegations.insert_allegation(conn, new, by=item.author, at=recorded_at)
        action, object_type = "allegation.recorded", "allegation"
    else:
        row_id = allegations.insert_low_level(conn, new, by=item.author, at=recorded_at)
        action, object_type = "low_level_concern.recorded", "low_level"
    session.audit(
        conn, action, object_type=object_type, object_id=str(row_id), detail={"item": item.hash}
    )
    return item.ref


def _apply_amendment(
    conn: Connection,
    kind: Kind,
    item: Item,
    values: dict[str, set[str]],
    recorded_at: datetime,
) -> str:
    entry = entries.by_ref(conn, item.ref)
    if entry is None or entry.kind is not kind:
        raise ValidationError({"ref": f"there is no {kind.value} {item.ref}"})
    if entry.author != item.author:
        raise ValidationError({"author": f"only the person who recorded {item.ref} may amend it"})
    body = item.body
    field, reason = str(body.get("field", "")), str(body.get("reason", ""))
    new_text = validated_amendment(entry, field, body.get("value"), reason, values, recorded_at)
    entries.add_amendment(
        conn,
        entry.id,
        Amendment(field, entry.current().get(field), new_text, reason, item.author, recorded_at),
    )
    return item.ref


def check_sequences(session: Session, compartment: Compartment) -> None:
    """A number handed out to an author that never arrived, with nothing waiting: the item
    was removed from the inbox (a gap shows only once a later item comes; this finds the
    last one missing too)."""
    store = session.compartments[compartment]
    with store.read() as conn:
        authors = members.all_authors(conn)
    tags = {f"{sealed_items.owner_tag(a.mailbox)}:{compartment.value}": a for a in authors}
    with session.store.read() as conn:  # one snapshot: the inbox and the counters together
        conn.execute("BEGIN")
        try:
            if sealed.inbox_count(conn, compartment.value):
                return  # still waiting: taken in next time
            handed_out = sealed.sequences(conn, compartment.value)
        finally:
            conn.execute("COMMIT")
    found: list[tuple[str | None, str]] = []
    for tag, last in sorted(handed_out.items()):
        writer = tags.get(tag)
        if writer is None:  # someone none of whose records ever arrived
            found.append((None, gap_text("someone whose records have never arrived", 1, last)))
        elif last > writer.last_seq:
            found.append((writer.username, gap_text(writer.username, writer.last_seq + 1, last)))
    if not found:
        return
    now = session.clock.now()
    with store.write() as conn:
        for subject, text in found:
            members.raise_alarm(conn, "gap", text, now, subject=subject)


def gap_text(author: str, first: int, last: int) -> str:
    numbers = f"{first}" if first == last else f"{first}–{last}"
    return (
        f"Item {numbers} from {author} never arrived: it was removed from the inbox (or lost). "
        "Ask them what they recorded then."
    )


def send_receipts(session: Session, compartment: Compartment) -> int:
    """Tell authors, sealed to them alone, the status of what they recorded (not the detail)."""
    if compartment in RESTRICTED:
        return 0  # a concern about an adult has no status an author is told of
    store = session.compartments[compartment]
    with store.read() as conn:
        due = members.receipts_due(conn)
    if not due:
        return 0
    now = session.clock.now()
    keys = session.keys[compartment]
    with session.store.write() as conn:
        for receipt in due:
            value: dict[str, object] = {
                "ref": receipt.ref,
                "status": receipt.status,
                "outcome": receipt.outcome,
                "at": receipt.at,
                "compartment": compartment.value,
                "epoch": keys.epoch,
            }
            # Signed by the compartment: anyone can seal a receipt to an author (their public
            # key is no secret), only a member can sign one.
            message = key_chain.receipt_message(session.store_id, compartment.value, value)
            value["signature"] = base64.b64encode(keys.sign.sign(message)).decode("ascii")
            sealed.put_owned(
                conn,
                "receipt",
                sealed_items.owner_tag(receipt.mailbox),
                sealed_items.seal_for(session.store_id, "receipt", receipt.box_public, value),
                now,
            )
    with store.write() as conn:
        for receipt in due:
            members.receipt_sent(conn, receipt.ref, receipt.status_id)
    return len(due)
