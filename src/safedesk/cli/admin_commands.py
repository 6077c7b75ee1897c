"""safedesk-admin commands for the store, accounts, pupils, verify, backup and restore."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from safedesk.cli.common import (
    EXIT_FAILED_CHECK,
    EXIT_OK,
    NEW_PASSWORD_ENV,
    PASSWORD_ENV,
    RECOVERY_ENV,
    UsageError,
    kdf_params,
    out,
    secret_from,
    signed_in,
)
from safedesk.domain.roles import parse_role
from safedesk.paths import DataPaths
from safedesk.services import backup, integrity, pupil_import, pupils, users, vault
from safedesk.store.instance_lock import InstanceLock


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
