"""One record in full: current values, the original where amended, and every amendment."""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from safedesk.domain import local_time
from safedesk.domain.entries import FIELDS, StoredEntry, spec
from safedesk.domain.roles import Permission
from safedesk.services import amendments, records
from safedesk.services.session import Session
from safedesk.ui.errors import user_message


def _show(value: str | None, field_type: str) -> str:
    if value is None or value == "":
        return "—"
    if field_type == "datetime":
        return local_time.shown(datetime.fromisoformat(value))
    if field_type == "bool":
        return "Yes" if value == "true" else "No"
    return value


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
        shown = _show(value, field.type)
        if field.list_name and value:
            shown = labels.get(field.list_name, {}).get(value, value)
        note = " <i>(amended)</i>" if field.name in amended else ""
        text = escape(shown).replace("\n", "<br>")
        rows.append(
            f"<tr><th align=left valign=top>{escape(field.label)}</th><td>{text}{note}</td></tr>"
        )
    recorded = entry.recorded_at.astimezone().strftime("%d/%m/%Y %H:%M")
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
            when = a.at.astimezone().strftime("%d/%m/%Y %H:%M")
            html.append(
                f"<li><b>{escape(amended_spec.label if amended_spec else a.field)}</b>: "
                f"“{escape(_show(a.old_value, kind))}” → “{escape(_show(a.new_value, kind))}”"
                f"<br>Reason: {escape(a.reason)} — {escape(a.author)}, {when}</li>"
            )
        html.append("</ol>")
    return "".join(html)


class RecordView(QWidget):
    back = Signal()

    def __init__(self, session: Session, labels: dict[str, dict[str, str]]) -> None:
        super().__init__()
        self.session = session
        self.labels = labels
        self.entry: StoredEntry | None = None
        back = QPushButton("← &Back")
        back.clicked.connect(self.back)
        self.body = QTextBrowser()
        self.amend_box = QGroupBox("Correct this record (an amendment; the original is kept)")
        self.field = QComboBox()
        self.value = QLineEdit()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why the record is being corrected (required)")
        self.amend_button = QPushButton("&Amend")
        self.amend_button.clicked.connect(self.amend)
        self.message = QLabel()
        self.message.setWordWrap(True)
        form = QFormLayout(self.amend_box)
        form.addRow("Field", self.field)
        form.addRow("New value", self.value)
        form.addRow("Reason *", self.reason)
        form.addRow(self.amend_button, self.message)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(back, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.amend_box)

    def show_entry(self, ref: str) -> None:
        """Opens (and audits opening) the record; raises if this user may not."""
        entry = records.open_record(self.session, ref)
        self.entry = entry
        self.body.setHtml(record_html(entry, self.labels))
        may_amend = entry.author == self.session.user.username or self.session.user.can(
            Permission.AMEND_ANY
        )
        self.amend_box.setVisible(may_amend)
        self.field.clear()
        for field in FIELDS[entry.kind]:
            self.field.addItem(field.label, field.name)
        self.value.clear()
        self.reason.clear()
        self.message.clear()

    def typed_value(self) -> str:
        """The new value as the service takes it: list labels and DD/MM/YYYY times allowed."""
        text = self.value.text().strip()
        assert self.entry is not None
        field = spec(self.entry.kind, self.field.currentData())
        if field and field.list_name:
            by_label = {
                label.casefold(): v for v, label in self.labels.get(field.list_name, {}).items()
            }
            return by_label.get(text.casefold(), text)
        if field and field.type == "datetime":
            for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%Y"):
                try:
                    return datetime.strptime(text, pattern).isoformat()
                except ValueError:
                    continue
        return self.value.text()

    def amend(self) -> None:
        if self.entry is None:
            return
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
