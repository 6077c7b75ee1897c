"""Checks a record before it is stored, naming every missing or bad field at once."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Set
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from safedesk.domain import body_map, holds, local_time
from safedesk.domain import upn as upn_rules
from safedesk.domain.entries import (
    ADDED_FIELDS,
    FIELDS,
    EntryPupil,
    FieldSpec,
    Kind,
    NewEntry,
    PupilRole,
    when_field,
)
from safedesk.domain.entries import (
    spec as find_spec,
)
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import minutes_text
from safedesk.domain.text import is_blank, text_problem

# Clocks on two PCs disagree a little; minutes ahead is a typo or a wrong date, not drift.
FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_PUPILS = 60

Lists = Mapping[str, Set[str]]

# Days that record something already done: none of them can be after today.
NOT_AFTER_TODAY = frozenset({"parent_letter_sent_on"})


_DAY_ONLY = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")


def parse_moment(value: object) -> datetime | str:
    """An aware UTC datetime from ISO 8601 text, or a problem. Without an offset it is the
    school's local time; in the hour the clocks go back it must say which (an offset, or
    "first"/"second"), and a time in the hour they go forward is refused (domain.local_time)."""
    problem = "must be a date and time like 2026-11-24T14:30"
    which = None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        text, which = local_time.split_which(value.strip())
        if _DAY_ONLY.match(text.strip()):
            # Python would read it as midnight: a time nobody gave is never recorded.
            return "needs the time as well as the date, like 2026-11-24T14:30"
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            return problem
    else:
        return problem
    if not 2000 <= moment.year <= 2100:
        return "must be a date between 2000 and 2100"
    if moment.tzinfo is None:
        return local_time.local_to_utc(moment, which)  # typed times are the school's local time
    return moment.astimezone(UTC)


def parse_day(value: object) -> date | str:
    """A date from ISO (2026-11-24) or British (24/11/2026) text, or a problem."""
    problem = "must be a date like 2026-11-24 or 24/11/2026"
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            if "/" in text:
                day = datetime.strptime(text, "%d/%m/%Y").date()
            else:
                day = date.fromisoformat(text)
        except ValueError:
            return problem
    else:
        return problem
    if not 2000 <= day.year <= 2100:
        return "must be a date between 2000 and 2100"
    return day


def field_value(
    spec: FieldSpec, raw: object, lists: Lists, now: datetime
) -> tuple[object, str | None]:
    """The clean value of one field and the problem with it (None when fine)."""
    if spec.type == "bool":
        if raw is None or is_blank(raw):
            # A yes/no answer nobody gave is not "no".
            return (None, "is required: true or false") if spec.required else (False, None)
        if isinstance(raw, bool):
            return raw, None
        return None, "must be true or false"
    if spec.type in ("holds", "body_map"):
        # Kept as canonical JSON text, so it is stored, sealed, amended and hashed as text.
        if spec.type == "holds":
            holds_found, problem = holds.parse(raw, lists.get("restraint_types", set()))
            text = holds.to_json(holds_found)
        else:
            marks, problem = body_map.parse(raw)
            text = body_map.to_json(marks)
        if problem:
            return None, problem
        if text is None and spec.required:
            return None, "is required"
        return text, None
    if is_blank(raw):
        return None, ("is required" if spec.required else None)
    if spec.type == "date":
        day = parse_day(raw)
        if isinstance(day, str):
            return None, day
        if spec.name in NOT_AFTER_TODAY and day > local_time.to_local(now).date():
            return None, "is in the future"
        return day, None
    if spec.type == "id":
        number: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            number = raw
        elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
            number = int(raw.strip())
        # SQLite's integers stop at 2**63 - 1; no act number comes near it.
        if number is not None and 0 < number < 2**63:
            return number, None
        return None, "must be a number from the case's timeline"
    if spec.type == "datetime":
        moment = parse_moment(raw)
        if isinstance(moment, str):
            return None, moment
        if moment > now + FUTURE_TOLERANCE:
            return None, "is in the future"
        return moment, None
    problem = text_problem(raw, limit=spec.limit)
    if problem:
        return None, problem
    if spec.type == "choice":
        assert spec.list_name is not None
        if raw not in lists.get(spec.list_name, set()):
            allowed = ", ".join(sorted(lists.get(spec.list_name, set())))
            return None, f"{raw!r} is not one of: {allowed}"
    return raw, None


def cross_field_problems(kind: Kind, values: Mapping[str, object]) -> dict[str, str]:
    """Rules that join fields: bullying needs its type, 'other' holds need describing…"""
    problems: dict[str, str] = {}
    if kind is Kind.BEHAVIOUR:
        if values.get("behaviour_type") == "bullying" and is_blank(values.get("bullying_type")):
            problems["bullying_type"] = "is required when the behaviour is bullying"
        if values.get("bullying_type") == "prejudice" and is_blank(values.get("prejudice_type")):
            problems["prejudice_type"] = "is required when the bullying is prejudice-based"
    if kind is Kind.INTERVENTION:
        started, ended = values.get("started_at"), values.get("ended_at")
        if isinstance(started, datetime) and isinstance(ended, datetime) and ended < started:
            problems["ended_at"] = "is before the start"
        more = _holds_in(values.get("more_holds"))
        if is_blank(values.get("restraint_detail")):
            if values.get("restraint_type") == "other":
                problems["restraint_detail"] = "is required when the hold is 'other'"
            elif any(h.hold == "other" for h in more):
                problems["restraint_detail"] = "is required when another hold is 'other'"
        if more and isinstance(started, datetime) and isinstance(ended, datetime):
            seconds = (ended - started).total_seconds()
            length = math.ceil(seconds / 60)
            total = sum(h.minutes for h in more)
            if ended >= started and total * 60 > seconds:
                problems["more_holds"] = (
                    f"add up to {minutes_text(total)}, longer than the intervention itself "
                    f"({minutes_text(length)}, from its start to its end)"
                )
        if repeated := _main_hold_repeated(values.get("restraint_type"), more):
            problems["more_holds"] = repeated
        problems.update(_local_authority_problems(values))
        problems.update(_after_the_start_problems(started, values))
        informed = ("parent_informed_at", "parent_informed_by", "parent_informed_how")
        gave_informed = [f for f in informed if not is_blank(values.get(f))]
        if len(gave_informed) != len(informed) and is_blank(
            values.get("parent_not_informed_reason")
        ):
            reason = find_spec(Kind.INTERVENTION, "parent_not_informed_reason")
            assert reason is not None
            for name in informed:
                if name not in gave_informed:
                    # Named by the label people see, never the field's name in the JSON.
                    problems[name] = f"is required (or fill in “{reason.label}”)"
    return problems


def _holds_in(value: object) -> tuple[holds.Hold, ...]:
    """The further holds in a value already checked (canonical text), none if unreadable."""
    if not isinstance(value, str):
        return ()
    try:
        return holds.from_text(value)
    except (ValueError, KeyError, TypeError):
        return ()


def _main_hold_repeated(main: object, more: tuple[holds.Hold, ...]) -> str | None:
    """A further hold that is the main hold again: the main hold's minutes are the rest of
    the time, so it has no row of its own."""
    main_spec = find_spec(Kind.INTERVENTION, "restraint_type")
    assert main_spec is not None
    for number, hold in enumerate(more, start=1):
        if main and hold.hold == main:
            # Said after the field's label: "Other holds used include the main hold again…"
            return (
                f"include the main hold (“{main_spec.label}”) again, as other hold {number}: "
                "the main hold's minutes are the rest of the time, so list only the other holds"
            )
    return None


def _as_day(value: object) -> date | None:
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _after_the_start_problems(started: object, values: Mapping[str, object]) -> dict[str, str]:
    """The local authority told, and the letter sent, after the intervention, never before."""
    if not isinstance(started, datetime):
        return {}
    problems: dict[str, str] = {}
    reported = values.get("la_reported_at")
    if isinstance(reported, datetime) and reported < started:
        problems["la_reported_at"] = "is before the intervention started"
    letter = _as_day(values.get("parent_letter_sent_on"))
    if letter is not None and letter < local_time.to_local(started).date():
        problems["parent_letter_sent_on"] = "is before the intervention"
    return problems


def _local_authority_problems(values: Mapping[str, object]) -> dict[str, str]:
    """When and to whom the local authority was told: one is no use without the other."""
    at = find_spec(Kind.INTERVENTION, "la_reported_at")
    to = find_spec(Kind.INTERVENTION, "la_reported_to")
    assert at is not None
    assert to is not None
    gave_at, gave_to = not is_blank(values.get(at.name)), not is_blank(values.get(to.name))
    if gave_at and not gave_to:
        return {to.name: f"is required when “{at.label}” is given"}
    if gave_to and not gave_at:
        return {at.name: f"is required when “{to.label}” is given"}
    return {}


def _required_now(
    spec: FieldSpec, required_since: Mapping[str, datetime] | None, recorded_at: datetime
) -> FieldSpec:
    """The field as it applies to a record recorded at ``recorded_at``: a field added by an
    upgrade is required only on records recorded since it became required in that file
    (``required_since``: field name -> since when; None: every field applies in full)."""
    if not spec.required or spec.name not in ADDED_FIELDS or required_since is None:
        return spec
    since = required_since.get(spec.name)
    if since is not None and recorded_at >= since:
        return spec
    return replace(spec, required=False)


def _pupils(kind: Kind, payload: Mapping[str, Any]) -> tuple[list[EntryPupil], dict[str, str]]:
    problems: dict[str, str] = {}
    found: list[EntryPupil] = []
    if kind is Kind.INTERVENTION:
        raw = payload.get("pupil")
        if is_blank(raw):
            return [], {"pupil": "is required"}
        items: list[Any] = [raw]
    else:
        raw = payload.get("pupils")
        if not isinstance(raw, list) or not raw:
            return [], {"pupils": "is required: at least one pupil"}
        if len(raw) > MAX_PUPILS:
            return [], {"pupils": f"at most {MAX_PUPILS} pupils on one record"}
        items = raw
    name = "pupil" if kind is Kind.INTERVENTION else "pupils"
    for index, item in enumerate(items, start=1):
        where = name if kind is Kind.INTERVENTION else f"pupils[{index}]"
        role: PupilRole | None = None
        if kind is Kind.BEHAVIOUR:
            if not isinstance(item, Mapping):
                problems[where] = 'must be {"upn": …, "role": …}'
                continue
            try:
                role = PupilRole(str(item.get("role")))
            except ValueError:
                roles = ", ".join(r.value for r in PupilRole)
                problems[f"{where}.role"] = f"is required: one of {roles}"
            item = item.get("upn")
        if not isinstance(item, str):
            problems[where] = "must be a UPN"
            continue
        upn = upn_rules.normalise(item)
        if reason := upn_rules.problem(upn):
            problems[where] = reason
        elif any(p.upn == upn for p in found):
            problems[where] = f"{upn} is listed twice"
        else:
            found.append(EntryPupil(upn, role))
    return found, problems


def validate_new_entry(
    kind: Kind,
    payload: Mapping[str, Any],
    *,
    lists: Lists,
    now: datetime,
    required_since: Mapping[str, datetime] | None = None,
) -> NewEntry:
    """A NewEntry, or ValidationError listing every problem keyed by field name.

    ``now`` is when it is recorded. ``required_since`` (from the compartment's
    ``field_required_from``, when a record sealed earlier is taken in) relaxes the fields an
    upgrade added for records recorded before they became required; None requires them."""
    if not isinstance(payload, Mapping):
        raise ValidationError({"record": "must be a JSON object"})
    specs = FIELDS[kind]
    known = {s.name for s in specs} | {"pupil" if kind is Kind.INTERVENTION else "pupils"}
    problems: dict[str, str] = {
        str(name): "is not a field of this kind of record" for name in payload if name not in known
    }
    pupils, pupil_problems = _pupils(kind, payload)
    problems.update(pupil_problems)
    values: dict[str, object] = {}
    for spec in specs:
        applies = _required_now(spec, required_since, now)
        value, problem = field_value(applies, payload.get(spec.name), lists, now)
        if problem:
            problems[spec.name] = problem
        else:
            values[spec.name] = value
    for name, problem in cross_field_problems(kind, values).items():
        problems.setdefault(name, problem)
    if problems:
        raise ValidationError(problems)
    occurred = values[when_field(kind)]
    assert isinstance(occurred, datetime)
    return NewEntry(kind, occurred, tuple(pupils), values)


def pupil_problems(
    kind: Kind, entry: NewEntry, found: Mapping[str, tuple[str, date]]
) -> dict[str, str]:
    """Pupils that do not exist, or a record dated before a pupil's birth.

    ``found`` maps each known UPN to (name, date of birth)."""
    problems: dict[str, str] = {}
    field = "pupil" if kind is Kind.INTERVENTION else "pupils"
    for index, item in enumerate(entry.pupils, start=1):
        where = field if kind is Kind.INTERVENTION else f"pupils[{index}]"
        pupil = found.get(item.upn)
        if pupil is None:
            problems[where] = f"there is no pupil with UPN {item.upn}"
        elif entry.occurred_at.date() < pupil[1]:
            problems[when_field(kind)] = (
                f"is before {pupil[0]}'s date of birth ({pupil[1]:%d/%m/%Y})"
            )
    return problems


def entry_payload(entry: NewEntry) -> dict[str, Any]:
    """A validated record as plain JSON that ``validate_new_entry`` accepts again unchanged
    (what is sealed into the inbox and re-validated when it is taken in)."""
    from safedesk.domain.entries import stored_text

    payload: dict[str, Any] = {}
    for spec in FIELDS[entry.kind]:
        value = entry.values.get(spec.name)
        if value is None:
            continue
        payload[spec.name] = value if isinstance(value, bool) else stored_text(value)
    if entry.kind is Kind.INTERVENTION:
        payload["pupil"] = entry.pupils[0].upn
    elif entry.kind is Kind.BEHAVIOUR:
        payload["pupils"] = [
            {"upn": p.upn, "role": p.role.value if p.role else None} for p in entry.pupils
        ]
    else:
        payload["pupils"] = [p.upn for p in entry.pupils]
    return payload
