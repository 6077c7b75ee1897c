"""Reports: time-to-action figures, and where chronologies are found."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from safedesk.services.session import Session
from safedesk.ui.figures_panel import FiguresPanel
from safedesk.ui.page_parts import add_heading


class ReportsPage(QWidget):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.figures = FiguresPanel(session)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        add_heading(
            layout,
            "Reports",
            "How quickly concerns were acted on, per urgency, for any dates. A pupil's "
            "chronology, and its PDF for social care or a new school, is on the pupil's page "
            "(Pupils, then Chronology).",
        )
        layout.addWidget(self.figures)
        layout.addStretch(1)
        self.figures.refresh()  # this school year so far, without a click
