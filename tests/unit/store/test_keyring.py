"""Key slots: wrap and unwrap, wrong secrets, damaged files, no names in the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from safedesk.domain.errors import AuthenticationError
from safedesk.store import keyring
from safedesk.store.db import StoreDamaged
from safedesk.store.keyring import FAST_KDF


def _ring() -> tuple[keyring.Keyring, bytes]:
    key = keyring.new_data_key()
    ring = keyring.new_keyring("ab" * 16)
    ring = keyring.add_user(ring, "j.smith", "a long password", key, FAST_KDF)
    return ring, key


def test_right_password_unwraps_the_data_key() -> None:
    ring, key = _ring()
    assert keyring.unwrap_user(ring, "J.Smith ", "a long password") == key


@pytest.mark.parametrize(("user", "password"), [("j.smith", "wrong"), ("nobody", "x")])
def test_wrong_user_or_password_says_the_same_thing(user: str, password: str) -> None:
    ring, _ = _ring()
    with pytest.raises(AuthenticationError, match=r"^Wrong username or password\.$"):
        keyring.unwrap_user(ring, user, password)


def test_slot_cannot_be_moved_to_another_user() -> None:
    ring, _ = _ring()
    slot = ring.slots[0]
    moved = ring.with_slot(
        keyring.Slot(
            ring.user_slot_id("mallory"), "user", slot.kdf, slot.salt, slot.nonce, slot.wrapped
        )
    )
    with pytest.raises(AuthenticationError):
        keyring.unwrap_user(moved, "mallory", "a long password")


def test_recovery_key_tolerates_case_and_dashes() -> None:
    ring, key = _ring()
    recovery = keyring.new_recovery_key()
    ring = keyring.add_recovery(ring, recovery, key, FAST_KDF)
    assert keyring.unwrap_recovery(ring, recovery.lower().replace("-", " ")) == key


def test_file_round_trip_names_nobody(tmp_path: Path) -> None:
    ring, key = _ring()
    path = tmp_path / "keyring.json"
    keyring.save(ring, path)
    assert b"smith" not in path.read_bytes()
    assert keyring.unwrap_user(keyring.load(path), "j.smith", "a long password") == key


@pytest.mark.parametrize(
    "content",
    ["", "{", "[]", '{"format": "safedesk-keyring", "version": 1}', "\u00ff\u00fe", "null"],
)
def test_damaged_file_is_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "keyring.json"
    path.write_text(content, "utf-8")
    with pytest.raises(StoreDamaged, match="key file"):
        keyring.load(path)


def test_binary_garbage_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(StoreDamaged):
        keyring.load(path)
