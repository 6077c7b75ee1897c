"""safedesk-admin: headless administration. Command names, flags and exit codes are a contract."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from safedesk.domain.entries import StoredEntry
from safedesk.domain.errors import (
    AuthenticationError,
    NotFound,
    PermissionDenied,
    SafedeskError,
    ValidationError,
)
from safedesk.domain.roles import parse_role
from safedesk.paths import DataPaths
from safedesk.services import amendments, backup, integrity, lists, pupils, records, users, vault
from safedesk.services.session import Session
from safedesk.store.db import StoreError, StoreLocked
from safedesk.store.instance_lock import InstanceLock
from safedesk.store.keyring import FAST_KDF, KdfParams

EXIT_OK = 0
EXIT_FAILED_CHECK = 1
EXIT_BAD_INPUT = 2
EXIT_NOT_ALLOWED = 3
EXIT_LOCKED = 4

# Names of environment variables, not secrets.
PASSWORD_ENV = "SAFEDESK_PASSWORD"  # noqa: S105
NEW_PASSWORD_ENV = "SAFEDESK_NEW_PASSWORD"  # noqa: S105
RECOVERY_ENV = "SAFEDESK_RECOVERY_KEY"
# Cheap key slots for the test suite only; a real school must never set this.
FAST_KDF_ENV = "SAFEDESK_TEST_FAST_KDF"


class UsageError(SafedeskError):
    pass


def kdf_params() -> KdfParams:
    if os.environ.get(FAST_KDF_ENV) == "1":
        print("warning: weak test key derivation in use", file=sys.stderr)
        return FAST_KDF
    return KdfParams()


def secret_from(env: str, prompt: str) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    raise UsageError(f"No password given: set {env} or run this from a terminal.")


def out(text: str = "") -> None:
    print(text)


# --- commands ---------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, paths: DataPaths) -> int:
    password = secret_from(PASSWORD_ENV, f"New password for {args.user}: ")
    with InstanceLock(paths.lock):
        created = vault.create_school(
            paths,
            school_name=args.school,
            username=args.user,
            display_name=args.display or args.user,
            password=password,
            kdf=kdf_params(),
        )
    out(f"Created the safedesk store for {args.school.strip()} in {paths.root}")
    out(f"First user: {args.user} (headteacher and administrator)")
    out("")
    out("RECOVERY KEY — shown only this once. Print it and lock it away; it can reset")
    out("any password if every administrator forgets theirs:")
    out("")
    out(f"    {created.recovery_key}")
    return EXIT_OK


@contextmanager
def signed_in(args: argparse.Namespace, paths: DataPaths, *, exclusive: bool) -> Iterator[Session]:
    """Sign in as --user; ``exclusive`` commands also take the one-instance lock."""
    password = secret_from(PASSWORD_ENV, f"Password for {args.user}: ")
    lock = InstanceLock(paths.lock).acquire() if exclusive else None
    try:
        session = vault.sign_in(paths, args.user, password)
        try:
            yield session
        finally:
            session.lock()
    finally:
        if lock:
            lock.release()


def cmd_user_add(args: argparse.Namespace, paths: DataPaths) -> int:
    roles = {parse_role(r) for r in args.role}
    new_password = secret_from(NEW_PASSWORD_ENV, f"Password for {args.new}: ")
    with signed_in(args, paths, exclusive=True) as session:
        added = users.add_user(
            session,
            username=args.new,
            display_name=args.display,
            roles=roles,
            password=new_password,
            kdf=kdf_params(),
        )
    out(f"Added {added.username} ({added.display_name}): {added.roles_label}")
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        found = users.list_users(session)
    if args.json:
        rows = [
            {
                "username": u.username,
                "display_name": u.display_name,
                "roles": sorted(r.value for r in u.roles),
                "active": u.active,
            }
            for u in found
        ]
        out(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for u in found:
        state = "" if u.active else "  (disabled)"
        out(f"{u.username:<20} {u.display_name:<30} {u.roles_label}{state}")
    return EXIT_OK


def cmd_user_disable(args: argparse.Namespace, paths: DataPaths) -> int:
    target = args.target or args.name
    if not target:
        raise UsageError("Name the account to disable (user disable NAME).")
    with signed_in(args, paths, exclusive=True) as session:
        users.disable_user(session, target)
    out(f"Disabled {target}; its password no longer unlocks the store.")
    return EXIT_OK


def cmd_passwd(args: argparse.Namespace, paths: DataPaths) -> int:
    new_password = secret_from(NEW_PASSWORD_ENV, "New password: ")
    if args.recovery:
        recovery_key = secret_from(RECOVERY_ENV, "Recovery key: ")
        with InstanceLock(paths.lock):
            vault.reset_with_recovery_key(
                paths, recovery_key, args.user, new_password, kdf_params()
            )
        out(f"Password for {args.user} reset with the recovery key.")
        return EXIT_OK
    with signed_in(args, paths, exclusive=True) as session:
        if args.target and args.target != session.user.username:
            users.reset_password(session, args.target, new_password, kdf_params())
            out(f"Password for {args.target} reset.")
        else:
            current = secret_from(PASSWORD_ENV, "Current password: ")
            users.change_own_password(session, current, new_password, kdf_params())
            out("Your password has been changed.")
    return EXIT_OK


def cmd_pupils_import(args: argparse.Namespace, paths: DataPaths) -> int:
    from safedesk.services import pupil_import

    source = Path(args.file)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise UsageError(f"Cannot read {source}: {exc.strerror}.") from None
    with signed_in(args, paths, exclusive=True) as session:
        result = pupil_import.import_pupils(session, data)
    out(f"added {result.added}")
    out(f"updated {result.updated}")
    out(f"unchanged {result.unchanged}")
    return EXIT_OK


def cmd_pupils_list(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        found = pupils.list_pupils(session)
    if args.json:
        rows = [
            {
                "upn": p.upn,
                "legal_surname": p.details.legal_surname,
                "legal_forename": p.details.legal_forename,
                "preferred_forename": p.details.preferred_forename,
                "date_of_birth": p.details.date_of_birth.isoformat(),
                "gender": p.details.gender,
                "year_group": p.details.year_group,
                "class_name": p.details.class_name,
                "sen": p.details.sen,
                "fsm": p.details.fsm,
                "cla": p.details.cla,
                "eal": p.details.eal,
            }
            for p in found
        ]
        out(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for p in found:
        d = p.details
        name = f"{d.legal_surname}, {d.known_as}"
        out(f"{p.upn}  {name:<36} {d.year_group or '':<4} {d.class_name or ''}")
    out(f"{len(found)} pupils")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        report = integrity.verify(session)
    out(f"audit chain head: seq {report.head.seq} hash {report.head.hash}")
    out(f"audit rows: {report.audit_rows}; backups checked: {report.backups_checked}")
    if report.ok:
        out("OK: database integrity, encrypted pages and audit chain are sound.")
        return EXIT_OK
    for problem in report.problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return EXIT_FAILED_CHECK


def cmd_backup(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        written = backup.create_backup(session, Path(args.to) if args.to else None)
    out(str(written))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, paths: DataPaths) -> int:
    password = secret_from(PASSWORD_ENV, f"Password for {args.user} (in the backup): ")
    with InstanceLock(paths.lock):
        result = backup.restore_backup(paths, Path(args.source), args.user, password)
    out(f"Restored {Path(args.source).name} into {paths.root}")
    out(f"audit chain head: seq {result.head.seq} hash {result.head.hash}")
    if result.set_aside:
        out(f"The store it replaced was kept in {result.set_aside}")
    return EXIT_OK


def _read_json(source: str) -> object:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"Cannot read {source}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise UsageError(f"{source} is not UTF-8 text.") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            {"json": f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"}
        ) from None


def cmd_record(args: argparse.Namespace, paths: DataPaths) -> int:
    kind = records.parse_kind(args.kind)
    payload = _read_json(args.json)
    if not isinstance(payload, dict):
        raise ValidationError({"json": "must be one JSON object with the record's fields"})
    with signed_in(args, paths, exclusive=False) as session:
        ref = records.record(session, kind, payload)
    out(ref)
    return EXIT_OK


def cmd_lists(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        found = lists.choices(session)
    if args.json:
        out(
            json.dumps(
                {name: [v for v, _ in values] for name, values in found.items()},
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    for name, values in found.items():
        out(f"{name}:")
        for value, label in values:
            out(f"  {value:<24} {label}")
    return EXIT_OK


def entry_json(entry: StoredEntry) -> dict[str, object]:
    return {
        "ref": entry.ref,
        "kind": entry.kind.value,
        "author": entry.author,
        "occurred_at": local_iso(entry.occurred_at),
        "recorded_at": local_iso(entry.recorded_at),
        "pupils": [
            {"upn": p.upn, "name": p.name, "role": p.role.value if p.role else None}
            for p in entry.pupils
        ],
        "status": entry.status.value,
        "fields": entry.current(),
        "original": entry.original,
        "amendments": [
            {
                "field": a.field,
                "old_value": a.old_value,
                "new_value": a.new_value,
                "reason": a.reason,
                "author": a.author,
                "at": local_iso(a.at),
            }
            for a in entry.amendments
        ],
    }


def local_iso(moment: datetime) -> str:
    return moment.astimezone().isoformat(timespec="seconds")


def cmd_records(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        found = records.pupil_records(session, args.pupil)
    if args.json:
        out(json.dumps([entry_json(e) for e in found], ensure_ascii=False, indent=2))
        return EXIT_OK
    for entry in found:
        when = entry.occurred_at.astimezone().strftime("%d/%m/%Y %H:%M")
        note = f"  ({len(entry.amendments)} amendments)" if entry.amendments else ""
        out(f"{entry.ref:<14} {when}  {entry.kind.label:<22} {entry.status.label}{note}")
    out(f"{len(found)} records")
    return EXIT_OK


def cmd_amend(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        amendments.amend(session, args.ref, args.field, args.value, args.reason)
    out(f"Amended {args.ref.upper()}: {args.field}")
    return EXIT_OK


# --- parser -----------------------------------------------------------------------------


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    common = Parser(add_help=False)
    common.add_argument("--data-dir", help="the school's data folder (default: per-user folder)")
    acting = Parser(add_help=False)
    acting.add_argument(
        "--user",
        required=True,
        help=f"who is doing this (password from ${PASSWORD_ENV}, or asked for)",
    )

    parser = Parser(prog="safedesk-admin", description=__doc__, parents=[common])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    def command(
        name: str,
        handler: Callable[..., int],
        help_text: str,
        *parents: Parser,
        under: argparse._SubParsersAction[Parser] | None = None,
    ) -> argparse.ArgumentParser:
        sub = (under or commands).add_parser(name, help=help_text, parents=[common, *parents])
        sub.set_defaults(handler=handler)
        return sub

    init = command("init", cmd_init, "create a new school store and its first user")
    init.add_argument("--school", required=True)
    init.add_argument("--user", required=True)
    init.add_argument("--display", help="the first user's full name")

    user = commands.add_parser("user", help="staff accounts")
    user_commands = user.add_subparsers(dest="user_command", required=True, parser_class=Parser)
    add = command("add", cmd_user_add, "add an account", acting, under=user_commands)
    add.add_argument(
        "--new", required=True, help=f"new username (password from ${NEW_PASSWORD_ENV})"
    )
    add.add_argument(
        "--role",
        required=True,
        action="append",
        help="staff, dsl, behaviour_lead, head or admin (repeat for several)",
    )
    add.add_argument("--display", required=True, help='full name, e.g. "Mrs Jo Smith"')
    listing = command("list", cmd_user_list, "list accounts", acting, under=user_commands)
    listing.add_argument("--json", action="store_true")
    disable = command(
        "disable", cmd_user_disable, "disable an account", acting, under=user_commands
    )
    disable.add_argument("name", nargs="?")
    disable.add_argument("--target")

    passwd = command("passwd", cmd_passwd, "change or reset a password", acting)
    passwd.add_argument("--target", help="reset this user's password (administrators)")
    passwd.add_argument(
        "--recovery",
        action="store_true",
        help=f"reset --user's password with the recovery key (${RECOVERY_ENV})",
    )

    pupil = commands.add_parser("pupils", help="pupils from the school's MIS")
    pupil_commands = pupil.add_subparsers(dest="pupils_command", required=True, parser_class=Parser)
    imp = command(
        "import",
        cmd_pupils_import,
        "import a CSV export (all or nothing)",
        acting,
        under=pupil_commands,
    )
    imp.add_argument("file")
    plist = command("list", cmd_pupils_list, "list pupils", acting, under=pupil_commands)
    plist.add_argument("--json", action="store_true")

    rec = command(
        "record", cmd_record, "record a concern, behaviour incident or intervention", acting
    )
    rec.add_argument("kind", help="concern, behaviour or intervention")
    rec.add_argument("--json", required=True, help="a file holding the record as JSON ('-': stdin)")
    lst = command("lists", cmd_lists, "print the controlled lists", acting)
    lst.add_argument("--json", action="store_true")
    recs = command("records", cmd_records, "a pupil's records (that you may read)", acting)
    recs.add_argument("--pupil", required=True, help="the pupil's UPN")
    recs.add_argument("--json", action="store_true")
    amend = command("amend", cmd_amend, "correct one field of a record, with a reason", acting)
    amend.add_argument("ref")
    amend.add_argument("--field", required=True)
    amend.add_argument("--value", required=True)
    amend.add_argument("--reason", required=True)

    command("verify", cmd_verify, "check integrity and the audit chain", acting)
    bak = command("backup", cmd_backup, "write one encrypted backup file", acting)
    bak.add_argument("--to", help="folder for the backup (default: the school's backup folder)")
    restore = command("restore", cmd_restore, "replace the store with a verified backup", acting)
    restore.add_argument("--from", dest="source", required=True)
    return parser


def exit_code_for(exc: BaseException) -> int:
    if isinstance(exc, StoreLocked):
        return EXIT_LOCKED
    if isinstance(exc, AuthenticationError | PermissionDenied):
        return EXIT_NOT_ALLOWED
    if isinstance(exc, ValidationError | UsageError | NotFound | ValueError):
        return EXIT_BAD_INPUT
    if isinstance(exc, StoreError):
        return EXIT_FAILED_CHECK
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    paths = DataPaths.at(args.data_dir)
    try:
        code: int = args.handler(args, paths)
        return code
    except (SafedeskError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return exit_code_for(exc)
    except KeyboardInterrupt:
        print("Stopped; nothing half-done was saved.", file=sys.stderr)
        return EXIT_FAILED_CHECK
    except Exception as exc:
        # Never a traceback, never a message that might quote record text.
        print(
            f"safedesk-admin stopped on an unexpected problem ({type(exc).__name__}). "
            "Nothing half-done was saved. Please report this.",
            file=sys.stderr,
        )
        return EXIT_FAILED_CHECK


if __name__ == "__main__":
    sys.exit(main())
