"""For screen readers and keyboards: every table and input has a name a screen reader says
(its own, or a label's it is the buddy of); each Alt+letter belongs to one thing in its
window; placeholder text and input borders at WCAG AA contrast.

Walks the same windows as test_windows_fit.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from safedesk.ui import theme
from tests.ui.test_windows_fit import WHO, Screen, screens, themed

__all__ = ["screens", "themed"]  # fixtures shared with test_windows_fit.py


# --- names a screen reader says --------------------------------------------------------------


def owner(widget: QWidget) -> str:
    """The nearest of our own widgets holding ``widget``: where to look for it in the code."""
    parent: QWidget | None = widget
    while parent is not None:
        module = type(parent).__module__
        if module.startswith("safedesk.ui."):
            return f"{type(parent).__name__} ({module.removeprefix('safedesk.ui.')}.py)"
        parent = parent.parentWidget()
    return "?"


def part_of_another(widget: QWidget) -> bool:
    """A piece of a composite widget (a spin box's line edit, a combo box's list, a calendar
    popup), named through the widget it is part of."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QAbstractSpinBox, QComboBox, QCalendarWidget)):
            return True
        parent = parent.parentWidget()
    return False


def needs_a_name(widget: QWidget) -> bool:
    if isinstance(widget, QHeaderView):
        return False  # a table's headings: the table has the name
    if isinstance(widget, QAbstractItemView):
        return True
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return not widget.isReadOnly()
    return isinstance(widget, (QLineEdit, QComboBox, QAbstractSpinBox))


def unnamed(screen: Screen) -> list[str]:
    window = screen.window
    every = window.findChildren(QWidget)
    buddies = {id(label.buddy()) for label in window.findChildren(QLabel) if label.buddy()}
    found = []
    for widget in every:
        if widget.isWindow() or not needs_a_name(widget) or part_of_another(widget):
            continue
        if widget.accessibleName().strip() or id(widget) in buddies:
            continue
        hint = ""
        if isinstance(widget, QLineEdit) and widget.placeholderText():
            hint = f' (placeholder "{widget.placeholderText()[:30]}")'
        found.append(f"{type(widget).__name__}{hint} in {owner(widget)}")
    return found


@pytest.mark.parametrize("who", WHO)
def test_every_table_and_input_has_a_name(
    who: str, screens: Callable[[str], Iterator[Screen]]
) -> None:
    # The same widget is found on every screen of its window: said once, where first seen.
    seen: dict[str, str] = {}
    for screen in screens(who):
        for problem in unnamed(screen):
            seen.setdefault(problem, f"{screen.name}: {problem}")
    assert not seen, "no accessible name and no buddy label:\n" + "\n".join(seen.values())


# --- one Alt+letter, one thing ---------------------------------------------------------------

_MNEMONIC = re.compile(r"&([^&\s])")


def mnemonic(text: str) -> str | None:
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).casefold() if found else None


def mnemonics(screen: Screen) -> dict[str, list[str]]:
    """Each Alt+letter in reach on this screen (shown widgets only) and what has it."""
    window = screen.window
    texts: list[str] = []
    for widget in window.findChildren(QWidget):
        if widget.isWindow() or not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count()) if widget.isTabVisible(i)]
    found: dict[str, list[str]] = {}
    for text in texts:
        letter = mnemonic(text)
        if letter is not None:
            found.setdefault(letter, []).append(" ".join(text.split())[:40])
    return found


@pytest.mark.parametrize("who", WHO)
def test_each_alt_letter_belongs_to_one_thing(
    who: str, screens: Callable[[str], Iterator[Screen]]
) -> None:
    problems: list[str] = []
    for screen in screens(who):
        for letter, holders in mnemonics(screen).items():
            if len(holders) > 1:
                problems.append(
                    f"{screen.name}: Alt+{letter.upper()} is " + " and ".join(map(repr, holders))
                )
    assert not problems, "\n".join(dict.fromkeys(problems))


# --- no keyboard trap: Tab leaves every list ---------------------------------------------------


@pytest.mark.parametrize("who", WHO)
def test_tab_leaves_every_list(who: str, screens: Callable[[str], Iterator[Screen]]) -> None:
    """A table that takes Tab moves from cell to cell and wraps round, never letting go
    (the new-user pass was stuck in the queue): arrows move in a list, Tab moves on."""
    trapped: list[str] = []
    for screen in screens(who):
        for view in screen.window.findChildren(QAbstractItemView):
            if view.isVisibleTo(screen.window) and view.tabKeyNavigation():
                trapped.append(f"{screen.name}: {view.accessibleName() or type(view).__name__}")
    assert not trapped, "\n".join(dict.fromkeys(trapped))


# --- contrast (WCAG 2.1: 4.5:1 for text, 3:1 for the edges of inputs) --------------------------


def luminance(colour: str) -> float:
    rgb = QColor(colour)

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(rgb.red()) + 0.7152 * channel(rgb.green()) + 0.0722 * channel(rgb.blue())
    )


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rules() -> dict[str, dict[str, str]]:
    """The style sheet's rules: selector (as written) -> property -> value."""
    sheet = re.sub(r"/\*.*?\*/", "", theme.style_sheet(10.5), flags=re.S)
    found: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", sheet):
        properties = dict(
            (name.strip(), value.strip())
            for name, _, value in (p.partition(":") for p in body.split(";"))
            if value.strip()
        )
        for selector in selectors.split(","):
            found.setdefault(" ".join(selector.split()), {}).update(properties)
    return found


def colour_of(value: str) -> str:
    found = re.search(r"#[0-9a-fA-F]{6}|\bwhite\b", value)
    assert found, value
    return "#ffffff" if found.group(0) == "white" else found.group(0)


def test_input_borders_stand_out_3_to_1() -> None:
    sheet = rules()
    for selector in ("QLineEdit", "QPlainTextEdit", "QComboBox", "QDateTimeEdit", "QPushButton"):
        border = colour_of(sheet[selector]["border"])
        for background in (colour_of(sheet[selector]["background"]), theme.WINDOW):
            ratio = contrast(border, background)
            assert ratio >= 3, f"{selector} border {border} on {background}: {ratio:.2f}:1"
    focus = colour_of(sheet["QLineEdit:focus"]["border"])
    assert contrast(focus, "#ffffff") >= 3


def test_placeholder_text_is_readable_4_5_to_1(themed: None) -> None:
    """Qt's own placeholder is the text colour at half strength: about 2.9:1 on white."""
    shown = QLineEdit()
    colour = shown.palette().color(QPalette.ColorRole.PlaceholderText).name()
    assert colour == theme.PLACEHOLDER
    assert shown.palette().color(QPalette.ColorRole.PlaceholderText).alpha() == 255
    assert contrast(colour, theme.BACKGROUND) >= 4.5
    app = QApplication.instance()
    assert isinstance(app, QApplication)


def test_text_colours_are_readable_4_5_to_1() -> None:
    sheet = rules()
    window = colour_of(sheet["QMainWindow"]["background"])
    pairs = {
        "ordinary text": (colour_of(sheet["QWidget"]["color"]), window),
        "subtitles": (colour_of(sheet["QLabel#Subtitle"]["color"]), window),
        "subtitles on white": (colour_of(sheet["QLabel#Subtitle"]["color"]), "#ffffff"),
        "errors": (colour_of(sheet["QLabel#Error"]["color"]), window),
        "field errors": (colour_of(sheet["QLabel#FieldError"]["color"]), window),
        "titles": (colour_of(sheet["QLabel#Title"]["color"]), window),
        "the main button": (
            colour_of(sheet["QPushButton#Primary"]["color"]),
            colour_of(sheet["QPushButton#Primary"]["background"]),
        ),
        "navigation": (
            colour_of(sheet["QListWidget#Navigation::item"]["color"]),
            colour_of(sheet["QListWidget#Navigation"]["background"]),
        ),
    }
    low = {
        what: round(contrast(fore, back), 2)
        for what, (fore, back) in pairs.items()
        if contrast(fore, back) < 4.5
    }
    assert not low, low
