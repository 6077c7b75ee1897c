"""UPN check letters (the DfE modulo-23 algorithm)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safedesk.domain import upn

# python-stdnum's alphabet: letters are worth their place, digits 23 + their value.
STDNUM_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ0123456789"


def stdnum_check_letter(body: str) -> str:
    """An independent oracle, written the way python-stdnum's gb.upn computes it."""
    total = sum(weight * STDNUM_ALPHABET.index(ch) for weight, ch in enumerate(body, start=2))
    return STDNUM_ALPHABET[total % 23]


def test_documented_example_is_valid() -> None:
    # The example python-stdnum documents for English UPNs (and its invalid twin).
    assert upn.problem("B801200005001") is None
    assert upn.make("801200005001") == "B801200005001"
    assert upn.problem("A801200005001") is not None


def test_temporary_upn_ending_in_a_letter() -> None:
    # 8·2 + 1·4 + 2·5 + 5·10 + A(0)·13 = 80 = 3·23 + 11, and the 12th check letter is M.
    assert upn.make("80120000500A") == "M80120000500A"
    assert upn.problem("M80120000500A") is None
    # B is worth 1, so 13 more: 93 = 4·23 + 1, check letter B.
    assert upn.problem("B80120000500B") is None
    assert "wrong check letter (expected M)" in (upn.problem("B80120000500A") or "")


@pytest.mark.parametrize("letter", ["I", "O", "S"])
def test_letters_upns_never_use_are_refused(letter: str) -> None:
    body = "80120000500" + letter
    assert "never use" in (upn.problem("A" + body) or "")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("C801200005001", "wrong check letter (expected B)"),
        ("B80120000500", "13 characters"),
        ("B8012000050011", "13 characters"),
        ("B80120000X001", "13 characters"),
        ("8801200005001", "13 characters"),
        ("b801200005001", "13 characters"),  # problem() expects normalise() first
        ("", "13 characters"),
    ],
)
def test_bad_upns_say_why(text: str, reason: str) -> None:
    assert reason in (upn.problem(text) or "")


def test_normalise_trims_and_capitalises() -> None:
    assert upn.normalise("  b801200005001\t") == "B801200005001"
    assert upn.problem(upn.normalise(" b801200005001 ")) is None


def test_every_single_character_change_is_caught() -> None:
    valid = upn.make("330201900123")
    for position in range(1, 13):
        for digit in "0123456789":
            if digit != valid[position]:
                changed = valid[:position] + digit + valid[position + 1 :]
                assert upn.problem(changed) is not None


def test_check_letter_needs_twelve_characters() -> None:
    with pytest.raises(ValueError, match="12 characters"):
        upn.check_letter("80120000500")


bodies = st.from_regex(r"\A[0-9]{11}[0-9ABCDEFGHJKLMNPQRTUVWXYZ]\Z")


@given(bodies)
def test_check_letter_matches_python_stdnum(body: str) -> None:
    assert upn.check_letter(body) == stdnum_check_letter(body)
    assert upn.problem(upn.make(body)) is None
