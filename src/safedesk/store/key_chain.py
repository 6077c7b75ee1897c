"""A compartment's key history: each epoch's public keys signed by the epoch before.

The history is kept twice: inside the compartment (``key_epoch``, with the private half of
each epoch's box key, so members can open items sealed before a rotation) and published in
`school` (``compartment_key``, public halves only) for staff who write without reading. A
writer trusts only a chain that starts from the keys pinned in its own key slot.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from safedesk.domain.clock import to_stored
from safedesk.store import crypto, ledger
from safedesk.store.db import Connection
from safedesk.store.key_material import CompartmentKeys, Pin


@dataclass(frozen=True)
class Link:
    compartment: str
    epoch: int
    box_public: bytes
    sign_public: bytes
    signature: bytes

    @property
    def pin(self) -> Pin:
        return Pin(self.epoch, self.box_public, self.sign_public)


def link_message(store_id: str, compartment: str, epoch: int, box: bytes, sign: bytes) -> bytes:
    return crypto.canonical(
        [
            "safedesk-key-link",
            store_id,
            compartment,
            epoch,
            base64.b64encode(box).decode(),
            base64.b64encode(sign).decode(),
        ]
    )


def make_link(store_id: str, new: CompartmentKeys, signer: CompartmentKeys | None) -> Link:
    """``new``'s public keys, signed by the epoch before (the first epoch signs itself)."""
    by = signer or new
    message = link_message(store_id, new.compartment, new.epoch, new.box.public, new.sign.public)
    return Link(new.compartment, new.epoch, new.box.public, new.sign.public, by.sign.sign(message))


def follows(store_id: str, previous: Pin | None, link: Link) -> bool:
    """Whether ``link`` is signed by ``previous`` (or, with no previous, by itself)."""
    signer = link.sign_public if previous is None else previous.sign_public
    message = link_message(
        store_id, link.compartment, link.epoch, link.box_public, link.sign_public
    )
    return crypto.verify(signer, message, link.signature)


def newest_trusted(store_id: str, pin: Pin, links: list[Link]) -> Pin | None:
    """Follow the published chain from ``pin``; the newest pin it reaches, or None when the
    published chain does not contain ``pin`` itself (a key was swapped)."""
    by_epoch = {link.epoch: link for link in links}
    mine = by_epoch.get(pin.epoch)
    if mine is None or mine.pin != pin:
        return None
    # The pin must also follow from every key published before it, each signed by the one
    # before: an account handed a pin to a key someone added on top of the chain (signed by
    # nobody who held the file) would otherwise seal to it (break-it pass, step 11).
    later = mine
    while (before := by_epoch.get(later.epoch - 1)) is not None:
        if not follows(store_id, before.pin, later):
            return None
        later = before
    current = pin
    while (nxt := by_epoch.get(current.epoch + 1)) is not None and follows(store_id, current, nxt):
        current = nxt.pin
    return current


def trusted_pins(store_id: str, pin: Pin, links: list[Link]) -> dict[int, Pin]:
    """Every epoch's keys the published chain proves from ``pin``: later ones each signed by
    the one before, earlier ones each having signed the one after. Empty when the chain does
    not contain ``pin`` itself."""
    by_epoch = {link.epoch: link for link in links}
    mine = by_epoch.get(pin.epoch)
    if mine is None or mine.pin != pin:
        return {}
    found = {pin.epoch: pin}
    current = pin
    while (nxt := by_epoch.get(current.epoch + 1)) is not None and follows(store_id, current, nxt):
        found[nxt.epoch] = current = nxt.pin
    later = mine
    while (before := by_epoch.get(later.epoch - 1)) is not None and follows(
        store_id, before.pin, later
    ):
        found[before.epoch] = before.pin
        later = before
    return found


def receipt_message(store_id: str, compartment: str, value: dict[str, object]) -> bytes:
    """What a compartment signs when it tells an author the status of their record."""
    fields = {k: v for k, v in value.items() if k not in ("signature",)}
    return crypto.canonical(["safedesk-receipt/1", store_id, compartment, fields])


# --- in `school` --------------------------------------------------------------------------


def published(conn: Connection, compartment: str) -> list[Link]:
    rows = conn.execute(
        "SELECT epoch, box_public, sign_public, signature FROM compartment_key "
        "WHERE compartment = ? ORDER BY epoch",
        (compartment,),
    ).fetchall()
    return [Link(compartment, r[0], bytes(r[1]), bytes(r[2]), bytes(r[3])) for r in rows]


def publish(conn: Connection, link: Link, at: datetime) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO compartment_key "
        "(compartment, epoch, box_public, sign_public, signature, published_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            link.compartment,
            link.epoch,
            link.box_public,
            link.sign_public,
            link.signature,
            to_stored(at),
        ),
    )


# --- inside the compartment ---------------------------------------------------------------


def record_epoch(
    conn: Connection, keys: CompartmentKeys, link: Link, at: datetime, by: str
) -> None:
    cursor = conn.execute(
        "INSERT OR IGNORE INTO key_epoch "
        "(epoch, box_public, sign_public, box_private, signature, created_at, created_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            keys.epoch,
            keys.box.public,
            keys.sign.public,
            keys.box.private,
            link.signature,
            to_stored(at),
            by,
        ),
    )
    if cursor.rowcount:
        ledger.touched(conn, "key_epoch", [keys.epoch])


def history(conn: Connection, compartment: str) -> list[Link]:
    rows = conn.execute(
        "SELECT epoch, box_public, sign_public, signature FROM key_epoch ORDER BY epoch"
    ).fetchall()
    return [Link(compartment, r[0], bytes(r[1]), bytes(r[2]), bytes(r[3])) for r in rows]


def box_privates(conn: Connection) -> dict[int, bytes]:
    """Every epoch's private box key, so items sealed before a rotation still open."""
    return {r[0]: bytes(r[1]) for r in conn.execute("SELECT epoch, box_private FROM key_epoch")}
