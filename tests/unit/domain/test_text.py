"""Free text: any Unicode kept, no control characters, a stated length limit."""

from __future__ import annotations

import pytest

from safedesk.domain.text import LONG_TEXT_LIMIT, SHORT_TEXT_LIMIT, is_blank, text_problem


def test_the_limits_are_twenty_thousand_and_two_hundred_characters() -> None:
    assert LONG_TEXT_LIMIT == 20_000
    assert SHORT_TEXT_LIMIT == 200


def test_text_exactly_at_the_limit_is_kept_one_more_is_refused() -> None:
    assert text_problem("a" * 200, limit=200) is None
    assert text_problem("a" * 201, limit=200) == "is 201 characters long; the limit is 200"
    assert text_problem("é" * 20_001, limit=20_000) == (
        "is 20,001 characters long; the limit is 20,000"
    )


@pytest.mark.parametrize("value", [None, 12, b"bytes", ["a list"]])
def test_only_text_is_text(value: object) -> None:
    assert text_problem(value, limit=200) == "must be text"


@pytest.mark.parametrize(
    "value",
    [
        "Zoë said “no” — 😢",
        "line one\nline two\r\n\tindented",
        "مرحبا שלום 你好",
        "",
    ],
)
def test_any_unicode_and_ordinary_line_breaks_are_kept(value: str) -> None:
    assert text_problem(value, limit=200) is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("bell\x07", "U+0007"),
        ("nul\x00here", "U+0000"),
        ("escape\x1b[31m", "U+001B"),
        ("delete\x7f", "U+007F"),
        # A control character after an allowed one is still found.
        ("line\n\x07", "U+0007"),
        ("tab\tthen\x08", "U+0008"),
        # A lone surrogate cannot be stored as UTF-8.
        ("half a pair \ud83d", "U+D83D"),
    ],
)
def test_control_characters_are_named_by_code(value: str, code: str) -> None:
    assert text_problem(value, limit=200) == (
        f"contains a control character ({code}) that cannot be stored; please remove it"
    )


@pytest.mark.parametrize("value", [None, "", " ", "\t\n  ", " \u200b ", "\u200d\ufeff\u2060"])
def test_blank_is_nothing_or_only_spaces_and_invisible_characters(value: object) -> None:
    assert is_blank(value)


@pytest.mark.parametrize(
    "value", ["x", "  x  ", "x\u200b", "\U0001f469\u200d\U0001f467", 0, False, []]
)
def test_anything_else_is_not_blank(value: object) -> None:
    assert not is_blank(value)
