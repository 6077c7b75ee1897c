"""safedesk-admin's parser and entry point: every error becomes a plain message and exit code."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from safedesk import app_log
from safedesk.cli import admin_commands as admin
from safedesk.cli import adult_concern_commands as adult_concern_cli
from safedesk.cli import allegation_commands as allegation_cli
from safedesk.cli import analysis_commands as analysis_cli
from safedesk.cli import attachment_commands as attachment_cli
from safedesk.cli import chronology_commands as chronology_cli
from safedesk.cli import policy_commands as policy_cli
from safedesk.cli import queue_commands as queue_cli
from safedesk.cli import record_commands as records_cli
from safedesk.cli import report_commands as report_cli
from safedesk.cli import retention_commands as retention_cli
from safedesk.cli import risk_commands as risk_cli
from safedesk.cli import training_commands as training_cli
from safedesk.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED_CHECK,
    EXIT_LOCKED,
    EXIT_NOT_ALLOWED,
    GRANTEE_PASSWORD_ENV,
    HEAD_PASSWORD_ENV,
    NEW_PASSWORD_ENV,
    PASSWORD_ENV,
    RECOVERY_ENV,
    UsageError,
)
from safedesk.domain.errors import (
    AuthenticationError,
    NotFound,
    PermissionDenied,
    SafedeskError,
    ValidationError,
)
from safedesk.paths import DataPaths
from safedesk.private_files import restrict_new_files
from safedesk.services import data_folder, start_up
from safedesk.store.db import StoreError, StoreLocked
from safedesk.store.writer_lock import WritingHeldOff

log = logging.getLogger(__name__)

CLI_LOG_NAME = "safedesk-admin.log"  # not the app's: two processes never rotate one file
PDF_HELP = "the PDF file to write (anywhere but the data folder)"
OTHER_PUPILS_HELP = (
    "name the other pupils on this pupil's records (audited, and said on the PDF); "
    "without it they are 'another pupil (A)', '(B)'… and their names and UPNs are masked"
)
DESCRIPTION = (
    "safedesk-admin: headless administration. Command names, flags and exit codes are a contract."
)


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


EVEN_IF_LAST_HELP = "go on even though this is the last account able to open an allegations file"


def build_parser() -> argparse.ArgumentParser:
    data_dir_help = (
        "the school's data folder (default: on Windows the machine's, C:\\ProgramData\\safedesk; "
        "elsewhere this user's own)"
    )
    # After the subcommand too; SUPPRESS so a subcommand never overwrites one given before it.
    common = Parser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help=data_dir_help)
    demo_help = "the folder is a demo school from 'safedesk --demo' (its quick key settings)"
    common.add_argument("--demo", action="store_true", default=argparse.SUPPRESS, help=demo_help)
    acting = Parser(add_help=False)
    acting.add_argument(
        "--user",
        required=True,
        help=f"who is doing this (password from ${PASSWORD_ENV}, or asked for)",
    )

    parser = Parser(prog="safedesk-admin", description=DESCRIPTION)
    parser.add_argument("--data-dir", default=None, help=data_dir_help)
    parser.add_argument("--demo", action="store_true", default=False, help=demo_help)
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

    init = command("init", admin.cmd_init, "create a new school store and its first user")
    init.add_argument("--school", required=True)
    init.add_argument("--user", required=True)
    init.add_argument("--display", help="the first user's full name")
    init.add_argument(
        "--head",
        help="the headteacher's username, when the first user is not the head (the head's "
        f"one-time password from ${HEAD_PASSWORD_ENV})",
    )
    init.add_argument("--head-display", help="the headteacher's full name (with --head)")

    user = commands.add_parser("user", help="staff accounts", parents=[common])
    user_commands = user.add_subparsers(dest="user_command", required=True, parser_class=Parser)
    add = command("add", admin.cmd_user_add, "add an account", acting, under=user_commands)
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
    listing = command("list", admin.cmd_user_list, "list accounts", acting, under=user_commands)
    listing.add_argument("--json", action="store_true")
    disable = command(
        "disable", admin.cmd_user_disable, "disable an account", acting, under=user_commands
    )
    disable.add_argument("name", nargs="?")
    disable.add_argument("--target")
    disable.add_argument("--even-if-last", action="store_true", help=EVEN_IF_LAST_HELP)
    grant = command(
        "grant",
        admin.cmd_user_grant,
        f"grant a role in person (the grantee's password in ${GRANTEE_PASSWORD_ENV})",
        acting,
        under=user_commands,
    )
    grant.add_argument("name")
    grant.add_argument("--role", required=True, help="staff, dsl, behaviour_lead, head or admin")
    revoke = command(
        "revoke", admin.cmd_user_revoke, "take a role away", acting, under=user_commands
    )
    confirm = command(
        "confirm",
        admin.cmd_user_confirm,
        f"a member confirms an account's keys in person (its password in ${GRANTEE_PASSWORD_ENV})",
        acting,
        under=user_commands,
    )
    confirm.add_argument("name")
    revoke.add_argument("name")
    revoke.add_argument("--role", required=True)

    passwd = command("passwd", admin.cmd_passwd, "change or reset a password", acting)
    passwd.add_argument("--target", help="reset this user's password (administrators)")
    passwd.add_argument("--even-if-last", action="store_true", help=EVEN_IF_LAST_HELP)
    passwd.add_argument(
        "--recovery",
        action="store_true",
        help=f"reset --user's password with the recovery key (${RECOVERY_ENV})",
    )

    pupil = commands.add_parser("pupils", help="pupils from the school's MIS", parents=[common])
    pupil_commands = pupil.add_subparsers(dest="pupils_command", required=True, parser_class=Parser)
    imp = command(
        "import",
        admin.cmd_pupils_import,
        "import a CSV export or a Common Transfer File (all or nothing)",
        acting,
        under=pupil_commands,
    )
    imp.add_argument("file", help="the MIS's CSV export or a Common Transfer File (CTF, XML)")
    imp.add_argument(
        "--dry-run", action="store_true", help="print what it would do, importing nothing"
    )
    plist = command("list", admin.cmd_pupils_list, "list pupils", acting, under=pupil_commands)
    plist.add_argument("--json", action="store_true")

    rec = command(
        "record",
        records_cli.cmd_record,
        "record a concern, behaviour incident or intervention",
        acting,
    )
    rec.add_argument("kind", help="concern, behaviour or intervention")
    rec.add_argument("--json", required=True, help="a file holding the record as JSON ('-': stdin)")
    lst = command("lists", records_cli.cmd_lists, "print or change the controlled lists", acting)
    lst.add_argument("--json", action="store_true")
    lst_change = lst.add_mutually_exclusive_group()
    lst_change.add_argument("--add", metavar="LIST", help="add --value with --label to LIST")
    lst_change.add_argument("--retire", metavar="LIST", help="stop offering --value in LIST")
    lst_change.add_argument("--restore", metavar="LIST", help="offer a retired --value again")
    lst.add_argument("--value", help="the stored value: lower_snake_case, at most 40 characters")
    lst.add_argument("--label", help="what people see, with --add")
    recs = command(
        "records", records_cli.cmd_records, "a pupil's records (that you may read)", acting
    )
    recs.add_argument("--pupil", required=True, help="the pupil's UPN")
    recs.add_argument("--json", action="store_true")
    risk = command(
        "risk-assessment",
        risk_cli.cmd_risk_assessment,
        "save a pupil's risk assessment or behaviour plan (a new version if they have one)",
        acting,
    )
    risk.add_argument("--pupil", required=True, help="the pupil's UPN")
    risk.add_argument(
        "--json",
        required=True,
        help='a file holding {"risks": [{"risk", "measures", "owner"}], "consulted", '
        '"review_on", optional "kind": safeguarding or behaviour_plan} (\'-\': stdin)',
    )
    amend = command(
        "amend", records_cli.cmd_amend, "correct one field of a record, with a reason", acting
    )
    amend.add_argument("ref")
    amend.add_argument("--field", required=True)
    amend.add_argument("--value", required=True)
    amend.add_argument("--reason", required=True)

    que = command("queue", queue_cli.cmd_queue, "the DSL queue, most urgent first", acting)
    que.add_argument("--at", help="evaluate the queue at this time (ISO 8601, local)")
    que.add_argument("--json", action="store_true")
    act = command("act", queue_cli.cmd_act, "triage, action, referral, contact or closure", acting)
    act.add_argument("ref", help="the concern or notification, e.g. C-2026-0042")
    act.add_argument("--json", required=True, help="a file holding the act as JSON ('-': stdin)")
    notify = command(
        "notification",
        queue_cli.cmd_notification,
        "record a police domestic-abuse notification (Operation Encompass)",
        acting,
    )
    notify.add_argument("--json", required=True, help="a file holding it as JSON ('-': stdin)")
    fig = command("figures", queue_cli.cmd_figures, "time-to-action figures", acting)
    fig.add_argument("--from", dest="first", required=True, help="first day (inclusive)")
    fig.add_argument("--to", dest="last", required=True, help="last day (inclusive)")
    fig.add_argument("--json", action="store_true")
    cal = command("calendar", queue_cli.cmd_calendar, "term dates and closure days", acting)
    change = cal.add_mutually_exclusive_group()
    change.add_argument("--add-term", nargs=2, metavar=("FIRST_DAY", "LAST_DAY"))
    change.add_argument("--remove-term", metavar="FIRST_DAY")
    change.add_argument("--add-closure", metavar="DAY")
    change.add_argument("--remove-closure", metavar="DAY")
    cal.add_argument("--reason", help="why the school is closed (with --add-closure)")
    cal.add_argument("--json", action="store_true")

    chron = command(
        "chronology", chronology_cli.cmd_chronology, "a pupil's chronology as a PDF", acting
    )
    chron.add_argument("--pupil", required=True, help="the pupil's UPN")
    chron.add_argument("--pdf", required=True, help=PDF_HELP)
    chron.add_argument("--from", dest="first", help="first day (inclusive)")
    chron.add_argument("--to", dest="last", help="last day (inclusive)")
    chron.add_argument(
        "--encrypt",
        action="store_true",
        help=f"encrypt with AES-256; the password from ${chronology_cli.PDF_PASSWORD_ENV}",
    )
    chron.add_argument("--include-other-pupils", action="store_true", help=OTHER_PUPILS_HELP)

    move = command(
        "transfer",
        chronology_cli.cmd_transfer,
        "send a leaving pupil's whole file, with a receipt page, and record it",
        acting,
    )
    move.add_argument("--pupil", required=True, help="the pupil's UPN")
    move.add_argument("--pdf", required=True, help=PDF_HELP)
    move.add_argument("--to-school", required=True)
    move.add_argument("--to-person", required=True, help="the receiving DSL")
    move.add_argument(
        "--method",
        required=True,
        help="secure_email, in_person, recorded_post, secure_system or other",
    )
    move.add_argument("--encrypt", action="store_true")
    move.add_argument("--include-other-pupils", action="store_true", help=OTHER_PUPILS_HELP)
    got = command(
        "transfer-received",
        chronology_cli.cmd_transfer_received,
        "the receiving school confirmed it has the file",
        acting,
    )
    got.add_argument("ref", help="the transfer, e.g. T-2026-0001")
    got.add_argument("--confirmed-by", required=True, help="who confirmed, at the new school")
    got.add_argument("--on", required=True, help="the date they confirmed")
    got.add_argument("--note")
    attachment_cli.register(command, acting)

    figures = command(
        "analysis",
        analysis_cli.cmd_analysis,
        "behaviour, bullying, physical-intervention and concern figures for a date range",
        acting,
    )
    figures.add_argument("--from", dest="first", required=True, help="first day (inclusive)")
    figures.add_argument("--to", dest="last", required=True, help="last day (inclusive)")
    figures.add_argument("--json", action="store_true", help="print the figures as JSON")
    figures.add_argument("--year-group", help="only records naming a pupil in this year group")
    figures.add_argument("--class", dest="class_name", help="only records naming this class")
    figures.add_argument(
        "--group", choices=["sen", "pp_fsm", "cla"], help="only records naming such a pupil"
    )
    report = commands.add_parser("report", help="the leaders' PDF reports", parents=[common])
    reports = report.add_subparsers(dest="report", required=True, parser_class=Parser)
    for name, handler, help_text in (
        (
            "governors",
            report_cli.cmd_report_governors,
            "the governors' termly report: anonymised figures and charts",
        ),
        (
            "inspection",
            report_cli.cmd_report_inspection,
            "the inspection pack: referrals, the intervention and bullying logs, time to action",
        ),
    ):
        one = command(name, handler, help_text, acting, under=reports)
        one.add_argument("--from", dest="first", required=True, help="first day (inclusive)")
        one.add_argument("--to", dest="last", required=True, help="last day (inclusive)")
        one.add_argument("--pdf", required=True, help=PDF_HELP)

    training_cli.add_parsers(command, commands, common, acting)
    policy_cli.add_parsers(command, commands, common, acting)
    retention_cli.add_commands(commands, command, common, acting, Parser)
    allegation_cli.add_parsers(command, commands, common, acting)
    adult_concern_cli.add_parser(command, acting)
    check = command("verify", admin.cmd_verify, "check integrity and the audit chain", acting)
    check.add_argument(
        "--head",
        help="a chain head printed on a PDF (16 to 64 hex digits): is it in this store's chain?",
    )
    bak = command("backup", admin.cmd_backup, "write one encrypted backup file", acting)
    bak.add_argument("--to", help="folder for the backup (default: the school's backup folder)")
    restore = command(
        "restore", admin.cmd_restore, "replace the store with a verified backup", acting
    )
    restore.add_argument("--from", dest="source", required=True)
    return parser


def exit_code_for(exc: BaseException) -> int:
    if isinstance(exc, StoreLocked | WritingHeldOff):
        return EXIT_LOCKED
    if isinstance(exc, AuthenticationError | PermissionDenied):
        return EXIT_NOT_ALLOWED
    if isinstance(exc, ValidationError | UsageError | NotFound | ValueError):
        return EXIT_BAD_INPUT
    if isinstance(exc, StoreError):
        return EXIT_FAILED_CHECK
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    restrict_new_files()
    args = build_parser().parse_args(argv)
    if args.demo:
        from safedesk.store import crypto

        crypto.allow_weak_kdf("a demo school (--demo)")
    paths = data_folder_to_use(args.data_dir)
    if paths.root.is_dir():  # a folder that is not there yet is not made for a log
        app_log.setup(paths, f"safedesk-admin {args.command}", name=CLI_LOG_NAME)
    try:
        # A restore a crash interrupted is finished or undone first; leftovers removed.
        notice = start_up.on_start(paths)
        if notice:
            print(notice, file=sys.stderr)
        code: int = args.handler(args, paths)
        log.info("safedesk-admin finished (exit %d)", code)
        return code
    except (SafedeskError, ValueError) as exc:
        log.info("safedesk-admin refused: %s", type(exc).__name__)
        print(str(exc), file=sys.stderr)
        return exit_code_for(exc)
    except KeyboardInterrupt:
        log.info("safedesk-admin stopped by the keyboard")
        print("Stopped; nothing half-done was saved.", file=sys.stderr)
        return EXIT_FAILED_CHECK
    except Exception as exc:
        # Never a traceback, never a message that might quote record text: the log has
        # the stack (without the message).
        log.error("safedesk-admin stopped on an unexpected problem", exc_info=exc)
        where = app_log.current_folder()
        print(
            f"safedesk-admin stopped on an unexpected problem ({type(exc).__name__}). "
            "Nothing half-done was saved. Please report this"
            + (f"; the details are in the log in {where}." if where else "."),
            file=sys.stderr,
        )
        return EXIT_FAILED_CHECK
    finally:
        app_log.stop()


def data_folder_to_use(data_dir: str | None) -> DataPaths:
    """--data-dir, or the default folder; while the school's records are still in this
    Windows account's own folder (the default before), they are used there, with a hint:
    the app moves them, not this."""
    move = data_folder.move_to_offer(data_dir)
    if move is None:
        return DataPaths.at(data_dir)
    print(
        f"Note: the school's records are still in {move.old.root}, which only this Windows "
        f"account can use; safedesk-admin uses them there. Start the safedesk app and choose "
        f"Move to put them in {move.new.root} for every account on this PC.",
        file=sys.stderr,
    )
    return move.old


if __name__ == "__main__":
    sys.exit(main())
