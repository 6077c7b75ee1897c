# mypy: disallow-untyped-calls=False
"""After sign-in: the policies this person has not confirmed, confirmed there by the keyboard;
"Not now" asks again at the next sign-in; nothing is asked once all are confirmed, nor of an
account whose password an administrator set."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from safedesk.domain.roles import Role
from safedesk.services import policies, users
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.policy_prompt import PolicyPrompt, ask_after_sign_in
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
    made = QWidget()
    qtbot.addWidget(made)
    made.resize(1093, 576)
    made.show()
    return made


def prompt_over(qtbot: QtBot, session: Session, main: QWidget) -> PolicyPrompt | None:
    ask_after_sign_in(session, main)
    qtbot.waitUntil(lambda: tasks.running() == 0, timeout=WAIT)
    found = visible_prompts(main)
    return found[0] if found else None


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
    # Tab goes from the list to Read, to confirm, to Not now.
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
    activate(qtbot, again)
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
        assert prompt_over(qtbot, starter, window(qtbot)) is None
    finally:
        starter.close()
    assert QApplication.activeModalWidget() is None
