"""The backup file: one zip of the encrypted compartment files, the key file and a manifest.

Nothing in it is readable without a key. The manifest names no one: the store's id, each
file's digest, and the audit chain heads of the files the person making it could open,
sealed with an HMAC under a key derived from the `school` file's key (which every account
holds) so that a hand-edited manifest is detected.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from safedesk.store.audit import AuditHead
from safedesk.store.db import StoreDamaged

FORMAT = "safedesk-backup"
FORMAT_VERSION = 2
SUFFIX = ".sdbackup"
KEYS_NAME = "keys.json"
MANIFEST_NAME = "manifest.json"
_MAX_MEMBERS = 16


@dataclass(frozen=True)
class Manifest:
    store_id: str
    created_at: str
    app_version: str
    files: dict[str, str]  # name in the zip -> SHA-256
    heads: dict[str, list[Any]] = field(default_factory=dict)  # compartment -> [seq, hash]
    schema: dict[str, int] = field(default_factory=dict)  # compartment -> schema version
    mac: str = ""

    def head(self, compartment: str) -> AuditHead | None:
        found = self.heads.get(compartment)
        return None if found is None else AuditHead(int(found[0]), str(found[1]))

    def body(self) -> bytes:
        fields = asdict(self)
        fields.pop("mac")
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def sealed(self, school_key: bytes) -> Manifest:
        return Manifest(**{**asdict(self), "mac": _mac(school_key, self.body())})

    def seal_ok(self, school_key: bytes) -> bool:
        return hmac.compare_digest(self.mac, _mac(school_key, self.body()))


def _mac(key: bytes, body: bytes) -> str:
    mac_key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"safedesk backup manifest 2"
    ).derive(key)
    return hmac.new(mac_key, body, "sha256").hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write(target: Path, files: dict[str, Path], manifest: Manifest) -> None:
    """Write the zip (stored: encrypted bytes do not compress)."""
    document = {"format": FORMAT, "version": FORMAT_VERSION, **asdict(manifest)}
    # Its owner's alone, whatever the umask of whoever called (the app and CLI narrow it too).
    private = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with (
        open(private, "wb") as raw,
        zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_STORED) as archive,
    ):
        archive.writestr(MANIFEST_NAME, json.dumps(document, indent=2))
        for name, path in sorted(files.items()):
            archive.write(path, name)


def _not_a_backup(path: Path) -> StoreDamaged:
    return StoreDamaged(
        f"{path.name} is not a safedesk backup, or it is damaged. Nothing has been changed."
    )


def _safe_name(name: str) -> bool:
    return (
        name == KEYS_NAME
        or (name.endswith((".db", ".db-wal")) and "/" not in name and "\\" not in name)
    ) and not name.startswith(".")


def read_manifest(path: Path) -> Manifest:
    try:
        with zipfile.ZipFile(path) as archive:
            raw: dict[str, Any] = json.loads(archive.read(MANIFEST_NAME))
        if raw.pop("format", None) != FORMAT:
            raise ValueError("wrong format")
        version = raw.pop("version", None)
        if version != FORMAT_VERSION:
            raise ValueError("old format")
        manifest = Manifest(**raw)
        if not isinstance(manifest.files, dict) or len(manifest.files) > _MAX_MEMBERS:
            raise ValueError("bad file list")
        if not all(_safe_name(name) for name in manifest.files):
            raise ValueError("bad file name")
        return manifest
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, RecursionError) as exc:
        raise _not_a_backup(path) from exc


def extract(path: Path, folder: Path) -> Manifest:
    """Unpack into ``folder`` and check each file against the manifest's digest."""
    manifest = read_manifest(path)
    try:
        with zipfile.ZipFile(path) as archive:
            for name in manifest.files:
                with archive.open(name) as source, open(folder / name, "wb") as sink:
                    for block in iter(lambda: source.read(1 << 20), b""):
                        sink.write(block)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise _not_a_backup(path) from exc
    for name, digest in manifest.files.items():
        if sha256_file(folder / name) != digest:
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
