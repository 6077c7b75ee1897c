"""Full-text search: only what the user may read, any Unicode, any text, audited without words.

A member of a compartment searches its index; anyone finds what they wrote from the copies
sealed to them. The rules of matching are tried both ways (the ``reader`` fixture: the
headteacher reads the indexes, a member of staff holds no key and has only their copies), and
the two are compared record for record.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safedesk.domain.clock import FixedClock
from safedesk.domain.compartments import KIND_COMPARTMENT, READING, Compartment
from safedesk.domain.entries import Kind
from safedesk.domain.errors import PermissionDenied
from safedesk.domain.roles import Role
from safedesk.services import amendments, casework, intake, records, upkeep
from safedesk.services.search import Segment, search
from safedesk.services.session import Session
from safedesk.store import audit, pupils
from safedesk.store import search as search_store
from tests import factories
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account, new_school
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


@pytest.fixture(params=["index", "own copies"])
def reader(
    request: pytest.FixtureRequest, head: Session, make: Callable[[Role], Session]
) -> Session:
    """Who records and then searches: the head (a member of every compartment, so the
    indexes) or a member of staff (no key to any: only the copies sealed to them)."""
    if request.param == "index":
        return head
    staff = make(Role.STAFF)
    assert staff.compartments == {}
    return staff


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


def unranked(hits: list[search_store.SearchHit]) -> list[search_store.SearchHit]:
    """Hits without their bm25 rank, which depends on the other documents searched."""
    return [dataclasses.replace(hit, rank=0.0) for hit in hits]


# Permissions -----------------------------------------------------------------------------------


def test_staff_find_only_what_they_wrote_even_when_it_ranks_lower(
    head: Session, make: Callable[[Role], Session]
) -> None:
    mine_author, other_author = make(Role.STAFF), make(Role.STAFF)
    mine = records.record(mine_author, Kind.CONCERN, concern(description="A lost wellington."))
    # Someone else's record is a far better match for the same word: it must not crowd out
    # the searcher's own.
    theirs = records.record(
        other_author,
        Kind.CONCERN,
        concern(description="Wellington wellington wellington.", child_words="wellington"),
    )
    assert refs(search(head, "wellington")) == [theirs, mine]  # it really does rank first
    assert refs(search(mine_author, "wellington", limit=1)) == [mine]
    assert refs(search(other_author, "wellington")) == [theirs]
    # Not a filter that could be got round: a member of staff cannot open the index at all.
    for compartment in READING:
        with pytest.raises(PermissionDenied):
            mine_author.compartment(compartment)


def test_staff_never_find_another_persons_record_nor_any_casework(
    head: Session, make: Callable[[Role], Session]
) -> None:
    staff, other = make(Role.STAFF), make(Role.STAFF)
    lead, dsl = make(Role.BEHAVIOUR_LEAD), make(Role.DSL)
    mine = records.record(staff, Kind.CONCERN, concern(description="Pencil case stolen."))
    theirs = [
        records.record(other, Kind.CONCERN, concern(description="Pencil sharpener thrown.")),
        records.record(other, Kind.BEHAVIOUR, behaviour(description="Pencil fight.")),
        records.record(lead, Kind.INTERVENTION, intervention(cause="Pencil jab.")),
        records.record(dsl, Kind.CONCERN, concern(description="Pencil marks on the arm.")),
        records.record(head, Kind.BEHAVIOUR, behaviour(description="Pencil lid swallowed.")),
    ]
    police = casework.record_notification(dsl, notification(summary="Pencil drawings seen."))
    # What followed the searcher's own record: the DSL's work and correction.
    later(dsl)
    casework.act(
        dsl,
        mine,
        {"type": "triage", "decision": "early_help", "rationale": "Pencil and hamster worry."},
    )
    later(dsl)
    amendments.amend(dsl, mine, "others_told", "Mrs Quillfeather", "The DSL told her too")
    assert refs(search(staff, "pencil")) == [mine]
    for word in ("hamster", "quillfeather", "sharpener", "fight", "jab", "marks", "lid",
                 "drawings", "encompass", "early help"):  # fmt: skip
        assert search(staff, word) == [], word
    # Each of them is there to be found by someone who may read it.
    assert sorted(refs(search(head, "pencil"))) == sorted([mine, *theirs, police])
    assert refs(search(head, "hamster")) == [mine]
    assert refs(search(dsl, "quillfeather")) == [mine]


def test_behaviour_lead_finds_behaviour_by_the_index_and_only_their_own_concerns(
    make: Callable[[Role], Session],
) -> None:
    staff, lead, dsl = make(Role.STAFF), make(Role.BEHAVIOUR_LEAD), make(Role.DSL)
    assert lead.member_of(Compartment.BEHAVIOUR)
    assert not lead.member_of(Compartment.SAFEGUARDING)
    hidden = records.record(staff, Kind.CONCERN, concern(description="Trampoline bruise."))
    seen_b = records.record(staff, Kind.BEHAVIOUR, behaviour(description="Trampoline fight."))
    seen_i = records.record(staff, Kind.INTERVENTION, intervention(cause="Trampoline refusal."))
    own = records.record(lead, Kind.CONCERN, concern(description="Trampoline worry."))
    own_b = records.record(lead, Kind.BEHAVIOUR, behaviour(description="Trampoline queue."))
    casework.act(
        dsl,
        own,
        {"type": "triage", "decision": "early_help", "rationale": "Trampoline aunt helps."},
    )
    # Other people's behaviour records can only come from the index (the lead holds no copy of
    # them), the lead's own concern only from their copy (they hold no safeguarding key).
    found = refs(search(lead, "trampoline"))
    assert sorted(found) == sorted([seen_b, seen_i, own, own_b])
    assert hidden not in found
    assert search(lead, "bruise") == []
    assert search(lead, "aunt") == []  # the casework on their own concern is not theirs
    assert refs(search(lead, "worry")) == [own]
    assert len(search(lead, "trampoline", limit=2)) == 2


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


def test_pupil_names_find_their_records_with_or_without_accents(reader: Session) -> None:
    ref = records.record(reader, Kind.CONCERN, concern(pupils=[PUPIL_A]))
    for query in ("Siobhán", "siobhan", "SIOBHAN", "Shiv", "O'Connor-Nguyễn", "oconnor", "nguyen"):
        found = search(reader, query)
        if query == "oconnor":
            assert found == []  # O'Connor is two words: o and connor
        else:
            assert refs(found) == [ref], query
    assert refs(search(reader, "o connor nguyen")) == [ref]


def test_zoe_finds_zoe_with_a_diaeresis_and_back(reader: Session) -> None:
    plain = records.record(reader, Kind.BEHAVIOUR, behaviour(description="Pushed Zoe over."))
    marked = records.record(
        reader, Kind.CONCERN, concern(pupils=[PUPIL_C], description="Told Zoë's mum.")
    )
    assert sorted(refs(search(reader, "zoe"))) == sorted([plain, marked])
    assert sorted(refs(search(reader, "Zoë"))) == sorted([plain, marked])
    assert refs(search(reader, "Wiśniewska")) == [plain]  # Zoë is a pupil on the behaviour
    assert refs(search(reader, "wisniewska")) == [plain]


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
def test_any_unicode_text_is_found(reader: Session, text: str, query: str) -> None:
    ref = records.record(reader, Kind.CONCERN, concern(description=text))
    hits = search(reader, query)
    assert refs(hits) == [ref]
    assert "".join(s.text for s in hits[0].snippet) == hits[0].snippet_text
    assert any(s.is_match for s in hits[0].snippet)


@pytest.mark.parametrize(
    ("text", "query", "found"),
    [
        ("Wrote physical_abuse on the board.", "abuse", True),  # _ separates words
        ("Wrote physical_abuse on the board.", "physical_abuse", True),
        ("Straße, Ærø, İstanbul, Ελλάδα", "strasse", False),  # ß is not folded to ss
        ("Straße, Ærø, İstanbul, Ελλάδα", "ελλαδα", False),  # Greek accents are not removed
    ],
)
def test_a_word_is_what_the_index_takes_for_a_word(
    reader: Session, text: str, query: str, found: bool
) -> None:
    ref = records.record(reader, Kind.CONCERN, concern(description=text))
    assert refs(search(reader, query)) == ([ref] if found else [])


def test_the_last_word_is_a_prefix_for_search_as_you_type(reader: Session) -> None:
    ref = records.record(reader, Kind.CONCERN, concern())
    for typed in ("b", "br", "breakf", "breakfast", "hungry breakf", "coat hun"):
        assert refs(search(reader, typed)) == [ref], typed
    assert search(reader, "hung breakfast") == []  # only the last word is a prefix
    assert search(reader, "coat hungry zebra") == []  # every word must match


def test_an_amendment_is_found(reader: Session) -> None:
    ref = records.record(reader, Kind.CONCERN, concern())
    assert search(reader, "scooter") == []
    later(reader)
    amendments.amend(
        reader, ref, "description", "Arrived on a broken scooter, no coat.", "Added detail"
    )
    hits = search(reader, "scooter")
    assert refs(hits) == [ref]
    assert Segment("scooter", True) in hits[0].snippet
    assert refs(search(reader, "wellington coat")) == []
    assert refs(search(reader, "third day")) == [ref]  # the original words still find it


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


def test_record_text_that_looks_like_markup_comes_back_as_plain_text(reader: Session) -> None:
    text = 'Wrote <b onclick="x()">bold</b> &amp; <script>alert(1)</script> on the desk.'
    records.record(reader, Kind.CONCERN, concern(description=text))
    hit = search(reader, "script")[0]
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


def test_an_authors_hit_from_their_copy_is_the_hit_a_reader_of_the_index_gets(
    head: Session, make: Callable[[Role], Session]
) -> None:
    staff = make(Role.STAFF)
    fight = records.record(staff, Kind.BEHAVIOUR, behaviour())
    held = records.record(staff, Kind.INTERVENTION, intervention(debrief="Zoë was upset."))
    worry = records.record(staff, Kind.CONCERN, concern(pupils=[PUPIL_B, PUPIL_A]))
    later(staff)
    amendments.amend(staff, worry, "occurred_at", "2026-11-23T08:45", "Wrong time")
    for query in ("zoe", "shiv", "siobhan", "upset", "coat", "abuse", "verbal"):
        by_copy = search(staff, query)
        by_index = search(head, query)
        assert by_copy, query
        assert unranked(by_copy) == unranked(by_index), query
    hits = {hit.ref: hit for hit in search(staff, "zoe")}
    assert set(hits) == {fight, held, worry}
    assert hits[fight].kind == "behaviour"
    assert hits[fight].pupils == hits[worry].pupils == ("Shiv O'Connor-Nguyễn", "Zoë Wiśniewska")
    assert hits[held].occurred_at == datetime.fromisoformat("2026-11-23T08:00").astimezone()
    # As corrected, by both: an entry keeps the time first given, the amendment the new one.
    assert hits[worry].occurred_at == datetime.fromisoformat("2026-11-23T08:45").astimezone()
    assert hits[worry].recorded_at == NOW


def test_results_are_ranked_and_limited(reader: Session) -> None:
    weak = records.record(reader, Kind.CONCERN, concern(description="A puddle. " + "Filler. " * 40))
    strong = records.record(reader, Kind.CONCERN, concern(description="Puddle, puddle, puddle."))
    assert refs(search(reader, "puddle")) == [strong, weak]
    assert refs(search(reader, "puddle", limit=1)) == [strong]
    assert len(search(reader, "puddle", limit=0)) == 1  # kept within 1 to 200


def test_a_renamed_pupil_is_found_by_the_new_name(
    head: Session, make: Callable[[Role], Session]
) -> None:
    staff = make(Role.STAFF)
    by_head = records.record(head, Kind.CONCERN, concern(pupils=[PUPIL_C]))
    by_staff = records.record(staff, Kind.CONCERN, concern(pupils=[PUPIL_C]))
    with head.store.write() as conn:  # the MIS import's correction, in `school`
        mateo = pupils.by_upns(conn, [PUPIL_C])[PUPIL_C].details
        pupils.update(conn, dataclasses.replace(mateo, legal_surname="Fernández"), NOW)
    # An author's copies are searched with the names the school holds now ...
    assert refs(search(staff, "fernandez")) == [by_staff]
    assert search(staff, "cruz") == []
    # ... and a compartment's own copy of the pupil is brought up to date by a member's
    # upkeep (which the app runs after every sign-in).
    upkeep.after_sign_in(head)
    assert sorted(refs(search(head, "fernandez"))) == sorted([by_head, by_staff])
    assert search(head, "cruz") == []


# The author's copies are searched by the index's own rules ------------------------------------

FULL_PAYLOADS: dict[Kind, dict[str, Any]] = {
    Kind.CONCERN: concern(
        category="physical_abuse",
        description="Bruise like a thumbprint; said the aardvark did it.",
        child_words="“Nana’s cross when I’m loud.”",
        action_taken="Gave toast and a hoodie.",
        others_told="Mrs Bellweather (class teacher)",
    ),
    Kind.BEHAVIOUR: behaviour(
        activity="Hopscotch tournament",
        behaviour_type="bullying",
        bullying_type="prejudice",
        prejudice_type="sexual_orientation",
    ),
    Kind.INTERVENTION: intervention(
        witnesses="Mr Quigley",
        restraint_type="other",
        restraint_detail="Held both wrists, pangolin-style.",
        parent_not_informed_reason="Mum's phone was off; Gran collected.",
        debrief="Talked about the zeppelin picture.",
        review="Calmer space by the marimba.",
    ),
}
AMENDED = {
    Kind.CONCERN: ("description", "Bruise like a thumbprint; the quokka did it."),
    Kind.BEHAVIOUR: ("antecedent", "Lost a game of conkers at lunch."),
    Kind.INTERVENTION: ("started_at", "2026-11-23T08:01"),
}
PUPIL_WORDS = "Siobhán Shiv O'Connor-Nguyễn Zoë Wiśniewska Mateo De la Cruz"


@pytest.mark.parametrize("kind", list(Kind))
def test_every_field_is_found_from_the_copy_exactly_as_from_the_index(
    head: Session, make: Callable[[Role], Session], kind: Kind
) -> None:
    """Each word of each field, amendment and pupil: the author finds the record from their
    copy exactly when a reader of the index finds it (fields the index leaves out, such as
    times and flags, by neither)."""
    staff = make(Role.STAFF)
    payload = FULL_PAYLOADS[kind]
    ref = records.record(staff, kind, payload)
    later(staff)
    field, value = AMENDED[kind]
    amendments.amend(staff, ref, field, value, "Corrected")
    report = intake.take_in(head, KIND_COMPARTMENT[kind])
    assert (report.taken_in, report.quarantined) == (2, 0)
    texts = [PUPIL_WORDS, value, "true false instigator target witness"]
    texts += [str(v) for v in payload.values() if not isinstance(v, list)]
    words = {w for text in texts for w in re.split(r"[\W_]+", text) if w}
    found = {w for w in words if ref in refs(search(head, w))}
    assert found == {w for w in words if ref in refs(search(staff, w))}
    assert len(found) > 10 and len(words - found) > 3  # both ways are really tried


@pytest.fixture
def two_readers(head: Session, make: Callable[[Role], Session]) -> tuple[Session, Session]:
    """The head and a member of staff, after staff recorded a concern the head took in."""
    staff = make(Role.STAFF)
    description = (
        "Zoë’s “coat” — AND; NEAR(x) body:coat *star O'Brien-Ó Súilleabháin 家里没有吃的 🦖 "
        "Straße İstanbul Ελλάδα physical_abuse 3½ ½ x\u0301y ǅemal ﬁsh ①② C++ e-mail U.K. 10:30"
    )
    records.record(staff, Kind.CONCERN, concern(description=description, pupils=[PUPIL_B]))
    intake.take_in(head, Compartment.SAFEGUARDING)
    return head, staff


QUERY_WORDS = [
    "zoe", "Zoë", "ZOË", "zo", "coat", "AND", "NEAR", "near(x)", "body:coat", "*star", "star",
    "o'brien", "brien", "obrien", "suilleabhain", "Súil", "家里", "家里没有吃的", "没有", "🦖",
    "straße", "strasse", "istanbul", "İstanbul", "ελλάδα", "ελλαδα", "physical_abuse",
    "physical", "abuse", "3½", "½", "xy", "x\u0301y", "ǆemal", "ǅ", "ﬁsh", "fish", "①②", "c++",
    "e-mail", "mail", "u.k.", "10:30", "wiśniewska", "wis", '"', "-", "^", "(", ")", "*", ":",
]  # fmt: skip


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(QUERY_WORDS),
            st.sampled_from(QUERY_WORDS).flatmap(
                lambda w: st.integers(1, len(w)).map(lambda n: w[:n])
            ),
            st.text(max_size=3),
        ),
        min_size=1,
        max_size=4,
    ).map(" ".join)
)
def test_the_copy_and_the_index_answer_any_query_alike(
    two_readers: tuple[Session, Session], query: str
) -> None:
    by_index, by_copy = two_readers
    assert unranked(search(by_copy, query)) == unranked(search(by_index, query))


# Any text, never an error --------------------------------------------------------------------


@pytest.mark.parametrize("query", SYNTAX_LOOKING)
def test_syntax_looking_text_is_only_words(reader: Session, query: str) -> None:
    ref = records.record(
        reader, Kind.CONCERN, concern(description="No coat AND no NEAR OR NOT; body:coat (x).")
    )
    found = search(reader, query)
    assert set(refs(found)) <= {ref}


@pytest.mark.parametrize("query", ["AND", "OR", "NEAR", "NOT", "body:coat", "NOT; body:coat (x"])
def test_operators_are_found_as_words(reader: Session, query: str) -> None:
    ref = records.record(
        reader, Kind.CONCERN, concern(description="No coat AND no NEAR OR NOT; body:coat (x).")
    )
    assert refs(search(reader, query)) == [ref]


@pytest.mark.parametrize("blank", ["", " ", "\t\n", '"', '""  "', "\x00"])
def test_blank_text_finds_nothing_and_is_not_audited(reader: Session, blank: str) -> None:
    records.record(reader, Kind.CONCERN, concern())
    assert search(reader, blank) == []
    with reader.store.read() as conn:
        assert audit.events_with_action(conn, "search.performed") == []


@pytest.fixture(params=["index", "own copies"])
def fuzz_session(request: pytest.FixtureRequest, school: SchoolStore) -> Iterator[Session]:
    head = school.sign_in()
    factories.add_pupils(head)
    head.clock = FixedClock(NOW)
    session = head
    if request.param == "own copies":
        add_account(head, "fuzz.staff", {Role.STAFF})
        session = school.sign_in("fuzz.staff", OTHER_PASSWORD)
        session.clock = FixedClock(NOW)
    records.record(session, Kind.CONCERN, concern(description="Zoë’s “coat” — AND; OR: 家"))
    yield session
    session.close()
    head.close()


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


# Audit, durability, where the index lives ----------------------------------------------------


def test_each_search_is_audited_with_the_number_of_hits_never_the_words(reader: Session) -> None:
    records.record(reader, Kind.CONCERN, concern())
    search(reader, "breakfast")
    search(reader, "xylophonist")
    with reader.store.read() as conn:
        performed = audit.events_with_action(conn, "search.performed")
    assert [(e.actor, e.detail) for e in performed] == [
        (reader.user.username, {"hits": 1}),
        (reader.user.username, {"hits": 0}),
    ]
    for store in reader.all_stores():
        with store.read() as conn:
            logged = json.dumps([vars(e) for e in audit.events(conn)], ensure_ascii=False)
        assert "breakfast" not in logged.lower()
        assert "xylophonist" not in logged.lower()


def test_the_words_of_a_record_are_only_in_its_compartment(
    head: Session, make: Callable[[Role], Session]
) -> None:
    staff = make(Role.STAFF)
    ref = records.record(staff, Kind.CONCERN, concern(description="A xylophone-shaped bruise."))
    assert refs(search(staff, "xylophone")) == [ref]
    assert refs(search(head, "xylophone")) == [ref]  # taken in, and indexed
    for compartment in READING:
        with head.compartment(compartment).read() as conn:
            assert search_store.index_row(conn, "nonexistent") is None  # the index is here
    # `school`, which every account opens, has no index and holds the words only sealed.
    with staff.store.read() as conn:
        tables = [
            row[0]
            for row in conn.execute("SELECT name FROM main.sqlite_schema WHERE type = 'table'")
        ]
        assert not [t for t in tables if "search" in t or t in ("entry", "concern")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM main."{table}"'):
                for value in row:
                    if isinstance(value, str):
                        assert "xylophone" not in value.lower(), table
                    elif isinstance(value, bytes):
                        assert b"xylophone" not in value.lower(), table


def test_the_index_survives_closing_and_reopening(school: SchoolStore, head: Session) -> None:
    ref = records.record(head, Kind.INTERVENTION, intervention(debrief="Talked about the gate."))
    head.close()
    again = school.sign_in()
    try:
        assert refs(search(again, "gate")) == [ref]
        # FTS5's own check of each index against its text
        for compartment in READING:
            with again.compartment(compartment).write() as conn:
                conn.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
    finally:
        again.close()


@pytest.mark.parametrize(
    ("compartment", "table"),
    [(Compartment.SAFEGUARDING, "concern"), (Compartment.BEHAVIOUR, "behaviour_incident")],
)
def test_record_content_stays_append_only(
    head: Session, compartment: Compartment, table: str
) -> None:
    records.record(head, Kind.CONCERN, concern())
    records.record(head, Kind.BEHAVIOUR, behaviour())
    for sql in (f"UPDATE {table} SET description = 'x'", f"DELETE FROM {table}"):
        with (
            head.compartment(compartment).write() as conn,
            pytest.raises(sqlcipher3.dbapi2.IntegrityError),
        ):
            conn.execute(sql)


def record_everything(author: Session) -> list[str]:
    """One of each kind of entry, and the author's own correction, each a minute apart."""
    made = [
        records.record(author, Kind.CONCERN, concern(description="Bruise on the forearm.")),
        records.record(author, Kind.BEHAVIOUR, behaviour()),
        records.record(author, Kind.INTERVENTION, intervention()),
    ]
    later(author)
    amendments.amend(author, made[0], "child_words", "“I fell off the trampoline.”", "Typo")
    return made


def add_casework(member: Session, made: list[str]) -> list[str]:
    """A police notification, and casework of every kind on it and on the concern."""
    later(member)
    made = [*made, casework.record_notification(member, notification())]
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
            later(member)
            casework.act(member, case, payload)
    return made


def index_rows(session: Session, wanted: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for compartment in READING:
        with session.compartment(compartment).read() as conn:
            found |= {ref: row for ref in wanted if (row := search_store.index_row(conn, ref))}
    return found


def test_records_taken_in_from_the_inbox_are_indexed_by_the_triggers(
    tmp_path: Path, school: SchoolStore, head: Session, make: Callable[[Role], Session]
) -> None:
    # The records taken in at once (their author a member) ...
    fresh = new_school(tmp_path / "fresh")
    member = fresh.sign_in()
    try:
        factories.add_pupils(member)
        member.clock = FixedClock(NOW)
        made = add_casework(member, record_everything(member))
        expected = index_rows(member, made)
    finally:
        member.close()
    assert set(expected) == set(made)
    assert all(row["body"] and row["pupils"] for row in expected.values())
    assert all(expected[case]["casework"] for case in (made[0], made[3]))

    # ... and the same records made by staff, waiting in the inbox until a member signs in.
    staff = make(Role.STAFF)
    waiting = record_everything(staff)
    assert waiting == made[:3]
    assert index_rows(head, waiting) == {}  # nothing taken in yet: the index cannot know
    head.close()
    member_again = school.sign_in()
    try:
        member_again.clock = FixedClock(NOW)
        report = upkeep.after_sign_in(member_again)
        assert (report.taken_in, report.quarantined) == (4, 0)
        assert add_casework(member_again, waiting) == made
        assert index_rows(member_again, made) == expected
        for compartment in READING:
            with member_again.compartment(compartment).write() as conn:
                conn.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
        assert refs(search(member_again, "trampoline")) == [made[0]]
        assert sorted(refs(search(member_again, "nan worried"))) == sorted([made[0], made[3]])
        assert refs(search(member_again, "Encompass")) == [made[3]]
        assert set(refs(search(member_again, "shiv"))) == set(made[:3])
        # Their author still finds them, from the copies, without what followed.
        assert refs(search(staff, "trampoline")) == [made[0]]
        assert search(staff, "nan worried") == []
        # A record made afterwards is indexed as it is taken in.
        member_again.clock = FixedClock(NOW + timedelta(hours=1))
        new = records.record(staff, Kind.CONCERN, concern(description="Muddy shoes."))
        assert refs(search(member_again, "muddy")) == [new]
    finally:
        member_again.close()


def test_snippets_show_list_labels_not_stored_values(reader: Session) -> None:
    records.record(
        reader,
        Kind.CONCERN,
        concern(category="physical_abuse", description="A round bruise on the upper arm."),
    )
    [hit] = search(reader, "bruise")
    assert "physical_abuse" not in hit.snippet_text
    assert "Physical abuse" in hit.snippet_text
    assert [s.text for s in hit.snippet if s.is_match] == ["bruise"]
