"""Writing without reading: records sealed into a compartment's inbox in `school`.

A member of staff who cannot open a compartment still records into it. The record is
signed by its author, numbered in the author's own sequence, sealed to the compartment's
public key (the one pinned in the author's key slot, or a newer one signed by it), and put
in the inbox with a copy sealed to the author for "My records". In the clear, an inbox item
carries only when it was put there.
"""

from __future__ import annotations

from typing import Any

from safedesk.domain.compartments import READING, RESTRICTED, Compartment
from safedesk.domain.errors import SafedeskError
from safedesk.services.session import Session
from safedesk.store import key_chain, sealed, sealed_items
from safedesk.store.db import Connection
from safedesk.store.key_material import Pin


class NotConfirmed(SafedeskError):
    """This account does not yet know which keys to seal records to."""


def writer_pin(session: Session, compartment: Compartment) -> Pin:
    """The compartment key to seal to: the newest reachable from this account's pin.

    A published key that the pinned one did not sign is ignored, so swapping a public key
    in `school` seals nothing to it. Pins come only from the account's creator (or a
    member, in person): never from what `school` says, so an account without one records
    nothing until it is confirmed."""
    account = session.account
    if account is None:
        raise SafedeskError("Sign in again to record.")
    if compartment in session.keys and compartment is not Compartment.SCHOOL:
        current = session.keys[compartment].pin  # a member seals to the keys it holds
        _remember_pin(session, compartment, current)
        return current
    pin = account.secrets.pins.get(compartment.value)
    if pin is None:
        raise NotConfirmed(
            f"Your account does not yet hold the public keys of the {compartment.label}, so "
            "it cannot record into them: ask the headteacher or a Designated Safeguarding "
            "Lead to confirm your account in person (Queue, or 'safedesk-admin user confirm'). "
            "Nothing was recorded."
        )
    with session.store.read() as conn:
        links = key_chain.published(conn, compartment.value)
    newest = key_chain.newest_trusted(session.store_id, pin, links)
    if newest is None:
        # The keys this account was given are not the compartment's: whoever gave them (or
        # changed the published ones) may read what it seals. A member's next sign-in puts
        # the published keys right, with an alarm; a pin of someone's own making stays out.
        raise NotConfirmed(
            f"The public keys of the {compartment.label} that your account trusts are not the "
            "ones this school's safedesk holds, so nothing was recorded. Ask the headteacher "
            "or a Designated Safeguarding Lead to confirm your account in person."
        )
    _remember_pin(session, compartment, newest)
    return newest


def _remember_pin(session: Session, compartment: Compartment, pin: Pin) -> None:
    assert session.account is not None
    pins = session.account.secrets.pins
    if pins.get(compartment.value) != pin:
        pins[compartment.value] = pin
        session.account_dirty = True


def _next_seq(session: Session, conn: Connection, compartment: Compartment) -> int:
    """The next number in this author's sequence here: handed out in `school` (so two
    sessions of one person never reuse one), and never below what the author's own key slot
    says was used (so removing the counter's row cannot make a number be used twice)."""
    assert session.account is not None
    secrets = session.account.secrets
    if compartment in RESTRICTED:
        # Counted in the author's own key slot only: a counter in `school`, named by a tag a
        # DSL (or the head) can work out from the pupils' files, would tell them who passed
        # on a concern about an adult, and to whose file (the break-it pass matched them).
        return secrets.seqs.get(compartment.value, 0) + 1
    owner = f"{sealed_items.owner_tag(secrets.mailbox)}:{compartment.value}"
    return sealed.next_sequence(conn, owner, secrets.seqs.get(compartment.value, 0) + 1)


def put(
    session: Session,
    compartment: Compartment,
    *,
    op: str,
    ref: str,
    kind: str,
    body: dict[str, Any],
    conn: Connection,
    keep_copy: bool = True,
) -> int:
    """Seal one item into ``compartment``'s inbox, and its copy for the author, inside the
    caller's `school` transaction ``conn``. Returns the author's sequence number."""
    account = session.account
    assert account is not None
    pin = writer_pin(session, compartment)
    secrets = account.secrets
    seq = _next_seq(session, conn, compartment)
    recorded_at = session.clock.now().isoformat()
    fields = {
        "author": secrets.username,
        "seq": seq,
        "op": op,
        "ref": ref,
        "kind": kind,
        "body": body,
        "recorded_at": recorded_at,
    }
    item = sealed_items.seal_item(
        session.store_id,
        compartment.value,
        pin.epoch,
        pin.box_public,
        secrets.sign,
        fields,
        author_box=secrets.box.public,
        mailbox=secrets.mailbox,
        identity=secrets.identity,
    )
    now = session.clock.now()
    sealed.put_inbox(conn, compartment.value, item, now)
    if keep_copy:
        copy = {**fields, "compartment": compartment.value}
        sealed.put_owned(
            conn,
            "copy",
            sealed_items.owner_tag(secrets.mailbox),
            sealed_items.seal_for(session.store_id, "copy", secrets.box.public, copy),
            now,
        )
    secrets.seqs[compartment.value] = max(seq, secrets.seqs.get(compartment.value, 0))
    session.account_dirty = True
    return seq


def announce_keys(session: Session, conn: Connection) -> list[Compartment]:
    """After a password change: tell each reading compartment this account records into,
    by an item signed with the new key (vouched for by the old one), that the old key is
    retired. Until a compartment hears of it, an old copy of the key file with the old
    password could still sign records in this person's name; afterwards they are kept back
    with an alarm. Inside the caller's `school` transaction ``conn``."""
    told: list[Compartment] = []
    for compartment in READING:
        try:
            put(
                session,
                compartment,
                op="keys",
                ref="",
                kind="keys",
                body={},
                conn=conn,
                keep_copy=False,
            )
        except NotConfirmed:
            continue  # no keys to seal to yet: nothing recorded there under the old key
        told.append(compartment)
    return told
