"""What an outsider-with-an-account can do, with nothing the program would not give them.

Everything here works from what one person holds: their own password, a key file (the live
one, or a copy they kept earlier), files copied out of the data folder or a backup, and raw
`sqlcipher3` connections. The program's own modules are used only to unwrap the person's own
key slot and to open what was sealed to keys they hold — exactly what a member of staff "with
the program's own code and their own password" can do on the office PC.

Nothing here opens a live file in place: a raw SQLite reader in WAL mode can checkpoint or
delete the WAL when it closes, so every attempt works on copies.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlcipher3

from safedesk.domain.errors import AuthenticationError
from safedesk.store import crypto, keyfile, sealed_items
from safedesk.store.crypto import BoxKeys
from safedesk.store.key_material import (
    AccountSecrets,
    CompartmentKeys,
    Pin,
    open_keys,
    open_recovery,
    open_slot,
    rewrap,
)
from safedesk.store.keyfile import KeyFile

COMPARTMENT_FILES = ("school.db", "safeguarding.db", "behaviour.db")

# --- the command line, as a script outside safedesk uses it ---------------------------------

_ENTRY = "import sys; from safedesk.cli import main; sys.exit(main())"


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


def admin(
    data: Path | None, *args: str, password: str | None = None, env: dict[str, str] | None = None
) -> Ran:
    """Run `safedesk-admin ARGS --data-dir DATA` in a new process (cheap test key slots)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SAFEDESK_")}
    full_env["SAFEDESK_TEST_FAST_KDF"] = "1"
    if password is not None:
        full_env["SAFEDESK_PASSWORD"] = password
    full_env.update(env or {})
    argv = [sys.executable, "-c", _ENTRY, *args]
    if data is not None:
        argv += ["--data-dir", str(data)]
    done = subprocess.run(
        argv, env=full_env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL
    )
    return Ran(done.returncode, done.stdout, done.stderr)


# --- keys a person can derive ----------------------------------------------------------------


@dataclass
class Loot:
    """Every key one person can obtain from one key file with one password."""

    store_id: str = ""
    account: AccountSecrets | None = None
    compartments: list[CompartmentKeys] = field(default_factory=list)

    @property
    def file_keys(self) -> list[bytes]:
        return [k.file_key for k in self.compartments]

    @property
    def own_box_privates(self) -> list[bytes]:
        return [] if self.account is None else self.account.box_privates

    def compartment_names(self) -> set[str]:
        return {k.compartment for k in self.compartments}


def read_key_file(data: bytes, where: Path | None = None) -> KeyFile:
    return keyfile.from_json(data.decode("utf-8"), where or Path("keys.json"))


def loot(key_file_bytes: bytes, username: str, password: str) -> Loot:
    """Unwrap ``username``'s slot with ``password`` and open every compartment key sealed to
    any box key the slot holds (its current and earlier ones). Empty loot if the slot does
    not open."""
    key_file = read_key_file(key_file_bytes)
    found = Loot(store_id=key_file.store_id)
    try:
        unlocked = open_slot(key_file, key_file.account(username), password)
    except AuthenticationError:
        return found
    found.account = unlocked.secrets
    privates = unlocked.secrets.box_privates
    seen: set[tuple[str, int]] = set()
    for item in key_file.sealed:
        if (item.compartment, item.epoch) in seen:
            continue
        keys = open_keys(key_file, item.compartment, item.epoch, privates)
        if keys is not None:
            seen.add((item.compartment, item.epoch))
            found.compartments.append(keys)
    return found


def loot_with_recovery(key_file_bytes: bytes, code: str) -> Loot:
    """Every compartment key sealed to the recovery key, for whoever holds its code."""
    key_file = read_key_file(key_file_bytes)
    found = Loot(store_id=key_file.store_id)
    try:
        recovery = open_recovery(key_file, code)
    except AuthenticationError:
        return found
    for compartment, epochs in key_file.epochs.items():
        for epoch in (epochs.current, epochs.next):
            if epoch is None:
                continue
            keys = open_keys(key_file, compartment, epoch, [recovery.box.private])
            if keys is not None:
                found.compartments.append(keys)
    return found


def opens(folder: Path, person: Loot) -> set[str]:
    """Which files of ``folder`` (each with its WAL) one of the person's keys opens."""
    return {
        name
        for name in COMPARTMENT_FILES
        if (folder / name).exists() and opening_key(folder / name, person.file_keys) is not None
    }


def edit_slot(
    keys_path: Path, username: str, password: str, edit: Callable[[AccountSecrets], None]
) -> None:
    """Whoever knows a slot's password opens it, changes what is inside and wraps it again
    under the same password: keys.json is writable by every Windows user on the PC."""

    def change(current: KeyFile) -> KeyFile:
        unlocked = open_slot(current, current.account(username), password)
        edit(unlocked.secrets)
        return current.with_account(rewrap(current, unlocked).slot)

    keyfile.update(keys_path, change)


def merge(*loots: Loot) -> Loot:
    """What a person holds from several key files (a kept copy and the live one)."""
    out = Loot(store_id=next((x.store_id for x in loots if x.store_id), ""))
    secrets = [x.account for x in loots if x.account is not None]
    out.account = secrets[0] if secrets else None
    extra_box = [p for s in secrets[1:] for p in s.box_privates]
    if out.account is not None and extra_box:
        out.account = AccountSecrets.from_bytes(out.account.to_bytes())
        out.account.old_box = [*out.account.old_box, *extra_box]
    keys: dict[bytes, CompartmentKeys] = {}
    for x in loots:
        for k in x.compartments:
            keys.setdefault(k.file_key, k)
    out.compartments = list(keys.values())
    return out


# --- raw SQLCipher -----------------------------------------------------------------------------


def _key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


@contextlib.contextmanager
def raw_open(db: Path, key: bytes, *, with_wal: bool = True) -> Iterator[object | None]:
    """A raw connection to a *copy* of ``db`` (and its WAL), keyed with ``key``; None when the
    key does not open it."""
    with tempfile.TemporaryDirectory(prefix="sd-attack-") as tmp:
        copy = Path(tmp) / db.name
        shutil.copyfile(db, copy)
        wal = Path(f"{db}-wal")
        if with_wal and wal.exists():
            shutil.copyfile(wal, Path(f"{copy}-wal"))
        conn = sqlcipher3.connect(str(copy))
        try:
            try:
                conn.execute("PRAGMA cipher_log_level = NONE")
                conn.execute(_key_pragma(key))
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlcipher3.DatabaseError:
                yield None
                return
            yield conn
        finally:
            conn.close()


def opening_key(db: Path, keys: Iterable[bytes], *, with_wal: bool = True) -> bytes | None:
    for key in keys:
        with raw_open(db, key, with_wal=with_wal) as conn:
            if conn is not None:
                return key
    return None


def dump(conn: object) -> str:
    """Every value of every table (FTS shadow tables too), as text."""
    parts: list[str] = []
    tables = [
        r[0]
        for r in conn.execute(  # type: ignore[attr-defined]
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        ).fetchall()
    ]
    for table in tables:
        try:
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()  # type: ignore[attr-defined]
        except sqlcipher3.DatabaseError:
            continue  # a virtual table whose module is missing
        for row in rows:
            for value in row:
                if isinstance(value, bytes):
                    parts.append(value.decode("utf-8", "replace"))
                elif value is not None:
                    parts.append(str(value))
    return "\n".join(parts)


def _rows(conn: object, sql: str) -> list[tuple]:
    try:
        return [tuple(r) for r in conn.execute(sql).fetchall()]  # type: ignore[attr-defined]
    except sqlcipher3.DatabaseError:
        return []


@dataclass
class Readable:
    """What one person could read from a set of files: place -> text."""

    texts: dict[str, str] = field(default_factory=dict)
    opened: set[str] = field(default_factory=set)  # file names that opened

    def places_with(self, secret: str) -> set[str]:
        return {place for place, text in self.texts.items() if secret in text}

    def any(self, secret: str) -> bool:
        return bool(self.places_with(secret))


def everything_readable(folder: Path, person: Loot, *, with_wal: bool = True) -> Readable:
    """Try every key ``person`` holds on every compartment file in ``folder`` (with its WAL);
    dump what opens; open every sealed item in `school` with every box key they hold or can
    read out of a compartment they opened (its key history)."""
    found = Readable()
    compartment_privates: dict[str, list[bytes]] = {}
    for k in person.compartments:
        compartment_privates.setdefault(k.compartment, []).append(k.box.private)
    school_rows: dict[str, list[tuple]] = {}
    for name in COMPARTMENT_FILES:
        db = folder / name
        if not db.exists():
            continue
        for key in person.file_keys:
            with raw_open(db, key, with_wal=with_wal) as conn:
                if conn is None:
                    continue
                found.opened.add(name)
                found.texts[name] = dump(conn)
                compartment = name.removesuffix(".db")
                for (private,) in _rows(conn, "SELECT box_private FROM key_epoch"):
                    compartment_privates.setdefault(compartment, []).append(bytes(private))
                if name == "school.db":
                    school_rows["inbox_item"] = _rows(
                        conn, "SELECT id, compartment, item FROM inbox_item"
                    )
                    for table in ("sealed_copy", "sealed_receipt", "sealed_draft"):
                        school_rows[table] = _rows(conn, f"SELECT id, item FROM {table}")
                break
    store_id = person.store_id
    for row_id, compartment, item in school_rows.get("inbox_item", []):
        privates = compartment_privates.get(compartment, []) + person.own_box_privates
        for private in privates:
            with contextlib.suppress(sealed_items.BadItem, ValueError):
                opened = sealed_items.open_item(store_id, compartment, bytes(item), private)
                found.texts[f"school.db:inbox_item:{row_id}"] = json.dumps(
                    opened.body, ensure_ascii=False
                )
                break
    for table, what in (
        ("sealed_copy", "copy"),
        ("sealed_receipt", "receipt"),
        ("sealed_draft", "draft"),
    ):
        for row_id, item in school_rows.get(table, []):
            every = person.own_box_privates + [
                p for ps in compartment_privates.values() for p in ps
            ]
            value = sealed_items.open_for(store_id, what, bytes(item), every)
            if value is not None:
                found.texts[f"school.db:{table}:{row_id}"] = json.dumps(value, ensure_ascii=False)
    return found


# --- raw bytes ---------------------------------------------------------------------------------


def byte_forms(secret: str) -> list[bytes]:
    forms = []
    for text in {secret, secret.lower(), secret.upper()}:
        forms += [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]
    return forms


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def leaks(paths: Iterable[Path], secrets: Iterable[str]) -> list[tuple[str, str]]:
    """(file, secret) for every secret whose bytes appear in a file (zips unpacked too)."""
    found = []
    wanted = list(secrets)
    for path in paths:
        blobs = [(path.name, path.read_bytes())]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                blobs += [(f"{path.name}!{n}", archive.read(n)) for n in archive.namelist()]
        for label, data in blobs:
            for secret in wanted:
                if any(form in data for form in byte_forms(secret)):
                    found.append((label, secret))
    return found


def snapshot(folder: Path, into: Path) -> Path:
    """Copy every file of a data folder as it is now (the app may be open): a thief's copy."""
    into.mkdir(parents=True, exist_ok=True)
    for path in folder.iterdir():
        if path.is_file():
            shutil.copyfile(path, into / path.name)
    return into


def unpack_backup(backup: Path, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(backup) as archive:
        for name in archive.namelist():
            if "/" in name or "\\" in name or name.startswith("."):
                continue
            (into / name).write_bytes(archive.read(name))
    return into


# --- writing behind the program's back (with a key one holds) ----------------------------------


@contextlib.contextmanager
def raw_write(db: Path, key: bytes) -> Iterator[object]:
    """A raw connection to the *live* file, to change it behind the program's back."""
    conn = sqlcipher3.connect(str(db), isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(_key_pragma(key))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()


def school_key(person: Loot, folder: Path) -> bytes:
    """The key that opens the live `school.db` among those ``person`` holds."""
    key = opening_key(folder / "school.db", person.file_keys)
    assert key is not None, "this person should hold the school key"
    return key


def new_box() -> BoxKeys:
    return BoxKeys.generate()


def fingerprint(public: bytes) -> str:
    return crypto.fingerprint(public)


def record_with_cli(
    data: Path, kind: str, user: str, password: str, payload: dict[str, object]
) -> str:
    """`safedesk-admin record KIND --user USER --json FILE`: the new record's reference."""
    with tempfile.TemporaryDirectory(prefix="sd-record-") as tmp:
        source = Path(tmp) / "record.json"
        source.write_text(json.dumps(payload, ensure_ascii=False), "utf-8")
        done = admin(data, "record", kind, "--user", user, "--json", str(source), password=password)
    assert done.code == 0, done.err
    return done.out.strip()


def queue_with_cli(data: Path, user: str, password: str) -> list[dict[str, object]]:
    """`safedesk-admin queue --user USER --json`."""
    done = admin(data, "queue", "--user", user, "--json", password=password)
    assert done.code == 0, done.err
    found: list[dict[str, object]] = json.loads(done.out)
    return found


def put_in_inbox(data: Path, key: bytes, compartment: str, item: bytes) -> None:
    """Put a sealed item in `school`'s inbox with a raw connection (any account can)."""
    with raw_write(data / "school.db", key) as conn:
        conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO inbox_item (compartment, put_at, item) VALUES (?, ?, ?)",
            (compartment, datetime.now(UTC).isoformat(), item),
        )


def put_in_inbox_as_the_program(data: Path, key: bytes, compartment: str, item: bytes) -> None:
    """The same, with the anonymous audit event the program writes for a put (one row, the
    item's real ledger hash): it needs no signature, so anyone can write it, and the item
    then passes the check that it is the one put there."""
    import json

    from safedesk.domain.clock import to_stored
    from safedesk.store import audit, ledger

    with raw_write(data / "school.db", key) as conn:
        cursor = conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO inbox_item (compartment, put_at, item) VALUES (?, ?, ?)",
            (compartment, to_stored(datetime.now(UTC)), item),
        )
        item_id = int(cursor.lastrowid)
        version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])  # type: ignore[attr-defined]
        digest = ledger.row_hash(conn, "inbox_item", [item_id], version)  # type: ignore[arg-type]
        detail = json.dumps(
            {"rows": [["inbox_item", [item_id], "insert", digest, str(item_id)]]},
            ensure_ascii=False,
            sort_keys=True,
        )
        seq, prev = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC").fetchone()  # type: ignore[attr-defined]
        at = to_stored(datetime.now(UTC))
        row = audit.row_hash(prev, seq + 1, at, None, "inbox.item_put", None, None, detail)
        conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO audit_log (seq, at, actor, action, object_type, object_id, detail, "
            "prev_hash, hash) VALUES (?, ?, NULL, 'inbox.item_put', NULL, NULL, ?, ?, ?)",
            (seq + 1, at, detail, prev, row),
        )


def reseal(
    store_id: str, compartment: str, item: bytes, private: bytes, to: Pin
) -> tuple[dict[str, object], bytes]:
    """Open an inbox item sealed to a key one holds, and seal the very same signed bytes to
    another key of the compartment: the author's signature covers neither key."""
    epoch = sealed_items.item_epoch(item)
    plain = crypto.open_sealed(
        private, item[8:], sealed_items._info("inbox", store_id, compartment, str(epoch))
    )
    info = sealed_items._info("inbox", store_id, compartment, str(to.epoch))
    again = item[:4] + to.epoch.to_bytes(4, "big") + crypto.seal(to.box_public, plain, info)
    opened: dict[str, object] = json.loads(plain)
    return opened, again


def inbox_rows(data: Path, key: bytes) -> list[tuple[int, str, str, bytes]]:
    """(id, compartment, put_at, sealed item) of every item waiting in `school`'s inbox."""
    with raw_open(data / "school.db", key) as conn:
        assert conn is not None
        return [
            (r[0], r[1], r[2], bytes(r[3]))
            for r in conn.execute(  # type: ignore[attr-defined]
                "SELECT id, compartment, put_at, item FROM inbox_item ORDER BY id"
            ).fetchall()
        ]
