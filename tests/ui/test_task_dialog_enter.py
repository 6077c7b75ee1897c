"""Enter in a field of a task dialog does the dialog's action, even after Tab passed Cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from safedesk.ui.task_dialog import TaskDialog


class _Form(TaskDialog):
    def __init__(self) -> None:
        super().__init__(None, "A form", "&Save")
        self.first = QLineEdit()
        self.row_button = QPushButton("&Add a row")
        self.second = QLineEdit()
        for widget in (self.first, self.row_button, self.second):
            self.body.addWidget(widget)
        self.submitted = 0

    def submit(self) -> None:
        self.submitted += 1


def test_enter_after_tabbing_past_cancel_saves_and_does_not_cancel(qtbot):
    form = _Form()
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.first.setFocus()
    qtbot.waitUntil(form.first.hasFocus, timeout=60000)
    # Tab round the whole dialog: past Add a row, the second box, Save and Cancel, and back.
    for _ in range(5):
        qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Tab)
    assert form.first.hasFocus()
    qtbot.keyClicks(form.first, "typed")
    qtbot.keyClick(form.first, Qt.Key.Key_Return)
    assert form.isVisible(), "Enter in a field pressed Cancel: what was typed is gone"
    assert form.submitted == 1
    assert form.first.text() == "typed"


def test_enter_on_a_focused_button_presses_that_button_not_the_action(qtbot):
    form = _Form()
    qtbot.addWidget(form)
    pressed = []
    form.row_button.clicked.connect(lambda: pressed.append("row"))
    form.show()
    qtbot.waitExposed(form)
    form.row_button.setFocus()
    qtbot.waitUntil(form.row_button.hasFocus, timeout=60000)
    qtbot.keyClick(form.row_button, Qt.Key.Key_Return)
    assert pressed == ["row"]
    assert form.submitted == 0
    assert form.isVisible()
