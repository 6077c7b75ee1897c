"""UPN check letters (the DfE modulo-23 algorithm), local-authority numbers, ASCII only."""

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


@pytest.mark.parametrize(
    "look_alike",
    [
        "B80120000500\u0661",  # an Arabic-Indic one at the end
        "B\u0668" + "01200005001",  # an Arabic-Indic eight in the LA digits
        "B801200005\uff10\uff10" + "1",  # full-width zeros
        "\u0392801200005001",  # a Greek capital beta, not a B
    ],
)
def test_only_ascii_digits_and_letters_make_a_upn(look_alike: str) -> None:
    # Each would otherwise be a second, different-looking copy of the same child.
    assert "A–Z and 0–9 only" in (upn.problem(upn.normalise(look_alike)) or "")


@pytest.mark.parametrize("la", ["000", "100", "999", "802" + ""])
def test_an_unknown_local_authority_number_is_refused(la: str) -> None:
    body = la + "200005001"
    if la == "802":  # a real one (Bristol is 801, North Somerset 802): accepted
        assert upn.problem(upn.make(body)) is None
        return
    found = upn.problem(upn.make(body))
    assert found is not None and f"known local-authority number ({la})" in found


def test_a_typo_in_the_local_authority_digits_is_caught() -> None:
    # 801 → 810 keeps the check letter arithmetic plausible for a swap, but 810 is no LA.
    valid = upn.make("801200005001")
    swapped = valid[0] + "810" + valid[4:]
    assert upn.problem(swapped) is not None


bodies = st.from_regex(r"\A[0-9]{11}[0-9ABCDEFGHJKLMNPQRTUVWXYZ]\Z")


@given(bodies)
def test_check_letter_matches_python_stdnum(body: str) -> None:
    assert upn.check_letter(body) == stdnum_check_letter(body)
    assert upn.problem(upn.make(body)) in (None, _unknown_la(body))


def _unknown_la(body: str) -> str:
    return (
        f"{upn.make(body)!r} does not start with a known local-authority number "
        f"({body[:3]}): check the first digits"
    )


def test_check_letters_agree_with_python_stdnum_on_a_sweep_of_upns() -> None:
    """Against an oracle written independently of the code under test, and stdnum itself."""
    from stdnum.gb import upn as stdnum_upn

    checked = 0
    for la in ("801", "330", "886", "919", "201", "938"):
        for establishment in range(0, 10_000, 130):
            for serial in range(0, 1000, 10):
                body = f"{la}{establishment:04d}26{serial:03d}"
                letter = upn.check_letter(body)
                assert letter == stdnum_check_letter(body)
                if checked % 97 == 0:
                    assert stdnum_upn.is_valid(letter + body)
                checked += 1
    assert checked >= 46_000


def test_the_messages_people_read_in_full() -> None:
    assert upn.problem("B80120000500") == (
        "'B80120000500' is not a UPN: it should be a letter followed by 11 digits and a final "
        "digit or letter (13 characters, A–Z and 0–9 only)"
    )
    assert upn.problem("A80120000500O") == "'A80120000500O' ends in a letter that UPNs never use"
    assert upn.problem("C801200005001") == (
        "'C801200005001' has the wrong check letter (expected B)"
    )
    with pytest.raises(ValueError, match="12 characters") as caught:
        upn.check_letter("8012000050011")
    assert str(caught.value) == "a UPN body has 12 characters: 11 digits and a digit or letter"
