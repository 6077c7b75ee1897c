"""The byte forms of sealed things: inbox items, an author's copies, receipts and drafts.

An inbox item is ``SDI1`` + the compartment epoch it is sealed to (4 bytes) + HPKE ciphertext
of a signed JSON body. Everything else about it, even its kind, is inside the seal.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from safedesk.store import crypto
from safedesk.store.crypto import CannotOpen
from safedesk.store.identity import Cert

_MAGIC = b"SDI1"
ITEM_VERSION = 1


class BadItem(Exception):
    """A sealed item that does not open, is malformed, or whose signature is wrong."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise BadItem("expected base64")
    return base64.b64decode(text.encode("ascii"), validate=True)


def owner_tag(mailbox: bytes) -> str:
    """Names an account's sealed rows without naming the account."""
    return hmac.new(mailbox, b"safedesk owner", "sha256").hexdigest()[:32]


def _info(kind: str, store_id: str, *parts: str) -> bytes:
    return "/".join(("safedesk", kind, str(ITEM_VERSION), store_id, *parts)).encode()


# --- inbox items --------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """An opened, signature-checked inbox item."""

    author: str
    seq: int
    op: str  # "record", "amend", or "keys" (the author's new keys, after a password change)
    ref: str
    kind: str
    body: dict[str, Any]
    recorded_at: str
    sign_public: bytes
    box_public: bytes
    mailbox: bytes = field(repr=False)
    identity: tuple[Cert, ...] = ()
    hash: str = ""  # of the sealed bytes: what the audit log records


def seal_item(
    store_id: str,
    compartment: str,
    epoch: int,
    box_public: bytes,
    sign: crypto.SignKeys,
    fields: dict[str, Any],
    *,
    author_box: bytes,
    mailbox: bytes,
    identity: list[Cert],
) -> bytes:
    body = {
        "v": ITEM_VERSION,
        "store": store_id,
        "compartment": compartment,
        **fields,
        "keys": {
            "sign": _b64(sign.public),
            "box": _b64(author_box),
            "mailbox": _b64(mailbox),
            "identity": [cert.to_json() for cert in identity],
        },
    }
    signed = {**body, "sig": _b64(sign.sign(crypto.canonical(body)))}
    sealed = crypto.seal(
        box_public, crypto.canonical(signed), _info("inbox", store_id, compartment, str(epoch))
    )
    return _MAGIC + epoch.to_bytes(4, "big") + sealed


def item_epoch(data: bytes) -> int:
    if len(data) < 8 or data[:4] != _MAGIC:
        raise BadItem("not a safedesk inbox item")
    return int.from_bytes(data[4:8], "big")


def open_item(store_id: str, compartment: str, data: bytes, box_private: bytes) -> Item:
    epoch = item_epoch(data)
    try:
        plain = crypto.open_sealed(
            box_private, data[8:], _info("inbox", store_id, compartment, str(epoch))
        )
        raw = json.loads(plain)
    except (CannotOpen, ValueError) as exc:
        raise BadItem("the item does not open with this compartment's key") from exc
    if not isinstance(raw, dict):
        raise BadItem("malformed item")
    try:
        signature = _unb64(raw.pop("sig"))
        keys = raw["keys"]
        sign_public = _unb64(keys["sign"])
        if not crypto.verify(sign_public, crypto.canonical(raw), signature):
            raise BadItem("the item's signature is wrong")
        if raw["v"] != ITEM_VERSION or raw["store"] != store_id:
            raise BadItem("the item belongs to another store")
        if raw["compartment"] != compartment:
            raise BadItem("the item was addressed to another compartment")
        seq = raw["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq < 2**62:
            raise BadItem("bad sequence number")
        body = raw["body"]
        if not isinstance(body, dict) or raw["op"] not in ("record", "amend", "keys"):
            raise BadItem("malformed item")
        return Item(
            author=str(raw["author"]),
            seq=seq,
            op=str(raw["op"]),
            ref=str(raw["ref"]),
            kind=str(raw["kind"]),
            body=body,
            recorded_at=str(raw["recorded_at"]),
            sign_public=sign_public,
            box_public=_unb64(keys["box"]),
            mailbox=_unb64(keys["mailbox"]),
            identity=tuple(Cert.from_json(cert) for cert in keys.get("identity", [])),
            hash=crypto.digest(data),
        )
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise BadItem("malformed item") from exc


# --- sealed to one account ----------------------------------------------------------------


def seal_for(store_id: str, what: str, box_public: bytes, value: dict[str, Any]) -> bytes:
    return crypto.seal(box_public, crypto.canonical(value), _info(what, store_id))


def open_for(store_id: str, what: str, data: bytes, privates: list[bytes]) -> dict[str, Any] | None:
    """The value if one of ``privates`` opens it, else None (not this account's)."""
    for private in privates:
        try:
            value = json.loads(crypto.open_sealed(private, data, _info(what, store_id)))
        except (CannotOpen, ValueError):
            continue
        if isinstance(value, dict):
            return value
    return None
