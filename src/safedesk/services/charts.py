"""Charts for the screens: the same builders the leaders' PDFs use (``reports.charts``),
reached through services as the layers require (ui never imports reports). matplotlib is
imported only when a chart is drawn."""

from __future__ import annotations

from safedesk.reports.charts import (
    ChartSize,
    bar_chart,
    category_chart,
    horizontal_bar_chart,
    series_chart,
    wants_horizontal,
)

__all__ = [
    "ChartSize",
    "bar_chart",
    "category_chart",
    "horizontal_bar_chart",
    "series_chart",
    "wants_horizontal",
]
