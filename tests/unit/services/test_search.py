"""Full-text search: only what the user may read, any Unicode, any text, audited without words."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safedesk.domain.clock import FixedClock
from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.roles import Role
from safedesk.services import amendments, casework, records
from safedesk.services.search import Segment, search
from safedesk.services.session import Session
from safedesk.store import audit, migrate, pupils
from safedesk.store import search as search_store
from tests import factories
from tests.conftest import SchoolStore, new_school
from tests.factories import PUPIL_A, PUPIL_B, PUPIL_C

NOW = datetime.fromisoformat("2026-11-23T10:00").astimezone()  # a Monday

SYNTAX_LOOKING = [
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "zoe AND",
    "OR zoe",
    "NEAR(zoe coat, 2)",
    '"',
    '"unbalanced',
    'zoe"',
    '""',
    "-",
    "-coat",
    "coat -zoe",
    ":",
    "body:coat",
    "{pupils body}: coat",
    "^coat",
    "coat^",
    "*",
    "coat*",
    "*coat",
    "(",
    ")",
    "(coat",
    "coat)",
    "+",
    "'",
    "O'",
    "'; DROP TABLE entry; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM pupil;--",
    "x\x00y",
    "\x02coat\x03",
    "\ud800",
    "\u202eevil",
    "…",
    "🧒🏽‍♀️",
    "%",
    "_",
    "\\",
    "a" * 5000,
    " ".join(["coat"] * 300),
]


def later(session: Session, minutes: int = 1) -> None:
    clock = session.clock
    assert isinstance(clock, FixedClock)
    clock.set(clock.now() + timedelta(minutes=minutes))


@pytest.fixture
def head(head_session: Session) -> Session:
    factories.add_pupils(head_session)
    head_session.clock = FixedClock(NOW)
    return head_session


@pytest.fixture
def make(head: Session, session_as: Callable[[Role], Session]) -> Callable[[Role], Session]:
    def signed_in(role: Role) -> Session:
        session = session_as(role)
        session.clock = FixedClock(NOW)
        return session

    return signed_in


def concern(**changes: Any) -> dict[str, Any]:
    return factories.concern() | {"occurred_at": "2026-11-23T09:15"} | changes


def behaviour(**changes: Any) -> dict[str, Any]:
    return factories.behaviour() | {"occurred_at": "2026-11-23T09:15"} | changes


def intervention(**changes: Any) -> dict[str, Any]:
    times = {
        "started_at": "2026-11-23T08:00",
        "ended_at": "2026-11-23T08:10",
        "parent_informed_at": "2026-11-23T09:00",
    }
    return factories.intervention() | times | changes


def notification(**changes: Any) -> dict[str, Any]:
    return {
        "pupils": [PUPIL_B],
        "received_at": "2026-11-23T07:45",
        "received_from": "PC 4471 Ahmed, Operation Encompass",
        "police_reference": "DA/26/88812",
        "summary": "Police attended a domestic incident at home; Zoë was present.",
    } | changes


def refs(hits: list[search_store.SearchHit]) -> list[str]:
    return [h.ref for h in hits]


# Permissions -----------------------------------------------------------------------------------


def test_staff_find_only_what_they_wrote_even_when_it_ranks_lower(
    make: Callable[[Role], Session],
) -> None:
    mine_author, other_author = make(Role.STAFF), make(Role.STAFF)
    mine = records.record(mine_author, Kind.CONCERN, concern(description="A lost wellington."))
    # Someone else's record is a far better match for the same word: it must not crowd out
    # the searcher's own (the filter is in the query, not applied after LIMIT).
    theirs = records.record(
        other_author,
        Kind.CONCERN,
        concern(description="Wellington wellington wellington.", child_words="wellington"),
    )
    with mine_author.store.read() as conn:
        everything = search_store.find(
            conn,
            '"wellington"',
            kinds=["concern"],
            author="nobody",
            casework_too=True,
            limit=5,
        )
    assert refs(everything)[0] == theirs  # the hidden record really does rank first
    assert refs(search(mine_author, "wellington", limit=1)) == [mine]
    assert refs(search(other_author, "wellington")) == [theirs]


def test_behaviour_lead_finds_behaviour_and_interventions_and_their_own(
    make: Callable[[Role], Session],
) -> None:
    staff, lead = make(Role.STAFF), make(Role.BEHAVIOUR_LEAD)
    hidden = records.record(staff, Kind.CONCERN, concern(description="Trampoline bruise."))
    seen_b = records.record(staff, Kind.BEHAVIOUR, behaviour(description="Trampoline fight."))
    seen_i = records.record(staff, Kind.INTERVENTION, intervention(cause="Trampoline refusal."))
    own = records.record(lead, Kind.CONCERN, concern(description="Trampoline worry."))
    found = refs(search(lead, "trampoline"))
    assert sorted(found) == sorted([seen_b, seen_i, own])
    assert hidden not in found


def test_dsl_and_head_find_everything_including_casework_and_notifications(
    head: Session, make: Callable[[Role], Session]
) -> None:
    staff, dsl = make(Role.STAFF), make(Role.DSL)
    raised = records.record(staff, Kind.CONCERN, concern())
    fight = records.record(staff, Kind.BEHAVIOUR, behaviour())
    casework.act(
        dsl,
        raised,
        {
            "type": "contact",
            "with_whom": "Grandmother (Mrs Kowalczyk)",
            "contact_at": "2026-11-23T09:40",
            "method": "phone",
            "what_was_said": "Grandmother will collect on Fridays.",
            "next_step": "Check in with the family support worker.",
        },
    )
    police = casework.record_notification(dsl, notification())
    for reader in (dsl, head):
        assert refs(search(reader, "grandmother")) == [raised]
        assert refs(search(reader, "Encompass")) == [police]
        assert sorted(refs(search(reader, "zoe"))) == sorted([fight, police])
    # The member of staff who raised it sees whether it was acted on, not the detail.
    assert search(staff, "grandmother") == []
    assert search(staff, "Kowalczyk coat") == []
    assert search(staff, "Encompass") == []
    hit = search(dsl, "grandmother")[0]
    assert any(s.is_match and s.text.lower() == "grandmother" for s in hit.snippet)


def test_a_snippet_never_shows_casework_to_the_member_of_staff(
    make: Callable[[Role], Session],
) -> None:
    staff, dsl = make(Role.STAFF), make(Role.DSL)
    raised = records.record(staff, Kind.CONCERN, concern(pupils=[PUPIL_B]))
    casework.act(
        dsl,
        raised,
        {"type": "triage", "decision": "early_help", "rationale": "Zoë's nan is struggling."},
    )
    hits = search(staff, "zoe")
    assert refs(hits) == [raised]
    assert "nan" not in hits[0].snippet_text
    assert [s.text for s in hits[0].snippet if s.is_match] == ["Zoë"]
    assert "nan is struggling" in search(dsl, "zoe")[0].snippet_text


def test_administrator_may_not_search(head: Session, make: Callable[[Role], Session]) -> None:
    records.record(head, Kind.CONCERN, concern())
    admin = make(Role.ADMIN)
    with pytest.raises(PermissionDenied, match="not allowed to search"):
        search(admin, "coat")
    with admin.store.read() as conn:
        refused = audit.events_with_action(conn, "permission.refused")
        performed = audit.events_with_action(conn, "search.performed")
    assert refused[-1].actor == admin.user.username
    assert performed == []


# What is searched ----------------------------------------------------------------------------


def test_pupil_names_find_their_records_with_or_without_accents(head: Session) -> None:
    ref = records.record(head, Kind.CONCERN, concern(pupils=[PUPIL_A]))
    for query in ("Siobhán", "siobhan", "SIOBHAN", "Shiv", "O'Connor-Nguyễn", "oconnor", "nguyen"):
        found = search(head, query)
        if query == "oconnor":
            assert found == []  # O'Connor is two words: o and connor
        else:
            assert refs(found) == [ref], query
    assert refs(search(head, "o connor nguyen")) == [ref]


def test_zoe_finds_zoe_with_a_diaeresis_and_back(head: Session) -> None:
    plain = records.record(head, Kind.BEHAVIOUR, behaviour(description="Pushed Zoe over."))
    marked = records.record(
        head, Kind.CONCERN, concern(pupils=[PUPIL_C], description="Told Zoë's mum.")
    )
    assert sorted(refs(search(head, "zoe"))) == sorted([plain, marked])
    assert sorted(refs(search(head, "Zoë"))) == sorted([plain, marked])
    assert refs(search(head, "Wiśniewska")) == [plain]  # Zoë is a pupil on the behaviour
    assert refs(search(head, "wisniewska")) == [plain]


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Drew 🦖 on the wall.", "🦖"),
        ("Drew 🦖 on the wall.", "wall"),
        ("Grandad said 家里没有吃的 in Mandarin.", "家里没有吃的"),
        ("Grandad said 家里没有吃的 in Mandarin.", "家里"),  # a prefix of the run of CJK
        ("Sagte „Ich habe Angst“ zur Lehrerin.", "angst"),
        ("Straße, Ærø, İstanbul, Ελλάδα", "ελλάδα"),  # case folds; Greek accents stay
        ("Met Mr Ó Súilleabháin.", "o suilleabhain"),
    ],
)
def test_any_unicode_text_is_found(head: Session, text: str, query: str) -> None:
    ref = records.record(head, Kind.CONCERN, concern(description=text))
    hits = search(head, query)
    assert refs(hits) == [ref]
    assert "".join(s.text for s in hits[0].snippet) == hits[0].snippet_text
    assert any(s.is_match for s in hits[0].snippet)


def test_the_last_word_is_a_prefix_for_search_as_you_type(head: Session) -> None:
    ref = records.record(head, Kind.CONCERN, concern())
    for typed in ("b", "br", "breakf", "breakfast", "hungry breakf", "coat hun"):
        assert refs(search(head, typed)) == [ref], typed
    assert search(head, "hung breakfast") == []  # only the last word is a prefix
    assert search(head, "coat hungry zebra") == []  # every word must match


def test_an_amendment_is_found(head: Session) -> None:
    ref = records.record(head, Kind.CONCERN, concern())
    assert search(head, "scooter") == []
    amendments.amend(
        head, ref, "description", "Arrived on a broken scooter, no coat.", "Added detail"
    )
    hits = search(head, "scooter")
    assert refs(hits) == [ref]
    assert Segment("scooter", True) in hits[0].snippet
    assert refs(search(head, "wellington coat")) == []
    assert refs(search(head, "third day")) == [ref]  # the original words still find it


def test_every_kind_of_casework_is_found(head: Session) -> None:
    ref = records.record(head, Kind.CONCERN, concern())
    acts: list[tuple[dict[str, Any], str]] = [
        ({"type": "triage", "decision": "early_help", "rationale": "Threshold xylophone."}, "x"),
        ({"type": "action", "description": "Ring mum", "owner": "Mr Quennell",
          "due_on": "2026-11-25"}, "quennell"),
        ({"type": "action_done", "action_id": 1, "note": "Mum answered zebrafish."}, "zebrafish"),
        ({"type": "referral", "agency": "social_care", "made_at": "2026-11-23T09:50",
          "method": "phone", "spoken_to": "Jo Bloggs, MASH", "reference": "MASH/2026/1182"},
         "1182"),
        ({"type": "referral_decision", "referral_id": 1, "decision": "Strategy meeting.",
          "decided_on": "2026-11-23", "feedback_to_referrer": "Told Miss Marmalade."},
         "marmalade"),
        ({"type": "closure", "outcome": "Plan in place.", "rationale": "Owned by the kraken.",
          "shared_outcome": "Support in place."}, "kraken"),
    ]  # fmt: skip
    for payload, word in acts:
        later(head)
        casework.act(head, ref, payload)
        if word != "x":
            assert refs(search(head, word)) == [ref], word
    assert refs(search(head, "xylophone")) == [ref]
    assert refs(search(head, "bloggs mash")) == [ref]


def test_record_text_that_looks_like_markup_comes_back_as_plain_text(head: Session) -> None:
    text = 'Wrote <b onclick="x()">bold</b> &amp; <script>alert(1)</script> on the desk.'
    records.record(head, Kind.CONCERN, concern(description=text))
    hit = search(head, "script")[0]
    assert "<script>" in hit.snippet_text
    assert Segment("script", True) in hit.snippet


def test_hits_carry_pupils_times_and_kind(head: Session) -> None:
    head.clock = FixedClock(NOW)
    ref = records.record(head, Kind.BEHAVIOUR, behaviour())
    police = casework.record_notification(head, notification(summary="Zoë stayed at nan's."))
    by_ref = {h.ref: h for h in search(head, "zoe")}
    fight, note = by_ref[ref], by_ref[police]
    assert (fight.kind, note.kind) == ("behaviour", "notification")
    assert fight.pupils == ("Shiv O'Connor-Nguyễn", "Zoë Wiśniewska")
    assert note.pupils == ("Zoë Wiśniewska",)
    assert fight.occurred_at == datetime.fromisoformat("2026-11-23T09:15").astimezone()
    assert note.occurred_at == datetime.fromisoformat("2026-11-23T07:45").astimezone()
    assert fight.recorded_at == note.recorded_at == NOW


def test_results_are_ranked_and_limited(head: Session) -> None:
    weak = records.record(head, Kind.CONCERN, concern(description="A puddle. " + "Filler. " * 40))
    strong = records.record(head, Kind.CONCERN, concern(description="Puddle, puddle, puddle."))
    assert refs(search(head, "puddle")) == [strong, weak]
    assert refs(search(head, "puddle", limit=1)) == [strong]
    assert len(search(head, "puddle", limit=0)) == 1  # kept within 1 to 200


def test_a_renamed_pupil_is_found_by_the_new_name(head: Session) -> None:
    ref = records.record(head, Kind.CONCERN, concern(pupils=[PUPIL_C]))
    with head.store.write() as conn:
        mateo = pupils.by_upns(conn, [PUPIL_C])[PUPIL_C].details
        pupils.update(conn, dataclasses.replace(mateo, legal_surname="Fernández"), NOW)
    assert refs(search(head, "fernandez")) == [ref]
    assert search(head, "cruz") == []


# Any text, never an error --------------------------------------------------------------------


@pytest.mark.parametrize("query", SYNTAX_LOOKING)
def test_syntax_looking_text_is_only_words(head: Session, query: str) -> None:
    ref = records.record(
        head, Kind.CONCERN, concern(description="No coat AND no NEAR OR NOT; body:coat (x).")
    )
    found = search(head, query)
    assert set(refs(found)) <= {ref}


@pytest.mark.parametrize("query", ["AND", "OR", "NEAR", "NOT", "body:coat", "NOT; body:coat (x"])
def test_operators_are_found_as_words(head: Session, query: str) -> None:
    ref = records.record(
        head, Kind.CONCERN, concern(description="No coat AND no NEAR OR NOT; body:coat (x).")
    )
    assert refs(search(head, query)) == [ref]


@pytest.mark.parametrize("blank", ["", " ", "\t\n", '"', '""  "', "\x00"])
def test_blank_text_finds_nothing_and_is_not_audited(head: Session, blank: str) -> None:
    records.record(head, Kind.CONCERN, concern())
    assert search(head, blank) == []
    with head.store.read() as conn:
        assert audit.events_with_action(conn, "search.performed") == []


@pytest.fixture
def fuzz_session(school: SchoolStore) -> Iterator[Session]:
    session = school.sign_in()
    factories.add_pupils(session)
    session.clock = FixedClock(NOW)
    records.record(session, Kind.CONCERN, concern(description="Zoë’s “coat” — AND; OR: 家"))
    yield session
    session.store.close()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet=st.characters(codec="utf-8")),
        st.lists(st.sampled_from(['"', "*", "-", ":", "^", "(", ")", "AND", "NEAR", "zo", " ",
                                  "{", "}", "+", "'", "\x00", "coat"])).map("".join),
    )
)  # fmt: skip
def test_any_text_never_raises(fuzz_session: Session, text: str) -> None:
    hits = search(fuzz_session, text)
    assert len(hits) <= 1


# Audit, durability, migration ----------------------------------------------------------------


def test_each_search_is_audited_with_the_number_of_hits_never_the_words(head: Session) -> None:
    records.record(head, Kind.CONCERN, concern())
    search(head, "breakfast")
    search(head, "xylophonist")
    with head.store.read() as conn:
        performed = audit.events_with_action(conn, "search.performed")
        everything = json.dumps([vars(e) for e in audit.events(conn)], ensure_ascii=False)
    assert [(e.actor, e.detail) for e in performed] == [
        (head.user.username, {"hits": 1}),
        (head.user.username, {"hits": 0}),
    ]
    assert "breakfast" not in everything.lower()
    assert "xylophonist" not in everything.lower()


def test_the_index_survives_closing_and_reopening(school: SchoolStore, head: Session) -> None:
    ref = records.record(head, Kind.INTERVENTION, intervention(debrief="Talked about the gate."))
    head.store.close()
    again = school.sign_in()
    try:
        assert refs(search(again, "gate")) == [ref]
        with again.store.write() as conn:  # FTS5's own check of the index against its text
            conn.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
    finally:
        again.store.close()


def test_record_content_stays_append_only(head: Session) -> None:
    records.record(head, Kind.CONCERN, concern())
    for sql in ("UPDATE concern SET description = 'x'", "DELETE FROM concern"):
        with head.store.write() as conn, pytest.raises(sqlcipher3.dbapi2.IntegrityError):
            conn.execute(sql)


def populate(session: Session) -> list[str]:
    """One of everything the index holds, each a minute apart."""
    made = [
        records.record(session, Kind.CONCERN, concern(description="Bruise on the forearm.")),
        records.record(session, Kind.BEHAVIOUR, behaviour()),
        records.record(session, Kind.INTERVENTION, intervention()),
    ]
    later(session)
    amendments.amend(session, made[0], "child_words", "“I fell off the trampoline.”", "Typo")
    later(session)
    made.append(casework.record_notification(session, notification()))
    for case in (made[0], made[3]):
        for payload in (
            {"type": "triage", "decision": "social_care", "rationale": "Threshold met."},
            {"type": "action", "description": "Ring mum", "owner": "Mr Hughes",
             "due_on": "2026-11-25"},
            {"type": "action_done", "action_id": 1 if case == made[0] else 2,
             "note": "Mum rang back."},
            {"type": "referral", "agency": "social_care", "made_at": "2026-11-23T09:50",
             "method": "phone", "spoken_to": "Jo Bloggs, MASH", "reference": "MASH/1182"},
            {"type": "referral_decision", "referral_id": 1 if case == made[0] else 2,
             "decision": "Section 47.", "decided_on": "2026-11-23",
             "feedback_to_referrer": "Told Miss Shah."},
            {"type": "contact", "with_whom": "Nan", "contact_at": "2026-11-23T09:55",
             "method": "phone", "what_was_said": "Nan is worried.", "next_step": "Visit."},
            {"type": "closure", "outcome": "Plan.", "rationale": "Owned by social care.",
             "shared_outcome": "Support in place."},
        ):  # fmt: skip
            later(session)
            casework.act(session, case, payload)
    return made


def index_rows(session: Session, wanted: list[str]) -> dict[str, Any]:
    with session.store.read() as conn:
        return {ref: search_store.index_row(conn, ref) for ref in wanted}


def test_upgrading_a_schema_3_store_fills_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = migrate.available_migrations()
    assert [m.name for m in shipped][3] == "0004_search.sql"

    # The same records made by the triggers (a new store) ...
    fresh = new_school(tmp_path / "fresh")
    by_triggers = fresh.sign_in()
    factories.add_pupils(by_triggers)
    by_triggers.clock = FixedClock(NOW)
    made = populate(by_triggers)
    expected = index_rows(by_triggers, made)
    assert all(row and row["body"] and row["pupils"] for row in expected.values())
    assert all(expected[case]["casework"] for case in (made[0], made[3]))
    by_triggers.store.close()

    # ... and in a store made by safedesk at schema 3, then upgraded.
    monkeypatch.setattr(migrate, "available_migrations", lambda: shipped[:3])
    old = new_school(tmp_path / "old")
    session = old.sign_in()
    factories.add_pupils(session)
    session.clock = FixedClock(NOW)
    assert populate(session) == made
    with session.store.read() as conn:
        assert migrate.current_version(conn) == 3
    session.store.close()
    monkeypatch.undo()

    upgraded = old.sign_in()
    try:
        with upgraded.store.read() as conn:
            assert migrate.current_version(conn) == migrate.latest_version()
        assert index_rows(upgraded, made) == expected
        assert list(old.paths.migration_backups.glob("safedesk-schema3-*.db"))
        assert refs(search(upgraded, "trampoline")) == [made[0]]
        assert sorted(refs(search(upgraded, "nan worried"))) == sorted([made[0], made[3]])
        assert refs(search(upgraded, "Encompass")) == [made[3]]
        assert set(refs(search(upgraded, "shiv"))) == set(made[:3])
        # New records after the upgrade are indexed by the triggers.
        upgraded.clock = FixedClock(NOW + timedelta(hours=1))
        new = records.record(upgraded, Kind.CONCERN, concern(description="Muddy shoes."))
        assert refs(search(upgraded, "muddy")) == [new]
    finally:
        upgraded.store.close()


def test_snippets_show_list_labels_not_stored_values(head: Session) -> None:
    records.record(
        head,
        Kind.CONCERN,
        concern(category="physical_abuse", description="A round bruise on the upper arm."),
    )
    [hit] = search(head, "bruise")
    assert "physical_abuse" not in hit.snippet_text
    assert "Physical abuse" in hit.snippet_text
    assert [s.text for s in hit.snippet if s.is_match] == ["bruise"]
