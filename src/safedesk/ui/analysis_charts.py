"""The Reports page's charts, drawn on a worker thread: one job per breakdown, sized in the
page's logical pixels at the screen's pixel ratio and text size, handed back one by one as
QImages (safe off the UI thread; the page turns each into a pixmap as it arrives)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtGui import QImage

from safedesk.services import charts
from safedesk.services.charts import ChartSize
from safedesk.ui.analysis_figures import Breakdown, Chart

CHART_WIDTH = 430  # logical pixels at Normal text: beside its table in the laptop's 900 px
NORMAL_POINTS = 10.5  # the text size those sizes are drawn for (theme.py's Normal)
PERIODS_HEIGHT = 210
WEEKS_HEIGHT = 230
BAR_ROW = 26  # a horizontal bar and its gap, its label on one line
WRAPPED_ROW = 40  # its label on two lines
WRAP_AT = 30  # characters: charts.horizontal_bar_chart wraps longer labels


@dataclass(frozen=True)
class ChartJob:
    key: str
    breakdown: Breakdown
    width: int  # logical pixels
    height: int
    scale: float  # device pixel ratio
    font_points: float

    @property
    def size(self) -> ChartSize:
        return ChartSize.from_pixels(
            self.width, self.height, scale=self.scale, font_points=self.font_points
        )


def text_scale(font_points: float) -> float:
    """Charts grow with the text (the person's Text size), within bounds."""
    return min(1.5, max(0.85, font_points / NORMAL_POINTS))


def chart_width(font_points: float) -> int:
    return round(CHART_WIDTH * text_scale(font_points))


def chart_height(breakdown: Breakdown, font_points: float = NORMAL_POINTS) -> int:
    """How tall a breakdown's chart is (logical pixels), 0 for none."""
    grow = text_scale(font_points)
    if breakdown.chart is Chart.NONE:
        return 0
    if breakdown.chart is Chart.WEEKS:
        return round(WEEKS_HEIGHT * grow)
    if breakdown.chart is Chart.PERIODS:
        return round(PERIODS_HEIGHT * grow)
    labels = [row.label for row in breakdown.rows]
    if charts.wants_horizontal(labels):
        rows = sum(WRAPPED_ROW if len(label) > WRAP_AT else BAR_ROW for label in labels)
        return round(max(140, min(560, 44 + rows)) * grow)
    return round(PERIODS_HEIGHT * grow)


def job_for(breakdown: Breakdown, scale: float, font_points: float) -> ChartJob | None:
    height = chart_height(breakdown, font_points)
    if not height or not breakdown.rows:  # nothing to draw: the page says "None"
        return None
    width = chart_width(font_points)
    return ChartJob(breakdown.key, breakdown, width, height, scale, font_points)


def draw(job: ChartJob) -> bytes:
    """The job's chart as PNG bytes."""
    b = job.breakdown
    if b.chart is Chart.CATEGORY:
        return charts.category_chart([(r.label, r.count) for r in b.rows], job.size)
    labels = [r.short or r.label for r in b.rows]
    values = [r.count for r in b.rows]
    if b.chart is Chart.WEEKS:
        # Holidays and weeks so far are gaps in the line, not falls to nothing.
        return charts.series_chart(labels, b.plotted(), job.size, style="line")
    return charts.series_chart(labels, values, job.size, style="bars")


def image_of(png: bytes, scale: float) -> QImage:
    image = QImage.fromData(png)
    image.setDevicePixelRatio(scale)
    return image


def page_points() -> float:
    """The point size of the application's text (on the UI thread)."""
    from PySide6.QtWidgets import QApplication

    points = QApplication.font().pointSizeF()
    return max(points, 7.0) if points > 0 else 9.0


def draw_all(
    jobs: Sequence[ChartJob],
    deliver: Callable[[str, QImage], None],
    stop: threading.Event,
) -> int:
    """Draws each job in turn (on a worker thread) and hands it to ``deliver`` (which must
    queue it to the UI thread); stops early when ``stop`` is set (a newer load began).
    Returns how many were drawn."""
    drawn = 0
    for job in jobs:
        if stop.is_set():
            break
        deliver(job.key, image_of(draw(job), job.scale))
        drawn += 1
    return drawn
