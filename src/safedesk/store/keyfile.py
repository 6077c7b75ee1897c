"""The key file (keys.json): every secret and sealed key, never inside a database.

It holds, for each account, a slot: the account's private keys, pins and sequence numbers,
AES-GCM-wrapped under a key derived from its password (Argon2id). For each compartment, its
current (and, during a rotation, next) epoch, and that epoch's keys sealed with HPKE to each
member's public key and to the recovery key. Slots are found by an HMAC of the username and
sealed keys by a digest of the recipient's public key, so the file names nobody.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from safedesk.store import crypto
from safedesk.store.crypto import FAST_KDF, KEY_BYTES, MAX_KDF, MIN_KDF, KdfParams
from safedesk.store.db import StoreBusy, StoreDamaged

FORMAT = "safedesk-keys"
FORMAT_VERSION = 2
ACTIVE, PENDING, DISABLED = "active", "pending", "disabled"
_STATES = (ACTIVE, PENDING, DISABLED)
LOCK_TIMEOUT_S = 30


# Bounds a genuine key file never leaves: a hand-edited cost below them would make guessing
# cheap, above them crash Argon2 or make a sign-in take hours; such a file is damaged.
FAST_KDF_VALUES = {
    "time_cost": FAST_KDF.time_cost,
    "memory_kib": FAST_KDF.memory_kib,
    "parallelism": FAST_KDF.parallelism,
}


def _kdf_limits() -> dict[str, tuple[int, int]]:
    low = FAST_KDF if crypto.weak_kdf_allowed() else MIN_KDF
    return {
        "time_cost": (low.time_cost, MAX_KDF.time_cost),
        "memory_kib": (low.memory_kib, MAX_KDF.memory_kib),
        "parallelism": (low.parallelism, MAX_KDF.parallelism),
    }


@dataclass(frozen=True)
class AccountSlot:
    slot_id: str
    state: str
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped: bytes
    box_public: bytes  # which sealed keys are this account's (untrusted: a hint, not a proof)


@dataclass(frozen=True)
class RecoverySlot:
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped: bytes  # the recovery key pair's private half
    box_public: bytes


@dataclass(frozen=True)
class Epochs:
    current: int
    next: int | None = None


@dataclass(frozen=True)
class SealedKey:
    compartment: str
    epoch: int
    to: str  # crypto.fingerprint of the recipient's public key
    blob: bytes


@dataclass(frozen=True)
class KeyFile:
    store_id: str
    lookup_salt: bytes
    accounts: tuple[AccountSlot, ...] = ()
    recovery: RecoverySlot | None = None
    epochs: Mapping[str, Epochs] = field(default_factory=dict)
    sealed: tuple[SealedKey, ...] = ()

    def slot_id(self, username: str) -> str:
        digest = hmac.new(self.lookup_salt, normalise_username(username).encode(), "sha256")
        return digest.hexdigest()

    def account(self, username: str) -> AccountSlot | None:
        wanted = self.slot_id(username)
        return next((s for s in self.accounts if s.slot_id == wanted), None)

    def account_by_id(self, slot_id: str) -> AccountSlot | None:
        return next((s for s in self.accounts if s.slot_id == slot_id), None)

    def with_account(self, slot: AccountSlot) -> KeyFile:
        others = tuple(s for s in self.accounts if s.slot_id != slot.slot_id)
        return replace(self, accounts=(*others, slot))

    def with_epochs(self, compartment: str, epochs: Epochs | None) -> KeyFile:
        updated = dict(self.epochs)
        if epochs is None:
            updated.pop(compartment, None)
        else:
            updated[compartment] = epochs
        return replace(self, epochs=updated)

    def sealed_to(self, to: str, compartment: str, epoch: int) -> SealedKey | None:
        return next(
            (
                s
                for s in self.sealed
                if s.to == to and s.compartment == compartment and s.epoch == epoch
            ),
            None,
        )

    def with_sealed(self, *items: SealedKey) -> KeyFile:
        keys = {(s.compartment, s.epoch, s.to) for s in items}
        kept = tuple(s for s in self.sealed if (s.compartment, s.epoch, s.to) not in keys)
        return replace(self, sealed=(*kept, *items))

    def without_sealed(
        self, *, compartment: str | None = None, epoch: int | None = None, to: str | None = None
    ) -> KeyFile:
        """Drop every sealed key matching all the filters given."""

        def matches(s: SealedKey) -> bool:
            return (
                (compartment is None or s.compartment == compartment)
                and (epoch is None or s.epoch == epoch)
                and (to is None or s.to == to)
            )

        return replace(self, sealed=tuple(s for s in self.sealed if not matches(s)))


def normalise_username(username: str) -> str:
    return username.strip().casefold()


def new_key_file() -> KeyFile:
    return KeyFile(store_id=secrets.token_hex(16), lookup_salt=secrets.token_bytes(16))


def associated_data(key_file: KeyFile, *parts: str) -> bytes:
    """What binds a wrapped or sealed key to this store and its place in it."""
    return "/".join((FORMAT, str(FORMAT_VERSION), key_file.store_id, *parts)).encode()


# --- file form ----------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, *, length: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise TypeError("expected base64 text")
    data = base64.b64decode(text.encode("ascii"), validate=True)
    if length is not None and len(data) != length:
        raise ValueError("wrong length")
    return data


def _checked_kdf(raw: Any) -> KdfParams:
    if not isinstance(raw, dict) or raw.get("name") != "argon2id":
        raise ValueError("unknown KDF")
    values = {}
    for name, (low, high) in _kdf_limits().items():
        value = raw[name]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            if isinstance(value, int) and FAST_KDF_VALUES[name] <= value < low:
                raise crypto.WeakKdf(f"KDF {name} below the floor")
            raise ValueError(f"KDF {name} out of range")
        values[name] = value
    return KdfParams(**values)


def _epoch(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < 2**31:
        raise ValueError("bad epoch")
    return value


def to_json(key_file: KeyFile) -> str:
    recovery = key_file.recovery
    return json.dumps(
        {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "store_id": key_file.store_id,
            "lookup_salt": _b64(key_file.lookup_salt),
            "accounts": [
                {
                    "id": s.slot_id,
                    "state": s.state,
                    "kdf": s.kdf.as_json(),
                    "salt": _b64(s.salt),
                    "nonce": _b64(s.nonce),
                    "wrapped": _b64(s.wrapped),
                    "box_public": _b64(s.box_public),
                }
                for s in key_file.accounts
            ],
            "recovery": None
            if recovery is None
            else {
                "kdf": recovery.kdf.as_json(),
                "salt": _b64(recovery.salt),
                "nonce": _b64(recovery.nonce),
                "wrapped": _b64(recovery.wrapped),
                "box_public": _b64(recovery.box_public),
            },
            "epochs": {
                name: {"current": e.current, "next": e.next}
                for name, e in sorted(key_file.epochs.items())
            },
            "sealed": [
                {"compartment": s.compartment, "epoch": s.epoch, "to": s.to, "blob": _b64(s.blob)}
                for s in key_file.sealed
            ],
        },
        indent=1,
    )


def _account(item: Any) -> AccountSlot:
    state = item["state"]
    if state not in _STATES:
        raise ValueError("bad account state")
    if state == DISABLED:
        return AccountSlot(str(item["id"]), DISABLED, KdfParams(), b"", b"", b"", b"")
    return AccountSlot(
        slot_id=str(item["id"]),
        state=state,
        kdf=_checked_kdf(item["kdf"]),
        salt=_unb64(item["salt"]),
        nonce=_unb64(item["nonce"], length=12),
        wrapped=_unb64(item["wrapped"]),
        box_public=_unb64(item["box_public"], length=KEY_BYTES),
    )


def from_json(text: str, source: Path) -> KeyFile:
    try:
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("not an object")
        if raw.get("format") != FORMAT or raw.get("version") != FORMAT_VERSION:
            raise ValueError("not a safedesk key file")
        store_id = raw["store_id"]
        if not isinstance(store_id, str) or len(store_id) != 32:
            raise ValueError("bad store id")
        rec = raw.get("recovery")
        recovery = None
        if rec is not None:
            recovery = RecoverySlot(
                _checked_kdf(rec["kdf"]),
                _unb64(rec["salt"]),
                _unb64(rec["nonce"], length=12),
                _unb64(rec["wrapped"]),
                _unb64(rec["box_public"], length=KEY_BYTES),
            )
        epochs = {}
        for name, item in raw["epochs"].items():
            nxt = item.get("next")
            epochs[str(name)] = Epochs(
                _epoch(item["current"]), None if nxt is None else _epoch(nxt)
            )
        sealed = tuple(
            SealedKey(str(s["compartment"]), _epoch(s["epoch"]), str(s["to"]), _unb64(s["blob"]))
            for s in raw["sealed"]
        )
        return KeyFile(
            store_id,
            _unb64(raw["lookup_salt"]),
            tuple(_account(item) for item in raw["accounts"]),
            recovery,
            epochs,
            sealed,
        )
    except crypto.WeakKdf as exc:
        raise StoreDamaged(
            f"The key file {source} protects passwords with quicker settings than safedesk "
            "accepts for a school's records: it belongs to a demo school (made by "
            "'safedesk --demo'), or it has been tampered with. Nothing has been changed. To "
            "look at a demo school with safedesk-admin, add --demo."
        ) from exc
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise StoreDamaged(
            f"The key file {source} is damaged or is not a safedesk key file, so safedesk "
            "cannot be unlocked. Nothing has been changed. Restore the folder from a backup."
        ) from exc


def load(path: Path) -> KeyFile:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise StoreDamaged(
            f"The key file {path} is missing, so safedesk cannot be unlocked. Nothing has "
            "been changed. Restore the folder from a backup."
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoreDamaged(f"The key file {path} is damaged (it is not text).") from exc
    return from_json(text, path)


def save(key_file: KeyFile, path: Path) -> None:
    """Write atomically, owner-only: a crash leaves either the old file or the new one, whole."""
    write_private(path, to_json(key_file).encode("utf-8"))


def write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a directory to fsync it; NTFS journals the rename
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Serialise read-modify-write of the key file across threads and processes."""
    lock = FileLock(str(lock_path(path)), timeout=LOCK_TIMEOUT_S, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise StoreBusy(
            "safedesk's key file is busy with other work. Please try again in a moment."
        ) from None
    try:
        yield
    finally:
        lock.release()


def update(path: Path, change: Callable[[KeyFile], KeyFile]) -> KeyFile:
    """Load, change and save the key file under its lock; returns what was saved."""
    with locked(path):
        current = load(path)
        changed = change(current)
        if changed != current:
            save(changed, path)
        return changed


def fingerprint_file(key_file: KeyFile) -> str:
    """A short digest of the key file (for backup manifests)."""
    return hashlib.sha256(to_json(key_file).encode()).hexdigest()[:16]
