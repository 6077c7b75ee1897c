"""The admin's lists editor: add, retire and restore values; fixed lists and non-admins."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safedesk.domain.roles import Role
from safedesk.services import lists
from safedesk.services.session import Session
from safedesk.ui.admin_page import AdminPage
from safedesk.ui.lists_editor import ListsEditor

LEFT = Qt.MouseButton.LeftButton


def _editor(qtbot: QtBot, session: Session, list_name: str = "locations") -> ListsEditor:
    editor = ListsEditor(session)
    qtbot.addWidget(editor)
    editor.list_choice.setCurrentIndex(editor.list_choice.findData(list_name))
    assert editor.list_name == list_name
    return editor


def _select(editor: ListsEditor, value: str) -> None:
    for row in range(editor.values.count()):
        if editor.values.item(row).data(Qt.ItemDataRole.UserRole) == value:
            editor.values.setCurrentRow(row)
            return
    raise AssertionError(f"{value} is not shown")


def _row_text(editor: ListsEditor, value: str) -> str:
    _select(editor, value)
    return editor.values.currentItem().text()


def _offered(session: Session, list_name: str) -> dict[str, str]:
    return dict(lists.choices(session)[list_name])


def test_add_retire_and_restore_a_value(
    qtbot: QtBot, head_session: Session, no_modal_dialogs: list[tuple[str, str]]
) -> None:
    editor = _editor(qtbot, head_session)
    changes: list[None] = []
    editor.changed.connect(lambda: changes.append(None))

    qtbot.keyClicks(editor.new_label, "Forest School (off-site)")
    assert editor.new_value.text() == "forest_school_off_site"
    qtbot.mouseClick(editor.add_button, LEFT)
    assert _offered(head_session, "locations")["forest_school_off_site"] == (
        "Forest School (off-site)"
    )
    assert "Added “Forest School (off-site)” to Locations" in editor.status.text()
    assert (editor.new_label.text(), editor.new_value.text()) == ("", "")
    # The new value is shown and selected, ready to retire.
    assert editor.values.currentItem().data(Qt.ItemDataRole.UserRole) == "forest_school_off_site"
    assert editor.retire_button.isEnabled() and not editor.restore_button.isEnabled()

    qtbot.mouseClick(editor.retire_button, LEFT)
    assert "forest_school_off_site" not in _offered(head_session, "locations")
    text = _row_text(editor, "forest_school_off_site")
    assert text.startswith("Forest School (off-site)") and text.endswith("(retired)")
    assert editor.restore_button.isEnabled() and not editor.retire_button.isEnabled()

    qtbot.mouseClick(editor.restore_button, LEFT)
    assert "forest_school_off_site" in _offered(head_session, "locations")
    assert not _row_text(editor, "forest_school_off_site").endswith("(retired)")
    assert len(changes) == 3
    assert no_modal_dialogs == []


def test_the_values_code_is_never_shown_only_its_label(qtbot: QtBot, head_session: Session) -> None:
    editor = _editor(qtbot, head_session, "restraint_types")
    assert not editor.new_value.isVisibleTo(editor)
    shown = [editor.values.item(i).text() for i in range(editor.values.count())]
    codes = {value for value, _label in lists.choices(head_session)["restraint_types"]}
    assert shown and not any(
        f"({code})" in text or text == code for text in shown for code in codes
    )
    qtbot.keyClicks(editor.new_label, "Team Teach single elbow")
    qtbot.keyClick(editor.new_label, Qt.Key.Key_Return)
    assert _offered(head_session, "restraint_types")["team_teach_single_elbow"] == (
        "Team Teach single elbow"
    )


def test_bad_input_is_refused_in_plain_words(qtbot: QtBot, head_session: Session) -> None:
    editor = _editor(qtbot, head_session)
    qtbot.mouseClick(editor.add_button, LEFT)
    assert editor.status.text() == "Type the new value first, as staff will see it."

    qtbot.keyClicks(editor.new_label, "Playground")
    qtbot.mouseClick(editor.add_button, LEFT)
    assert editor.status.text() == "“Playground” is already in Locations, as “Playground”."
    assert editor.new_label.text() == "Playground"  # kept, to be corrected

    editor.new_label.clear()
    qtbot.keyClicks(editor.new_label, "!?")
    qtbot.mouseClick(editor.add_button, LEFT)
    assert "value: must be 1–40 lower-case letters" in editor.status.text()


def test_retired_values_are_greyed_and_the_answer_no_changes_nothing(
    qtbot: QtBot, head_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from safedesk.ui import msgbox

    lists.retire_value(head_session, "locations", "field")
    editor = _editor(qtbot, head_session)
    _select(editor, "field")
    item = editor.values.currentItem()
    assert item.text() == "Field   (retired)"
    assert item.font().italic()

    monkeypatch.setattr(msgbox, "confirm", lambda *_a: False)
    _select(editor, "hall")
    qtbot.mouseClick(editor.retire_button, LEFT)
    assert "hall" in _offered(head_session, "locations")


def test_a_fixed_list_says_why_and_cannot_be_edited(qtbot: QtBot, head_session: Session) -> None:
    editor = _editor(qtbot, head_session, "urgencies")
    assert editor.fixed_note.isVisibleTo(editor)
    assert "is fixed and cannot be changed" in editor.fixed_note.text()
    assert "time-to-action" in editor.fixed_note.text()
    editor.values.setCurrentRow(0)
    for button in (editor.add_button, editor.retire_button, editor.restore_button):
        assert not button.isEnabled()
    assert not editor.new_label.isEnabled()

    editor.list_choice.setCurrentIndex(editor.list_choice.findData("severities"))
    assert not editor.fixed_note.isVisibleTo(editor)
    assert editor.add_button.isEnabled()


def test_every_editable_list_is_offered(qtbot: QtBot, head_session: Session) -> None:
    editor = ListsEditor(head_session)
    qtbot.addWidget(editor)
    names = {editor.list_choice.itemData(i) for i in range(editor.list_choice.count())}
    assert {
        "categories",
        "locations",
        "behaviour_types",
        "bullying_types",
        "prejudice_types",
        "severities",
        "restraint_types",
    } <= names


def test_only_an_administrator_gets_the_editor(
    qtbot: QtBot, head_session: Session, session_as: Callable[[Role], Session]
) -> None:
    admin_page = AdminPage(session_as(Role.ADMIN))
    qtbot.addWidget(admin_page)
    assert isinstance(admin_page.lists_editor, ListsEditor)

    dsl_page = AdminPage(session_as(Role.DSL))
    qtbot.addWidget(dsl_page)
    assert dsl_page.lists_editor is None
    assert dsl_page.findChildren(ListsEditor) == []
