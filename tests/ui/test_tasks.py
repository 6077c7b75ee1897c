"""The background-work helper: failures logged (stack if unexpected, never our messages'
words), and ``when_idle`` for a lock that must wait for the work in hand."""

from __future__ import annotations

import logging

import pytest
from pytestqt.qtbot import QtBot

from safedesk.domain.errors import PermissionDenied
from safedesk.ui import tasks


def test_when_idle_runs_at_once_when_nothing_runs() -> None:
    called: list[str] = []
    tasks.when_idle(lambda: called.append("now"))
    assert called == ["now"]


def test_when_idle_waits_for_the_work_in_hand(qtbot: QtBot) -> None:
    order: list[str] = []
    tasks.run(lambda: order.append("work"))
    tasks.when_idle(lambda: order.append("after"))
    assert order == [] and tasks.busy()
    qtbot.waitUntil(lambda: order == ["work", "after"])
    assert not tasks.busy()


def test_an_unexpected_failure_is_logged_with_its_stack(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise ValueError("bad page 7")

    failures: list[BaseException] = []
    with caplog.at_level(logging.INFO, logger="safedesk.ui.tasks"):
        tasks.run(broken).on_error(failures.append)
        qtbot.waitUntil(lambda: bool(failures))
    [record] = caplog.records
    assert record.levelno == logging.ERROR and "broken" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[1] is failures[0]


def test_our_own_refusals_are_logged_by_kind_without_their_words(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    def refused() -> None:
        raise PermissionDenied("Mrs Example may not read this")

    failures: list[BaseException] = []
    with caplog.at_level(logging.INFO, logger="safedesk.ui.tasks"):
        tasks.run(refused).on_error(failures.append)
        qtbot.waitUntil(lambda: bool(failures))
    [record] = caplog.records
    assert record.levelno == logging.INFO and "PermissionDenied" in record.getMessage()
    assert "Mrs Example" not in caplog.text and record.exc_info is None
