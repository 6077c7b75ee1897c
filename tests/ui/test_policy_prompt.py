# mypy: disallow-untyped-calls=False
"""After sign-in: a note in the header ("2 policies to read") that never takes the keyboard
opens the policies this person has not confirmed, confirmed there by the keyboard once each was
opened and read; "Not now" asks again at the next sign-in; nothing is asked once all are
confirmed, nor of an account whose password an administrator set."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from safedesk.domain.roles import Role
from safedesk.services import policies, users
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.policies_page import PolicyReader
from safedesk.ui.policy_prompt import PolicyNote, PolicyPrompt, ask_after_sign_in
from tests.conftest import OTHER_PASSWORD, SchoolStore, add_account
from tests.ui.conftest import activate
from tests.ui.test_windows_fit import themed

__all__ = ["themed"]

OWN = "my own password for the prompt"
WAIT = 60_000


def publish(head: Session, title: str) -> int:
    return policies.publish(
        head, {"title": title, "version": "1", "published_on": "2026-09-01", "note": "Read it."}
    )


@pytest.fixture
def teacher(head_session: Session, school: SchoolStore) -> Iterator[Session]:
    add_account(head_session, "tom.teacher", {Role.STAFF})
    session = school.sign_in("tom.teacher", OTHER_PASSWORD)
    users.change_own_password(session, OTHER_PASSWORD, OWN)
    session.close()
    session = school.sign_in("tom.teacher", OWN)
    yield session
    session.close()


def window(qtbot: QtBot) -> QWidget:
    """A main window as far as the prompt knows it: a header, and a box someone types in."""
    made = QWidget()
    qtbot.addWidget(made)
    made.resize(1366, 768)
    header = QFrame(made)
    header.setObjectName("Header")
    top = QHBoxLayout(header)
    top.addWidget(QLabel("Test school"))
    top.addStretch(1)
    column = QVBoxLayout(made)
    column.addWidget(header)
    made.typing = QLineEdit()  # type: ignore[attr-defined]
    column.addWidget(made.typing)  # type: ignore[attr-defined]
    made.show()
    return made


def note_in(qtbot: QtBot, session: Session, main: QWidget) -> PolicyNote | None:
    ask_after_sign_in(session, main)
    qtbot.waitUntil(lambda: tasks.running() == 0, timeout=WAIT)
    found = [n for n in main.findChildren(PolicyNote) if n.isVisible()]
    return found[0] if found else None


def prompt_over(qtbot: QtBot, session: Session, main: QWidget) -> PolicyPrompt | None:
    """The note pressed with the keyboard (Tab to it, Space): the prompt it opens."""
    for old in main.findChildren(PolicyNote):
        old.deleteLater()  # a new sign-in: a new header
    qtbot.waitUntil(lambda: not main.findChildren(PolicyNote), timeout=WAIT)
    note = note_in(qtbot, session, main)
    if note is None:
        return None
    note.setFocus()
    qtbot.keyClick(note, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(visible_prompts(main)), timeout=WAIT)
    return visible_prompts(main)[0]


def read_it(qtbot: QtBot, prompt: PolicyPrompt) -> None:
    """Alt+R opens the chosen policy in the reader; Escape closes it again."""
    activate(qtbot, prompt)
    qtbot.keyClick(prompt, "r", Qt.KeyboardModifier.AltModifier)  # &Read the policy…
    qtbot.waitUntil(lambda: isinstance(prompt.reader, PolicyReader), timeout=WAIT)
    reader = prompt.reader
    assert reader is not None
    qtbot.waitUntil(reader.isVisible, timeout=WAIT)
    activate(qtbot, reader)
    qtbot.keyClick(reader, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not reader.isVisible(), timeout=WAIT)
    activate(qtbot, prompt)


def visible_prompts(main: QWidget) -> list[PolicyPrompt]:
    return [w for w in main.findChildren(PolicyPrompt) if w.isVisible()]


def titles(prompt: PolicyPrompt) -> list[str]:
    model = prompt.model
    return [
        f"{model.index(r, 0).data()}: {model.index(r, 4).data()}" for r in range(model.rowCount())
    ]


def test_confirmed_by_keyboard_and_asked_again_after_not_now(
    qtbot: QtBot, head_session: Session, teacher: Session, themed: None
) -> None:
    publish(head_session, "Behaviour policy")
    publish(head_session, "Child protection and safeguarding policy")
    main = window(qtbot)
    prompt = prompt_over(qtbot, teacher, main)
    assert prompt is not None
    assert not prompt.isModal()
    activate(qtbot, prompt)
    assert prompt.table.hasFocus()
    assert titles(prompt) == [
        "Behaviour policy: Not yet",
        "Child protection and safeguarding policy: Not yet",
    ]
    assert prompt.status.text() == "2 policies to confirm."
    read_it(qtbot, prompt)
    # Tab goes from the list to Read, to confirm, to Not now.
    prompt.table.setFocus()
    qtbot.keyClick(prompt.table, Qt.Key.Key_Tab)
    assert prompt.read_button.hasFocus()
    qtbot.keyClick(prompt.read_button, Qt.Key.Key_Tab)
    assert prompt.confirm_button.hasFocus()
    qtbot.keyClick(prompt.confirm_button, Qt.Key.Key_Space)  # the first one
    qtbot.waitUntil(lambda: prompt.status.text() == "1 policy to confirm.", timeout=WAIT)
    assert titles(prompt)[0].startswith("Behaviour policy: Confirmed ")
    chosen = prompt.current()
    assert chosen is not None
    assert chosen.policy.title == "Child protection and safeguarding policy"  # the next
    qtbot.keyClick(prompt, "n", Qt.KeyboardModifier.AltModifier)  # &Not now
    qtbot.waitUntil(lambda: not visible_prompts(main), timeout=WAIT)  # closed (and deleted)

    again = prompt_over(qtbot, teacher, main)  # the next sign-in
    assert again is not None
    assert titles(again) == ["Child protection and safeguarding policy: Not yet"]
    read_it(qtbot, again)
    qtbot.keyClick(again, "i", Qt.KeyboardModifier.AltModifier)  # &I have read and understood it
    qtbot.waitUntil(
        lambda: again.status.text() == "Thank you: you have confirmed them all.", timeout=WAIT
    )
    assert again.later_button.text() == "&Close"
    assert again.later_button.hasFocus()
    again.close()
    assert prompt_over(qtbot, teacher, main) is None  # nothing left to ask
    assert all(m.confirmed_at is not None for m in policies.mine(teacher))


def test_not_asked_while_the_password_is_one_an_administrator_set(
    qtbot: QtBot, head_session: Session, school: SchoolStore
) -> None:
    publish(head_session, "Behaviour policy")
    add_account(head_session, "new.starter", {Role.STAFF})
    starter = school.sign_in("new.starter", OTHER_PASSWORD)
    try:
        assert starter.password_from_administrator
        assert note_in(qtbot, starter, window(qtbot)) is None
    finally:
        starter.close()
    assert QApplication.activeModalWidget() is None


def test_the_note_never_takes_the_keyboard_from_what_was_started(
    qtbot: QtBot, head_session: Session, teacher: Session, themed: None
) -> None:
    publish(head_session, "Behaviour policy")
    publish(head_session, "Child protection and safeguarding policy")
    main = window(qtbot)
    activate(qtbot, main)
    typing: QLineEdit = main.typing  # type: ignore[attr-defined]
    typing.setFocus()
    qtbot.keyClicks(typing, "Leo")
    note = note_in(qtbot, teacher, main)
    assert note is not None
    assert note.text() == "2 policies to read"
    assert not visible_prompts(main)  # nothing came over what they were doing
    qtbot.keyClicks(typing, " Smith")
    assert typing.hasFocus()
    assert typing.text() == "Leo Smith"
    # Opened with Space when the person chooses to.
    note.setFocus()
    qtbot.keyClick(note, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(visible_prompts(main)), timeout=WAIT)


def test_not_confirmed_before_it_was_opened(
    qtbot: QtBot, head_session: Session, teacher: Session, themed: None
) -> None:
    publish(head_session, "Behaviour policy")
    main = window(qtbot)
    prompt = prompt_over(qtbot, teacher, main)
    assert prompt is not None
    activate(qtbot, prompt)
    assert not prompt.confirm_button.isEnabled()
    assert prompt.read_first.isVisible()
    assert prompt.read_first.text() == "Open it and read it first."
    qtbot.keyClick(prompt, "i", Qt.KeyboardModifier.AltModifier)  # straight away: nothing
    prompt.confirm()  # nor by calling the button's slot
    qtbot.waitUntil(lambda: tasks.running() == 0, timeout=WAIT)
    assert all(m.confirmed_at is None for m in policies.mine(teacher))
    read_it(qtbot, prompt)
    assert prompt.confirm_button.isEnabled()
    assert not prompt.read_first.isVisible()
    assert prompt.confirm_button.hasFocus()  # back from reading: Space confirms
    qtbot.keyClick(prompt.confirm_button, Qt.Key.Key_Space)
    qtbot.waitUntil(
        lambda: prompt.status.text() == "Thank you: you have confirmed them all.", timeout=WAIT
    )
    assert all(m.confirmed_at is not None for m in policies.mine(teacher))
