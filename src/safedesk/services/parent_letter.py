"""The letter to a parent or carer after a physical intervention, as a PDF the school can send.

For whoever may read behaviour records and holds the behaviour file's key (the letter says
what the record says). Built in memory and written whole or not at all beside the file chosen
(services.export): never to a temporary folder, never inside the data folder. Audited
("record.letter_written"), with the record's reference only.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from safedesk.domain import body_map, holds
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import FIXED_LISTS, Kind, StoredEntry
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import date_text, minutes_text, time_text
from safedesk.domain.local_time import to_local
from safedesk.domain.people import Pupil
from safedesk.domain.roles import Permission
from safedesk.reports.parent_letter_pdf import ParentLetter
from safedesk.services import export, intake, records
from safedesk.services.session import Session
from safedesk.store import lists, pupils, school
from safedesk.store.db import Connection

Labels = dict[str, dict[str, str]]
_DOING = "write a letter to a parent about a physical intervention"


def write_parent_letter(session: Session, ref: str, path: Path) -> Path:
    """Write the letter about intervention ``ref`` to ``path``; returns the file written."""
    from safedesk.reports.parent_letter_pdf import render_parent_letter  # reportlab: on use

    kind = records.kind_of_ref(ref)
    if kind is not Kind.INTERVENTION:
        raise ValidationError(
            {
                "record": f"{ref.strip().upper()} is a {kind.label.lower()}; a letter to the "
                "parent is written about a physical intervention"
            }
        )
    session.require(Permission.READ_BEHAVIOUR, _DOING)
    # Refused, and the refusal audited, without the behaviour file's key.
    store = session.compartment(Compartment.BEHAVIOUR, _DOING)
    target = export.check_target(session, Path(path))
    intake.take_in_waiting(session, Compartment.BEHAVIOUR)  # it may still be in the inbox
    with store.read() as conn:
        entry = records.load(conn, ref)
    with session.store.read() as conn:
        labels = _labels(conn)
        found = pupils.by_upns(conn, [p.upn for p in entry.pupils])
        school_name = school.get(conn).name
    letter = letter_for(entry, labels, found, school_name, session.user.display_name, session)
    export.write_once(target, render_parent_letter(letter))
    with store.write() as conn:
        session.audit(
            conn, "record.letter_written", object_type=entry.kind.value, object_id=entry.ref
        )
    return target


def _labels(conn: Connection) -> Labels:
    """Every list's labels, retired values too (a record keeps the value it was made with)."""
    found: Labels = {}
    for item in lists.all_items(conn):
        found.setdefault(item.list_name, {})[item.value] = item.label
    for name, values in FIXED_LISTS.items():
        found[name] = dict(values)
    return found


def letter_for(
    entry: StoredEntry,
    labels: Labels,
    found: dict[str, Pupil],
    school_name: str,
    writer: str,
    session: Session,
) -> ParentLetter:
    """The letter's words from the record as it now stands (amendments included)."""
    values = entry.current()

    def label(list_name: str, name: str) -> str:
        value = values.get(name) or ""
        return labels.get(list_name, {}).get(value, value.replace("_", " ").capitalize())

    pupil = entry.pupils[0]
    known = found.get(pupil.upn)
    started = _moment(values.get("started_at"))
    ended = _moment(values.get("ended_at"))
    minutes = round((ended - started).total_seconds() / 60) if started and ended else 0
    hold_names = labels.get("restraint_types", {})
    used = [label("restraint_types", "restraint_type")]
    used += [
        f"{hold_names.get(h.hold, h.hold.replace('_', ' ').capitalize())}, "
        f"{minutes_text(h.minutes)}"
        for h in holds.from_text(values.get("more_holds"))
    ]
    return ParentLetter(
        school_name=school_name,
        written_on=date_text(to_local(session.clock.now()).date()),
        ref=entry.ref,
        pupil_name=known.display_name if known else pupil.name,
        pupil_known_as=known.details.known_as if known else pupil.name.split(" ")[0],
        day=date_text(to_local(started).date()) if started else "",
        time=time_text(started) if started else "",
        location=label("locations", "location"),
        duration=minutes_text(minutes),
        kind=label("intervention_kinds", "intervention_kind"),
        holds=tuple(used),
        hold_detail=values.get("restraint_detail") or "",
        reason=values.get("reason_for_force") or "",
        injuries=values.get("injuries_pupil") or "",
        marks=tuple(m.describe() for m in body_map.from_text(values.get("body_map"))),
        support_after=values.get("support_after") or "",
        pupil_account=values.get("pupil_account") or "",
        contact_name=writer,
    )


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
