"""UPN check letters (the DfE modulo-23 algorithm)."""

from __future__ import annotations

import pytest

from safedesk.domain import upn


def test_documented_example_is_valid() -> None:
    # The example python-stdnum documents for English UPNs.
    assert upn.problem("B801200005001") is None
    assert upn.make("801200005001") == "B801200005001"


def test_temporary_upn_ending_in_a_letter() -> None:
    temporary = upn.make("80120000500A")
    assert upn.problem(temporary) is None
    assert upn.problem(temporary[:-1] + "I") is not None  # I is never used


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("C801200005001", "wrong check letter (expected B)"),
        ("B80120000500", "13 characters"),
        ("B80120000X001", "13 characters"),
        ("8801200005001", "13 characters"),
        ("", "13 characters"),
    ],
)
def test_bad_upns_say_why(text: str, reason: str) -> None:
    assert reason in (upn.problem(text) or "")


def test_every_single_character_change_is_caught() -> None:
    valid = upn.make("330201900123")
    for position in range(1, 13):
        for digit in "0123456789":
            if digit != valid[position]:
                changed = valid[:position] + digit + valid[position + 1 :]
                assert upn.problem(changed) is not None
