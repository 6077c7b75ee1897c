"""What a key slot and a sealed key hold, and how each is wrapped, sealed and opened."""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from safedesk.domain.errors import AuthenticationError
from safedesk.store import crypto
from safedesk.store.crypto import BoxKeys, CannotOpen, KdfParams, SignKeys
from safedesk.store.identity import Cert, issue
from safedesk.store.keyfile import (
    ACTIVE,
    PENDING,
    AccountSlot,
    KeyFile,
    RecoverySlot,
    SealedKey,
    associated_data,
)

WRONG_PASSWORD = "Wrong username or password."  # noqa: S105 - a message


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True)
class Pin:
    """A compartment's public keys as this account last verified them."""

    epoch: int
    box_public: bytes
    sign_public: bytes


@dataclass
class AccountSecrets:
    """Everything only the account holder may know; kept wrapped under their password.

    No secret is in its repr: a failing test or a logged object must not print a key."""

    username: str
    box: BoxKeys = field(repr=False)
    sign: SignKeys = field(repr=False)
    # names this account's sealed copies, drafts and receipts without naming it
    mailbox: bytes = field(repr=False)
    origin: str  # "own" (set by the holder), "created" or "reset" (by an administrator)
    pins: dict[str, Pin] = field(default_factory=dict)
    seqs: dict[str, int] = field(default_factory=dict)
    # earlier pairs, so old copies open
    old_box: list[bytes] = field(default_factory=list, repr=False)
    # The certificates that vouch for this account's signing key, from an administrator
    # (see store.identity); and whether it is itself an authority others' chains start from.
    identity: list[Cert] = field(default_factory=list)
    authority: bool = False
    # The newest chain head this account signed in each file, [seq, hash]: a chain later cut
    # back behind it (by someone with the file's key) no longer holds it, and `verify` says so.
    heads: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def new(cls, username: str, origin: str, pins: dict[str, Pin] | None = None) -> AccountSecrets:
        return cls(
            username,
            BoxKeys.generate(),
            SignKeys.generate(),
            secrets.token_bytes(32),
            origin,
            dict(pins or {}),
        )

    @property
    def box_privates(self) -> list[bytes]:
        return [self.box.private, *self.old_box]

    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "username": self.username,
                "box": _b64(self.box.private),
                "sign": _b64(self.sign.private),
                "mailbox": _b64(self.mailbox),
                "origin": self.origin,
                "pins": {
                    name: [p.epoch, _b64(p.box_public), _b64(p.sign_public)]
                    for name, p in sorted(self.pins.items())
                },
                "seqs": dict(sorted(self.seqs.items())),
                "old_box": [_b64(k) for k in self.old_box],
                "identity": [cert.to_json() for cert in self.identity],
                "authority": self.authority,
                "heads": dict(sorted(self.heads.items())),
            }
        ).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> AccountSecrets:
        raw: dict[str, Any] = json.loads(data)
        return cls(
            raw["username"],
            BoxKeys.from_private(_unb64(raw["box"])),
            SignKeys.from_private(_unb64(raw["sign"])),
            _unb64(raw["mailbox"]),
            raw["origin"],
            {
                name: Pin(int(epoch), _unb64(box), _unb64(sign))
                for name, (epoch, box, sign) in raw["pins"].items()
            },
            {name: int(n) for name, n in raw["seqs"].items()},
            [_unb64(k) for k in raw["old_box"]],
            [Cert.from_json(item) for item in raw.get("identity", [])],
            bool(raw.get("authority", False)),
            {str(k): [int(v[0]), *map(str, v[1:3])] for k, v in raw.get("heads", {}).items()},
        )


@dataclass(frozen=True)
class CompartmentKeys:
    """One epoch of a compartment: its file key and its own key pairs."""

    compartment: str
    epoch: int
    file_key: bytes = field(repr=False)
    box: BoxKeys = field(repr=False)
    sign: SignKeys = field(repr=False)

    @classmethod
    def generate(cls, compartment: str, epoch: int) -> CompartmentKeys:
        return cls(compartment, epoch, crypto.random_key(), BoxKeys.generate(), SignKeys.generate())

    @property
    def pin(self) -> Pin:
        return Pin(self.epoch, self.box.public, self.sign.public)

    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "compartment": self.compartment,
                "epoch": self.epoch,
                "file_key": _b64(self.file_key),
                "box": _b64(self.box.private),
                "sign": _b64(self.sign.private),
            }
        ).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> CompartmentKeys:
        raw = json.loads(data)
        return cls(
            raw["compartment"],
            int(raw["epoch"]),
            _unb64(raw["file_key"]),
            BoxKeys.from_private(_unb64(raw["box"])),
            SignKeys.from_private(_unb64(raw["sign"])),
        )


# --- account slots ------------------------------------------------------------------------


@dataclass
class UnlockedAccount:
    """An open slot: its secrets and the key that rewraps them (held while signed in)."""

    slot: AccountSlot = field(repr=False)
    secrets: AccountSecrets
    kek: bytearray = field(repr=False)

    def wipe(self) -> None:
        for i in range(len(self.kek)):
            self.kek[i] = 0


def make_slot(
    key_file: KeyFile,
    account: AccountSecrets,
    password: str,
    kdf: KdfParams,
    *,
    state: str = ACTIVE,
) -> UnlockedAccount:
    crypto.require_strong(kdf)
    salt = secrets.token_bytes(16)
    kek = bytearray(kdf.derive(password.encode("utf-8"), salt))
    slot_id = key_file.slot_id(account.username)
    return rewrap(
        key_file,
        UnlockedAccount(
            AccountSlot(slot_id, state, kdf, salt, b"", b"", account.box.public), account, kek
        ),
        state=state,
    )


def rewrap(
    key_file: KeyFile, unlocked: UnlockedAccount, *, state: str | None = None
) -> UnlockedAccount:
    """The same password, the secrets as they are now (pins and sequence numbers change)."""
    slot = unlocked.slot
    nonce, wrapped = crypto.wrap(
        unlocked.kek,
        unlocked.secrets.to_bytes(),
        associated_data(key_file, "account", slot.slot_id),
    )
    fresh = AccountSlot(
        slot.slot_id,
        state or slot.state,
        slot.kdf,
        slot.salt,
        nonce,
        wrapped,
        unlocked.secrets.box.public,
    )
    return UnlockedAccount(fresh, unlocked.secrets, unlocked.kek)


def open_slot(key_file: KeyFile, slot: AccountSlot | None, password: str) -> UnlockedAccount:
    """The account's secrets, or AuthenticationError that never says whether the name exists."""
    if slot is None or slot.state not in (ACTIVE, PENDING):
        # Spend the same time as a real attempt so timing does not reveal unknown names.
        like = next((s.kdf for s in key_file.accounts if s.wrapped), KdfParams())
        like.derive(password.encode("utf-8"), b"\0" * 16)
        raise AuthenticationError(WRONG_PASSWORD)
    kek = bytearray(slot.kdf.derive(password.encode("utf-8"), slot.salt))
    try:
        plain = crypto.unwrap(
            kek, slot.nonce, slot.wrapped, associated_data(key_file, "account", slot.slot_id)
        )
    except CannotOpen:
        raise AuthenticationError(WRONG_PASSWORD) from None
    return UnlockedAccount(slot, AccountSecrets.from_bytes(plain), kek)


# --- recovery -----------------------------------------------------------------------------

_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: easy to read aloud


def new_recovery_code() -> str:
    """25 characters in five groups, about 125 bits: printable and typeable."""
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(25))
    return "-".join(chars[i : i + 5] for i in range(0, 25, 5))


def normalise_recovery_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


@dataclass(frozen=True)
class RecoveryKeys:
    """The recovery key: a member of every compartment (box) and an authority (sign)."""

    box: BoxKeys = field(repr=False)
    sign: SignKeys = field(repr=False)

    @property
    def pin(self) -> Pin:
        return Pin(0, self.box.public, self.sign.public)


def make_recovery(
    key_file: KeyFile, code: str, kdf: KdfParams
) -> tuple[RecoverySlot, RecoveryKeys]:
    crypto.require_strong(kdf)
    keys = RecoveryKeys(BoxKeys.generate(), SignKeys.generate())
    salt = secrets.token_bytes(16)
    kek = kdf.derive(normalise_recovery_code(code).encode(), salt)
    plain = json.dumps({"box": _b64(keys.box.private), "sign": _b64(keys.sign.private)})
    nonce, wrapped = crypto.wrap(kek, plain.encode(), associated_data(key_file, "recovery"))
    return RecoverySlot(kdf, salt, nonce, wrapped, keys.box.public), keys


def open_recovery(key_file: KeyFile, code: str) -> RecoveryKeys:
    slot = key_file.recovery
    if slot is None:
        raise AuthenticationError("This safedesk has no recovery key yet.")
    kek = slot.kdf.derive(normalise_recovery_code(code).encode(), slot.salt)
    try:
        plain = crypto.unwrap(kek, slot.nonce, slot.wrapped, associated_data(key_file, "recovery"))
    except CannotOpen:
        raise AuthenticationError("That recovery key is not right. Check each group.") from None
    raw = json.loads(plain)
    return RecoveryKeys(
        BoxKeys.from_private(_unb64(raw["box"])), SignKeys.from_private(_unb64(raw["sign"]))
    )


# --- sealed compartment keys --------------------------------------------------------------


def seal_keys(key_file: KeyFile, keys: CompartmentKeys, to_public: bytes) -> SealedKey:
    info = associated_data(key_file, "compartment", keys.compartment, str(keys.epoch))
    return SealedKey(
        keys.compartment,
        keys.epoch,
        crypto.fingerprint(to_public),
        crypto.seal(to_public, keys.to_bytes(), info),
    )


def open_keys(
    key_file: KeyFile, compartment: str, epoch: int, privates: list[bytes]
) -> CompartmentKeys | None:
    """The compartment's keys for ``epoch`` if one of ``privates`` was sealed them, else None."""
    info = associated_data(key_file, "compartment", compartment, str(epoch))
    for private in privates:
        to = crypto.fingerprint(BoxKeys.from_private(private).public)
        sealed = key_file.sealed_to(to, compartment, epoch)
        if sealed is None:
            continue
        try:
            keys = CompartmentKeys.from_bytes(crypto.open_sealed(private, sealed.blob, info))
        except CannotOpen:
            continue
        if keys.compartment == compartment and keys.epoch == epoch:
            return keys
    return None


def with_new_keys(
    old: AccountSecrets, store_id: str, origin: str = "own", *, kind: str = "changed"
) -> AccountSecrets:
    """The holder's own new key pairs (a password change, or a first sign-in): the old box
    key is kept so what was sealed to it still opens, and the old signing key vouches for
    the new one."""
    fresh = AccountSecrets.new(old.username, origin, old.pins)
    fresh.mailbox = old.mailbox
    fresh.seqs = dict(old.seqs)
    fresh.old_box = [old.box.private, *old.old_box]
    fresh.authority = old.authority
    fresh.heads = dict(old.heads)
    cert = issue(store_id, kind, old.username, old.sign, old.username, fresh.sign.public)
    fresh.identity = [*old.identity, cert]
    return fresh
