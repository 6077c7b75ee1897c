"""A pupil's chronology: every entry, amendment and piece of casework, in the order it happened.

Built from stored records only; the same items feed the screen and the PDF. Other pupils on
the same records are shown as the mask says (``domain.redaction``): "another pupil (A)", with
their names and UPNs masked in every text field, unless the DSL chose to include them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from enum import StrEnum
from typing import TypeVar

from safedesk.domain import body_map, holds, local_time
from safedesk.domain.casework import ACT_FIELDS, CASEWORK_LISTS, NOTIFICATION_FIELDS, CaseEvent
from safedesk.domain.entries import FIELDS, FieldSpec, Kind, StoredEntry, StoredPupil, spec
from safedesk.domain.formatting import date_text, moment_text
from safedesk.domain.people import Pupil
from safedesk.domain.pupil_status import StatusPeriod
from safedesk.domain.redaction import NO_MASK, PupilMask

Labels = Mapping[str, Mapping[str, str]]  # list name -> value -> label
T = TypeVar("T")


class ItemGroup(StrEnum):
    """What the chronology can be filtered by."""

    CONCERN = "concern"
    BEHAVIOUR = "behaviour"
    INTERVENTION = "intervention"
    NOTIFICATION = "notification"
    CASEWORK = "casework"
    RISK_ASSESSMENT = "risk_assessment"  # safeguarding risk assessments and behaviour plans
    AMENDMENT = "amendment"

    @property
    def label(self) -> str:
        return {
            ItemGroup.CONCERN: "Concerns",
            ItemGroup.BEHAVIOUR: "Behaviour",
            ItemGroup.INTERVENTION: "Physical interventions",
            ItemGroup.NOTIFICATION: "Police notifications",
            ItemGroup.CASEWORK: "DSL casework",
            ItemGroup.RISK_ASSESSMENT: "Risk assessments",
            ItemGroup.AMENDMENT: "Amendments",
        }[self]


@dataclass(frozen=True)
class ChronologyItem:
    happened_at: datetime
    recorded_at: datetime
    group: ItemGroup
    ref: str  # the record or case it belongs to
    title: str  # e.g. "Safeguarding concern", "Referral"
    summary: str  # one line
    author: str  # display name
    detail: tuple[tuple[str, str], ...] = field(default=())  # (label, value) in full
    all_day: bool = False  # it happened on a day, not at a time (a status's start or end)
    # A record's body map (masked as its text is), for the PDF to draw; its words are in
    # ``detail`` under the field's label, a line a mark.
    marks: tuple[body_map.BodyMark, ...] = ()

    @property
    def when(self) -> str:
        """When it happened, as people read it: a day, or a day and a time."""
        if self.all_day:
            return date_text(self.happened_at.date())
        return moment_text(self.happened_at)

    @property
    def recorded_later(self) -> bool:
        """Worth showing both times when recording was not within a few minutes."""
        return abs((self.recorded_at - self.happened_at).total_seconds()) > 15 * 60


@dataclass(frozen=True)
class LogHead:
    """Where a file's tamper-evident log stood: its newest entry's number and hash."""

    seq: int
    hash: str


@dataclass(frozen=True)
class SignedLogHead:
    """A log head signed by the person who opened the chronology (printed on the PDF, and
    checked against the store with `safedesk-admin verify --head`)."""

    file: str
    seq: int
    hash: str
    signer: str  # username
    at: str  # when it was signed, as stored


@dataclass(frozen=True)
class Chronology:
    """A pupil's chronology as opened (and audited): what the screen and the PDF show."""

    school_name: str
    pupil: Pupil
    items: tuple[ChronologyItem, ...]
    groups: frozenset[ItemGroup]
    first_day: date | None
    last_day: date | None
    opened_by: str  # display name
    opened_at: datetime
    audit_head: LogHead  # the chain's head once the opening was audited
    other_pupils: int = 0  # how many other pupils its records name
    other_pupils_named: bool = False  # shown by name (the DSL chose to), not masked
    # Each file read: its chain's head signed by the one who opened it.
    signed_heads: tuple[SignedLogHead, ...] = ()
    # The pupil's safeguarding status (every period, current first); None when the one who
    # opened it may not see safeguarding status (a behaviour lead).
    statuses: tuple[StatusPeriod, ...] | None = None


def shown(value: str | None, spec_: FieldSpec, labels: Labels) -> str:
    """A stored value as a person reads it: labels for choices, local dates and times."""
    if value is None or value == "":
        return "—"
    if spec_.type == "datetime":
        return moment_text(datetime.fromisoformat(value))
    if spec_.type == "date":
        return date_text(datetime.fromisoformat(value).date())
    if spec_.type == "bool":
        return "Yes" if value == "true" else "No"
    if spec_.type == "holds":
        return "; ".join(hold_words(h, labels) for h in _read(holds.from_text, value)) or "—"
    if spec_.type == "body_map":
        return "\n".join(m.describe() for m in _read(body_map.from_text, value)) or "—"
    if spec_.list_name:
        return labels.get(spec_.list_name, {}).get(value, value)
    return value


def hold_words(hold: holds.Hold, labels: Labels) -> str:
    """A further hold as people read it: "Seated hold 2 min"."""
    return f"{labels.get('restraint_types', {}).get(hold.hold, hold.hold)} {hold.minutes} min"


def _read(parse: Callable[[str | None], tuple[T, ...]], value: str | None) -> tuple[T, ...]:
    """A list field's items; none when the stored text is not one (it was checked when
    written, so only text changed behind the program's back would not be)."""
    try:
        return parse(value)
    except (ValueError, KeyError, TypeError):
        return ()


def one_line(text: str | None, limit: int = 110) -> str:
    """Text on one line, cut at the end of a word with an ellipsis when it is too long (a
    single word longer than the whole line is cut where it must be)."""
    line = " ".join((text or "").split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if line[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:—–-") + "…"


def _name(names: Mapping[str, str], username: str) -> str:
    return names.get(username, username)


def entry_items(
    entry: StoredEntry,
    labels: Labels,
    names: Mapping[str, str],
    mask: PupilMask = NO_MASK,
) -> list[ChronologyItem]:
    """An entry and each of its amendments, other pupils shown as ``mask`` says."""
    kinds = {s.name: s for s in FIELDS[entry.kind]}
    values = {
        name: _masked(value, kinds.get(name), mask) for name, value in entry.current().items()
    }
    detail = [("Pupils", pupils_line(entry.pupils, mask))]
    detail += [(s.label, shown(values.get(s.name), s, labels)) for s in FIELDS[entry.kind]]
    items = [
        ChronologyItem(
            entry.occurred_at,
            entry.recorded_at,
            ItemGroup(entry.kind.value),
            entry.ref,
            entry.kind.label,
            _entry_summary(entry, values, labels),
            entry.author_name or _name(names, entry.author),
            tuple(detail),
            marks=_read(body_map.from_text, values.get("body_map")),
        )
    ]
    for amendment in entry.amendments:
        amended = spec(entry.kind, amendment.field)
        label = amended.label if amended else amendment.field
        was = _masked(amendment.old_value, amended, mask)
        now = _masked(amendment.new_value, amended, mask)
        old = shown(was, amended, labels) if amended else was
        new = shown(now, amended, labels) if amended else now
        reason = mask.text(amendment.reason) or ""
        items.append(
            ChronologyItem(
                amendment.at,
                amendment.at,
                ItemGroup.AMENDMENT,
                entry.ref,
                "Amendment",
                one_line(f"{label} changed — {reason}"),
                _name(names, amendment.author),
                (
                    ("Field", label),
                    ("Was", old or "—"),
                    ("Now", new or "—"),
                    ("Reason", reason),
                ),
            )
        )
    return items


def _masked(value: str | None, spec_: FieldSpec | None, mask: PupilMask) -> str | None:
    """Free text masked (a body map's notes too); choices, dates and flags are stored codes,
    left for ``shown``."""
    if spec_ is not None and spec_.type == "body_map":
        marks = _read(body_map.from_text, value)
        if not marks:
            return value
        return body_map.to_json(tuple(replace(m, note=mask.text(m.note) or "") for m in marks))
    if spec_ is not None and spec_.type not in ("text", "long_text"):
        return value
    return mask.text(value)


def pupils_line(pupils: Iterable[StoredPupil], mask: PupilMask) -> str:
    """The pupils on a record, this child first, then the others by letter."""

    def place(pupil: StoredPupil) -> tuple[int, str]:
        other = mask.others.get(pupil.upn)
        return (0, "") if other is None else (len(other.letter), other.letter)

    ordered = sorted(pupils, key=place)
    return "; ".join(_pupil_line(mask.pupil(p.upn, p.name), p.role) for p in ordered)


def _pupil_line(shown_as: str, role: object) -> str:
    return shown_as + (f", {role}" if role else "")


def _entry_summary(entry: StoredEntry, values: Mapping[str, str | None], labels: Labels) -> str:
    def label(list_name: str, name: str) -> str:
        value = values.get(name) or ""
        return labels.get(list_name, {}).get(value, value)

    if entry.kind is Kind.CONCERN:
        head = f"{label('categories', 'category')}, {label('urgencies', 'urgency').lower()}"
        return one_line(f"{head}: {values.get('description')}")
    if entry.kind is Kind.BEHAVIOUR:
        head = f"{label('behaviour_types', 'behaviour_type')} ({label('severities', 'severity')})"
        return one_line(f"{head}, {label('locations', 'location')}: {values.get('description')}")
    minutes = _minutes(values.get("started_at"), values.get("ended_at"))
    used = [label("restraint_types", "restraint_type")]
    used += [
        labels.get("restraint_types", {}).get(h.hold, h.hold)
        for h in _read(holds.from_text, values.get("more_holds"))
    ]
    kind = label("intervention_kinds", "intervention_kind")  # none on records made before
    head = f"{kind}: " if kind else ""
    return one_line(
        f"{head}{', '.join(dict.fromkeys(used))}, {minutes} min in all, "
        f"{label('locations', 'location')}: {values.get('cause')}"
    )


def _minutes(start: str | None, end: str | None) -> int:
    if not start or not end:
        return 0
    return round((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 60)


def notification_item(
    ref: str,
    author: str,
    recorded_at: datetime,
    values: Mapping[str, str | None],
    pupils: Iterable[tuple[str, str]],
    names: Mapping[str, str],
    mask: PupilMask = NO_MASK,
) -> ChronologyItem:
    received = values.get("received_at")
    happened = datetime.fromisoformat(received) if received else recorded_at
    kinds = {s.name: s for s in NOTIFICATION_FIELDS}
    masked = {name: _masked(value, kinds.get(name), mask) for name, value in values.items()}
    on_it = [StoredPupil(upn, name, None, "") for upn, name in pupils]
    detail = [("Pupils", pupils_line(on_it, mask))]
    detail += [(s.label, shown(masked.get(s.name), s, {})) for s in NOTIFICATION_FIELDS]
    return ChronologyItem(
        happened,
        recorded_at,
        ItemGroup.NOTIFICATION,
        ref,
        "Police notification (Operation Encompass)",
        one_line(f"From {masked.get('received_from')}: {masked.get('summary')}"),
        _name(names, author),
        tuple(detail),
    )


def case_item(
    ref: str,
    event: CaseEvent,
    names: Mapping[str, str],
    mask: PupilMask = NO_MASK,
    case_pupils: Iterable[tuple[str, str]] = (),
) -> ChronologyItem:
    """One act on a case; on a case whose record names other pupils too, a first line says
    so (the act may be about them: the record does not say which pupil each act concerns)."""
    specs = ACT_FIELDS[event.type]
    kinds = {s.name: s for s in specs}
    values = {name: _masked(value, kinds.get(name), mask) for name, value in event.values.items()}
    event = CaseEvent(event.type, event.id, event.author, event.at, values)
    detail = [(s.label, shown(event.values.get(s.name), s, CASEWORK_LISTS_LABELS)) for s in specs]
    others = [StoredPupil(upn, name, None, "") for upn, name in case_pupils if upn in mask.others]
    if others:
        detail.insert(0, ("Case also names", pupils_line(others, mask)))
    return ChronologyItem(
        event.happened_at,
        event.at,
        ItemGroup.CASEWORK,
        ref,
        event.type.label,
        one_line(event.summary()),
        _name(names, event.author),
        tuple(detail),
    )


def status_items(
    periods: Iterable[StatusPeriod], mask: PupilMask = NO_MASK
) -> list[ChronologyItem]:
    """Each start and end of a safeguarding status, on its day (DSL casework)."""
    items = []
    for period in periods:
        changes = [
            (
                "started",
                period.started_on,
                period.started_by,
                period.started_recorded_at,
                period.note,
            )
        ]
        if period.ended_on is not None and period.ended_recorded_at is not None:
            changes.append(
                (
                    "ended",
                    period.ended_on,
                    period.ended_by or "",
                    period.ended_recorded_at,
                    period.end_note,
                )
            )
        for change, day, author, recorded, note in changes:
            note_text = mask.text(note) or ""
            detail = [("Status", period.kind.label), (f"{change.capitalize()} on", date_text(day))]
            if change == "ended":
                detail.insert(1, ("Started on", date_text(period.started_on)))
            detail.append(("Note", note_text or "—"))
            items.append(
                ChronologyItem(
                    _start_of(day),
                    recorded,
                    ItemGroup.CASEWORK,
                    "",
                    "Safeguarding status",
                    one_line(
                        f"{period.kind.label} {change}" + (f": {note_text}" if note_text else "")
                    ),
                    author,
                    tuple(detail),
                    all_day=True,
                )
            )
    return items


def _start_of(day: date) -> datetime:
    """The first moment of a day in the school's time (where an all-day item sorts)."""
    here = local_time.zone()
    naive = datetime.combine(day, time())
    return naive.replace(tzinfo=here) if here is not None else naive.astimezone()


CASEWORK_LISTS_LABELS: Labels = {name: dict(items) for name, items in CASEWORK_LISTS.items()}


def in_order(items: Iterable[ChronologyItem]) -> list[ChronologyItem]:
    """When it happened; ties by when it was recorded, then by reference."""
    return sorted(items, key=lambda i: (i.happened_at, i.recorded_at, i.ref))
