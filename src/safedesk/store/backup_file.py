"""The backup file: one zip holding the encrypted database, the key slots and a manifest.

Nothing in it is readable without a key. The manifest names no one: it carries the
store's id, the audit chain's head and file digests, sealed with an HMAC under a key
derived from the data key so that a hand-edited manifest is detected.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from safedesk.store.audit import AuditHead
from safedesk.store.db import StoreDamaged

FORMAT = "safedesk-backup"
FORMAT_VERSION = 1
SUFFIX = ".sdbackup"
DB_NAME = "safedesk.db"
KEYRING_NAME = "keyring.json"
MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class Manifest:
    store_id: str
    created_at: str
    schema_version: int
    app_version: str
    audit_seq: int
    audit_hash: str
    db_sha256: str
    keyring_sha256: str
    mac: str = ""

    @property
    def head(self) -> AuditHead:
        return AuditHead(self.audit_seq, self.audit_hash)

    def body(self) -> bytes:
        fields = asdict(self)
        fields.pop("mac")
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def sealed(self, data_key: bytes) -> Manifest:
        return Manifest(**{**asdict(self), "mac": _mac(data_key, self.body())})

    def seal_ok(self, data_key: bytes) -> bool:
        return hmac.compare_digest(self.mac, _mac(data_key, self.body()))


def _mac(data_key: bytes, body: bytes) -> str:
    mac_key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"safedesk backup manifest"
    ).derive(data_key)
    return hmac.new(mac_key, body, "sha256").hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write(target: Path, db_file: Path, keyring_file: Path, manifest: Manifest) -> None:
    """Write the zip (stored: encrypted bytes do not compress)."""
    document = {"format": FORMAT, "version": FORMAT_VERSION, **asdict(manifest)}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(MANIFEST_NAME, json.dumps(document, indent=2))
        archive.write(keyring_file, KEYRING_NAME)
        archive.write(db_file, DB_NAME)


def _not_a_backup(path: Path) -> StoreDamaged:
    return StoreDamaged(
        f"{path.name} is not a safedesk backup, or it is damaged. Nothing has been changed."
    )


def read_manifest(path: Path) -> Manifest:
    try:
        with zipfile.ZipFile(path) as archive:
            raw: dict[str, Any] = json.loads(archive.read(MANIFEST_NAME))
        if raw.pop("format", None) != FORMAT or raw.pop("version", None) != FORMAT_VERSION:
            raise ValueError("wrong format")
        return Manifest(**raw)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise _not_a_backup(path) from exc


def extract(path: Path, folder: Path) -> Manifest:
    """Unpack into ``folder`` and check each file against the manifest's digest."""
    manifest = read_manifest(path)
    try:
        with zipfile.ZipFile(path) as archive:
            for name in (DB_NAME, KEYRING_NAME):
                with archive.open(name) as source, open(folder / name, "wb") as sink:
                    for block in iter(lambda: source.read(1 << 20), b""):
                        sink.write(block)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise _not_a_backup(path) from exc
    if sha256_file(folder / DB_NAME) != manifest.db_sha256 or (
        sha256_file(folder / KEYRING_NAME) != manifest.keyring_sha256
    ):
        raise StoreDamaged(
            f"{path.name} is damaged: its contents do not match its manifest. "
            "Nothing has been changed; try an older backup."
        )
    return manifest


def find_backups(folders: list[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            found.extend(sorted(folder.glob(f"*{SUFFIX}")))
    return found
