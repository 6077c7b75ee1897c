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
    HEAD_PASSWORD_ENV,
    NEW_PASSWORD_ENV,
    PASSWORD_ENV,
    RECOVERY_ENV,
    UsageError,
    kdf_params,
    out,
    secret_from,
    signed_in,
)
from safedesk.domain.clock import from_stored
from safedesk.domain.compartments import Compartment
from safedesk.domain.errors import SafedeskError
from safedesk.domain.formatting import counted
from safedesk.domain.roles import parse_role
from safedesk.paths import DataPaths
from safedesk.services import backup, integrity, membership, pupil_import, pupils, users, vault
from safedesk.services.session import Session
from safedesk.store.evidence import SignedHead
from safedesk.store.instance_lock import InstanceLock


def cmd_init(args: argparse.Namespace, paths: DataPaths) -> int:
    password = secret_from(PASSWORD_ENV, f"New password for {args.user}: ")
    headteacher = None
    if args.head:
        # Set up by the office: the head's one-time password is given to them in person.
        one_time = secret_from(HEAD_PASSWORD_ENV, f"One-time password for {args.head}: ")
        headteacher = vault.Headteacher(args.head, args.head_display or args.head, one_time)
    with InstanceLock(paths.lock):
        created = vault.create_school(
            paths,
            school_name=args.school,
            username=args.user,
            display_name=args.display or args.user,
            password=password,
            kdf=kdf_params(),
            headteacher=headteacher,
        )
    out(f"Created the safedesk store for {args.school.strip()} in {paths.root}")
    if headteacher is None:
        out(f"First user: {args.user} (headteacher and administrator)")
    else:
        out(f"First user: {args.user} (administrator)")
        out(
            f"Headteacher: {args.head}, with the one-time password given. At their first "
            "sign-in they choose their own; the reading files and the recovery key are made "
            "then, and shown only to them."
        )
    show_recovery_key(created.recovery_key)
    return EXIT_OK


def show_recovery_key(code: str | None) -> None:
    if not code:
        return
    out("")
    out("RECOVERY KEY — shown only this once. Print it and lock it away; it can reset")
    out("any password if every administrator forgets theirs:")
    out("")
    out(f"    {code}")


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
        warning, session.warning = session.warning, None
    out(f"Granted {role.label} to {granted.username} ({granted.display_name})")
    if warning:
        print(f"WARNING: {warning}", file=sys.stderr)
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
        _unless_last_holder(session, target, args)
        users.disable_user(session, target)
    out(f"Disabled {target}; its password no longer unlocks anything.")
    return EXIT_OK


def _unless_last_holder(session: Session, username: str, args: argparse.Namespace) -> None:
    """Before a reset or a disabling that would leave an allegations file with nobody able
    to open it: said, and done only when asked again with --even-if-last."""
    warning = users.last_holder_warning(session, username)
    if warning and not getattr(args, "even_if_last", False):
        raise SafedeskError(
            f"{warning}\n\nNothing has been changed. To go on anyway, run the same command "
            "again with --even-if-last."
        )
    if warning:
        print(f"WARNING: {warning}", file=sys.stderr)


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
            _unless_last_holder(session, args.target, args)
            users.reset_password(session, args.target, new_password, kdf_params())
            out(f"Password for {args.target} reset.")
        else:
            current = secret_from(PASSWORD_ENV, "Current password: ")
            users.change_own_password(session, current, new_password, kdf_params())
            out("Your password has been changed.")
            # A headteacher's first password of their own makes the recovery key.
            show_recovery_key(session.new_recovery_code)
            session.new_recovery_code = None
            if session.warning:
                print(f"WARNING: {session.warning}", file=sys.stderr)
    return EXIT_OK


def cmd_pupils_import(args: argparse.Namespace, paths: DataPaths) -> int:
    """A CSV export or a Common Transfer File (told apart by content); with --dry-run, the
    same counts for what it would do, writing nothing."""
    source = Path(args.file)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise UsageError(f"Cannot read {source}: {exc.strerror}.") from None
    dry_run = getattr(args, "dry_run", False)
    with signed_in(args, paths, exclusive=not dry_run) as session:
        if dry_run:
            preview = pupil_import.preview_import(session, data)
            if preview.problems:
                raise pupil_import.ImportRejected(preview.problems)
            result = preview.result
        else:
            result = pupil_import.import_pupils(session, data)
    out(f"added {result.added}")
    out(f"updated {result.updated}")
    out(f"unchanged {result.unchanged}")
    if dry_run:
        out("dry run: nothing was imported")
    if changed := result.identity_changes:
        who = counted(len(changed), "pupil")
        done = "would change" if dry_run else "changed"
        upns = f"UPN{'' if len(changed) == 1 else 's'} {', '.join(changed)}"
        print(
            f"WARNING: {who} {done} their date of birth or their names ({upns}): the file "
            "may be for another school, or a UPN may be wrong. Check these are the same "
            "children.",
            file=sys.stderr,
        )
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
        found_head = integrity.find_head(session, args.head) if args.head else None
    out(f"audit chain head: seq {report.head.seq} hash {report.head.hash}")
    for compartment, head in report.heads.items():
        out(f"{compartment.value} audit chain head: seq {head.seq} hash {head.hash}")
    for compartment, signed in report.newest.items():
        if signed is None:
            out(f"{compartment.value}: no signed head is trusted")
        else:
            out(
                f"{compartment.value} newest trusted signed head: seq {signed.seq} hash "
                f"{signed.hash}, signed by {signed.signer} at {shown_time(signed.at)}"
            )
    out(f"audit rows: {report.audit_rows}; backups checked: {report.backups_checked}")
    for compartment in report.waiting:
        out(
            f"Not checked ({compartment.label}): your account cannot open them; they are "
            "checked at a member's next sign-in."
        )
    for note in report.notes:
        out(f"Note: {note}")
    head_ok = _print_head_search(args.head, found_head, report)
    if report.ok and head_ok:
        checked = ", ".join(c.value for c in report.heads)
        out(
            "OK: database integrity, encrypted pages, audit chains, record rows and signed "
            f"heads are sound ({checked})."
        )
        return EXIT_OK
    for problem in report.problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return EXIT_FAILED_CHECK


def shown_time(stored: str) -> str:
    return from_stored(stored).astimezone().strftime("%d/%m/%Y %H:%M:%S %Z")


def _print_head_search(
    wanted: str | None,
    found: list[tuple[Compartment, SignedHead | None, int]] | None,
    report: integrity.VerifyReport,
) -> bool:
    """For `verify --head HEX`: where the head printed on a PDF is, and who signed it."""
    if wanted is None or found is None:
        return True
    if not found:
        where = ", ".join(c.value for c in report.heads)
        waiting = ", ".join(c.value for c in report.waiting)
        also = f"; {waiting} could not be opened by your account" if waiting else ""
        print(
            f"FAILED: head {wanted} is not in any audit chain you can open ({where}){also}. "
            "A document printing it did not come from this store as it is now.",
            file=sys.stderr,
        )
        return False
    genuine = True
    for compartment, signed, seq in found:
        if signed is not None and signed.seq not in report.trusted.get(compartment, set()):
            print(
                f"FAILED: {wanted} is row {seq} of the {compartment.value} audit chain, signed "
                f"in the name of {signed.signer} with a key this store does not trust for "
                "them: a document printing it did not come from safedesk.",
                file=sys.stderr,
            )
            genuine = False
        elif signed is None:
            print(
                f"FAILED: {wanted} is row {seq} of the {compartment.value} audit chain, but "
                "nobody signed that row: safedesk prints only signed heads, so a document "
                "printing it did not come from safedesk.",
                file=sys.stderr,
            )
            genuine = False
        else:
            out(
                f"head {wanted} is row {seq} of the {compartment.value} audit chain, signed "
                f"by {signed.signer} at {shown_time(signed.at)}"
            )
    return genuine


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
    if result.not_in_backup:
        out(
            "Records made after this backup are not in it (they stay in the store it replaced); "
            "their references are not handed out again: " + "; ".join(result.not_in_backup)
        )
    out(f"New keys made for: {', '.join(result.rotated)}")
    if result.pending:
        out(f"New keys for {', '.join(result.pending)} are made at a member's next sign-in.")
    return EXIT_OK
