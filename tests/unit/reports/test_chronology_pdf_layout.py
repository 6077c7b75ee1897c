"""The chronology PDF's layout, from a chronology made in memory: who wrote each item, text cut
at words, long labels beside their values, the closing statement never alone, the child's
safeguarding status on the cover."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader

from safedesk.domain.chronology import (
    Chronology,
    ChronologyItem,
    ItemGroup,
    LogHead,
    SignedLogHead,
    one_line,
)
from safedesk.domain.people import Pupil, PupilDetails
from safedesk.domain.pupil_status import StatusKind, StatusPeriod
from safedesk.reports.chronology_pdf import render_chronology

START = datetime.fromisoformat("2026-10-01T09:00+01:00")
UPN = "B801200005001"
ACCOUNT = (
    "At breakfast club he ate three bowls of cereal and said he had not eaten since lunch "
    "yesterday; his jumper was dirty and he was cold and quiet all morning in class."
)
WORDS = {w.strip(";,.") for w in ACCOUNT.split()}
LONG_LABEL = "Why the parent was not informed"


def pupil(sen: str | None = None) -> Pupil:
    details = PupilDetails(UPN, "O'Connor", "Siobhán", date(2017, 5, 1), "Shiv", None, "3", sen=sen)
    return Pupil(1, details)


def item(number: int, *, fields: int = 3, author: str = "Mr Tomasz Wójcik") -> ChronologyItem:
    moment = START + timedelta(days=number)
    detail = [(f"Field {n}", f"Value {n} of item {number}.") for n in range(fields)]
    detail += [(LONG_LABEL, "—"), ("Last field", f"The end of item {number}.")]
    return ChronologyItem(
        moment,
        moment,
        ItemGroup.CONCERN,
        f"C-2026-{number:04d}",
        "Safeguarding concern",
        one_line(f"Neglect, urgent: {ACCOUNT}"),
        author,
        tuple(detail),
    )


def chronology(
    items: list[ChronologyItem],
    statuses: tuple[StatusPeriod, ...] | None = None,
    sen: str | None = None,
) -> Chronology:
    head = SignedLogHead("safeguarding", 9, "ab" * 32, "jo.dsl", START.isoformat())
    return Chronology(
        "St Brigid's",
        pupil(sen),
        tuple(items),
        frozenset(ItemGroup),
        None,
        None,
        "Jo Bloggs",
        START + timedelta(days=40),
        LogHead(9, "ab" * 32),
        signed_heads=(head,),
        statuses=statuses,
    )


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_the_summary_says_who_recorded_each_item() -> None:
    first = pages(render_chronology(chronology([item(1)])))[0]
    assert re.search(r"#\s+When\s+What\s+Ref\s+By\s+Summary", first)
    assert "Mr Tomasz" in first.split("Summary", 2)[2]


def test_the_summary_cuts_text_at_a_word_with_an_ellipsis() -> None:
    first = pages(render_chronology(chronology([item(1)])))[0]
    summary = " ".join(first.split("Summary", 2)[2].split())
    assert "…" in summary
    before = summary.split("…")[0].split()[-1]
    assert before in WORDS  # a whole word, not "bowl"


@pytest.mark.parametrize("limit", range(20, 140, 7))
def test_one_line_never_cuts_a_word(limit: int) -> None:
    cut = one_line(ACCOUNT, limit)
    assert len(cut) <= limit
    assert cut.endswith("…")
    assert cut[:-1].split()[-1] in WORDS


def test_one_line_keeps_short_text_and_cuts_one_long_word() -> None:
    assert one_line("  a  short\nline ") == "a short line"
    assert one_line("x" * 50, 10) == "x" * 9 + "…"


def _lines(data: bytes) -> list[tuple[int, float, str]]:
    """(page, y, text) for each piece of text drawn."""
    found: list[tuple[int, float, str]] = []
    for number, page in enumerate(PdfReader(io.BytesIO(data)).pages):

        def visit(text: str, cm: list[float], tm: list[float], *_: object, n: int = number) -> None:
            if text.strip():
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]  # the text's place on the page
                found.append((n, round(y, 1), text.strip()))

        page.extract_text(visitor_text=visit)
    return found


def test_a_long_label_has_its_short_value_beside_it() -> None:
    drawn = _lines(render_chronology(chronology([item(1)])))
    label = [(p, y) for p, y, t in drawn if t.startswith("Why the parent was not")]
    assert label
    page, y = label[0]
    # The value "—" is on the label's first line, not alone on a line of its own.
    assert any(p == page and abs(v - y) < 4 and t == "—" for p, v, t in drawn)


@pytest.mark.parametrize("count", range(1, 10))
def test_the_closing_statement_is_never_alone_on_the_last_page(count: int) -> None:
    # Items of growing length put the end of the document at every height of a page.
    for fields in range(0, 28, 3):
        items = [item(n, fields=fields) for n in range(1, count + 1)]
        last = pages(render_chronology(chronology(items)))[-1]
        assert "How to check this document" in last
        assert f"The end of item {count}." in last, (count, fields)


def test_the_cover_shows_the_safeguarding_status_and_the_mis_flags() -> None:
    plan = StatusPeriod(
        1, UPN, StatusKind.CHILD_PROTECTION_PLAN, date(2026, 2, 3), "Jo Bloggs", START
    )
    ended = StatusPeriod(
        2,
        UPN,
        StatusKind.EARLY_HELP,
        date(2025, 1, 6),
        "Jo Bloggs",
        START,
        ended_on=date(2025, 12, 1),
        ended_by="Jo Bloggs",
    )
    cover = " ".join(
        pages(render_chronology(chronology([item(1)], (plan, ended), sen="K")))[0].split()
    )
    assert "Safeguarding status Child protection plan since 03/02/2026" in cover
    assert "Early help from 06/01/2025 to 01/12/2025" in cover
    assert "SEN support" in cover
    assert "none recorded" not in cover


def test_no_status_line_for_someone_who_may_not_see_it() -> None:
    cover = " ".join(pages(render_chronology(chronology([item(1)], None)))[0].split())
    assert "Safeguarding status" not in cover
    assert "From the school's MIS none recorded" in cover


def test_a_status_line_says_none_when_none_was_set() -> None:
    cover = " ".join(pages(render_chronology(chronology([item(1)], ())))[0].split())
    assert "Safeguarding status none recorded" in cover


@pytest.mark.parametrize("words", [400, 430, 460, 490, 520, 550])
def test_a_long_last_item_keeps_its_last_fields_with_the_closing_statement(words: int) -> None:
    long = item(2)
    account = " ".join(f"word{n:04d}" for n in range(words * 3))
    long = ChronologyItem(
        long.happened_at,
        long.recorded_at,
        long.group,
        long.ref,
        long.title,
        long.summary,
        long.author,
        (("What you saw or heard", account), *long.detail),
    )
    last = pages(render_chronology(chronology([item(1), long])))[-1]
    assert "How to check this document" in last
    assert "The end of item 2." in last
