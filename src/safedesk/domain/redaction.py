"""Other pupils in one child's chronology: "another pupil (A)", their names and UPNs masked.

A chronology or transfer is about one child. Other pupils named on the same records (the
target of a fight she witnessed, a brother on a police notification) are labelled by letter,
in the order they first appear, and wherever their names or UPNs occur in the text they are
replaced by that label. Matching is:

- whole-word: "Ali" is masked in "Ali's coat" but not in "Alison" or "Khalid";
- case- and accent-insensitive: "ZOE", "zoë" and "Zoë" are the same name; ł, ø, æ, ß and
  curly apostrophes count as l, o, ae, ss and ';
- on every spelling known: legal forename, preferred forename, surname, the full names in
  either order, each part of a name of several parts ("Smith" of "Smith-Jones", "Mary" of
  "Mary Rose"; not particles such as "de" or "van"), the UPN with or without its check
  letter;
- never on a name shorter than two letters (an initial), nor on a name the child herself
  has (a classmate also called Zoë leaves "Zoë" alone; "Zoë Smith" and "Smith" are masked).

Masking errs towards hiding: another pupil called Will or Rose masks "will" and "rose"
everywhere. Names of pupils who are on none of the child's records are not known to be
pupils and are left as written.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from safedesk.domain.people import PupilDetails

MIN_LETTERS = 2
# Parts of a surname too common to mask on their own (the whole surname is still masked).
PARTICLES = frozenset(
    [
        "al",
        "ap",
        "ben",
        "bin",
        "bint",
        "da",
        "das",
        "de",
        "degli",
        "del",
        "della",
        "der",
        "di",
        "dos",
        "du",
        "el",
        "ibn",
        "la",
        "le",
        "lo",
        "mac",
        "mc",
        "op",
        "st",
        "te",
        "ten",
        "ter",
        "van",
        "vande",
        "vander",
        "von",
        "y",
        "zu",
    ]
)
# Letters NFKD does not take apart, and punctuation written several ways.
_FOLD_MAP = {
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "ħ": "h",
    "ı": "i",
    "ŀ": "l",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "`": "'",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "\u00a0": " ",
}
_FOLD = re.compile("[" + "".join(_FOLD_MAP) + "]")
_PIECE = re.compile(r"[^\W_]+")
# Between the parts of one name: up to three spaces, hyphens, apostrophes, commas or stops.
_GAP = re.compile(r"[\s,'.\-]{1,3}")
_SENTENCE_END = ".!?\n"
_TWICE = re.compile(r"(another pupil \([A-Z, or]+\)) \(\1\)", re.IGNORECASE)
_OPENERS = "\"'“‘«([ \t"


# Accents once NFKD has taken them off their letters: Latin, Greek, Cyrillic, Hebrew, Arabic.
_MARKS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)


def fold(text: str) -> str:
    """``text`` as it is compared: lower case, no accents, one kind of apostrophe. Folding a
    whole text gives what folding each character and joining them gives."""
    if text.isascii():
        return text.lower().replace("`", "'")
    bare = _MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))
    return _FOLD.sub(lambda m: _FOLD_MAP[m.group()], bare)


_fold_char = functools.lru_cache(maxsize=4096)(fold)


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def _origins(text: str) -> list[int]:
    """For each character of ``fold(text)``, the index in ``text`` of the one it came from
    (an ASCII character folds to exactly one)."""
    origin: list[int] = []
    done = 0
    for run in _NOT_ASCII.finditer(text):
        origin.extend(range(done, run.start()))
        for index in range(run.start(), run.end()):
            origin.extend([index] * len(_fold_char(text[index])))
        done = run.end()
    origin.extend(range(done, len(text)))
    return origin


def _pieces(name: str | None) -> list[str]:
    return _PIECE.findall(fold(name)) if name else []


def _letters(pieces: Iterable[str]) -> int:
    return sum(c.isalpha() for piece in pieces for c in piece)


def letter(index: int) -> str:
    """A, B, … Z, AA, AB, …"""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def _whole_names(details: Iterable[PupilDetails], names: Iterable[str]) -> list[Spelling]:
    """Each name field, and the full names in either order, as folded pieces."""
    found: list[list[str]] = []
    for d in details:
        surname = _pieces(d.legal_surname)
        found.append(surname)
        for forename in (_pieces(d.legal_forename), _pieces(d.preferred_forename)):
            if forename:
                found += [forename, forename + surname, surname + forename]
    found += [_pieces(name) for name in names]
    return [tuple(p) for p in found if _letters(p) >= MIN_LETTERS]


def _maskable(piece: str) -> bool:
    return piece not in PARTICLES and _letters([piece]) >= MIN_LETTERS


Spelling = tuple[str, ...]  # a name as its folded pieces: ("o", "connor", "nguyen")


def _runs(wholes: Iterable[Spelling], *, own: bool = False) -> set[Spelling]:
    """The parts of each name of several parts: ("o", "connor"), ("connor",), ("nguyen",)…
    of "O'Connor-Nguyễn". Another pupil's need a part worth masking (("de", "la") is not); of
    the child's own, only runs of two parts or more are kept (a classmate called Connor is
    still masked in Shiv O'Connor's chronology, "O'Connor" is not)."""
    found: set[Spelling] = set()
    for pieces in wholes:
        for a in range(len(pieces)):
            for b in range(a + 1, len(pieces) + 1):
                run = pieces[a:b]
                if (own and len(run) > 1) or (not own and any(_maskable(p) for p in run)):
                    found.add(run)
    return found


def _joined(spellings: Iterable[Spelling]) -> set[str]:
    return {"".join(pieces) for pieces in spellings}


@dataclass(frozen=True)
class OtherPupil:
    """Another pupil as the chronology shows them."""

    upn: str
    letter: str
    label: str  # "another pupil (A)"


class PupilMask:
    """Labels and masks the other pupils in one child's chronology.

    ``others`` are every known version of each other pupil's details (the school's list and a
    compartment's copy may differ after an MIS correction), in the order they first appear:
    that order gives the letters. ``other_names`` and ``subject_names`` add names as records
    show them. With ``include_names`` nothing is masked and other pupils are shown by name.
    """

    def __init__(
        self,
        subject: Sequence[PupilDetails],
        others: Sequence[PupilDetails],
        *,
        other_names: Mapping[str, Iterable[str]] | None = None,
        subject_names: Iterable[str] = (),
        include_names: bool = False,
    ) -> None:
        self.include_names = include_names
        subject_upns = {d.upn for d in subject}
        order = [u for u in dict.fromkeys(d.upn for d in others) if u not in subject_upns]
        self.others: dict[str, OtherPupil] = {
            upn: OtherPupil(upn, letter(i), f"another pupil ({letter(i)})")
            for i, upn in enumerate(order)
        }
        # The child's own names are kept wherever they are written, even when another pupil
        # has a name inside them ("Connor" in "O'Connor-Nguyễn", or in "O'Connor" alone).
        mine = _whole_names(subject, subject_names)
        spellings = set(mine) | _runs(mine, own=True)
        own = _joined(spellings)
        wholes: dict[str, set[str]] = {}  # a name field or full name of these pupils
        parts: dict[str, set[str]] = {}  # only a part of one ("Smith" of "Smith-Jones")
        for upn in order:
            mark = self.others[upn].letter
            names = _whole_names(
                [d for d in others if d.upn == upn], (other_names or {}).get(upn, ())
            )
            names += [(fold(upn),), (fold(upn)[1:],)]
            runs = _runs(names)
            spellings |= set(names) | runs
            whole = _joined(names)
            for key in whole - own:
                wholes.setdefault(key, set()).add(mark)
            for key in _joined(runs) - whole - own:
                parts.setdefault(key, set()).add(mark)
        # A whole name says who it is before a part of someone else's does: "Connor" is the
        # pupil called Connor, not the one called O'Connor.
        marks = parts | wholes
        self._labels: dict[str, str | None] = dict.fromkeys(own)
        self._labels.update({key: _label(sorted(v, key=_by_letter)) for key, v in marks.items()})
        self._prefixes = {key[:n] for key in self._labels for n in range(1, len(key) + 1)}
        # The words a name can begin with: its first part, or its first parts run together.
        self._starters = {"".join(p[:n]) for p in spellings for n in range(1, len(p) + 1)}

    @property
    def count(self) -> int:
        return len(self.others)

    def pupil(self, upn: str, name: str) -> str:
        """How a pupil on a record is shown: by name (and UPN), or by label."""
        other = self.others.get(upn)
        if other is None or self.include_names:
            return f"{name} ({upn})"
        return other.label

    def text(self, value: str | None) -> str | None:
        """``value`` with every other pupil's name and UPN replaced by their label."""
        if not value or self.include_names or not self.others:
            return value
        folded = fold(value)
        present = self._starters.intersection(_PIECE.findall(folded))
        if not present:
            return value  # most text: no word that any name begins with
        first_words = "|".join(re.escape(w) for w in sorted(present, key=len, reverse=True))
        origin: list[int] | None = None  # made when first needed, if the text is not ASCII
        out: list[str] = []
        done = 0  # in ``value``
        folded_done = 0  # the same place in ``folded``
        for found in re.finditer(rf"(?<![^\W_])(?:{first_words})(?![^\W_])", folded):
            if found.start() < folded_done:
                continue
            end, label = self._longest(folded, found)
            if end is None:
                continue
            folded_done = end
            if label is None:  # the child's own name, left as written
                continue
            start = found.start()
            if not value.isascii():
                origin = origin or _origins(value)
                start, end = origin[start], origin[end - 1] + 1
                if mark := _MARKS.match(value, end):
                    end = mark.end()  # an accent written on its own after the last letter
            out += [value[done:start], _capitalised(label) if _starts(value, start) else label]
            done = end
        out.append(value[done:])
        # "Mateo (E801200005003)" would read "another pupil (A) (another pupil (A))".
        return _TWICE.sub(r"\1", "".join(out))

    def _longest(self, folded: str, first: re.Match[str]) -> tuple[int | None, str | None]:
        """The longest known name starting with the word ``first``: where it ends in
        ``folded``, and its label.

        Words are joined without what separates them, so "O'Connor", "OConnor" and
        "O Connor" are all "oconnor"; only short runs of spaces and punctuation may separate
        the words of one name."""
        joined = first.group()
        best: tuple[int | None, str | None] = (None, None)
        at = first.end()
        while joined in self._prefixes:
            if joined in self._labels:
                best = (at, self._labels[joined])
            gap = _GAP.match(folded, at)
            word = _PIECE.match(folded, gap.end()) if gap else None
            if word is None:
                break
            joined += word.group()
            at = word.end()
        return best


def _by_letter(text: str) -> tuple[int, str]:
    return len(text), text


def _label(letters: list[str]) -> str:
    if len(letters) == 1:
        return f"another pupil ({letters[0]})"
    return f"another pupil ({', '.join(letters[:-1])} or {letters[-1]})"


def _starts(text: str, index: int) -> bool:
    """Whether ``index`` begins a sentence (so the label takes a capital)."""
    while index > 0 and text[index - 1] in _OPENERS:
        index -= 1
    return index == 0 or text[index - 1] in _SENTENCE_END


def _capitalised(label: str) -> str:
    return label[0].upper() + label[1:]


NO_MASK = PupilMask((), (), include_names=True)
