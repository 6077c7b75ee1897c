"""What a member's session does first, before its own writes: key rotations it owes (after
checking the compartment), taking in waiting records, refreshing its copies of pupils'
names, and repairing the public keys published for writers if they were tampered with.

The app runs this after the first screen is shown, off the UI thread (other work on the
compartments waits for it); safedesk-admin runs it before each command of a member.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from safedesk.domain.clock import from_stored
from safedesk.domain.compartments import RESTRICTED, Compartment
from safedesk.domain.formatting import date_text, time_text
from safedesk.domain.local_time import to_local
from safedesk.services import intake, rotation
from safedesk.services.integrity import check_database
from safedesk.services.session import Session
from safedesk.store import audit, key_chain, members, pupils

Progress = Callable[[str], None]


@dataclass
class UpkeepReport:
    rotated: list[Compartment] = field(default_factory=list)
    taken_in: int = 0
    quarantined: int = 0
    problems: list[str] = field(default_factory=list)


def after_sign_in(session: Session, progress: Progress | None = None) -> UpkeepReport:
    report = UpkeepReport()
    session.hold_work()
    try:
        due = [c for c in session.rotation_due if _sound(session, c, report)]
        if due:
            report.rotated = rotation.run_pending(session, progress)
            session.rotation_due -= set(report.rotated)
        for compartment in list(session.compartments):
            ending = rotation.members_whose_access_ended(session, compartment)
            if (
                ending
                and compartment not in report.rotated
                and _sound(session, compartment, report)
            ):
                rotation.rotate(
                    session,
                    compartment,
                    removing=ending,
                    reason="access found ended at sign-in",
                    progress=progress,
                )
                report.rotated.append(compartment)
        from safedesk.services.setup import make_missing_restricted

        # After the checks above and before any record is written: a school set up before
        # allegations were kept gets the head's allegations file now.
        make_missing_restricted(session)
        report.problems += list(session.restricted_notes.values())
        for compartment in list(session.compartments):
            _repair_published_keys(session, compartment)
            if compartment not in RESTRICTED:  # they keep no copy of pupils
                _refresh_pupil_copies(session, compartment)
            taken = intake.take_in(session, compartment)
            report.taken_in += taken.taken_in
            report.quarantined += taken.quarantined
            intake.check_sequences(session, compartment)
        _report_cut_chains(session, report)
        _report_changed_accounts(session, report)
        session.save_account()
    finally:
        session.release_work()
    return report


def _report_cut_chains(session: Session, report: UpkeepReport) -> None:
    """A head this account signed is gone from a file's log: someone holding the file's key
    cut it back or rewrote it. Raised in every file the member opens, for the DSL's queue."""
    now = session.clock.now()
    for file, known in session.heads_broken.items():
        when = to_local(from_stored(str(known[2]))) if len(known) > 2 else None
        signed = f" on {date_text(when.date())} at {time_text(when)}" if when else ""
        text = (
            f"The {file} file's audit log no longer holds row {known[0]}, which "
            f"{session.user.username} signed{signed}: it has been cut back or rewritten "
            "outside safedesk. Run Admin → Verify, and restore from a backup if it fails."
        )
        report.problems.append(text)
        for store in session.compartments.values():
            with store.write() as conn:
                members.raise_alarm(conn, "audit_cut", text, now)


def _report_changed_accounts(session: Session, report: UpkeepReport) -> None:
    """Accounts or roles changed in `school` outside the program: the rotations above went by
    what the program wrote; the members are told."""
    from safedesk.services.genuine_accounts import as_written
    from safedesk.services.integrity import school_report

    if not session.compartments:
        return
    vouched = school_report(session).vouched
    with session.store.read() as conn:
        _found, tampered = as_written(conn, vouched)
    now = session.clock.now()
    for name in sorted(tampered):
        text = (
            f"{name}'s account or roles in the school file were changed outside safedesk. "
            "Who may open the records follows what safedesk itself recorded, not the change. "
            "Run Admin → Verify, and tell the headteacher."
        )
        report.problems.append(text)
        for store in session.compartments.values():
            with store.write() as conn:
                members.raise_alarm(conn, "account_changed", text, now, subject=name)


def _sound(session: Session, compartment: Compartment, report: UpkeepReport) -> bool:
    """Rotate only a file that checks out: its pages, its cipher and its audit chain."""
    store = (
        session.store
        if compartment is Compartment.SCHOOL
        else session.compartments.get(compartment)
    )
    if store is None:
        return False
    with store.read() as conn:
        problems = check_database(conn)
        chain = audit.walk_chain(conn)
    if chain.problem:
        problems.append(chain.problem)
    if problems:
        report.problems += [f"{compartment.value}: {p}" for p in problems]
        return False
    return True


def _repair_published_keys(session: Session, compartment: Compartment) -> None:
    """`school` must publish exactly this compartment's own key history: a swapped or missing
    public key is put right, and an alarm raised (someone with a key tampered with it)."""
    store = session.compartments[compartment]
    with store.read() as conn:
        own = key_chain.history(conn, compartment.value)
    with session.store.read() as conn:
        shown = {link.epoch: link for link in key_chain.published(conn, compartment.value)}
    wrong = [link for link in own if shown.get(link.epoch) not in (None, link)]
    missing = [link for link in own if link.epoch not in shown]
    extra = sorted(set(shown) - {link.epoch for link in own})
    if not (wrong or missing or extra):
        return
    now = session.clock.now()
    with session.store.write() as conn:
        for epoch in [*(link.epoch for link in wrong), *extra]:
            conn.execute(
                "DELETE FROM compartment_key WHERE compartment = ? AND epoch = ?",
                (compartment.value, epoch),
            )
        for link in [*wrong, *missing]:
            key_chain.publish(conn, link, now)
        session.audit(
            conn, "keys.republished", object_type="compartment", object_id=compartment.value
        )
    if wrong or extra:
        with store.write() as conn:
            members.raise_alarm(
                conn,
                "published_keys",
                f"The {compartment.label} public keys in the school file had been changed "
                "(someone with a key tampered with it). They have been put right; records "
                "sealed meanwhile went to the keys staff already trusted.",
                now,
            )


def _refresh_pupil_copies(session: Session, compartment: Compartment) -> None:
    store = session.compartments[compartment]
    with store.read() as conn:
        stale = pupils.copies_out_of_date(conn)
    if not stale:
        return
    with store.write() as conn:
        for pupil in pupils.by_upns(conn, stale, schema="school").values():
            pupils.upsert_copy(conn, pupil.details)
