"""Policies on real encrypted files: publishing versions (with a PDF), confirming with one's own
key, who has not confirmed, disabled accounts, the append-only tables and verify."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
import sqlcipher3

from safedesk.domain.clock import FixedClock
from safedesk.domain.errors import NotFound, PermissionDenied, ValidationError
from safedesk.domain.roles import Role
from safedesk.services import integrity, policies, users
from safedesk.services.session import Session
from safedesk.store import audit
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account

OWN_PASSWORD = "a password of my very own"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
CHILD_PROTECTION = {
    "title": "Child protection and safeguarding policy",
    "version": "2026",
    "published_on": "01/09/2026",
    "note": "New section 4 on online safety. Paper copy in the staff room.",
}
NOW = datetime.fromisoformat("2026-09-07T09:00:00+01:00")


def staff_member(head: Session, school: SchoolStore, username: str, role: Role) -> Session:
    """A member of staff who has chosen their own password (so their key is their own)."""
    add_account(head, username, {role})
    session = school.sign_in(username, OTHER_PASSWORD)
    if session.password_from_administrator:
        users.change_own_password(session, OTHER_PASSWORD, OWN_PASSWORD)
        session.close()
        session = school.sign_in(username, OWN_PASSWORD)
    session.clock = FixedClock(NOW)
    return session


@pytest.fixture
def head(head_session: Session) -> Session:
    head_session.clock = FixedClock(NOW)
    return head_session


@pytest.fixture
def teacher(head: Session, school: SchoolStore) -> Iterator[Session]:
    session = staff_member(head, school, "teacher", Role.STAFF)
    yield session
    session.close()


@pytest.fixture
def dsl(head: Session, school: SchoolStore) -> Iterator[Session]:
    session = staff_member(head, school, "dsl", Role.DSL)
    yield session
    session.close()


def test_a_version_is_published_confirmed_and_counted(head: Session, teacher: Session) -> None:
    first = policies.publish(head, CHILD_PROTECTION, PDF)
    assert [p.title for p in policies.outstanding(teacher)] == [CHILD_PROTECTION["title"]]
    at = policies.confirm(teacher, first)
    assert at == NOW
    assert policies.outstanding(teacher) == []
    (standing,) = policies.standings(head)
    assert [c.username for c in standing.confirmed] == ["teacher"]
    assert [u for u, _ in standing.not_confirmed] == ["head"]
    assert standing.figure == "1 of 2"
    assert policies.document(teacher, first) == PDF
    with pytest.raises(ValidationError, match=r"confirmed .* already"):
        policies.confirm(teacher, first)
    with head.store.read() as conn:
        actions = [e.action for e in audit.events(conn) if e.action.startswith("policy.")]
    assert actions == ["policy.published", "policy.confirmed"]
    report = integrity.verify(head)
    assert report.ok, report.problems


def test_a_new_version_replaces_the_old_and_asks_again(head: Session, teacher: Session) -> None:
    first = policies.publish(head, CHILD_PROTECTION)
    policies.confirm(teacher, first)
    second = policies.publish(
        head,
        CHILD_PROTECTION
        | {"title": "child protection and  safeguarding policy", "version": "2026b"},
    )
    (now_current,) = policies.outstanding(teacher)
    assert now_current.id == second
    with pytest.raises(ValidationError, match="replaced by a newer version"):
        policies.confirm(teacher, first)
    every = policies.standings(head, include_old=True)
    assert [(s.policy.version, len(s.confirmed)) for s in every] == [("2026", 1), ("2026b", 0)]
    with pytest.raises(ValidationError, match="Version"):
        policies.publish(head, CHILD_PROTECTION)  # 2026 again
    with pytest.raises(NotFound):
        policies.confirm(teacher, 999)


def test_publishing_is_for_dsls_and_the_head_and_names_the_fields(
    head: Session, teacher: Session, dsl: Session
) -> None:
    with pytest.raises(PermissionDenied, match="not allowed to publish a policy"):
        policies.publish(teacher, CHILD_PROTECTION)
    with pytest.raises(PermissionDenied):
        policies.standings(teacher)
    policies.publish(dsl, CHILD_PROTECTION)
    with pytest.raises(ValidationError) as refused:
        policies.publish(dsl, {"title": " ", "version": "", "published_on": "2026-13-01"})
    assert set(refused.value.problems) == {
        "Policy title",
        "Version",
        "Published on",
        "What changed, and where to read it",
    }
    with pytest.raises(ValidationError) as refused:
        policies.publish(dsl, CHILD_PROTECTION | {"version": "3", "published_on": "08/09/2026"})
    assert refused.value.problems == {"Published on": "cannot be after today (07/09/2026)"}
    with pytest.raises(ValidationError) as refused:
        policies.publish(dsl, CHILD_PROTECTION | {"version": "4"}, b"GIF89a not a pdf")
    assert "is not a PDF file" in refused.value.problems["Policy document (PDF)"]


def test_a_pdf_over_the_schools_limit_is_refused(head: Session) -> None:
    from safedesk.services import settings

    settings.update_settings(head, attachment_limit_mb=1)
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as refused:
        policies.publish(head, CHILD_PROTECTION, big)
    assert (
        "the largest the school allows is 1 MB" in refused.value.problems["Policy document (PDF)"]
    )


def test_a_disabled_account_is_not_counted(
    head: Session, school: SchoolStore, teacher: Session
) -> None:
    policy = policies.publish(head, CHILD_PROTECTION)
    other = staff_member(head, school, "midday", Role.STAFF)
    policies.confirm(other, policy)
    other.close()
    (standing,) = policies.standings(head)
    assert standing.figure == "1 of 3"
    users.disable_user(head, "midday")
    users.disable_user(head, "teacher")
    (standing,) = policies.standings(head)
    assert standing.confirmed == () and [u for u, _ in standing.not_confirmed] == ["head"]
    assert policies.figures(head) == [(CHILD_PROTECTION["title"], "2026", 0, 1)]


def test_the_tables_refuse_updates_and_deletes(head: Session, teacher: Session) -> None:
    policy = policies.publish(head, CHILD_PROTECTION, PDF)
    policies.confirm(teacher, policy)
    conn = head.store.connection()
    for sql in (
        "UPDATE policy_version SET version = '9'",
        "DELETE FROM policy_version",
        "UPDATE policy_confirmation SET username = 'head'",
        "DELETE FROM policy_confirmation",
    ):
        with pytest.raises(sqlcipher3.dbapi2.Error, match="append-only"):
            conn.execute(sql)
    with pytest.raises(sqlcipher3.dbapi2.Error, match="published version"):
        conn.execute(
            "INSERT INTO policy_confirmation (policy_id, username, confirmed_at, signature) "
            "VALUES (77, 'x', '2026-09-07T08:00:00+00:00', x'00')"
        )
    with pytest.raises(sqlcipher3.dbapi2.Error, match="CHECK"):
        conn.execute(
            "INSERT INTO policy_version (title, title_key, version, published_on, author, "
            "published_at) VALUES ('T', 't', '1', '2026-09-01', 'head', "
            "'2026-09-07T08:00:00+00:00')"
        )  # nothing to read: no note and no PDF


def test_a_pdf_changed_behind_the_programs_back_is_not_shown(
    head: Session, teacher: Session
) -> None:
    policy = policies.publish(head, CHILD_PROTECTION, PDF)
    with head.store.write() as conn:
        conn.execute("DROP TRIGGER policy_version_no_update")
        conn.execute(
            "UPDATE policy_version SET pdf = ? WHERE id = ?", (PDF.replace(b"1.4", b"1.7"), policy)
        )
    with pytest.raises(ValidationError, match="not the file that was published"):
        policies.document(teacher, policy)
    problems = integrity.verify(head).problems
    assert any("policy_version" in p for p in problems), problems
