"""Generated input into every service that takes it: accepted and kept exactly, or refused with
a validation error naming the field. Never a crash, never a partial write.

A record goes through its compartment's sealed inbox: a member's is taken in at once, a
member of staff's when a member's session takes it in, where it is validated again. What was
accepted must then be taken in, not quarantined, and kept exactly in the compartment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from safedesk.domain.casework import ACT_FIELDS, NOTIFICATION_FIELDS, ActType
from safedesk.domain.compartments import KIND_COMPARTMENT, Compartment
from safedesk.domain.entries import FIELDS, Kind
from safedesk.domain.errors import NotFound, ValidationError
from safedesk.domain.roles import Role
from safedesk.domain.text import is_blank
from safedesk.services import casework, intake, pupil_import, records, search
from safedesk.services import settings as school_settings
from safedesk.services.intake import TakeInReport
from safedesk.services.session import Session
from safedesk.store.db import Store
from tests import factories
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account

EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1),
    st.sampled_from(
        [
            "'; DROP TABLE entry; --",
            '" OR 1=1 --',
            "Robert'); DELETE FROM pupil;--",
            "x\x00y",
            "\u202eevil",
            "🧒🏽‍♀️ Zoë’s “words”",
            "\ud800" if False else "\U0010ffff",
            " " * 50,
            "a" * 20_001,
            "\r\n\t",
        ]
    ),
)
ANY_VALUE = st.one_of(
    NASTY_TEXT,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
    st.sampled_from(["2026-02-30T10:00", "1899-01-01T00:00", "9999-12-31T23:59", "24/11/2026"]),
)


@pytest.fixture
def session(school: SchoolStore) -> Iterator[Session]:
    """The headteacher: a member of every compartment."""
    opened = school.sign_in()
    factories.add_pupils(opened)
    yield opened
    opened.close()


@pytest.fixture(params=["member", "staff"])
def author(
    request: pytest.FixtureRequest, school: SchoolStore, session: Session
) -> Iterator[Session]:
    """Who records: the head (taken in at once) or a member of staff (through the inbox)."""
    if request.param == "member":
        yield session
        return
    add_account(session, "fuzz.staff", {Role.STAFF})
    staff = school.sign_in("fuzz.staff", OTHER_PASSWORD)
    yield staff
    staff.close()


def count(store: Store, table: str) -> int:
    with store.read() as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def safeguarding(session: Session) -> Store:
    return session.compartment(Compartment.SAFEGUARDING)


@pytest.mark.parametrize("kind", list(Kind))
@EXAMPLES
@given(data=st.data())
def test_records_accept_exactly_or_refuse(
    session: Session, author: Session, kind: Kind, data: Any
) -> None:
    payload = factories.PAYLOADS[kind]()
    names = [f.name for f in FIELDS[kind]] + [
        "pupils" if kind is not Kind.INTERVENTION else "pupil"
    ]
    for name in data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)):
        payload[name] = data.draw(ANY_VALUE)
    compartment = KIND_COMPARTMENT[kind]
    records_file = session.compartment(compartment)

    def written() -> tuple[int, ...]:
        return (
            count(records_file, "entry"),
            count(records_file, "audit_log"),
            *(count(session.store, t) for t in ("inbox_item", "sealed_copy", "audit_log")),
            count(session.store, "ref_counter"),
        )

    before = written()
    try:
        ref = records.record(author, kind, payload)
    except ValidationError as exc:
        refused = exc.problems
        assert refused
        assert written() == before
        event("refused")
        return
    event("accepted")
    # Accepted means taken in: validated again by the member's session, never quarantined.
    if author is not session:
        assert intake.take_in(session, compartment) == TakeInReport(taken_in=1)
    assert count(session.store, "inbox_item") == 0
    assert count(records_file, "quarantine") == 0
    assert count(records_file, "entry") == before[0] + 1
    stored = records.open_record(session, ref).current()
    for spec in FIELDS[kind]:
        sent = payload.get(spec.name)
        if spec.type in ("text", "long_text") and isinstance(sent, str) and not is_blank(sent):
            assert stored[spec.name] == sent  # kept exactly, whitespace and all
    # The author's own copy says just what the compartment does (a field left empty is
    # absent from one and None in the other).
    copy = records.open_record(author, ref).current()
    assert {k: v for k, v in copy.items() if v is not None} == {
        k: v for k, v in stored.items() if v is not None
    }


@pytest.mark.parametrize("act_type", [t for t in ActType if ACT_FIELDS[t]])
@EXAMPLES
@given(data=st.data())
def test_acts_accept_or_refuse(session: Session, act_type: ActType, data: Any) -> None:
    ref = records.record(session, Kind.CONCERN, factories.concern())
    payload: dict[str, Any] = {"type": act_type.value}
    for spec in ACT_FIELDS[act_type]:
        if data.draw(st.booleans()):
            payload[spec.name] = data.draw(ANY_VALUE)
    tables = ["case_triage", "case_action", "case_referral", "case_contact", "case_closure"]
    before = {t: count(safeguarding(session), t) for t in tables}
    try:
        casework.act(session, ref, payload)
    except ValidationError as exc:
        refused = exc.problems
        assert refused
        assert {t: count(safeguarding(session), t) for t in tables} == before
    except NotFound:
        pass  # an action_done naming an action that does not exist


@EXAMPLES
@given(
    updates=st.dictionaries(
        st.sampled_from(
            [
                "idle_lock_minutes",
                "backups_kept",
                "urgent_minutes",
                "school_day_start",
                "bank_holidays_region",
                "not_a_setting",
            ]
        ),
        ANY_VALUE,
        min_size=1,
        max_size=3,
    )
)
def test_settings_accept_or_refuse(session: Session, updates: dict[str, Any]) -> None:
    before = school_settings.get_settings(session)
    try:
        after = school_settings.update_settings(session, **updates)
    except ValidationError:
        assert school_settings.get_settings(session) == before
        return
    assert school_settings.get_settings(session) == after


@EXAMPLES
@given(
    body=st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.lists(
            st.lists(NASTY_TEXT.filter(lambda t: len(t) < 60), min_size=1, max_size=6),
            max_size=6,
        ).map(
            lambda rows: (
                "UPN,Surname,Forename,DOB\n" + "\n".join(",".join(r) for r in rows)
            ).encode("utf-8", "surrogatepass")
        ),
    )
)
def test_import_is_all_or_nothing_on_any_bytes(session: Session, body: bytes) -> None:
    before = count(session.store, "pupil")
    try:
        result = pupil_import.import_pupils(session, body)
    except ValidationError as exc:
        refused = exc.problems
        assert refused
        assert count(session.store, "pupil") == before
        return
    assert count(session.store, "pupil") == before + result.added


def test_fifty_megabytes_of_junk_is_refused_quickly(session: Session) -> None:
    junk = (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4096) * 50
    with pytest.raises(ValidationError) as caught:
        pupil_import.import_pupils(session, junk[: 50 * 1024 * 1024])
    assert "file" in caught.value.problems


@EXAMPLES
@given(text=NASTY_TEXT, limit=st.integers(min_value=-(2**40), max_value=2**40))
def test_search_answers_any_text_with_a_list(author: Session, text: str, limit: int) -> None:
    """FTS5 syntax, quotes, NULs, huge words: a list of hits (maybe none), never an error,
    from the indexes (a member) or from the copies sealed to their author (staff)."""
    records.record(author, Kind.CONCERN, factories.concern())
    audited = count(author.store, "audit_log")
    hits = search.search(author, text, limit)
    assert isinstance(hits, list) and len(hits) <= search.MAX_LIMIT
    searched = count(author.store, "audit_log") - audited
    assert searched in (0, 1)  # one audit row per search that ran; none for blank text


@EXAMPLES
@given(data=st.data())
def test_notifications_accept_exactly_or_refuse(session: Session, data: Any) -> None:
    # Each field: left out, anything at all, or a good value (so some are accepted).
    good = {
        "pupils": st.just([factories.PUPIL_A]),
        "received_at": st.just("2026-11-23T07:45"),
        "received_from": st.just("PC 4471 Ahmed"),
        "police_reference": NASTY_TEXT,
        "incident_at": st.just("2026-11-22T22:10"),
        "summary": st.text(min_size=1).filter(lambda t: t.strip() and "\x00" not in t),
    }
    assert set(good) == {spec.name for spec in NOTIFICATION_FIELDS} | {"pupils"}
    payload: dict[str, Any] = {}
    for name, fine in good.items():
        how = data.draw(st.sampled_from(["omit", "any", "good", "good"]))
        if how != "omit":
            payload[name] = data.draw(fine if how == "good" else ANY_VALUE)
    before = count(safeguarding(session), "notification")
    try:
        ref = casework.record_notification(session, payload)
    except ValidationError as exc:
        refused = exc.problems
        assert refused
        assert count(safeguarding(session), "notification") == before
        event("refused")
        return
    event("accepted")
    assert count(safeguarding(session), "notification") == before + 1
    stored = casework.open_case(session, ref).notification
    assert stored is not None
    assert stored.values["summary"] == payload["summary"]
