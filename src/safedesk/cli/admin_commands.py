"""safedesk-admin commands for the store, accounts, pupils, verify, backup and restore."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from safedesk.cli.common import (
    BACKUP_PASSWORD_ENV,
    EXIT_FAILED_CHECK,
    EXIT_OK,
    GRANTEE_NEW_PASSWORD_ENV,
    GRANTEE_PASSWORD_ENV,
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
from safedesk.services import backup, integrity, membership, pupil_import, pupils, users, vault
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


def cmd_user_grant(args: argparse.Namespace, paths: DataPaths) -> int:
    role = parse_role(args.role)
    grantee_password = secret_from(GRANTEE_PASSWORD_ENV, f"{args.name}, type your password: ")
    # Optional: the grantee, present, chooses their own password now (see membership.grant).
    new_password = os.environ.get(GRANTEE_NEW_PASSWORD_ENV)
    with signed_in(args, paths, exclusive=True) as session:
        granted = membership.grant(
            session,
            args.name,
            role,
            grantee_password,
            new_password=new_password,
            kdf=kdf_params(),
        )
    out(f"Granted {role.label} to {granted.username} ({granted.display_name})")
    return EXIT_OK


def cmd_user_confirm(args: argparse.Namespace, paths: DataPaths) -> int:
    password = secret_from(GRANTEE_PASSWORD_ENV, f"{args.name}, type your password: ")
    with signed_in(args, paths, exclusive=True) as session:
        membership.confirm(session, args.name, password)
    out(f"Confirmed {args.name}: the accounts and records it makes trust these keys.")
    return EXIT_OK


def cmd_user_revoke(args: argparse.Namespace, paths: DataPaths) -> int:
    role = parse_role(args.role)
    with signed_in(args, paths, exclusive=True) as session:
        waiting = membership.revoke(session, args.name, role)
    out(f"Removed {role.label} from {args.name}")
    if waiting:
        names = ", ".join(c.value for c in waiting)
        out(f"New keys for {names} are made at a member's next sign-in.")
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
    asked = sorted(r.label for r in roles - added.roles)
    if asked:
        out(
            f"Asked for: {', '.join(asked)}. A member grants it in person: "
            f"'safedesk-admin user grant {added.username} --role ROLE --user MEMBER'."
        )
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace, paths: DataPaths) -> int:
    with signed_in(args, paths, exclusive=False) as session:
        found = users.list_accounts(session)
    if args.json:
        rows = [
            {
                "username": a.user.username,
                "display_name": a.user.display_name,
                "roles": sorted(r.value for r in a.user.roles),
                "active": a.user.active,
                "requested": sorted(r.value for r in a.requested),
                "disabled": not a.user.active,
                "rotation_pending": list(a.rotation_pending),
            }
            for a in found
        ]
        out(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for a in found:
        u = a.user
        notes = [] if u.active else ["disabled"]
        if a.requested:
            notes.append("asked for: " + ", ".join(sorted(r.label for r in a.requested)))
        if a.rotation_pending:
            notes.append("new keys waiting: " + ", ".join(a.rotation_pending))
        extra = f"  ({'; '.join(notes)})" if notes else ""
        out(f"{u.username:<20} {u.display_name:<30} {u.roles_label}{extra}")
    return EXIT_OK


def cmd_user_disable(args: argparse.Namespace, paths: DataPaths) -> int:
    target = args.target or args.name
    if not target:
        raise UsageError("Name the account to disable (user disable NAME).")
    with signed_in(args, paths, exclusive=True) as session:
        users.disable_user(session, target)
    out(f"Disabled {target}; its password no longer unlocks anything.")
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
    for compartment, head in report.heads.items():
        out(f"{compartment.value} audit chain head: seq {head.seq} hash {head.hash}")
    out(f"audit rows: {report.audit_rows}; backups checked: {report.backups_checked}")
    for compartment in report.waiting:
        out(
            f"Not checked ({compartment.label}): your account cannot open them; they are "
            "checked at a member's next sign-in."
        )
    if report.ok:
        checked = ", ".join(c.value for c in report.heads)
        out(f"OK: database integrity, encrypted pages and audit chains are sound ({checked}).")
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
    password = secret_from(PASSWORD_ENV, f"Password for {args.user}: ")
    backup_password = os.environ.get(BACKUP_PASSWORD_ENV)
    with InstanceLock(paths.lock):
        result = backup.restore_backup(
            paths, Path(args.source), args.user, password, backup_password=backup_password
        )
    out(f"Restored {Path(args.source).name} into {paths.root}")
    out(f"audit chain head: seq {result.head.seq} hash {result.head.hash}")
    if result.set_aside:
        out(f"The store it replaced was kept in {result.set_aside}")
    out(f"New keys made for: {', '.join(result.rotated)}")
    if result.pending:
        out(f"New keys for {', '.join(result.pending)} are made at a member's next sign-in.")
    return EXIT_OK
