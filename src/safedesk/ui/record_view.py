"""One record in full: current values, the original where amended, and every amendment."""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain import body_map, body_outline, holds, local_time
from safedesk.domain.chronology import hold_words
from safedesk.domain.entries import FIELDS, FieldSpec, Kind, StoredEntry, spec
from safedesk.domain.errors import ValidationError
from safedesk.domain.formatting import counted, date_text, moment_text, rich
from safedesk.domain.roles import Permission
from safedesk.services import amendments, attachments, lists, parent_letter, records
from safedesk.services.session import Session
from safedesk.ui import tasks
from safedesk.ui.attachments_panel import AttachmentsDialog
from safedesk.ui.body_map_widget import render_image
from safedesk.ui.errors import user_message
from safedesk.ui.field_widgets import FieldInput, list_for


def _show(
    value: str | None, field_type: str, labels: dict[str, dict[str, str]] | None = None
) -> str:
    if value is None or value == "":
        return "—"
    if field_type == "datetime":
        return moment_text(datetime.fromisoformat(value))
    if field_type == "date":
        return date_text(datetime.fromisoformat(value).date())
    if field_type == "bool":
        return "Yes" if value == "true" else "No"
    if field_type == "holds":
        return holds_words(value, (labels or {}).get("restraint_types", {}))
    if field_type == "body_map":
        marks = body_map.from_text(value)
        return "; ".join(f"{n}. {body_outline.mark_words(m)}" for n, m in enumerate(marks, start=1))
    return value


def holds_words(stored: str, names: dict[str, str]) -> str:
    """Further holds as the chronology and its PDF say them: "Seated hold 3 min; …"."""
    labels = {"restraint_types": names}
    return "; ".join(hold_words(h, labels) for h in holds.from_text(stored))


def body_map_html(stored: str) -> str:
    """A body map drawn (read-only) with its marks listed under it, numbered as drawn."""
    marks = body_map.from_text(stored)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    render_image(marks, 200).save(buffer, "PNG")  # type: ignore[call-overload]  # a str at run time
    picture = bytes(data.toBase64().data()).decode()
    listed = "".join(f"<li>{rich(body_outline.mark_words(m))}</li>" for m in marks)
    return f'<img src="data:image/png;base64,{picture}" alt="Body map"><ol>{listed}</ol>'


def record_html(entry: StoredEntry, labels: dict[str, dict[str, str]]) -> str:
    current = entry.current()
    amended = {a.field for a in entry.amendments}
    pupils = "; ".join(
        f"{escape(p.name)} ({p.upn})" + (f" — {p.role.value}" if p.role else "")
        for p in entry.pupils
    )
    rows = [f"<tr><th align=left>Pupils</th><td>{pupils}</td></tr>"]
    for field in FIELDS[entry.kind]:
        value = current.get(field.name)
        shown = _show(value, field.type, labels)
        if field.list_name and value:
            shown = labels.get(field.list_name, {}).get(value, value)
        note = " <i>(amended)</i>" if field.name in amended else ""
        text = body_map_html(value) if field.type == "body_map" and value else rich(shown)
        rows.append(
            f"<tr><th align=left valign=top>{escape(field.label)}</th><td>{text}{note}</td></tr>"
        )
    recorded = moment_text(entry.recorded_at)
    html = [
        f"<h2>{entry.ref} · {entry.kind.label}</h2>",
        f"<p>Recorded by <b>{escape(entry.author_label)}</b> on {recorded}. "
        f"Status: <b>{entry.status.label}</b>.</p>",
        "<table cellspacing=6>",
        *rows,
        "</table>",
    ]
    if entry.amendments:
        html.append("<h3>Amendments</h3><ol>")
        for a in entry.amendments:
            amended_spec = spec(entry.kind, a.field)
            kind = amended_spec.type if amended_spec else "text"
            when = moment_text(a.at)
            html.append(
                f"<li><b>{escape(amended_spec.label if amended_spec else a.field)}</b>: "
                f"“{escape(_show(a.old_value, kind, labels))}” → "
                f"“{escape(_show(a.new_value, kind, labels))}”"
                f"<br>Reason: {rich(a.reason)} — {escape(a.author)}, {when}</li>"
            )
        html.append("</ol>")
    return "".join(html)


def _editable(field: FieldSpec, stored: str | None) -> Any:
    """A stored value as the field's box takes it: a stored moment as the local wall time
    (with which one, in the hour that happens twice), a stored yes/no as True or False."""
    if stored is None or stored == "":
        return None
    if field.type == "datetime":
        local = local_time.to_local(datetime.fromisoformat(stored))
        wall = local.replace(tzinfo=None)
        if local_time.is_ambiguous(wall):
            reading = local_time.read_local(wall)
            first = reading is not None and reading.first.utcoffset() == local.utcoffset()
            return f"{wall.isoformat()} {'first' if first else 'second'}"
        return wall.isoformat()
    if field.type == "bool":
        return stored == "true"
    return stored


class RecordView(QWidget):
    back = Signal()

    def __init__(self, session: Session, labels: dict[str, dict[str, str]]) -> None:
        super().__init__()
        self.session = session
        self.labels = labels
        self.entry: StoredEntry | None = None
        # The list values still in use, read once per record shown, at its first amend.
        self._in_use: dict[str, list[tuple[str, str]]] | None = None
        back = QPushButton("← &Back")
        back.clicked.connect(self.back)
        # The letter to the parent after a physical intervention (what the 2025 guidance says
        # they must be told), written off the UI thread as the chronology's PDF is.
        self.letter_button = QPushButton("Parent &letter (PDF)…")
        self.letter_button.setToolTip(
            "Save a letter to the parent or carer saying when, where and how long, the kind "
            "and degree of force, injuries and why"
        )
        self.letter_button.clicked.connect(self.choose_letter_file)
        self.letter_button.hide()
        self.letter_status = QLabel()
        self.letter_status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(back)
        top.addWidget(self.letter_button)
        # Scanned notes, letters, photographs: for members who may read the record (in a
        # window of their own: the page has no room left at 1366x768).
        self.attachments = AttachmentsDialog(session, self)
        self.attachments.panel.changed.connect(self._count_attachments)
        self.attachments_button = QPushButton("Attac&hments…")
        self.attachments_button.clicked.connect(self.show_attachments)
        self.attachments_button.hide()
        top.addWidget(self.attachments_button)
        top.addWidget(self.letter_status, 1)
        self.body = QTextBrowser()
        self.amend_box = QGroupBox("Correct this record (an amendment; the original is kept)")
        self.field = QComboBox()
        self.field.setAccessibleName("Field to correct")
        self.field.currentIndexChanged.connect(self._field_chosen)
        # The new value is typed in the field's own box, as on the form: long text in a
        # multi-line box, a list's own choices, a date and time in its two boxes.
        self.value: FieldInput | None = None
        self.value_holder = QWidget()
        self.value_layout = QVBoxLayout(self.value_holder)
        self.value_layout.setContentsMargins(0, 0, 0, 0)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for the correction")
        self.reason.setPlaceholderText("Why the record is being corrected (required)")
        self.amend_button = QPushButton("&Amend")
        self.amend_button.clicked.connect(self.amend)
        self.message = QLabel()
        self.message.setWordWrap(True)
        form = QFormLayout(self.amend_box)
        for text, widget in (("&Field", self.field), ("&Reason *", self.reason)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
            if widget is self.field:
                form.addRow("New value", self.value_holder)
        form.addRow(self.amend_button, self.message)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addLayout(top)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.amend_box)

    def show_entry(self, ref: str) -> None:
        """Opens (and audits opening) the record; raises if this user may not."""
        entry = records.open_record(self.session, ref)
        self.entry = entry
        self._in_use = None
        self.body.setHtml(record_html(entry, self.labels))
        self.attachments.close()
        self._count_attachments()
        may_amend = entry.author == self.session.user.username or self.session.user.can(
            Permission.AMEND_ANY
        )
        self.amend_box.setVisible(may_amend)
        # For those who read behaviour records (the service checks again, with the key).
        self.letter_button.setVisible(
            entry.kind is Kind.INTERVENTION and self.session.user.can(Permission.READ_BEHAVIOUR)
        )
        self.letter_button.setEnabled(True)
        self.letter_status.clear()
        self.field.blockSignals(True)
        self.field.clear()
        for field in FIELDS[entry.kind]:
            self.field.addItem(field.label, field.name)
        self.field.blockSignals(False)
        self._field_chosen()
        self.reason.clear()
        self.message.clear()

    def _count_attachments(self) -> None:
        if self.entry is None:
            return
        shown = attachments.may_attach(self.session, self.entry.kind)
        self.attachments_button.setVisible(shown)
        if shown:
            count = len(attachments.listed(self.session, self.entry.ref))
            self.attachments_button.setText(f"Attac&hments ({count})…")

    def show_attachments(self) -> None:
        if self.entry is None:
            return
        self.attachments.show_record(self.entry.ref)
        self.attachments.show()
        self.attachments.activateWindow()

    def _field_chosen(self) -> None:
        """The chosen field's own box, holding what the record says now."""
        if self.value is not None:
            self.value_layout.removeWidget(self.value)
            self.value.deleteLater()
            self.value = None
        if self.entry is None:
            return
        field = spec(self.entry.kind, self.field.currentData() or "")
        if field is None:
            return
        # Only values still in use are offered (a retired one would be refused); the labels
        # of retired ones stay for showing what older records say.
        if self._in_use is None:
            self._in_use = lists.choices(self.session)
        active = self._in_use.get(list_for(field), [])
        choices = active or list(self.labels.get(list_for(field), {}).items())
        self.value = FieldInput(field, choices, may_be_blank=True, yes_no=True, compact=True)
        self.value.set_value(_editable(field, self.entry.current().get(field.name)))
        self.value_layout.addWidget(self.value)
        self.value.show()  # at once (a child added to a shown widget is shown only later)
        QWidget.setTabOrder(self.field, self.value)
        QWidget.setTabOrder(self.value, self.reason)

    def typed_value(self) -> Any:
        """The new value as the service takes it (what the form would send)."""
        assert self.value is not None
        return self.value.value()

    def amend(self) -> None:
        if self.entry is None or self.value is None:
            return
        if problem := self.value.problem():
            self.value.show_error(problem)
            self.message.setText("")
            self.value.setFocus()
            return
        self.value.show_error(None)
        try:
            amendments.amend(
                self.session,
                self.entry.ref,
                self.field.currentData(),
                self.typed_value(),
                self.reason.text(),
            )
        except Exception as exc:
            self.message.setText(user_message(exc))
            return
        self.show_entry(self.entry.ref)
        self.message.setText("Amended. The original value is kept and shown above.")

    # --- the parent letter ------------------------------------------------------------------

    def choose_letter_file(self) -> None:
        if self.entry is None:
            return
        suggested = Path.home() / f"Parent letter {self.entry.ref}.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the letter to the parent as", str(suggested), "PDF (*.pdf)"
        )
        if path:
            self.write_letter(Path(path))

    def write_letter(self, target: Path) -> None:
        """Writes the letter off the UI thread; says where it went, or why not."""
        if self.entry is None:
            return
        self.letter_button.setEnabled(False)
        self.letter_status.setText("Writing the letter…")
        tasks.run(parent_letter.write_letter, self.session, self.entry.ref, target).on_success(
            self._letter_done
        ).on_error(self._letter_failed)

    def _letter_done(self, written: parent_letter.LetterWritten) -> None:
        self.letter_button.setEnabled(True)
        what = counted(
            written.masked,
            "name, pupil number or date of birth",
            "names, pupil numbers or dates of birth",
        )
        left_out = f" Left out of staff's words: {what} of other pupils." if written.masked else ""
        left_out += " Read it before you send it."
        self.letter_status.setText(f"Saved the letter to the parent as {written.path}.{left_out}")

    def _letter_failed(self, exc: BaseException) -> None:
        self.letter_button.setEnabled(True)
        # The service's problems in its words, without its internal names ("file: …").
        said = "; ".join(exc.problems.values()) if isinstance(exc, ValidationError) else ""
        self.letter_status.setText(
            f"Letter not saved: {said or user_message(exc)}.".replace("..", ".")
        )
