"""Thin, named wrappers round `cryptography` and Argon2id: no primitive is written here.

- password → Argon2id → key-encryption key → AES-256-GCM (a key slot)
- HPKE (RFC 9180: X25519, HKDF-SHA256, AES-256-GCM) seals a message to a public key
- Ed25519 signs and verifies
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

KEY_BYTES = 32
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


class CannotOpen(Exception):
    """A sealed or wrapped message did not open: wrong key, or it was altered."""


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

    def as_json(self) -> dict[str, Any]:
        return {
            "name": "argon2id",
            "time_cost": self.time_cost,
            "memory_kib": self.memory_kib,
            "parallelism": self.parallelism,
        }


# Tests and the throwaway demo use this; never a real school's store.
FAST_KDF = KdfParams(time_cost=1, memory_kib=8_192, parallelism=1)

# The least a key slot may cost (OWASP's Argon2id floor, rounded up): a slot written with
# less is refused, and a key file asking for less is treated as tampered with. Only code
# (the test suite, the throwaway demo) can lower it; no setting or variable can.
MIN_KDF = KdfParams(time_cost=2, memory_kib=65_536, parallelism=1)
MAX_KDF = KdfParams(time_cost=16, memory_kib=1_048_576, parallelism=16)
_weak_allowed_for: list[str] = []


class WeakKdf(ValueError):
    """A key slot would be written with less protection than MIN_KDF."""


def allow_weak_kdf(why: str) -> None:
    """Let this process write and read cheap key slots (FAST_KDF): the test suite and the
    throwaway demo only."""
    _weak_allowed_for.append(why)


def weak_kdf_allowed() -> bool:
    return bool(_weak_allowed_for)


def require_strong(kdf: KdfParams) -> None:
    if weak_kdf_allowed():
        return
    if kdf.time_cost < MIN_KDF.time_cost or kdf.memory_kib < MIN_KDF.memory_kib:
        raise WeakKdf(
            "Refusing to protect a password with weak key-derivation settings "
            f"({kdf.memory_kib // 1024} MiB, {kdf.time_cost} passes); the least allowed is "
            f"{MIN_KDF.memory_kib // 1024} MiB and {MIN_KDF.time_cost} passes."
        )


def random_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def canonical(value: Any) -> bytes:
    """One byte form for a JSON value, so that a signature covers exactly one meaning."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- AES-GCM under a key-encryption key ---------------------------------------------------


def wrap(key: bytes | bytearray, plaintext: bytes, associated: bytes) -> tuple[bytes, bytes]:
    nonce = secrets.token_bytes(12)
    return nonce, AESGCM(bytes(key)).encrypt(nonce, plaintext, associated)


def unwrap(key: bytes | bytearray, nonce: bytes, wrapped: bytes, associated: bytes) -> bytes:
    try:
        return AESGCM(bytes(key)).decrypt(nonce, wrapped, associated)
    except (InvalidTag, ValueError):
        raise CannotOpen from None


# --- key pairs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BoxKeys:
    """An X25519 key pair: things are sealed to its public half."""

    private: bytes = field(repr=False)
    public: bytes

    @classmethod
    def generate(cls) -> BoxKeys:
        return cls.from_private(
            X25519PrivateKey.generate().private_bytes(
                Encoding.Raw, PrivateFormat.Raw, NoEncryption()
            )
        )

    @classmethod
    def from_private(cls, private: bytes) -> BoxKeys:
        key = X25519PrivateKey.from_private_bytes(private)
        return cls(private, key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


@dataclass(frozen=True)
class SignKeys:
    """An Ed25519 key pair."""

    private: bytes = field(repr=False)
    public: bytes

    @classmethod
    def generate(cls) -> SignKeys:
        return cls.from_private(
            Ed25519PrivateKey.generate().private_bytes(
                Encoding.Raw, PrivateFormat.Raw, NoEncryption()
            )
        )

    @classmethod
    def from_private(cls, private: bytes) -> SignKeys:
        key = Ed25519PrivateKey.from_private_bytes(private)
        return cls(private, key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.private).sign(message)


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def fingerprint(public: bytes) -> str:
    """A short name for a public key (it names nobody)."""
    return hashlib.sha256(public).hexdigest()[:32]


# --- HPKE ---------------------------------------------------------------------------------


def seal(public: bytes, plaintext: bytes, info: bytes) -> bytes:
    """HPKE base mode: only the holder of the matching private key can open it."""
    return bytes(_SUITE.encrypt(plaintext, X25519PublicKey.from_public_bytes(public), info=info))


def open_sealed(private: bytes, sealed: bytes, info: bytes) -> bytes:
    try:
        key = X25519PrivateKey.from_private_bytes(private)
        return bytes(_SUITE.decrypt(sealed, key, info=info))
    except (InvalidTag, ValueError):
        raise CannotOpen from None
