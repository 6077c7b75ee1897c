"""UI fixtures: background work runs inline; no modal dialog ever opens."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from safedesk.domain import upn
from safedesk.domain.people import PupilDetails
from safedesk.services.session import Session
from safedesk.store import pupils
from safedesk.ui import msgbox, tasks, theme
from safedesk.ui.collector import no_collection_while_tasks_run

_PRISTINE: list[tuple[QFont, QPalette, str]] = []  # the platform's own look, before any test


@pytest.fixture(autouse=True)
def own_text_size_setting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test keeps the person's text size in its own file, never the user's settings: a
    Ctrl++ in one test had made every later window of the run (and of the next) larger."""
    from safedesk.ui import text_size

    text_size.use_settings_file(str(tmp_path_factory.mktemp("settings") / "safedesk.ini"))
    yield
    text_size.use_settings_file(None)


@pytest.fixture(autouse=True)
def pristine_look(qapp: QApplication) -> None:
    """Each test starts with the platform's font, palette and no style sheet, whatever a test
    before it applied (a theme applied twice grows the text, and later sizes were wrong)."""
    if not _PRISTINE:
        _PRISTINE.append((QFont(qapp.font()), QPalette(qapp.palette()), qapp.styleSheet()))
    font, palette, sheet = _PRISTINE[0]
    if qapp.styleSheet() != sheet:
        qapp.setStyleSheet(sheet)
    if qapp.font() != font:
        qapp.setFont(font)
    if qapp.palette() != palette:
        qapp.setPalette(palette)
    theme._system_points = None


@pytest.fixture(autouse=True)
def inline_tasks() -> Iterator[None]:
    tasks.set_pool(tasks.InlinePool())
    yield
    tasks.set_pool(None)


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    for name in ("information", "warning", "error"):
        monkeypatch.setattr(msgbox, name, lambda _p, title, text: shown.append((title, text)))
    monkeypatch.setattr(msgbox, "confirm", lambda *_a: True)
    return shown


@pytest.fixture
def real_threads() -> Iterator[None]:
    """Tasks on Qt's real worker threads; as in the app (ui/collector.py), no cycle
    collection while one runs."""
    with no_collection_while_tasks_run():
        tasks.set_pool(QThreadPool.globalInstance())
        yield
        QThreadPool.globalInstance().waitForDone(30_000)
        tasks.set_pool(tasks.InlinePool())
    gc.collect()


def activate(qtbot: QtBot, widget: QWidget) -> None:
    """Make ``widget``'s window the active one, as a click on it would (offscreen, a dialog
    opened over a window is not activated by itself; window shortcuts need it)."""
    handle = widget.window().windowHandle()
    assert handle is not None
    handle.requestActivate()
    qtbot.waitUntil(widget.isActiveWindow)


ROLL = [
    ("801200005001", "O'Connor-Nguyễn", "Siobhán", "Shiv", "3", "Oak"),
    ("801200005002", "Wiśniewska", "Zoë", None, "4", "Ash"),
    ("801200005003", "De la Cruz", "Mateo", None, "2", "Birch"),
    ("801200005004", "Smith", "Jo", None, "R", "Elm"),
]


def add_roll(session: Session) -> None:
    with session.store.write() as conn:
        for body, surname, forename, preferred, year, class_name in ROLL:
            pupils.insert(
                conn,
                PupilDetails(
                    upn.make(body),
                    surname,
                    forename,
                    date(2018, 1, 1),
                    preferred,
                    None,
                    year,
                    class_name,
                ),
                session.clock.now(),
            )
