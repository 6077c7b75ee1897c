"""The inspection pack as a PDF: what an inspector asks for by 8 am, for a date range.

A cover (the school, the range, who made it and when, how to check it against the store),
then in the order inspectors ask: referrals to the DSL with a brief resolution for each;
referrals to children's social care, the police and other agencies; the physical-intervention
log; the bullying and prejudice log; police domestic-abuse notifications; how fast concerns
were acted on; what is overdue now; how many pupils hold each safeguarding status now (counts
only). Pupils are named: the
pack is for the headteacher or a DSL to hand to an inspector, who is entitled to them. The
document's metadata names no child.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from safedesk.domain import local_time
from safedesk.domain.chronology import SignedLogHead
from safedesk.domain.formatting import counted, date_text, moment_text, time_text
from safedesk.reports.pdf_base import BOLD, MARGIN, PAGE, numbered_canvas, styles, text

PDF_TITLE = "Inspection pack"
_HEADER = colors.HexColor("#dde5ef")
_STRIPE = colors.HexColor("#f5f7fa")
_RULE = colors.HexColor("#1f3a5f")


@dataclass(frozen=True)
class ConcernLine:
    """A concern referred to the DSL, with where it stands now."""

    ref: str
    recorded_at: datetime
    pupils: str
    category: str
    urgency: str
    recorded_by: str
    resolution: str  # status, the DSL's decision, and the closure's outcome


@dataclass(frozen=True)
class ReferralLine:
    made_at: datetime
    case_ref: str
    pupils: str
    agency: str
    how: str  # method and the person spoken to
    reference: str
    decision: str  # the agency's decision, or when it is due
    made_by: str


@dataclass(frozen=True)
class InterventionLine:
    ref: str
    started_at: datetime
    minutes: int
    pupil: str  # name, year and SEN (from the pupil list)
    kind: str
    holds: str
    staff: str
    injuries: str
    parent_informed: str
    reviewed_by: str
    trigger: str = "not recorded"
    support_after: str = "not recorded"


@dataclass(frozen=True)
class NotificationLine:
    """A police domestic-abuse notification (Operation Encompass) received in the period."""

    ref: str
    received_at: datetime
    pupils: str
    received_from: str
    police_reference: str
    standing: str  # acknowledged when, the decision, closed


@dataclass(frozen=True)
class OverdueLine:
    """An item in the DSL's queue past its time now."""

    case_ref: str
    what: str
    pupils: str
    due_at: datetime


@dataclass(frozen=True)
class BullyingLine:
    ref: str
    occurred_at: datetime
    pupils: str  # each with their part
    what: str  # behaviour type, type of bullying, prejudice
    location: str
    action_taken: str
    parents_informed: str


@dataclass(frozen=True)
class TimingLine:
    """How fast concerns of one urgency were acted on (services.queue.figures, in words)."""

    urgency: str
    recorded: int
    acknowledged: int
    in_target: str  # "4 of 5 (80%)" or "—"
    median_to_acknowledge: str
    acted: int
    median_to_first_action: str
    waiting_overdue: int


@dataclass(frozen=True)
class Cover:
    """What both leaders' reports say on their first page."""

    school_name: str
    first_day: date
    last_day: date
    made_by: str
    made_at: datetime
    signed_heads: tuple[SignedLogHead, ...] = ()


@dataclass(frozen=True)
class InspectionPack:
    cover: Cover
    concerns: tuple[ConcernLine, ...]
    referrals: tuple[ReferralLine, ...]
    interventions: tuple[InterventionLine, ...]
    bullying: tuple[BullyingLine, ...]
    timings: tuple[TimingLine, ...]
    notifications: tuple[NotificationLine, ...] = ()
    # How many pupils hold each status now (child protection plan, child in need, looked
    # after): counts only.
    statuses: tuple[tuple[str, int], ...] = ()
    overdue: tuple[OverdueLine, ...] = ()
    made_at: datetime | None = None  # when "now" was, for the overdue list's heading


def _two_lines(moment: datetime) -> str:
    """A moment's date, then its time (narrow columns break a date in two otherwise)."""
    return moment_text(moment).replace(" ", "\n", 1)


def span_text(first_day: date, last_day: date) -> str:
    return f"{date_text(first_day)} to {date_text(last_day)}"


def cover_table(rows: Sequence[tuple[str, str]], st: dict[str, ParagraphStyle]) -> Table:
    table = Table(
        [[Paragraph(text(a), st["label"]), Paragraph(text(b), st["body"])] for a, b in rows],
        colWidths=[38 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)])
    )
    return table


def how_to_check(cover: Cover, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Where each file's tamper-evident log stood when the report was made, and how to check
    it (as on a chronology)."""
    if not cover.signed_heads:
        return [
            Paragraph(
                "No signed log entry was recorded for this report, so it cannot be checked "
                "against the school's store.",
                st["small"],
            )
        ]
    parts: list[Flowable] = [Paragraph("How to check this document", st["h3"])]
    for head in cover.signed_heads:
        signed = local_time.to_local(datetime.fromisoformat(head.at))
        when = f"{date_text(signed.date())} at {time_text(signed)}"
        parts.append(
            Paragraph(
                f"When it was made, the {text(head.file)} file's tamper-evident log stood at "
                f"entry <font name='{BOLD}'>#{head.seq}</font>, hash "
                f"<font name='{BOLD}'>{head.hash[:16]}</font>{head.hash[16:]}, signed by "
                f"{text(cover.made_by)} ({text(head.signer)}) on {when}.",
                st["small"],
            )
        )
        parts.append(Spacer(1, 1.5 * mm))
    first = cover.signed_heads[0].hash[:16]
    parts.append(
        Paragraph(
            "To check it, the headteacher or a Designated Safeguarding Lead runs "
            f"<font name='{BOLD}'>safedesk-admin verify --user NAME --head {first}</font> "
            "(the first 16 characters of a hash above). It says whether the log still holds "
            "that entry and who signed it, and checks that every record in the log is as it "
            "was written. It does not check this printed copy: to compare its words, make the "
            "report again for the same dates.",
            st["small"],
        )
    )
    return parts


# A page left emptier than this by a row that does not fit whole has the row split into it.
_GAP_UP_TO = 40 * mm


class _LogTable(LongTable):  # type: ignore[misc]  # reportlab has no types
    """A LongTable split between whole rows where that leaves little of the page empty,
    inside a row where it would leave more, and whose part after a split always starts a
    new page: reportlab tried the rest in what was left of the page, and when the next row
    did not fit whole it split it there, under a second copy of the header mid-page."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 (reportlab's names)
        parts: list[Flowable] = super().split(availWidth, availHeight)
        if len(parts) != 2:
            return parts
        if availHeight - parts[0].wrap(availWidth, availHeight)[1] > _GAP_UP_TO:
            inside: list[Flowable] = self._splitRows(availHeight, doInRowSplit=1)
            if len(inside) == 2:
                parts = inside
        return [parts[0], PageBreak(), parts[1]]


def log_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float | None],
    st: dict[str, ParagraphStyle],
) -> LongTable:
    """A table whose cells wrap, its header repeated at the top of every page it runs on to,
    its rows split over pages when they must (never under a header in mid-page)."""
    if "column" not in st:
        st["column"] = ParagraphStyle("column", parent=st["label"], fontSize=7.5, leading=9.5)
    data: list[list[object]] = [[Paragraph(text(h), st["column"]) for h in header]]
    data += [[Paragraph(text(cell), st["cell"]) for cell in row] for row in rows]
    # A row may be longer than a page (an account of 20,000 characters): it splits.
    table = _LogTable(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT", splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), _HEADER),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, _STRIPE]),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, _RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def timing_table(timings: Sequence[TimingLine], st: dict[str, ParagraphStyle]) -> LongTable:
    header = [
        "Urgency",
        "Concerns",
        "Acknowledged",
        "Acknowledged in time",
        "Typical time to acknowledge",
        "Acted on",
        "Typical time to first action",
        "Waiting, overdue",
    ]
    rows = [
        [
            t.urgency,
            f"{t.recorded:,}",
            f"{t.acknowledged:,}",
            t.in_target,
            t.median_to_acknowledge,
            f"{t.acted:,}",
            t.median_to_first_action,
            f"{t.waiting_overdue:,}",
        ]
        for t in timings
    ]
    widths = [26 * mm, 17 * mm, 25 * mm, 25 * mm, 25 * mm, 15 * mm, 21 * mm, None]
    return log_table(header, rows, widths, st)


def section(
    title: str, what: str, body: Flowable | None, empty: str, st: dict[str, ParagraphStyle]
) -> list[Flowable]:
    """A heading, a line saying what the table shows, then the table (or that there is none)."""
    head = [
        CondPageBreak(45 * mm),
        Paragraph(text(title), st["h2"]),
        Paragraph(text(what), st["small"]),
        Spacer(1, 2 * mm),
    ]
    if body is None:
        return [KeepTogether([*head, Paragraph(text(empty), st["body"])])]
    return [*head, body]


def _concerns(pack: InspectionPack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = [
        [
            f"{c.ref}\n{_two_lines(c.recorded_at)}",
            c.pupils,
            f"{c.category}\n{c.urgency}",
            c.recorded_by,
            c.resolution,
        ]
        for c in pack.concerns
    ]
    table = (
        log_table(
            [
                "Reference and when recorded",
                "Pupil",
                "Category and urgency",
                "Recorded by",
                "Resolution",
            ],
            rows,
            [27 * mm, 27 * mm, 28 * mm, 24 * mm, None],
            st,
        )
        if rows
        else None
    )
    return section(
        "1. Referrals to the Designated Safeguarding Lead",
        "Every safeguarding concern staff recorded in the period, with where it stands now: "
        "its status, the DSL's decision and, once closed, the outcome.",
        table,
        "No concerns were recorded in this period.",
        st,
    )


def _referrals(pack: InspectionPack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = [
        [
            _two_lines(r.made_at),
            f"{r.case_ref}\n{r.pupils}",
            r.agency,
            r.how,
            one_line(r.reference),
            r.decision,
            r.made_by,
        ]
        for r in pack.referrals
    ]
    table = (
        log_table(
            [
                "When made",
                "Case and pupil",
                "Agency",
                "How, and to whom",
                "Their reference",
                "Decision",
                "Made by",
            ],
            rows,
            [21 * mm, 24 * mm, 21 * mm, 22 * mm, 34 * mm, None, 18 * mm],
            st,
        )
        if rows
        else None
    )
    return section(
        "2. Referrals to children's social care, the police and other agencies",
        "Every referral the DSL made in the period, when, how and to whom, and what the agency "
        "decided.",
        table,
        "No referrals were made in this period.",
        st,
    )


def _interventions(pack: InspectionPack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = [
        [
            f"{i.ref}\n{_two_lines(i.started_at)}\n{counted(i.minutes, 'minute')}",
            i.pupil,
            f"Trigger: {i.trigger}\n{i.kind}\n{i.holds}",
            i.staff,
            i.injuries,
            i.parent_informed,
            f"{i.support_after}\nReview: {i.reviewed_by}",
        ]
        for i in pack.interventions
    ]
    table = (
        log_table(
            [
                "Reference, start and length",
                "Pupil, year and SEN",
                "Trigger, kind and holds",
                "Staff",
                "Injuries",
                "Parent informed",
                "Support after, and review",
            ],
            rows,
            [24 * mm, 23 * mm, 28 * mm, 18 * mm, 22 * mm, 22 * mm, None],
            st,
        )
        if rows
        else None
    )
    return section(
        "3. Physical interventions",
        "Every time force was used in the period: what set it off, the kind and the holds and "
        "for how long, the pupil's SEN or EHCP as on the school's pupil list, the staff "
        "involved, injuries, when the parent was told, the support given afterwards, and the "
        "leader's review.",
        table,
        "No physical interventions were recorded in this period.",
        st,
    )


def _bullying(pack: InspectionPack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = [
        [
            f"{b.ref}\n{_two_lines(b.occurred_at)}",
            b.pupils,
            b.what,
            b.location,
            b.action_taken,
            b.parents_informed,
        ]
        for b in pack.bullying
    ]
    table = (
        log_table(
            [
                "Reference and when",
                "Pupils and their part",
                "What",
                "Where",
                "What was done",
                "Parents informed",
            ],
            rows,
            [27 * mm, 34 * mm, 30 * mm, 20 * mm, None, 18 * mm],
            st,
        )
        if rows
        else None
    )
    return section(
        "4. Bullying and prejudice",
        "Every incident recorded as bullying, or as prejudice or discrimination, in the "
        "period: who was involved, what kind, and what was done.",
        table,
        "No bullying or prejudice incidents were recorded in this period.",
        st,
    )


def _notifications(pack: InspectionPack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = [
        [
            f"{n.ref}\n{_two_lines(n.received_at)}",
            n.pupils,
            n.received_from,
            one_line(n.police_reference),
            n.standing,
        ]
        for n in pack.notifications
    ]
    table = (
        log_table(
            ["Reference and when received", "Pupil", "From", "Police reference", "Where it stands"],
            rows,
            [27 * mm, 30 * mm, 30 * mm, 31 * mm, None],
            st,
        )
        if rows
        else None
    )
    return section(
        "5. Police domestic-abuse notifications (Operation Encompass)",
        "Every notification from the police received in the period, and what the DSL has done.",
        table,
        "No notifications were received in this period.",
        st,
    )


def _timings(pack: InspectionPack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    return section(
        "6. Time to action",
        "How fast the DSL acknowledged and acted on the concerns recorded in the period, by "
        "urgency, against the school's targets. 'Typical' is the median.",
        timing_table(pack.timings, st) if pack.timings else None,
        "No concerns were recorded in this period.",
        st,
    )


def _overdue(pack: InspectionPack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = [[o.case_ref, o.what, o.pupils, moment_text(o.due_at)] for o in pack.overdue]
    when = f" when this pack was made ({moment_text(pack.made_at)})" if pack.made_at else ""
    table = (
        log_table(
            ["Case", "What is waiting", "Pupil", "Due by"],
            rows,
            [27 * mm, None, 40 * mm, 30 * mm],
            st,
        )
        if rows
        else None
    )
    return section(
        "7. Waiting and overdue now",
        f"Each item in the DSL's queue past its time{when}, whenever it was recorded.",
        table,
        f"Nothing in the DSL's queue was overdue{when}.",
        st,
    )


def _statuses(pack: InspectionPack, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    table = (
        log_table(
            ["Status", "Pupils now"],
            [[label, f"{n:,}"] for label, n in pack.statuses],
            [70 * mm, 30 * mm],
            st,
        )
        if pack.statuses
        else None
    )
    return section(
        "8. Pupils with a safeguarding status now",
        "How many pupils are on a child protection plan, are a child in need, or are looked "
        "after, as the DSL has recorded it, on the day this pack was made. Counts only: each "
        "pupil's status is on their chronology.",
        table,
        "No statuses are recorded.",
        st,
    )


def one_line(words: str) -> str:
    """``words`` kept on one line in a table's cell (an agency's reference, "MASH-26-5 /
    2642", is not broken at its spaces)."""
    return words.replace(" ", "\u00a0")


def render_inspection(pack: InspectionPack) -> bytes:
    """The whole PDF in memory."""
    st = styles()
    c = pack.cover
    rows = [
        ("School", c.school_name),
        ("Period", span_text(c.first_day, c.last_day)),
        ("Made by", f"{c.made_by}, {moment_text(c.made_at)}"),
        (
            "In this pack",
            " · ".join(
                [
                    counted(len(pack.concerns), "concern") + " referred to the DSL",
                    counted(len(pack.referrals), "referral") + " to agencies",
                    counted(len(pack.interventions), "physical intervention"),
                    counted(len(pack.bullying), "bullying or prejudice incident"),
                    counted(len(pack.notifications), "police notification"),
                    counted(len(pack.overdue), "overdue item") + " now",
                ]
            ),
        ),
        (
            "Handling",
            "It names pupils and staff. Hand it only to the inspector who asked for it, and "
            "keep it as the school keeps its safeguarding records.",
        ),
    ]
    story: list[Flowable] = [
        Paragraph(f"Inspection pack: {text(c.school_name)}", st["title"]),
        Spacer(1, 4 * mm),
        cover_table(rows, st),
        Spacer(1, 6 * mm),
        *how_to_check(c, st),
        PageBreak(),
    ]
    story += _concerns(pack, st)
    story += _referrals(pack, st)
    story += _interventions(pack, st)
    story += _bullying(pack, st)
    story += _notifications(pack, st)
    story += _timings(pack, st)
    story += _overdue(pack, st)
    story += _statuses(pack, st)
    return build(story, c, PDF_TITLE)


def build(story: list[Flowable], cover: Cover, title: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,  # never a child's name: metadata is shown without opening the file
        author=cover.school_name,
        subject="OFFICIAL-SENSITIVE",
        creator="safedesk",
    )
    footer = f"{cover.school_name} · {title} · {span_text(cover.first_day, cover.last_day)}"
    doc.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()
