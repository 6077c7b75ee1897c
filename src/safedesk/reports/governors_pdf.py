"""The governors' termly report as a PDF: anonymised figures and charts for a date range.

No pupil's name, UPN or date of birth, no staff names from the records and no record text
(free text may hold names): only counts and the labels of the school's lists. Breakdowns by
pupil group and counts of pupils follow ``reports.suppression`` ("fewer than 3"). Charts show
the whole-school figures of the tables beside them, in greys and hatching so that they read
in black and white; nothing suppressed is drawn. matplotlib is imported only here, when a
report is made.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from safedesk.domain.analysis import NOT_RECORDED, Analysis, PupilGroup
from safedesk.domain.formatting import counted, date_text, moment_text
from safedesk.reports import suppression
from safedesk.reports.inspection_pdf import (
    Cover,
    TimingLine,
    build,
    cover_table,
    how_to_check,
    span_text,
    timing_table,
)
from safedesk.reports.pdf_base import styles, text

PDF_TITLE = "Governors' report"
ChartKind = Literal["bars", "weeks"]
_HEADER = colors.HexColor("#dde5ef")
_STRIPE = colors.HexColor("#f5f7fa")
_RULE = colors.HexColor("#1f3a5f")
NOT_RECORDED_LABEL = "Not recorded (made before this was asked)"
# A breakdown of fewer rows than this is read at a glance from its table: no chart (each
# chart costs a noticeable fraction of a second to draw).
_CHART_FROM = 3
_CHART_UP_TO = 20  # more bars than this would not fit a page: the table alone


@dataclass(frozen=True)
class FigureTable:
    """A small table of one breakdown, with what it shows; ``chart`` holds the same
    whole-school figures to draw (None: no chart, as for suppressed breakdowns)."""

    title: str
    what: str
    header: tuple[str, str]
    rows: tuple[tuple[str, str], ...]
    chart: tuple[tuple[str, int], ...] | None = None
    chart_kind: ChartKind = "bars"


@dataclass(frozen=True)
class Part:
    title: str
    intro: str
    figures: tuple[tuple[str, str], ...]
    tables: tuple[FigureTable, ...] = ()


@dataclass(frozen=True)
class SignOff:
    """Training and policy sign-off as it stands on the day the report is made: counts of
    staff only, no one named. ``training`` and ``policies`` are (what, how many) rows."""

    on: date
    training: tuple[tuple[str, str], ...]
    policies: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class GovernorsReport:
    cover: Cover
    parts: tuple[Part, ...]
    timings: tuple[TimingLine, ...]
    sign_off: SignOff | None = None


# What the report holds: counts and labels only


def _pretty(value: str) -> str:
    return value.replace("_", " ").capitalize()


def _labelled(
    counts: Mapping[str, int], labels: Mapping[str, str], *, keep_zero: bool = False
) -> list[tuple[str, int]]:
    """(label, count) most first, "not recorded" last; zeros left out unless asked."""
    found = [
        (labels.get(key) or _pretty(key), n)
        for key, n in counts.items()
        if key != NOT_RECORDED and (n or keep_zero)
    ]
    found.sort(key=lambda pair: -pair[1])
    if counts.get(NOT_RECORDED):
        found.append((NOT_RECORDED_LABEL, counts[NOT_RECORDED]))
    return found


def _whole_school(
    title: str,
    what: str,
    column: str,
    counts: Mapping[str, int],
    labels: Mapping[str, str],
    unit: str,
    *,
    drawn: bool = True,
) -> FigureTable:
    """A breakdown of whole-school counts; ``drawn`` ones get a chart too (the few people
    would rather look at: each costs a fraction of a second to draw)."""
    pairs = _labelled(counts, labels)
    rows = tuple((label, f"{n:,}") for label, n in pairs) or (("None recorded", "0"),)
    chart = tuple(pairs) if drawn and _CHART_FROM <= len(pairs) <= _CHART_UP_TO else None
    return FigureTable(title, what, (column, unit), rows, chart)


# Up to this many weeks (a term and a bit) are listed week by week; a longer period month by
# month where the figures are kept by month, otherwise only the weeks that had any.
_WEEKS_LISTED = 16


def _over_time(
    noun: str, by_week: Mapping[str, int], by_month: Mapping[str, int] | None, unit: str
) -> FigureTable:
    weeks = sorted(by_week.items())
    if len(weeks) > _WEEKS_LISTED and by_month:
        months = [(_month_label(month), n) for month, n in sorted(by_month.items())]
        return FigureTable(
            f"{noun} month by month",
            f"How many {noun.lower()} there were in each month of the period.",
            ("Month", unit),
            tuple((label, f"{n:,}") for label, n in months),
            tuple(months) if len(months) > 1 else None,
            "weeks",
        )
    what = f"How many {noun.lower()} there were in each week of the period."
    listed = weeks
    if len(weeks) > _WEEKS_LISTED:
        listed = [(week, n) for week, n in weeks if n]
        what += " The chart shows every week; the table leaves out the weeks with none."
    chart = tuple((_week_label(week), n) for week, n in weeks)
    return FigureTable(
        f"{noun} week by week",
        what,
        ("Week starting", unit),
        tuple((_week_label(week), f"{n:,}") for week, n in listed) or (("None", "0"),),
        chart if len(chart) > 1 else None,
        "weeks",
    )


def _month_label(month: str) -> str:
    """ "2026-11" as "Nov 2026"."""
    year, _, number = month.partition("-")
    if not (year.isdigit() and number.isdigit()):
        return month
    return date(int(year), int(number), 1).strftime("%b %Y")


def _week_label(week: str) -> str:
    """ "2026-W47" as its Monday, "16/11/2026"."""
    year, _, number = week.partition("-W")
    if not (year.isdigit() and number.isdigit()):
        return week
    return date_text(date.fromisocalendar(int(year), int(number), 1))


def _trend(total: int, previous: int, noun: str, before: str) -> str:
    """``before``: the trend's base in words (``Filters.previous_words``)."""
    if previous == total:
        return f"the same as the {counted(previous, noun)} in {before}"
    way = "up" if total > previous else "down"
    return f"{way} from {counted(previous, noun)} in {before}"


def _suppressed(
    title: str, what: str, column: str, counts: Mapping[str, int], unit: str
) -> FigureTable:
    shown = suppression.breakdown(counts)
    return FigureTable(title, what, (column, unit), tuple(shown.items()))


def _year_label(year: str) -> str:
    if year == NOT_RECORDED or not year.strip():
        return "No year group on the pupil list"
    named = {"R": "Reception", "N": "Nursery", "N1": "Nursery", "N2": "Nursery"}
    if year.upper() in named:
        return named[year.upper()]
    return f"Year {year}" if year[:1].isdigit() else year


def governors_content(
    cover: Cover,
    whole: Analysis,
    groups: Mapping[PupilGroup, Analysis],
    year_groups: Sequence[str],
    timings: Sequence[TimingLine],
    sign_off: SignOff | None = None,
) -> GovernorsReport:
    """The report's words and figures from the analyses (pure: tested without a store)."""
    labels = whole.labels
    before = whole.filters.previous_words
    parts: list[Part] = []
    if whole.behaviour is not None:
        parts.append(_behaviour(whole, year_groups))
    if whole.bullying is not None:
        b = whole.bullying
        parts.append(
            Part(
                "Bullying",
                "Incidents recorded as bullying, by its type and, where it was prejudice-based, "
                "the prejudice.",
                (("Bullying incidents", f"{b.total:,}"),),
                (
                    _whole_school(
                        "Bullying by type",
                        "How each bullying incident was carried out.",
                        "Type of bullying",
                        b.by_type,
                        labels.get("bullying_types", {}),
                        "Incidents",
                        drawn=False,
                    ),
                    _whole_school(
                        "Prejudice-based bullying",
                        "The prejudice behind each prejudice-based incident.",
                        "Prejudice",
                        b.by_prejudice,
                        labels.get("prejudice_types", {}),
                        "Incidents",
                        drawn=False,
                    ),
                ),
            )
        )
    if whole.interventions is not None:
        parts.append(_interventions(whole))
    if whole.concerns is not None:
        c = whole.concerns
        parts.append(
            Part(
                "Safeguarding concerns",
                "Concerns staff recorded for the Designated Safeguarding Lead, by category and "
                "urgency. What each was about is not in this report.",
                (
                    (
                        "Concerns recorded",
                        f"{c.total:,}: {_trend(c.total, c.previous_total, 'concern', before)}",
                    ),
                ),
                (
                    _whole_school(
                        "Concerns by category",
                        "The kind of harm or risk each concern was about.",
                        "Category",
                        c.by_category,
                        labels.get("categories", {}),
                        "Concerns",
                    ),
                    _whole_school(
                        "Concerns by urgency",
                        "How urgent the member of staff judged each concern.",
                        "Urgency",
                        c.by_urgency,
                        labels.get("urgencies", {}),
                        "Concerns",
                        drawn=False,
                    ),
                ),
            )
        )
    parts.append(_groups(whole, groups))
    return GovernorsReport(cover, tuple(parts), tuple(timings), sign_off)


def _behaviour(whole: Analysis, year_groups: Sequence[str]) -> Part:
    b = whole.behaviour
    assert b is not None
    labels = whole.labels
    before = whole.filters.previous_words
    years = {year: b.by_year_group.get(year, 0) for year in year_groups}
    years |= {k: n for k, n in b.by_year_group.items() if k not in years}
    repeat = suppression.pupils(len(b.repeat_pupils))
    return Part(
        "Behaviour",
        "Behaviour incidents recorded in the period (physical interventions are counted "
        "separately below).",
        (
            (
                "Incidents recorded",
                f"{b.total:,}: {_trend(b.total, b.previous_total, 'incident', before)}",
            ),
            ("Pupils with 3 or more incidents", repeat),
        ),
        (
            _whole_school(
                "Incidents by type",
                "What kind of behaviour each incident was.",
                "Type of behaviour",
                b.by_type,
                labels.get("behaviour_types", {}),
                "Incidents",
            ),
            _whole_school(
                "Incidents by place",
                "Where in or around school each incident happened.",
                "Place",
                b.by_location,
                labels.get("locations", {}),
                "Incidents",
            ),
            _whole_school(
                "Incidents by trigger",
                "What staff judged set each incident off. Records made before the trigger was "
                "asked for count as not recorded.",
                "Trigger",
                b.by_trigger,
                labels.get("triggers", {}),
                "Incidents",
            ),
            _over_time("Incidents", b.by_week, b.by_month, "Incidents"),
            _suppressed(
                "Incidents by year group",
                "Incidents by the year group of the pupil who started them (or of each pupil "
                "named, when nobody is recorded as starting it). Small numbers are not shown: "
                "see the last page.",
                "Year group",
                {_year_label(y): n for y, n in years.items()},
                "Incidents",
            ),
        ),
    )


def _interventions(whole: Analysis) -> Part:
    i = whole.interventions
    assert i is not None
    labels = whole.labels
    before = whole.filters.previous_words
    median = "—" if i.minutes_median is None else counted(round(i.minutes_median), "minute")
    same_day = f"{i.parent_informed_same_day:,} of {i.total:,}" if i.total else "0"
    return Part(
        "Physical interventions",
        "Each time staff used force or restrictive intervention with a pupil, as the law "
        "requires the school to record.",
        (
            (
                "Physical interventions",
                f"{i.total:,}: {_trend(i.total, i.previous_total, 'intervention', before)}",
            ),
            ("Pupils held", suppression.pupils(i.pupils)),
            (
                "Of them, pupils with SEN or an EHCP",
                suppression.part_of(i.pupils, i.pupils_with_sen),
            ),
            ("Time in all", counted(i.minutes_total, "minute")),
            ("Typical length (the median)", median),
            ("With an injury to the pupil", f"{i.with_injury_pupil:,}"),
            ("With an injury to a member of staff", f"{i.with_injury_staff:,}"),
            ("Parent told the same day", same_day),
        ),
        (
            _whole_school(
                "Holds used",
                "Every hold used (one intervention may use several holds).",
                "Hold",
                i.by_hold,
                labels.get("restraint_types", {}),
                "Times used",
            ),
            _whole_school(
                "Kind of intervention",
                "Restraint with or without contact, or seclusion.",
                "Kind",
                i.by_kind,
                labels.get("intervention_kinds", {}),
                "Interventions",
                drawn=False,
            ),
            _whole_school(
                "Interventions by trigger",
                "What staff judged set each intervention off.",
                "Trigger",
                i.by_trigger,
                labels.get("triggers", {}),
                "Interventions",
                drawn=False,
            ),
            _over_time("Interventions", i.by_week, None, "Interventions"),
        ),
    )


def _groups(whole: Analysis, groups: Mapping[PupilGroup, Analysis]) -> Part:
    """Records involving pupils of each group; small numbers not shown (rule 1: the groups
    overlap and add up to nothing printed; all 0 only when the whole school's count is)."""
    columns: dict[str, tuple[int, dict[str, int]]] = {
        "Incidents": (whole.behaviour.total if whole.behaviour else 0, {}),
        "Interventions": (whole.interventions.total if whole.interventions else 0, {}),
        "Concerns": (whole.concerns.total if whole.concerns else 0, {}),
    }
    for group, found in groups.items():
        columns["Incidents"][1][group.label] = found.behaviour.total if found.behaviour else 0
        columns["Interventions"][1][group.label] = (
            found.interventions.total if found.interventions else 0
        )
        columns["Concerns"][1][group.label] = found.concerns.total if found.concerns else 0
    tables = tuple(
        FigureTable(
            f"{name} involving pupils of each group",
            f"{name} naming at least one pupil of the group, from the school's pupil list. "
            "Small numbers are not shown: see the last page.",
            ("Pupil group", name),
            tuple(suppression.groups(counts, total).items()),
        )
        for name, (total, counts) in columns.items()
        if counts
    )
    return Part(
        "Pupil groups",
        "Whether some groups of pupils are involved more often than others. A pupil may be in "
        "more than one group.",
        (),
        tables,
    )


# Drawing


def _table(
    rows: Sequence[Sequence[str]], widths: Sequence[float | None], st: dict[str, ParagraphStyle]
) -> Table:
    data = [
        [Paragraph(text(c), st["label" if n == 0 else "cell"]) for c in row]
        for n, row in enumerate(rows)
    ]
    table = Table(data, colWidths=list(widths), hAlign="LEFT", repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), _HEADER),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, _STRIPE]),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, _RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def chart_png(
    pairs: Sequence[tuple[str, int]], kind: ChartKind, unit: str, *, inches: float = 3.4
) -> bytes:
    """A small greyscale chart of whole-school figures (reports.charts), as PNG bytes,
    ``inches`` wide as printed."""
    from safedesk.reports import charts

    if kind == "weeks":
        size = charts.ChartSize(inches, 2.1, 200, 6.5)
        labels = [
            label[:5] if label[:1].isdigit() else label.replace(" ", "\n") for label, _ in pairs
        ]
        return charts.series_chart(
            labels, [n for _, n in pairs], size, style="bars", name=unit, value_name=unit
        )
    size = charts.ChartSize(inches, max(1.3, 0.24 * len(pairs) + 0.5), 200, 6.5)
    return charts.horizontal_bar_chart(list(pairs), size, value_name=unit)


# A table longer than this goes under its chart, free to run over pages; a shorter one sits
# beside it, the two kept together.
_BESIDE_UP_TO = 16


def _figure_table(table: FigureTable, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    head: list[Flowable] = [
        Paragraph(text(table.title), st["h3"]),
        Paragraph(text(table.what), st["small"]),
        Spacer(1, 1.5 * mm),
    ]
    grid = _table([table.header, *table.rows], [52 * mm, 28 * mm], st)
    long = len(table.rows) > _BESIDE_UP_TO
    if table.chart is None:
        return [CondPageBreak(30 * mm), *head, grid] if long else [KeepTogether([*head, grid])]
    width = 150 * mm if long else 84 * mm
    png = chart_png(table.chart, table.chart_kind, table.header[1], inches=width / inch)
    picture = Image(io.BytesIO(png), width=width, height=None)
    ratio = picture.imageHeight / picture.imageWidth
    picture.drawWidth, picture.drawHeight = width, width * ratio
    picture.hAlign = "LEFT"
    if long:
        return [KeepTogether([*head, picture]), Spacer(1, 2 * mm), grid]
    side = Table([[grid, picture]], colWidths=[80 * mm, None], hAlign="LEFT")
    side.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [KeepTogether([*head, side])]


def _part(part: Part, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [
        CondPageBreak(60 * mm),
        Paragraph(text(part.title), st["h2"]),
        Paragraph(text(part.intro), st["body"]),
        Spacer(1, 2 * mm),
    ]
    if part.figures:
        story.append(_table([("Figure", "This period"), *part.figures], [70 * mm, None], st))
    for table in part.tables:
        story += _figure_table(table, st)
    return story


_RULES = (
    "No pupil is named in this report, and nothing staff wrote is quoted: only counts, and "
    "the names of the school's own lists.",
    "Where figures are broken down by year group or pupil group, and for counts of pupils, "
    "any number below 3 (including none) is shown as “fewer than 3”, so that no child can be "
    "recognised. Where the whole school had none, the groups show 0.",
    "The year groups add up to the total shown above them. Where a hidden figure could "
    "still be worked out from that total and the figures shown, the next smallest figures "
    "are shown as “not shown” too, until none can be; where even that is not enough, the "
    "whole table is “not shown”.",
    "A part of a count of pupils (pupils with SEN among the pupils held) is shown only when "
    "it and the rest are both 3 or more; otherwise it is “not shown”.",
)


def _sign_off(sign_off: SignOff | None, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Training in date and policies read, as counts of staff (no one is named)."""
    story: list[Flowable] = [
        CondPageBreak(60 * mm),
        Paragraph("Training and policy sign-off", st["h2"]),
    ]
    if sign_off is None:
        return [*story, Paragraph("Not available for this report.", st["body"])]
    story += [
        Paragraph(
            f"As it stood on {date_text(sign_off.on)}, when this report was made (not over the "
            "period): how many members of staff with an account have each kind of training in "
            "date, and how many of those confirmed the entry with their own sign-in; and how "
            "many have confirmed they read and understood the current version of each policy. "
            "No one is named.",
            st["body"],
        ),
        Spacer(1, 2 * mm),
    ]
    if sign_off.training:
        story.append(_table([("Training", "Staff"), *sign_off.training], [95 * mm, None], st))
    else:
        story.append(Paragraph("No training is recorded in safedesk.", st["body"]))
    story.append(Spacer(1, 3 * mm))
    if sign_off.policies:
        story.append(
            _table(
                [("Policy (current version)", "Read and confirmed"), *sign_off.policies],
                [95 * mm, None],
                st,
            )
        )
    else:
        story.append(Paragraph("No policy has been published in safedesk.", st["body"]))
    return story


def render_governors(report: GovernorsReport) -> bytes:
    """The whole PDF in memory."""
    st = styles()
    c = report.cover
    rows = [
        ("School", c.school_name),
        ("Period", span_text(c.first_day, c.last_day)),
        ("Prepared by", f"{c.made_by}, {moment_text(c.made_at)}"),
        (
            "About this report",
            "The figures the school's safeguarding records hold for the period, for the "
            "governing body. It names no pupil: small numbers are not shown (see the last "
            "page).",
        ),
    ]
    story: list[Flowable] = [
        Paragraph(f"Governors' report: {text(c.school_name)}", st["title"]),
        Spacer(1, 4 * mm),
        cover_table(rows, st),
        Spacer(1, 4 * mm),
    ]
    for part in report.parts:
        story += _part(part, st)
    story += [
        CondPageBreak(50 * mm),
        Paragraph("How fast concerns were acted on", st["h2"]),
        Paragraph(
            "How fast the Designated Safeguarding Lead acknowledged and acted on the concerns "
            "recorded in the period, by urgency, against the school's targets. 'Typical' is "
            "the median.",
            st["body"],
        ),
        Spacer(1, 2 * mm),
        timing_table(report.timings, st),
        *_sign_off(report.sign_off, st),
        PageBreak(),
        Paragraph("How small numbers are shown", st["h2"]),
        *[Paragraph(f"• {text(rule)}", st["body"]) for rule in _RULES],
        Spacer(1, 6 * mm),
        *how_to_check(c, st),
    ]
    return build(story, c, PDF_TITLE)
