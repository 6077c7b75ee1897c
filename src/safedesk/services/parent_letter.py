"""The letter to a parent or carer after a physical intervention, as a PDF the school can send.

For whoever may read behaviour records and holds the behaviour file's key (the letter says
what the record says). Built in memory and written whole or not at all beside the file chosen
(services.export): never to a temporary folder, never inside the data folder. Audited
("record.letter_written"), with the record's reference only.

The letter is about one child and goes home: staff's words are copied only after every other
pupil on the school's roll is masked ("another pupil", domain.redaction's masker), every UPN
and every date written as another pupil's date of birth is taken out; body-map notes (staff's
own notes) are never printed, only each mark's kind, where on the body and its size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from safedesk.domain import body_map, holds
from safedesk.domain.body_outline import mark_place
from safedesk.domain.compartments import Compartment
from safedesk.domain.entries import FIXED_LISTS, Kind, StoredEntry
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import date_text, minutes_text, time_text
from safedesk.domain.local_time import to_local
from safedesk.domain.people import Pupil
from safedesk.domain.redaction import PupilMask
from safedesk.domain.roles import Permission
from safedesk.reports.parent_letter_pdf import ParentLetter
from safedesk.services import export, intake, records
from safedesk.services.session import Session
from safedesk.store import lists, pupils, school
from safedesk.store.db import Connection

Labels = dict[str, dict[str, str]]
_DOING = "write a letter to a parent about a physical intervention"

ANOTHER_PUPIL = "another pupil"
NUMBER_REMOVED = "(pupil number removed)"
DATE_REMOVED = "(date removed)"
_LABEL = re.compile(r"(a)nother pupil \([A-Z]+(?:, [A-Z]+)*(?: or [A-Z]+)?\)", re.IGNORECASE)
# A UPN's shape (domain.upn): a letter, 11 digits, a digit or letter; any case, whole word;
# written in groups too ("P 8012 0000 0004", "P801-2000-00004").
_UPN = re.compile(r"(?<![^\W_])[A-Za-z](?:[ \-]?[0-9]){11}[ \-]?[0-9A-Za-z](?![^\W_])")
# Characters nobody sees that split a word (text pasted from a word processor): a name with
# one inside would be printed whole, so they go before anything is matched.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?:[0-9]{1,2})(?:st|nd|rd|th)?"
# 15/09/2014, 15-9-14, 15.09.2014; 2014-09-15; 15 September 2014, 15th Sept, 2014,
# 15-Sep-2014, 15 Sep 14, 15 Sept '14; September 15th 2014.
_DATE = re.compile(
    r"(?<![0-9])(?:"
    r"(?P<d1>[0-9]{1,2})[/.\-](?P<m1>[0-9]{1,2})[/.\-](?P<y1>[0-9]{4}|[0-9]{2})"
    r"|(?P<y2>[0-9]{4})[/.\-](?P<m2>[0-9]{1,2})[/.\-](?P<d2>[0-9]{1,2})"
    rf"|(?P<d3>{_DAY})[\s/.\-]+(?:of\s+)?(?P<m3>{_MONTH})[\s/.\-,']+(?P<y3>[0-9]{{4}}|[0-9]{{2}})"
    rf"|(?P<m4>{_MONTH})[\s/.\-]+(?P<d4>{_DAY})[\s/.\-,']+(?P<y4>[0-9]{{4}}|[0-9]{{2}})"
    r")(?![0-9])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LetterWritten:
    """A letter written: where, and how many names, pupil numbers and dates of birth of
    other pupils were taken out of staff's words (the screen may say so)."""

    path: Path
    masked: int


def write_parent_letter(session: Session, ref: str, path: Path) -> Path:
    """Write the letter about intervention ``ref`` to ``path``; returns the file written."""
    return write_letter(session, ref, path).path


def write_letter(session: Session, ref: str, path: Path) -> LetterWritten:
    """Write the letter about intervention ``ref`` to ``path``: the file, and how much of
    staff's words was masked."""
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
        roll = pupils.all_pupils(conn)
        school_name = school.get(conn).name
    letter = letter_for(entry, labels, roll, school_name, session.user.display_name, session)
    export.write_once(target, render_parent_letter(letter))
    with store.write() as conn:
        session.audit(
            conn, "record.letter_written", object_type=entry.kind.value, object_id=entry.ref
        )
    return LetterWritten(target, letter.masked)


def _labels(conn: Connection) -> Labels:
    """Every list's labels, retired values too (a record keeps the value it was made with)."""
    found: Labels = {}
    for item in lists.all_items(conn):
        found.setdefault(item.list_name, {})[item.value] = item.label
    for name, values in FIXED_LISTS.items():
        found[name] = dict(values)
    return found


class _Masker:
    """Staff's words made fit to go home: other pupils' names, any UPN, other pupils' dates
    of birth taken out; counts what it took out."""

    def __init__(self, entry: StoredEntry, roll: list[Pupil]) -> None:
        subject = entry.pupils[0]
        own = [p.details for p in roll if p.upn == subject.upn]
        others = [p.details for p in roll if p.upn != subject.upn]
        on_record = {p.upn: [p.name] for p in entry.pupils[1:]}
        self._mask = PupilMask(own, others, other_names=on_record, subject_names=[subject.name])
        self._births = {d.date_of_birth for d in others}
        self.masked = 0

    def __call__(self, value: str | None) -> str:
        if not value:
            return ""
        value = _INVISIBLE.sub("", value)
        value, numbers = _UPN.subn(NUMBER_REMOVED, value)
        typed = value.count(DATE_REMOVED)
        value = _DATE.sub(self._date, value)
        dates = value.count(DATE_REMOVED) - typed
        before = len(_LABEL.findall(value))
        masked = self._mask.text(value) or ""
        names = len(_LABEL.findall(masked)) - before
        self.masked += numbers + dates + max(0, names)
        return _LABEL.sub(lambda m: m.group(1) + ANOTHER_PUPIL[1:], masked)

    def _date(self, found: re.Match[str]) -> str:
        day = _date_of(found)
        return DATE_REMOVED if day is not None and day in self._births else found.group()


def _date_of(found: re.Match[str]) -> date | None:
    """The date a match of ``_DATE`` writes, or None when it is no date."""
    for n in "1234":
        if found.group(f"y{n}"):
            year = int(found.group(f"y{n}"))
            month_text = found.group(f"m{n}")
            day_text = re.sub(r"[^0-9]", "", found.group(f"d{n}"))
            break
    else:
        return None
    if year < 100:
        year += 2000
    month = (
        int(month_text) if month_text.isdigit() else _MONTHS.get(month_text.rstrip(".").lower(), 0)
    )
    try:
        return date(year, month, int(day_text))
    except ValueError:
        return None


def _holds_words(main: str, further: list[tuple[str, int]], minutes: int) -> str:
    """ "Single elbow (3 minutes), then Seated hold (2 minutes)": the main hold's minutes are
    what the further holds leave of the intervention's length (named alone when they leave
    none)."""
    if not further:
        return main
    left = minutes - sum(m for _, m in further)
    first = f"{main} ({minutes_text(left)})" if left > 0 else main
    return ", then ".join([first] + [f"{name} ({minutes_text(m)})" for name, m in further])


def _told(values: dict[str, str | None], clean: _Masker) -> str:
    """ "We spoke to you by phone on 29/11/2026 (Ms Byrne)", or "" when the record does not
    say the parent was told."""
    at = _moment(values.get("parent_informed_at"))
    if at is None:
        return ""
    how = clean(values.get("parent_informed_how")).strip()
    plain = how.lower().removeprefix("by ").strip(" .")
    if plain in ("phone", "telephone", "phone call", "telephone call", "call"):
        said = "We spoke to you by phone"
    elif plain in ("in person", "face to face", "face-to-face", "at pick-up", "at collection"):
        said = "We spoke to you in person"
    elif plain in ("email", "e-mail"):
        said = "We e-mailed you"
    elif how:
        said = f"We told you ({how})"
    else:
        said = "We told you"
    by = clean(values.get("parent_informed_by")).strip()
    return f"{said} on {date_text(to_local(at).date())}" + (f" ({by})" if by else "") + "."


def letter_for(
    entry: StoredEntry,
    labels: Labels,
    roll: list[Pupil],
    school_name: str,
    writer: str,
    session: Session,
) -> ParentLetter:
    """The letter's words from the record as it now stands (amendments included), with
    other pupils taken out of staff's words."""
    values = entry.current()
    clean = _Masker(entry, roll)

    def label(list_name: str, name: str) -> str:
        value = values.get(name) or ""
        return labels.get(list_name, {}).get(value, value.replace("_", " ").capitalize())

    pupil = entry.pupils[0]
    known = next((p for p in roll if p.upn == pupil.upn), None)
    started = _moment(values.get("started_at"))
    ended = _moment(values.get("ended_at"))
    minutes = max(0, round((ended - started).total_seconds() / 60)) if started and ended else 0
    hold_names = labels.get("restraint_types", {})
    further = [
        (hold_names.get(h.hold, h.hold.replace("_", " ").capitalize()), h.minutes)
        for h in holds.from_text(values.get("more_holds"))
    ]
    marks = []
    for m in body_map.from_text(values.get("body_map")):
        size = f", {m.size_mm} mm" if m.size_mm else ""
        marks.append(f"{m.kind.label}: {mark_place(m)}{size}")
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
        holds=_holds_words(label("restraint_types", "restraint_type"), further, minutes),
        hold_detail=clean(values.get("restraint_detail")),
        cause=clean(values.get("cause")),
        deescalation=clean(values.get("deescalation")),
        reason=clean(values.get("reason_for_force")),
        injuries=clean(values.get("injuries_pupil")),
        marks=tuple(marks),
        support_after=clean(values.get("support_after")),
        pupil_account=clean(values.get("pupil_account")),
        parent_told=_told(values, clean),
        contact_name=writer,
        masked=clean.masked,
    )


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
