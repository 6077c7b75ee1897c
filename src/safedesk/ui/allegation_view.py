"""One allegation as the head (or the chair) reads it: what was alleged, then every event in
order (the LADO contacted, actions, the outcome, corrections with old and new value and the
reason, the outcome corrected), each with who recorded it and when; and one low-level concern
likewise, with its corrections."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from PySide6.QtWidgets import QTextBrowser

from safedesk.domain.allegations import (
    Allegation,
    AllegationEvent,
    LowLevelAmendment,
    LowLevelConcern,
    OutcomeCorrection,
)
from safedesk.domain.formatting import date_text, moment_text, rich
from safedesk.domain.local_time import to_local
from safedesk.ui.allegation_dialogs import (
    FIELD_LABELS,
    LOW_LEVEL_LABELS,
    OUTCOME_WORDS,
    decision_text,
    shown_value,
)

Recorded = AllegationEvent | Allegation | OutcomeCorrection | LowLevelAmendment | LowLevelConcern


def due_text(due: datetime, now: datetime) -> str:
    """ "Tell the LADO by Tuesday 01/12/2026 09:30", or, once past, overdue in words."""
    when = f"{to_local(due):%A} {moment_text(due)}"
    if now > due:
        return f"OVERDUE: the LADO should have been told by {when}. Tell them now."
    return f"Tell the LADO by {when}."


def _recorded(event: Recorded, names: Mapping[str, str]) -> str:
    who = names.get(event.recorded_by, event.recorded_by)
    return (
        f'<br><span style="color:#52606d">Recorded by {rich(who)} on '
        f"{moment_text(event.recorded_at)}</span>"
    )


def event_html(event: AllegationEvent, names: Mapping[str, str]) -> str:
    """One event: what it was, when, and who recorded it and when."""
    if event.kind == "lado_contacted":
        head = f"{moment_text(event.at)}: the LADO contacted"
        body = f"The LADO's name: {rich(event.lado_name or '')}"
    elif event.kind == "action":
        head = f"{moment_text(event.at)}: an action"
        body = rich(event.text or "")
    elif event.kind == "outcome":
        head = f"{date_text(to_local(event.at).date())}: the outcome"
        body = rich(OUTCOME_WORDS[event.outcome] if event.outcome else "")
    elif event.kind == "amendment":
        field = event.field or ""
        name = FIELD_LABELS.get(field, field)
        head = f"{moment_text(event.at)}: a correction to “{rich(name)}”"
        body = _was_now(field, event.old_value or "", event.new_value or "", event.text or "")
    else:
        head, body = f"{moment_text(event.at)}: {rich(event.kind)}", rich(event.text or "")
    return f"<p><b>{head}</b><br>{body}{_recorded(event, names)}</p>"


def _was_now(field: str, old: str, new: str, reason: str) -> str:
    return (
        f"Was: {rich(shown_value(field, old))}<br>"
        f"Now: {rich(shown_value(field, new))}<br>"
        f"Why: {rich(reason)}"
    )


def outcome_correction_html(correction: OutcomeCorrection, names: Mapping[str, str]) -> str:
    """The outcome corrected: what it was and what it is now, each with its day, and why."""
    was = f"{OUTCOME_WORDS[correction.old_outcome]}; decided {date_text(correction.old_decided_on)}"
    now = f"{OUTCOME_WORDS[correction.outcome]}; decided {date_text(correction.decided_on)}"
    return (
        f"<p><b>{moment_text(correction.recorded_at)}: the outcome corrected</b><br>"
        f"Was: {rich(was)}<br>Now: {rich(now)}<br>Why: {rich(correction.reason)}"
        f"{_recorded(correction, names)}</p>"
    )


def allegation_html(
    allegation: Allegation, due: datetime | None, now: datetime, names: Mapping[str, str]
) -> str:
    name = rich(allegation.current("subject_name"))
    role = rich(allegation.current("subject_role"))
    happened = shown_value("happened_at", allegation.current("happened_at"))
    parts = [
        f"<p style='font-size:large'><b>Allegation {allegation.id}: about {name} ({role})</b></p>",
        f"<p><b>When it happened:</b> {rich(happened)}<br>"
        f"<b>Raised by:</b> {rich(allegation.current('raised_by'))}</p>",
        f"<p><b>What is alleged:</b><br>{rich(allegation.current('alleged'))}"
        f"{_recorded(allegation, names)}</p>",
    ]
    if due is not None:
        colour = "#b42318" if now > due else "#1f3a5f"
        parts.append(f'<p style="color:{colour}"><b>{rich(due_text(due, now))}</b></p>')
    # Events in the order recorded, and the outcome's corrections among them by their time.
    since = [(e.recorded_at, event_html(e, names)) for e in sorted(allegation.events, key=_id)]
    since += [
        (c.recorded_at, outcome_correction_html(c, names))
        for c in sorted(allegation.outcome_corrections, key=_id)
    ]
    since.sort(key=lambda item: item[0])
    if since:
        parts.append("<p><b><u>What has happened since, in the order recorded</u></b></p>")
        parts += [html for _at, html in since]
    else:
        parts.append("<p>Nothing recorded since.</p>")
    decision = allegation.decision
    if decision is None:
        parts.append("<p><i>No outcome recorded yet.</i></p>")
    elif decision.corrected:
        outcome_now = rich(decision_text(allegation))
        parts.append(f"<p><b>The outcome now:</b> {outcome_now} (corrected)</p>")
    return "".join(parts)


def _id(item: AllegationEvent | OutcomeCorrection | LowLevelAmendment) -> int:
    return item.id


def low_level_html(concern: LowLevelConcern, names: Mapping[str, str]) -> str:
    """A low-level concern as it is now, then each correction: was, now, why, who, when."""
    name = rich(concern.current("subject_name"))
    role = rich(concern.current("subject_role"))
    happened = shown_value("happened_at", concern.current("happened_at"))
    parts = [
        f"<p style='font-size:large'><b>Low-level concern {concern.id}: about {name} "
        f"({role})</b></p>",
        f"<p><b>When it happened:</b> {rich(happened)}<br>"
        f"<b>Raised by:</b> {rich(concern.current('raised_by'))}</p>",
        f"<p><b>What happened:</b><br>{rich(concern.current('what'))}"
        f"{_recorded(concern, names)}</p>",
    ]
    if concern.amendments:
        parts.append("<p><b><u>Corrections, in the order recorded</u></b></p>")
        for amendment in sorted(concern.amendments, key=_id):
            label = LOW_LEVEL_LABELS.get(amendment.field, amendment.field)
            parts.append(
                f"<p><b>{moment_text(amendment.recorded_at)}: a correction to "
                f"“{rich(label)}”</b><br>"
                + _was_now(
                    amendment.field, amendment.old_value, amendment.new_value, amendment.reason
                )
                + f"{_recorded(amendment, names)}</p>"
            )
    else:
        parts.append("<p>No correction recorded.</p>")
    return "".join(parts)


class AllegationView(QTextBrowser):
    """The chosen allegation, read-only; empty with a hint until one is chosen."""

    EMPTY = "Choose an allegation in the list to see it here with everything done since."

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("The chosen allegation")
        self.setOpenLinks(False)
        self.names: Mapping[str, str] = {}  # who recorded what: usernames to names
        self.show_allegation(None, None, None)

    def show_allegation(
        self, allegation: Allegation | None, due: datetime | None, now: datetime | None
    ) -> None:
        if allegation is None or now is None:
            self.setHtml(f"<p style='color:#52606d'>{rich(self.EMPTY)}</p>")
            return
        self.setHtml(allegation_html(allegation, due, now, self.names))


class LowLevelView(QTextBrowser):
    """The chosen low-level concern with its corrections, read-only."""

    EMPTY = "Choose a low-level concern in the list to see it here with its corrections."

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("The chosen low-level concern")
        self.setOpenLinks(False)
        self.names: Mapping[str, str] = {}
        self.show_concern(None)

    def show_concern(self, concern: LowLevelConcern | None) -> None:
        if concern is None:
            self.setHtml(f"<p style='color:#52606d'>{rich(self.EMPTY)}</p>")
            return
        self.setHtml(low_level_html(concern, self.names))
