"""One allegation as the head (or the chair) reads it: what was alleged, then every event in
order (the LADO contacted, actions, the outcome, corrections with old and new value and the
reason), each with who recorded it and when."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from PySide6.QtWidgets import QTextBrowser

from safedesk.domain.allegations import Allegation, AllegationEvent
from safedesk.domain.formatting import date_text, moment_text, rich
from safedesk.domain.local_time import to_local
from safedesk.ui.allegation_dialogs import FIELD_LABELS, OUTCOME_WORDS, shown_value


def due_text(due: datetime, now: datetime) -> str:
    """ "Tell the LADO by Tuesday 01/12/2026 09:30", or, once past, overdue in words."""
    when = f"{to_local(due):%A} {moment_text(due)}"
    if now > due:
        return f"OVERDUE: the LADO should have been told by {when}. Tell them now."
    return f"Tell the LADO by {when}."


def _recorded(event: AllegationEvent | Allegation, names: Mapping[str, str]) -> str:
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
        body = (
            f"Was: {rich(shown_value(field, event.old_value or ''))}<br>"
            f"Now: {rich(shown_value(field, event.new_value or ''))}<br>"
            f"Why: {rich(event.text or '')}"
        )
    else:
        head, body = f"{moment_text(event.at)}: {rich(event.kind)}", rich(event.text or "")
    return f"<p><b>{head}</b><br>{body}{_recorded(event, names)}</p>"


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
    events = sorted(allegation.events, key=lambda e: e.id)
    if events:
        parts.append("<p><b><u>What has happened since, in the order recorded</u></b></p>")
        parts += [event_html(event, names) for event in events]
    else:
        parts.append("<p>Nothing recorded since.</p>")
    if allegation.outcome is None:
        parts.append("<p><i>No outcome recorded yet.</i></p>")
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
