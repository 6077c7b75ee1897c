"""Masking other pupils in one child's text: whole words, any case, any accents, every
spelling of the name and the UPN; the child's own name and innocent words left alone."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safedesk.domain import upn
from safedesk.domain.people import PupilDetails
from safedesk.domain.redaction import PupilMask, _origins, fold, letter

BORN = date(2017, 5, 1)
ZOE = PupilDetails(upn.make("801200005002"), "Wiśniewska", "Zoë", BORN)
MATEO = PupilDetails(upn.make("801200005003"), "De la Cruz", "Mateo", BORN)
ALI = PupilDetails(upn.make("801200005004"), "Khan", "Ali", BORN)
SHIV = PupilDetails(upn.make("801200005001"), "O'Connor-Nguyễn", "Siobhán", BORN, "Shiv")
CONNOR = PupilDetails(upn.make("801200005005"), "Łukasiewicz", "Connor", BORN, "Con")
J = PupilDetails(upn.make("801200005006"), "Smith-Jones", "J", BORN)


@pytest.fixture
def mask() -> PupilMask:
    """Zoë's chronology: Mateo is A, Ali B, Shiv C, Connor D, J Smith-Jones E."""
    return PupilMask([ZOE], [MATEO, ALI, SHIV, CONNOR, J])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mateo pushed Ali.", "Another pupil (A) pushed another pupil (B)."),
        (
            "MATEO and mateo and MaTeO",
            "Another pupil (A) and another pupil (A) and another pupil (A)",
        ),
        (
            "mateo de la cruz, De La Cruz, cruz",
            "Another pupil (A), another pupil (A), another pupil (A)",
        ),
        ("De la Cruz, Mateo said so", "Another pupil (A) said so"),  # surname first
        ("Ali's coat; ali-baba", "Another pupil (B)'s coat; another pupil (B)-baba"),
        ("Alison, Khalid and Ali-son", "Alison, Khalid and another pupil (B)-son"),
        (
            "Siobhan, SIOBHÁN, siobha\u0301n",
            "Another pupil (C), another pupil (C), another pupil (C)",
        ),
        ("Shiv O’Connor-Nguyen came", "Another pupil (C) came"),
        (
            "OConnor Nguyen; Nguyễn; O Connor",
            "Another pupil (C); another pupil (C); another pupil (C)",
        ),
        ("Lukasiewicz or ŁUKASIEWICZ", "Another pupil (D) or another pupil (D)"),
        ("Con and Connor; cone; icon", "Another pupil (D) and another pupil (D); cone; icon"),
        ("UPN e801200005003; 801200005004.", "UPN another pupil (A); another pupil (B)."),
        (
            "Mateo (E801200005003) and Ali (Mateo)",
            "Another pupil (A) and another pupil (B) (another pupil (A))",
        ),
        ("B8012000050031 is not a UPN", "B8012000050031 is not a UPN"),
        (
            "J said; Smith said; Jones said",
            "J said; another pupil (E) said; another pupil (E) said",
        ),
        ("“Mateo hit me,” said Zoë.", "“Another pupil (A) hit me,” said Zoë."),
        (
            "Zoë Wiśniewska, ZOE, zoe\u0308, Wisniewska",
            "Zoë Wiśniewska, ZOE, zoe\u0308, Wisniewska",
        ),
        ("", ""),
    ],
)
def test_masks_every_spelling_whole_words_only(mask: PupilMask, text: str, expected: str) -> None:
    assert mask.text(text) == expected


def test_an_accent_written_as_its_own_character_goes_with_the_name(mask: PupilMask) -> None:
    # "Siobha" + combining acute + "n": nothing of the name may be left behind.
    assert mask.text("siobha\u0301n!") == "Another pupil (C)!"
    assert mask.text("Mateo\u0301 left") == "Another pupil (A) left"


def test_letters_follow_first_appearance_and_pupils_are_labelled(mask: PupilMask) -> None:
    assert [o.letter for o in mask.others.values()] == ["A", "B", "C", "D", "E"]
    assert mask.pupil(MATEO.upn, "Mateo De la Cruz") == "another pupil (A)"
    assert mask.pupil(ZOE.upn, "Zoë Wiśniewska") == f"Zoë Wiśniewska ({ZOE.upn})"
    assert mask.count == 5
    assert [letter(n) for n in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_her_own_name_is_never_masked_even_inside_another_name() -> None:
    # Shiv's own chronology: Connor is another pupil, but "O'Connor" is her own surname.
    mask = PupilMask([SHIV], [CONNOR])
    assert mask.text("Shiv O'Connor-Nguyễn told Connor; O’Connor too") == (
        "Shiv O'Connor-Nguyễn told another pupil (A); O’Connor too"
    )


def test_a_classmate_with_her_forename_is_masked_by_surname_and_full_name() -> None:
    other_zoe = PupilDetails(upn.make("801200005007"), "Smith", "Zoë", BORN)
    mask = PupilMask([ZOE], [other_zoe])
    assert mask.text("Zoë Smith and Zoë; Smith") == "Another pupil (A) and Zoë; another pupil (A)"


def test_a_sibling_shares_her_surname_but_not_his_forename() -> None:
    brother = PupilDetails(upn.make("801200005008"), "Wiśniewska", "Piotr", BORN)
    mask = PupilMask([ZOE], [brother])
    assert mask.text("Piotr Wiśniewska and the Wiśniewska family; piotr") == (
        "Another pupil (A) and the Wiśniewska family; another pupil (A)"
    )


def test_two_pupils_sharing_a_name_are_both_named_in_its_label() -> None:
    twin = PupilDetails(upn.make("801200005009"), "Khan", "Aisha", BORN)
    mask = PupilMask([ZOE], [ALI, twin])
    assert mask.text("Khan; Ali Khan and Aisha Khan") == (
        "Another pupil (A or B); another pupil (A) and another pupil (B)"
    )


def test_initials_and_particles_are_not_masked_alone() -> None:
    mask = PupilMask([ZOE], [J, MATEO])
    # "J" is one letter; "de" and "la" are particles of "De la Cruz".
    assert mask.text("J. de la Tour, la plage") == "J. de la Tour, la plage"


def test_names_as_records_show_them_are_masked_too() -> None:
    # The compartment's copy still had a name the school's list has since corrected.
    mask = PupilMask([ZOE], [MATEO], other_names={MATEO.upn: ["Matteo Delacruz"]})
    assert mask.text("Matteo Delacruz and Delacruz") == "Another pupil (A) and another pupil (A)"


def test_included_names_change_nothing() -> None:
    mask = PupilMask([ZOE], [MATEO], include_names=True)
    assert mask.text("Mateo De la Cruz") == "Mateo De la Cruz"
    assert mask.pupil(MATEO.upn, "Mateo De la Cruz") == f"Mateo De la Cruz ({MATEO.upn})"


# Every way a name may be typed: any case, accents added or taken off, curly apostrophes.
def _variants(name: str) -> st.SearchStrategy[str]:
    def vary(flags: list[tuple[bool, bool]]) -> str:
        out = []
        plain = unicodedata.normalize("NFKD", name)
        base = "".join(c for c in plain if not unicodedata.combining(c))
        for char, (upper, accent) in zip(base, flags, strict=False):
            char = char.upper() if upper else char.lower()
            out.append(char + ("\u0301" if accent and char.isalpha() else ""))
        return "".join(out).replace("'", "’")

    return st.lists(
        st.tuples(st.booleans(), st.booleans()), min_size=len(name), max_size=len(name)
    ).map(vary)


WORDS = st.sampled_from(["the", "Alison", "coat", "said", "—", "“", "”", ".", ",", "Zoë", "\n"])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            WORDS,
            *(
                _variants(n)
                for n in ("Mateo", "De la Cruz", "Ali", "Khan", "O'Connor-Nguyễn", "Shiv")
            ),
        ),
        max_size=12,
    )
)
def test_no_other_pupil_name_survives_in_any_spelling(words: list[str]) -> None:
    mask = PupilMask([ZOE], [MATEO, ALI, SHIV])
    masked = mask.text(" ".join(words)) or ""
    folded = fold(masked)
    for name in ("mateo", "cruz", "ali", "khan", "connor", "nguyen", "shiv"):
        assert not re.search(rf"(?<![^\W_]){name}(?![^\W_])", folded), (words, masked)
    assert "alison" in folded or "Alison" not in words


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_folding_keeps_track_of_where_each_character_came_from(text: str) -> None:
    origin = _origins(text)
    assert len(origin) == len(fold(text))
    assert origin == sorted(origin)
    assert all(0 <= i < len(text) for i in origin)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(["Mateo", "ALI KHAN", "Siobha\u0301n", "e801200005003"]))
def test_any_text_around_a_name_is_kept_and_only_the_name_goes(text: str, name: str) -> None:
    mask = PupilMask([ZOE], [MATEO, ALI, SHIV])
    masked = mask.text(f"{text} {name} {text}") or ""
    assert not whole_word(fold(name.split()[0]), fold(masked))
    assert masked.count("another pupil") + masked.count("Another pupil") >= 1


def whole_word(word: str, text: str) -> bool:
    return bool(re.search(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", text))
