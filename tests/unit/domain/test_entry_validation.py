"""Checks before a record is stored (DESIGN.md, "What is recorded"): every problem named at
once, mandatory fields as the design lists them, dates between 2000 and 2100, nothing more
than five minutes in the future, at most 60 pupils on one record."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from safedesk.domain import upn
from safedesk.domain.entries import FIELDS, EntryPupil, FieldSpec, Kind, NewEntry, PupilRole
from safedesk.domain.entry_validation import (
    FUTURE_TOLERANCE,
    MAX_PUPILS,
    entry_payload,
    field_value,
    parse_day,
    parse_moment,
    pupil_problems,
    validate_new_entry,
)
from safedesk.domain.errors import ValidationError

NOW = datetime(2026, 11, 24, 14, 30, tzinfo=UTC)  # a Tuesday afternoon, GMT
PUPIL_A = upn.make("801200005001")
PUPIL_B = upn.make("801200005002")
LISTS = {
    "categories": {"neglect", "physical", "other"},
    "urgencies": {"immediate", "urgent", "routine"},
    "locations": {"playground", "classroom", "corridor"},
    "behaviour_types": {"bullying", "verbal_abuse"},
    "bullying_types": {"physical", "verbal", "online", "prejudice"},
    "prejudice_types": {"racist", "homophobic"},
    "severities": {"low", "medium", "high"},
    "restraint_types": {"double_elbow", "other"},
    "triggers": {"peer_conflict", "adult_direction", "not_known"},
    "intervention_kinds": {"restraint_contact", "seclusion"},
}
DAY_FIELD = FieldSpec("due_on", "Due by", "date", True)
WHEN_FIELD = FieldSpec("contact_at", "When", "datetime", True)
YEARS = "must be a date between 2000 and 2100"


def concern() -> dict[str, Any]:
    return {
        "pupils": [PUPIL_A],
        "occurred_at": "2026-11-24T12:15",
        "category": "neglect",
        "urgency": "urgent",
        "description": "Came in without a coat for the third day; hungry at breakfast club.",
        "child_words": "“Mum said there's no food till Friday.”",
    }


def behaviour() -> dict[str, Any]:
    return {
        "pupils": [{"upn": PUPIL_A, "role": "instigator"}, {"upn": PUPIL_B, "role": "target"}],
        "occurred_at": "2026-11-24T12:40",
        "location": "playground",
        "behaviour_type": "verbal_abuse",
        "severity": "medium",
        "trigger": "peer_conflict",
        "antecedent": "Lost a game of football at lunch.",
        "escalation": "Other children laughed.",
        "description": "Shouted abuse at Zoë.",
        "action_taken": "Time out; restorative conversation.",
        "parents_informed": True,
    }


def intervention() -> dict[str, Any]:
    return {
        "pupil": PUPIL_A,
        "started_at": "2026-11-24T11:00",
        "ended_at": "2026-11-24T11:04",
        "location": "corridor",
        "staff_involved": "Mr Okafor, Ms Byrne",
        "trigger": "adult_direction",
        "cause": "Refused to leave the corridor after being asked to return to class.",
        "escalation": "Began kicking the fire door and then a classmate.",
        "deescalation": "Calm voice, offered choices, cleared the corridor.",
        "reason_for_force": "Risk of injury to another pupil.",
        "intervention_kind": "restraint_contact",
        "restraint_type": "double_elbow",
        "injuries_pupil": "none",
        "injuries_staff": "none",
        "support_after": "Quiet time in the library with Ms Byrne.",
        "parent_informed_at": "2026-11-24T13:00",
        "parent_informed_by": "Ms Byrne",
        "parent_informed_how": "phone",
    }


PAYLOADS = {Kind.CONCERN: concern, Kind.BEHAVIOUR: behaviour, Kind.INTERVENTION: intervention}

# Mandatory fields, named from the design (not read from the code's own `required` flags).
MANDATORY: dict[Kind, set[str]] = {
    # "when it happened", on one or more pupils' files; a concern's category, what was seen
    # or heard, and its urgency (the queue's time-to-action target depends on it).
    Kind.CONCERN: {"pupils", "occurred_at", "category", "description", "urgency"},
    # "location, behaviour type, severity; mandatory: what happened before (the cause /
    # antecedent), what escalated it, what was done".
    Kind.BEHAVIOUR: {
        "pupils",
        "occurred_at",
        "location",
        "behaviour_type",
        "severity",
        "antecedent",
        "escalation",
        "description",
        "action_taken",
        # "parents informed": answered yes or no, never assumed (Step 9: a yes/no nobody
        # answered was stored as "no").
        "parents_informed",
        # Step 10: the cause from the school's list of triggers, so it can be analysed.
        "trigger",
    },
    # "start and end time, location, staff involved; mandatory: trigger / cause, escalation
    # and the de-escalation tried first, why force was necessary, the type of hold, injuries
    # to pupil and staff, parent informed (when, how, by whom)".
    Kind.INTERVENTION: {
        "pupil",
        "started_at",
        "ended_at",
        "location",
        "staff_involved",
        "cause",
        "escalation",
        "deescalation",
        "reason_for_force",
        "restraint_type",
        "injuries_pupil",
        "injuries_staff",
        "parent_informed_at",
        "parent_informed_by",
        "parent_informed_how",
        # Step 10 (the 2025 guidance): the trigger from the list, the kind of intervention
        # and the support offered to the pupil afterwards.
        "trigger",
        "intervention_kind",
        "support_after",
    },
}


def problems(kind: Kind, payload: dict[str, Any], now: datetime = NOW) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        validate_new_entry(kind, payload, lists=LISTS, now=now)
    return caught.value.problems


# ---- mandatory fields ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(Kind))
def test_an_empty_record_names_exactly_the_designs_mandatory_fields(kind: Kind) -> None:
    assert set(problems(kind, {})) == MANDATORY[kind]


@pytest.mark.parametrize(
    ("kind", "field"), [(kind, field) for kind, fields in MANDATORY.items() for field in fields]
)
@pytest.mark.parametrize("blank", [None, "", "  \t"])
def test_each_mandatory_field_left_blank_is_named(kind: Kind, field: str, blank: object) -> None:
    payload = PAYLOADS[kind]()
    if blank is None:
        del payload[field]
    else:
        payload[field] = blank
    found = problems(kind, payload)
    assert field in found
    assert "required" in found[field]


@pytest.mark.parametrize("kind", list(Kind))
def test_a_complete_record_is_accepted(kind: Kind) -> None:
    entry = validate_new_entry(kind, PAYLOADS[kind](), lists=LISTS, now=NOW)
    assert entry.kind is kind
    assert entry.pupils[0].upn == PUPIL_A


def test_the_parent_may_go_uninformed_only_with_a_reason() -> None:
    payload = intervention()
    for name in ("parent_informed_at", "parent_informed_by", "parent_informed_how"):
        del payload[name]
    payload["parent_not_informed_reason"] = "Pupil is looked after; social worker told instead."
    entry = validate_new_entry(Kind.INTERVENTION, payload, lists=LISTS, now=NOW)
    assert entry.values["parent_informed_at"] is None


def test_a_parent_partly_informed_names_only_what_is_missing() -> None:
    payload = intervention()
    del payload["parent_informed_how"]
    assert problems(Kind.INTERVENTION, payload) == {
        "parent_informed_how": "is required (or fill in “Why the parent was not informed”)"
    }


@pytest.mark.parametrize("kind", list(Kind))
def test_no_message_names_a_field_by_its_internal_name(kind: Kind) -> None:
    """Found by the new-user pass: "…in parent_not_informed_reason". A message is read by
    staff under the field: it names other fields by the labels they see."""
    makers = {Kind.CONCERN: concern, Kind.BEHAVIOUR: behaviour, Kind.INTERVENTION: intervention}
    payloads: list[dict[str, Any]] = [{"pupils": [], "pupil": ""}]
    for field in FIELDS[kind]:
        broken = makers[kind]()
        broken.pop(field.name, None)
        payloads.append(broken)
    partly = makers[kind]() | {"behaviour_type": "bullying", "bullying_type": "prejudice"}
    payloads.append({k: v for k, v in partly.items() if k in makers[kind]() or k.endswith("type")})
    names = {f.name for k in Kind for f in FIELDS[k] if "_" in f.name}
    seen = 0
    for payload in payloads:
        try:
            validate_new_entry(kind, payload, lists=LISTS, now=NOW)
        except ValidationError as exc:
            for message in exc.problems.values():
                seen += 1
                assert not [n for n in names if n in message], message
    assert seen


# ---- dates and times: 2000 to 2100 -----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2000-01-01", date(2000, 1, 1)),
        ("01/01/2000", date(2000, 1, 1)),
        ("2100-12-31", date(2100, 12, 31)),
        ("31/12/2100", date(2100, 12, 31)),
        (" 24/11/2026 ", date(2026, 11, 24)),
        (date(2026, 11, 24), date(2026, 11, 24)),
    ],
)
def test_dates_from_2000_to_2100_are_accepted(typed: object, day: date) -> None:
    assert parse_day(typed) == day
    assert field_value(DAY_FIELD, typed, LISTS, NOW) == (day, None)


@pytest.mark.parametrize(
    "typed", ["1999-12-31", "31/12/1999", "2101-01-01", "01/01/2101", date(1999, 12, 31)]
)
def test_dates_outside_2000_to_2100_are_refused(typed: object) -> None:
    assert parse_day(typed) == YEARS
    assert field_value(DAY_FIELD, typed, LISTS, NOW) == (None, YEARS)


@pytest.mark.parametrize(
    "typed", ["24-11-2026", "2026/11/24", "31/02/2026", "tomorrow", 20261124, datetime(2026, 1, 1)]
)
def test_what_is_not_a_date_says_how_to_write_one(typed: object) -> None:
    assert parse_day(typed) == "must be a date like 2026-11-24 or 24/11/2026"


@pytest.mark.parametrize(
    ("typed", "moment"),
    [
        ("2000-01-01T00:00", datetime(2000, 1, 1, 0, 0, tzinfo=UTC)),
        ("2100-12-31T23:59", datetime(2100, 12, 31, 23, 59, tzinfo=UTC)),
        ("2000-01-01T00:00+00:00", datetime(2000, 1, 1, 0, 0, tzinfo=UTC)),
        ("2100-12-31T23:59:59+00:00", datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ],
)
def test_date_times_from_2000_to_2100_are_accepted(typed: str, moment: datetime) -> None:
    assert parse_moment(typed) == moment
    after_2100 = datetime(2101, 1, 2, tzinfo=UTC)  # so that 2100 is not in the future
    assert field_value(WHEN_FIELD, typed, LISTS, after_2100) == (moment, None)


@pytest.mark.parametrize(
    "typed",
    [
        "1999-12-31T23:59",
        "1999-12-31T23:59:59+00:00",
        "2101-01-01T00:00",
        "2101-01-01T00:00+00:00",
        datetime(1999, 12, 31, 23, 59, tzinfo=UTC),
    ],
)
def test_date_times_outside_2000_to_2100_are_refused(typed: object) -> None:
    assert parse_moment(typed) == YEARS
    assert field_value(WHEN_FIELD, typed, LISTS, datetime(2101, 1, 2, tzinfo=UTC)) == (None, YEARS)


def test_a_date_time_with_an_offset_is_stored_as_utc() -> None:
    moment = parse_moment("2026-06-01T09:30+01:00")
    assert moment == datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
    assert isinstance(moment, datetime) and moment.utcoffset() == timedelta(0)


def test_an_aware_datetime_is_taken_as_it_is_in_utc() -> None:
    moment = parse_moment(datetime(2026, 6, 1, 9, 30, tzinfo=timezone(timedelta(hours=1))))
    assert moment == datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
    assert isinstance(moment, datetime) and moment.utcoffset() == timedelta(0)


@pytest.mark.parametrize("typed", ["2026-11-24 14:30 yesterday", "24/11/2026 14:30", "", 5, None])
def test_what_is_not_a_date_time_says_how_to_write_one(typed: object) -> None:
    assert parse_moment(typed) == "must be a date and time like 2026-11-24T14:30"


# ---- the five-minute tolerance for a clock ahead ---------------------------------------------


def test_the_tolerance_is_five_minutes() -> None:
    assert timedelta(minutes=5) == FUTURE_TOLERANCE


@pytest.mark.parametrize(
    "ahead", [timedelta(0), timedelta(minutes=4, seconds=59), timedelta(minutes=5)]
)
def test_up_to_five_minutes_ahead_is_clock_drift_and_accepted(ahead: timedelta) -> None:
    moment = NOW + ahead
    assert field_value(WHEN_FIELD, moment.isoformat(), LISTS, NOW) == (moment, None)


@pytest.mark.parametrize(
    "ahead",
    [timedelta(minutes=5, seconds=1), timedelta(minutes=5, microseconds=1), timedelta(days=1)],
)
def test_more_than_five_minutes_ahead_is_in_the_future(ahead: timedelta) -> None:
    typed = (NOW + ahead).isoformat()
    assert field_value(WHEN_FIELD, typed, LISTS, NOW) == (None, "is in the future")


def test_a_record_of_something_in_the_future_is_refused_by_field() -> None:
    payload = concern() | {"occurred_at": (NOW + timedelta(minutes=5, seconds=1)).isoformat()}
    assert problems(Kind.CONCERN, payload) == {"occurred_at": "is in the future"}


# ---- at most 60 pupils on one record ---------------------------------------------------------


def pupils(count: int) -> list[str]:
    return [upn.make(f"8012000{n:05d}") for n in range(1, count + 1)]


def test_the_limit_is_sixty_pupils() -> None:
    assert MAX_PUPILS == 60


def test_exactly_sixty_pupils_are_accepted() -> None:
    entry = validate_new_entry(
        Kind.CONCERN, concern() | {"pupils": pupils(60)}, lists=LISTS, now=NOW
    )
    assert len(entry.pupils) == 60


def test_sixty_one_pupils_are_refused() -> None:
    assert problems(Kind.CONCERN, concern() | {"pupils": pupils(61)}) == {
        "pupils": "at most 60 pupils on one record"
    }


def test_sixty_one_behaviour_pupils_are_refused_too() -> None:
    many = [{"upn": u, "role": "witness"} for u in pupils(61)]
    assert problems(Kind.BEHAVIOUR, behaviour() | {"pupils": many}) == {
        "pupils": "at most 60 pupils on one record"
    }


# ---- pupils ----------------------------------------------------------------------------------


@pytest.mark.parametrize("given", [[], None, "B801200005001", {"upn": PUPIL_A}])
def test_a_concern_needs_a_list_of_at_least_one_pupil(given: object) -> None:
    assert problems(Kind.CONCERN, concern() | {"pupils": given}) == {
        "pupils": "is required: at least one pupil"
    }


def test_pupils_are_normalised_and_each_bad_one_named_by_position() -> None:
    payload = concern() | {"pupils": [f" {PUPIL_A.lower()} ", 42, "B801200005002", PUPIL_A]}
    found = problems(Kind.CONCERN, payload)
    assert found == {
        "pupils[2]": "must be a UPN",
        "pupils[3]": "'B801200005002' has the wrong check letter (expected Q)",
        "pupils[4]": f"{PUPIL_A} is listed twice",
    }


def test_pupils_are_kept_in_the_order_given() -> None:
    entry = validate_new_entry(
        Kind.CONCERN, concern() | {"pupils": [PUPIL_B, PUPIL_A]}, lists=LISTS, now=NOW
    )
    assert entry.pupils == (EntryPupil(PUPIL_B), EntryPupil(PUPIL_A))


def test_behaviour_pupils_each_have_a_part() -> None:
    entry = validate_new_entry(Kind.BEHAVIOUR, behaviour(), lists=LISTS, now=NOW)
    assert entry.pupils == (
        EntryPupil(PUPIL_A, PupilRole.INSTIGATOR),
        EntryPupil(PUPIL_B, PupilRole.TARGET),
    )


def test_behaviour_pupils_without_a_part_or_not_an_object_are_named() -> None:
    payload = behaviour() | {
        "pupils": [{"upn": PUPIL_A}, PUPIL_B, {"upn": 7, "role": "witness"}],
    }
    assert problems(Kind.BEHAVIOUR, payload) == {
        "pupils[1].role": "is required: one of instigator, target, witness",
        "pupils[2]": 'must be {"upn": …, "role": …}',
        "pupils[3]": "must be a UPN",
    }


def test_an_intervention_is_about_one_pupil() -> None:
    assert problems(Kind.INTERVENTION, intervention() | {"pupil": "  "}) == {"pupil": "is required"}
    assert problems(Kind.INTERVENTION, intervention() | {"pupil": [PUPIL_A]}) == {
        "pupil": "must be a UPN"
    }
    assert problems(Kind.INTERVENTION, intervention() | {"pupil": "B801200005002"}) == {
        "pupil": "'B801200005002' has the wrong check letter (expected Q)"
    }
    entry = validate_new_entry(
        Kind.INTERVENTION, intervention() | {"pupil": PUPIL_A.lower()}, lists=LISTS, now=NOW
    )
    assert entry.pupils == (EntryPupil(PUPIL_A),)


def test_pupils_are_not_a_field_of_an_intervention_nor_pupil_of_a_concern() -> None:
    assert problems(Kind.INTERVENTION, intervention() | {"pupils": [PUPIL_A]}) == {
        "pupils": "is not a field of this kind of record"
    }
    assert problems(Kind.CONCERN, concern() | {"pupil": PUPIL_A}) == {
        "pupil": "is not a field of this kind of record"
    }


# ---- the record as a whole -------------------------------------------------------------------


def test_every_problem_is_named_at_once() -> None:
    payload = concern() | {
        "category": "made_up",
        "urgency": "",
        "occurred_at": "yesterday",
        "mood": "sad",
    }
    assert problems(Kind.CONCERN, payload) == {
        "category": "'made_up' is not one of: neglect, other, physical",
        "urgency": "is required",
        "occurred_at": "must be a date and time like 2026-11-24T14:30",
        "mood": "is not a field of this kind of record",
    }


@pytest.mark.parametrize("payload", [[("pupils", [PUPIL_A])], "concern", None])
def test_a_record_must_be_a_json_object(payload: object) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_new_entry(Kind.CONCERN, payload, lists=LISTS, now=NOW)  # type: ignore[arg-type]
    assert caught.value.problems == {"record": "must be a JSON object"}


def test_a_valid_concern_keeps_its_values_and_when_it_happened() -> None:
    entry = validate_new_entry(Kind.CONCERN, concern(), lists=LISTS, now=NOW)
    assert entry.occurred_at == datetime(2026, 11, 24, 12, 15, tzinfo=UTC)
    assert entry.values == {
        "occurred_at": datetime(2026, 11, 24, 12, 15, tzinfo=UTC),
        "category": "neglect",
        "urgency": "urgent",
        "description": "Came in without a coat for the third day; hungry at breakfast club.",
        "child_words": "“Mum said there's no food till Friday.”",
        "action_taken": None,
        "others_told": None,
        "body_map": None,
    }


def test_an_intervention_happened_when_it_started() -> None:
    entry = validate_new_entry(Kind.INTERVENTION, intervention(), lists=LISTS, now=NOW)
    assert entry.occurred_at == datetime(2026, 11, 24, 11, 0, tzinfo=UTC)


def test_an_intervention_cannot_end_before_it_started() -> None:
    payload = intervention() | {"ended_at": "2026-11-24T10:59"}
    assert problems(Kind.INTERVENTION, payload) == {"ended_at": "is before the start"}
    same = intervention() | {"ended_at": "2026-11-24T11:00"}
    assert validate_new_entry(Kind.INTERVENTION, same, lists=LISTS, now=NOW)


def test_an_other_hold_must_be_described() -> None:
    payload = intervention() | {"restraint_type": "other"}
    assert problems(Kind.INTERVENTION, payload) == {
        "restraint_detail": "is required when the hold is 'other'"
    }
    described = payload | {"restraint_detail": "Held both wrists for a few seconds."}
    assert validate_new_entry(Kind.INTERVENTION, described, lists=LISTS, now=NOW)


def test_bullying_needs_its_type_and_prejudice_based_bullying_its_prejudice() -> None:
    bullying = behaviour() | {"behaviour_type": "bullying"}
    assert problems(Kind.BEHAVIOUR, bullying) == {
        "bullying_type": "is required when the behaviour is bullying"
    }
    prejudice = bullying | {"bullying_type": "prejudice"}
    assert problems(Kind.BEHAVIOUR, prejudice) == {
        "prejudice_type": "is required when the bullying is prejudice-based"
    }
    complete = prejudice | {"prejudice_type": "racist"}
    entry = validate_new_entry(Kind.BEHAVIOUR, complete, lists=LISTS, now=NOW)
    assert entry.values["prejudice_type"] == "racist"


def test_cross_field_rules_belong_to_their_kind() -> None:
    # A concern has no hold and no parent-informed rule; a behaviour incident no start/end.
    payload = concern() | {"pupils": [PUPIL_A]}
    assert validate_new_entry(Kind.CONCERN, payload, lists=LISTS, now=NOW)
    assert validate_new_entry(Kind.BEHAVIOUR, behaviour(), lists=LISTS, now=NOW)


# ---- one field at a time ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "result"),
    [
        (None, (False, None)),
        (True, (True, None)),
        (False, (False, None)),
        ("yes", (None, "must be true or false")),
        (1, (None, "must be true or false")),
    ],
)
def test_yes_no_fields(raw: object, result: tuple[object, str | None]) -> None:
    flag = FieldSpec("parents_informed", "Parents informed", "bool")
    assert field_value(flag, raw, LISTS, NOW) == result


@pytest.mark.parametrize(
    ("raw", "number"),
    [(1, 1), ("12", 12), (" 12 ", 12), (2**63 - 1, 2**63 - 1), (str(2**63 - 1), 2**63 - 1)],
)
def test_act_numbers(raw: object, number: int) -> None:
    field = FieldSpec("action_id", "Action number", "id", True)
    assert field_value(field, raw, LISTS, NOW) == (number, None)


@pytest.mark.parametrize("raw", [0, -1, "0", "-3", 2**63, True, "١٢", "1.5", 1.0, "12a"])
def test_what_is_not_an_act_number(raw: object) -> None:
    field = FieldSpec("action_id", "Action number", "id", True)
    assert field_value(field, raw, LISTS, NOW) == (
        None,
        "must be a number from the case's timeline",
    )


def test_an_optional_field_left_blank_is_none_with_no_problem() -> None:
    optional = FieldSpec("witnesses", "Witnesses", "text")
    assert field_value(optional, "  ", LISTS, NOW) == (None, None)
    assert field_value(optional, None, LISTS, NOW) == (None, None)
    required = FieldSpec("owner", "Who", "text", True)
    assert field_value(required, None, LISTS, NOW) == (None, "is required")


def test_text_keeps_any_unicode_exactly_within_its_limit() -> None:
    short = FieldSpec("owner", "Who", "text", True)
    name = "  Siobhán O'Connor-Nguyễn  "
    assert field_value(short, name, LISTS, NOW) == (name, None)
    assert field_value(short, "a" * 201, LISTS, NOW) == (
        None,
        "is 201 characters long; the limit is 200",
    )
    long = FieldSpec("description", "What", "long_text", True)
    assert field_value(long, "a" * 20_000, LISTS, NOW) == ("a" * 20_000, None)
    assert field_value(short, 12, LISTS, NOW) == (None, "must be text")


def test_a_choice_must_be_on_its_list() -> None:
    field = FieldSpec("location", "Location", "choice", True, "locations")
    assert field_value(field, "corridor", LISTS, NOW) == ("corridor", None)
    assert field_value(field, "roof", LISTS, NOW) == (
        None,
        "'roof' is not one of: classroom, corridor, playground",
    )
    unknown = FieldSpec("mood", "Mood", "choice", True, "moods")
    assert field_value(unknown, "sad", LISTS, NOW) == (None, "'sad' is not one of: ")


# ---- pupils that exist, and were born ---------------------------------------------------------


def new_entry(kind: Kind, occurred: datetime, *upns: str) -> NewEntry:
    return NewEntry(kind, occurred, tuple(EntryPupil(u) for u in upns), {})


def test_pupils_that_do_not_exist_are_named_by_position() -> None:
    entry = new_entry(Kind.CONCERN, NOW, PUPIL_A, PUPIL_B)
    found = {PUPIL_A: ("Shiv O'Connor", date(2017, 5, 1))}
    assert pupil_problems(Kind.CONCERN, entry, found) == {
        "pupils[2]": f"there is no pupil with UPN {PUPIL_B}"
    }
    lone = new_entry(Kind.INTERVENTION, NOW, PUPIL_B)
    assert pupil_problems(Kind.INTERVENTION, lone, found) == {
        "pupil": f"there is no pupil with UPN {PUPIL_B}"
    }


def test_a_record_before_a_pupils_birth_is_refused_on_its_date_field() -> None:
    found = {PUPIL_A: ("Shiv O'Connor", date(2017, 5, 1))}
    before = new_entry(Kind.CONCERN, datetime(2017, 4, 30, 23, 0, tzinfo=UTC), PUPIL_A)
    assert pupil_problems(Kind.CONCERN, before, found) == {
        "occurred_at": "is before Shiv O'Connor's date of birth (01/05/2017)"
    }
    held = new_entry(Kind.INTERVENTION, datetime(2017, 4, 30, 23, 0, tzinfo=UTC), PUPIL_A)
    assert "started_at" in pupil_problems(Kind.INTERVENTION, held, found)
    on_the_day = new_entry(Kind.CONCERN, datetime(2017, 5, 1, 0, 0, tzinfo=UTC), PUPIL_A)
    assert pupil_problems(Kind.CONCERN, on_the_day, found) == {}


# ---- what is sealed into the inbox is accepted again unchanged --------------------------------


@pytest.mark.parametrize("kind", list(Kind))
def test_a_validated_record_round_trips_through_its_payload(kind: Kind) -> None:
    entry = validate_new_entry(kind, PAYLOADS[kind](), lists=LISTS, now=NOW)
    payload = entry_payload(entry)
    assert validate_new_entry(kind, payload, lists=LISTS, now=NOW) == entry


def test_the_payload_holds_stored_text_and_leaves_out_blanks() -> None:
    entry = validate_new_entry(Kind.BEHAVIOUR, behaviour(), lists=LISTS, now=NOW)
    payload = entry_payload(entry)
    assert payload["occurred_at"] == "2026-11-24T12:40:00.000000+00:00"
    assert payload["parents_informed"] is True
    assert "activity" not in payload
    assert payload["pupils"] == [
        {"upn": PUPIL_A, "role": "instigator"},
        {"upn": PUPIL_B, "role": "target"},
    ]
    concern_payload = entry_payload(
        validate_new_entry(Kind.CONCERN, concern(), lists=LISTS, now=NOW)
    )
    assert concern_payload["pupils"] == [PUPIL_A]
    held = entry_payload(
        validate_new_entry(Kind.INTERVENTION, intervention(), lists=LISTS, now=NOW)
    )
    assert held["pupil"] == PUPIL_A and "pupils" not in held


def test_a_behaviour_pupil_without_a_part_has_none_in_the_payload() -> None:
    entry = NewEntry(Kind.BEHAVIOUR, NOW, (EntryPupil(PUPIL_A, None),), {})
    assert entry_payload(entry)["pupils"] == [{"upn": PUPIL_A, "role": None}]


def test_a_date_without_a_time_is_refused_not_read_as_midnight() -> None:
    """Found by the Step 9 break-it pass: `record` stored 2026-11-29 as 00:00."""
    from safedesk.domain.entry_validation import parse_moment

    assert parse_moment("2026-11-29") == "needs the time as well as the date, like 2026-11-24T14:30"
    assert parse_moment("20261129") == "needs the time as well as the date, like 2026-11-24T14:30"
    assert not isinstance(parse_moment("2026-11-29T09:15"), str)


def test_parents_informed_left_out_is_asked_for_not_taken_as_no() -> None:
    """Found by the Step 9 break-it pass: `record behaviour` without it stored "No"."""
    from tests import factories

    payload = factories.behaviour()
    del payload["parents_informed"]
    found = problems(Kind.BEHAVIOUR, payload, now=datetime.now().astimezone())
    assert found == {"parents_informed": "is required: true or false"}
