"""Key slots: the data key wrapped once per user (and once for the recovery key).

password → Argon2id → key-encryption key → AES-256-GCM wrap of the data key.
The AES-GCM tag checks the password before the database is ever opened. Slots
are found by an HMAC of the username, so the file names nobody.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from safedesk.domain.errors import AuthenticationError
from safedesk.store.db import KEY_BYTES, StoreDamaged

FORMAT = "safedesk-keyring"
FORMAT_VERSION = 1
RECOVERY = "recovery"
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: easy to read aloud


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The default costs about 0.3–0.5 s on a school office PC."""

    time_cost: int = 4
    memory_kib: int = 196_608
    parallelism: int = 2

    def derive(self, secret: bytes, salt: bytes) -> bytes:
        return hash_secret_raw(
            secret,
            salt,
            time_cost=self.time_cost,
            memory_cost=self.memory_kib,
            parallelism=self.parallelism,
            hash_len=KEY_BYTES,
            type=Type.ID,
        )


# Tests and the throwaway demo use this; never a real school's store.
FAST_KDF = KdfParams(time_cost=1, memory_kib=8_192, parallelism=1)


@dataclass(frozen=True)
class Slot:
    slot_id: str
    kind: str  # "user" or "recovery"
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped: bytes


@dataclass(frozen=True)
class Keyring:
    store_id: str
    lookup_salt: bytes
    slots: tuple[Slot, ...] = field(default_factory=tuple)

    def user_slot_id(self, username: str) -> str:
        digest = hmac.new(self.lookup_salt, normalise_username(username).encode(), "sha256")
        return digest.hexdigest()

    def find(self, slot_id: str) -> Slot | None:
        return next((s for s in self.slots if s.slot_id == slot_id), None)

    def without(self, slot_id: str) -> Keyring:
        return replace(self, slots=tuple(s for s in self.slots if s.slot_id != slot_id))

    def with_slot(self, slot: Slot) -> Keyring:
        return replace(self, slots=(*self.without(slot.slot_id).slots, slot))


def normalise_username(username: str) -> str:
    return username.strip().casefold()


def new_data_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def new_keyring(store_id: str) -> Keyring:
    return Keyring(store_id=store_id, lookup_salt=secrets.token_bytes(16))


def new_recovery_key() -> str:
    """25 characters in five groups, about 125 bits: printable and typeable."""
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(25))
    return "-".join(chars[i : i + 5] for i in range(0, 25, 5))


def normalise_recovery_key(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def _associated_data(keyring: Keyring, kind: str, name: str) -> bytes:
    return f"{FORMAT}/{FORMAT_VERSION}/{keyring.store_id}/{kind}/{name}".encode()


def wrap(
    keyring: Keyring, *, kind: str, name: str, secret: str, data_key: bytes, kdf: KdfParams
) -> Keyring:
    """A keyring with one slot (re)made for ``name`` so that ``secret`` unwraps ``data_key``."""
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    kek = kdf.derive(secret.encode("utf-8"), salt)
    wrapped = AESGCM(kek).encrypt(nonce, data_key, _associated_data(keyring, kind, name))
    slot_id = RECOVERY if kind == RECOVERY else keyring.user_slot_id(name)
    return keyring.with_slot(Slot(slot_id, kind, kdf, salt, nonce, wrapped))


def add_user(
    keyring: Keyring, username: str, password: str, data_key: bytes, kdf: KdfParams
) -> Keyring:
    return wrap(
        keyring,
        kind="user",
        name=normalise_username(username),
        secret=password,
        data_key=data_key,
        kdf=kdf,
    )


def add_recovery(keyring: Keyring, recovery_key: str, data_key: bytes, kdf: KdfParams) -> Keyring:
    return wrap(
        keyring,
        kind=RECOVERY,
        name=RECOVERY,
        secret=normalise_recovery_key(recovery_key),
        data_key=data_key,
        kdf=kdf,
    )


def unwrap_user(keyring: Keyring, username: str, password: str) -> bytes:
    """The data key, or AuthenticationError that never says whether the name exists."""
    name = normalise_username(username)
    slot = keyring.find(keyring.user_slot_id(name))
    return _unwrap(keyring, slot, "user", name, password)


def unwrap_recovery(keyring: Keyring, recovery_key: str) -> bytes:
    slot = keyring.find(RECOVERY)
    return _unwrap(keyring, slot, RECOVERY, RECOVERY, normalise_recovery_key(recovery_key))


def _unwrap(keyring: Keyring, slot: Slot | None, kind: str, name: str, secret: str) -> bytes:
    if slot is None:
        # Spend the same time as a real attempt so timing does not reveal unknown names.
        like = next((s.kdf for s in keyring.slots if s.kind == "user"), KdfParams())
        like.derive(secret.encode("utf-8"), b"\0" * 16)
        raise AuthenticationError("Wrong username or password.")
    kek = slot.kdf.derive(secret.encode("utf-8"), slot.salt)
    try:
        return AESGCM(kek).decrypt(slot.nonce, slot.wrapped, _associated_data(keyring, kind, name))
    except InvalidTag:
        raise AuthenticationError("Wrong username or password.") from None


# --- file form -------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise TypeError("expected base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def to_json(keyring: Keyring) -> str:
    return json.dumps(
        {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "store_id": keyring.store_id,
            "lookup_salt": _b64(keyring.lookup_salt),
            "slots": [
                {
                    "id": s.slot_id,
                    "kind": s.kind,
                    "kdf": {
                        "name": "argon2id",
                        "time_cost": s.kdf.time_cost,
                        "memory_kib": s.kdf.memory_kib,
                        "parallelism": s.kdf.parallelism,
                    },
                    "salt": _b64(s.salt),
                    "nonce": _b64(s.nonce),
                    "wrapped_key": _b64(s.wrapped),
                }
                for s in keyring.slots
            ],
        },
        indent=2,
    )


# Bounds a genuine key file never leaves: a hand-edited cost outside them would crash Argon2
# or make a sign-in take hours, so such a file is treated as damaged.
_KDF_LIMITS = {"time_cost": (1, 64), "memory_kib": (8_192, 4_194_304), "parallelism": (1, 64)}


def _checked_kdf(raw: Any) -> KdfParams:
    values = {}
    for name, (low, high) in _KDF_LIMITS.items():
        value = raw[name]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValueError(f"KDF {name} out of range")
        values[name] = value
    return KdfParams(**values)


def from_json(text: str, source: Path) -> Keyring:
    try:
        raw = json.loads(text)
        if raw.get("format") != FORMAT or raw.get("version") != FORMAT_VERSION:
            raise ValueError("not a safedesk keyring")
        slots = []
        for item in raw["slots"]:
            kdf = item["kdf"]
            if kdf["name"] != "argon2id":
                raise ValueError("unknown KDF")
            slots.append(
                Slot(
                    slot_id=str(item["id"]),
                    kind=str(item["kind"]),
                    kdf=_checked_kdf(kdf),
                    salt=_unb64(item["salt"]),
                    nonce=_unb64(item["nonce"]),
                    wrapped=_unb64(item["wrapped_key"]),
                )
            )
        store_id = raw["store_id"]
        if not isinstance(store_id, str) or len(store_id) != 32:
            raise ValueError("bad store id")
        return Keyring(store_id, _unb64(raw["lookup_salt"]), tuple(slots))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StoreDamaged(
            f"The key file {source} is damaged or is not a safedesk key file, so the "
            "database cannot be unlocked. Nothing has been changed. Restore the folder "
            "from a backup."
        ) from exc


def load(path: Path) -> Keyring:
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise StoreDamaged(f"The key file {path} is damaged (it is not text).") from exc
    return from_json(text, path)


def save(keyring: Keyring, path: Path) -> None:
    """Write atomically: a crash leaves either the old file or the new one, whole."""
    tmp = path.with_name(path.name + ".tmp")
    data = to_json(keyring).encode("utf-8")
    with open(tmp, "wb") as handle:
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


def fingerprint(keyring: Keyring) -> str:
    """A short digest of the keyring (for backup manifests)."""
    return hashlib.sha256(to_json(keyring).encode()).hexdigest()[:16]
