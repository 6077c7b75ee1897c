"""The demo's policies, published and confirmed through the service as a school's would be: the
child protection policy (with its PDF), KCSIE Part 1 and the behaviour policy published at the
start of the school year and confirmed by staff in the days after (the office has not yet
confirmed KCSIE); then a new version of the behaviour policy a few days ago, which only the
behaviour lead has confirmed (the prompt after sign-in and the Policies page show it)."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from safedesk.domain.clock import FixedClock
from safedesk.domain.local_time import to_local
from safedesk.paths import DataPaths
from safedesk.services import policies, vault

CHILD_PROTECTION = "Child protection and safeguarding policy"
KCSIE = "Keeping children safe in education, Part 1"
BEHAVIOUR = "Behaviour policy"


def _pdf(title: str, lines: list[str]) -> bytes:
    """A short policy document, made in memory."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setTitle(title)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(60, 780, title)
    page.setFont("Helvetica", 11)
    y = 750
    for line in lines:
        page.drawString(60, y, line)
        y -= 18
    page.showPage()
    page.save()
    return out.getvalue()


_CP_LINES = [
    "1. Every member of staff reports any concern about a child to the DSL the same day,",
    "   using safedesk (Record, then Concern). If a child is at immediate risk, call 999.",
    "2. The Designated Safeguarding Lead is Mr Tom Hughes; the deputy is the headteacher.",
    "3. Record what you saw and heard, in the child's own words. Do not investigate.",
    "4. Concerns about an adult in school go to the headteacher (or the chair of governors",
    "   when the concern is about the headteacher).",
    "5. Online safety: section 4 is new this year. Read it with the filtering guidance.",
]


def add_policies(paths: DataPaths, password: str, now: datetime) -> int:
    """Publish the three policies and the confirmations; returns how many versions."""
    local = to_local(now)
    year = local.year if local.month >= 9 else local.year - 1
    september = datetime.combine(date(year, 9, 1), time(9, 0)).astimezone()
    published = min(september, now - timedelta(days=10))
    newer = max(published + timedelta(hours=2), now - timedelta(days=3))

    def at(moment: datetime) -> FixedClock:
        return FixedClock(min(moment, now))

    head = vault.sign_in(paths, "head", password)
    try:
        head.clock = at(published)
        day = to_local(published).date().isoformat()
        first = [
            policies.publish(
                head,
                {
                    "title": CHILD_PROTECTION,
                    "version": f"{year}-{str(year + 1)[2:]}",
                    "published_on": day,
                    "note": "Section 4 (online safety) is new. The whole policy is attached.",
                },
                _pdf(CHILD_PROTECTION, _CP_LINES),
            ),
            policies.publish(
                head,
                {
                    "title": KCSIE,
                    "version": str(year),
                    "published_on": day,
                    "note": "Read Part 1 on the shared drive (Policies folder), or the paper "
                    "copy in the staff room.",
                },
            ),
            policies.publish(
                head,
                {
                    "title": BEHAVIOUR,
                    "version": f"{year}-{str(year + 1)[2:]}",
                    "published_on": day,
                    "note": "Unchanged from last year apart from the rewards chart on page 3.",
                },
            ),
        ]
    finally:
        head.lock()
    # Staff confirm in the days after; the office has not yet read KCSIE.
    for number, username in enumerate(("head", "dsl", "teacher", "behaviour", "office")):
        session = vault.sign_in(paths, username, password)
        try:
            session.clock = at(published + timedelta(days=1, hours=number))
            for policy_id in first:
                if username == "office" and policy_id == first[1]:
                    continue
                policies.confirm(session, policy_id)
        finally:
            session.lock()
    head = vault.sign_in(paths, "head", password)
    try:
        head.clock = at(newer)
        latest = policies.publish(
            head,
            {
                "title": BEHAVIOUR,
                "version": f"{year}-{str(year + 1)[2:]} (update)",
                "published_on": to_local(newer).date().isoformat(),
                "note": "New: the calm-down space and the steps before any physical "
                "intervention (section 6). Paper copy in the staff room.",
            },
        )
    finally:
        head.lock()
    lead = vault.sign_in(paths, "behaviour", password)
    try:
        lead.clock = at(newer + timedelta(hours=1))
        policies.confirm(lead, latest)
    finally:
        lead.lock()
    return len(first) + 1
