"""Casework and police-notification forms fill in no date or time nobody typed, and say
plainly what is wrong with a half-typed one."""

from __future__ import annotations

from datetime import datetime

import pytest
from pytestqt.qtbot import QtBot

from safedesk.domain.casework import ACT_FIELDS, NOTIFICATION_FIELDS, ActType
from safedesk.domain.entries import FieldSpec
from safedesk.ui.act_form import SpecFields
from safedesk.ui.field_widgets import BAD_DAY, DayBox, WhenBox

FORMS = {f"act {t.value}": specs for t, specs in ACT_FIELDS.items() if specs}
FORMS["police notification"] = NOTIFICATION_FIELDS
NOW = datetime.fromisoformat("2026-11-23T10:00").astimezone()


@pytest.mark.parametrize("form", list(FORMS))
def test_no_date_or_time_is_filled_in(qtbot: QtBot, form: str) -> None:
    specs: tuple[FieldSpec, ...] = FORMS[form]
    fields = SpecFields(specs, {}, NOW)
    qtbot.addWidget(fields)
    dated = [s.name for s in specs if s.type in ("date", "datetime")]
    for name in dated:
        assert fields.inputs[name].value() == "", name
        assert isinstance(fields.inputs[name].editor, DayBox | WhenBox)


def test_a_half_typed_day_is_said_plainly(qtbot: QtBot) -> None:
    fields = SpecFields(ACT_FIELDS[ActType.ACTION], {}, NOW)
    qtbot.addWidget(fields)
    day = fields.inputs["due_on"].editor
    assert isinstance(day, DayBox)
    qtbot.keyClicks(day, "31/02")
    assert fields.box_problems() == {"due_on": BAD_DAY}
    day.clear()
    qtbot.keyClicks(day, "2/12/2026")
    day.editingFinished.emit()
    assert fields.box_problems() == {}
    assert fields.values()["due_on"] == "2026-12-02"
    assert day.text() == "02/12/2026"
