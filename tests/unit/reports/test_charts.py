"""Chart builders: PNG bytes of the size asked, drawn from plain figures, readable in greyscale,
any label drawn as written; matplotlib only loaded when a chart is drawn."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import threading

import pytest
from PIL import Image, ImageChops

from safedesk.reports import charts
from safedesk.reports.charts import ChartSize

SMALL = ChartSize.from_pixels(320, 180, font_points=9)
TRIGGERS = [
    ("Transition (between lessons, places or activities)", 12),
    ("Conflict with another pupil", 7),
    ("Not recorded", 3),
]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_each_chart_is_a_png_of_the_size_asked() -> None:
    sharp = ChartSize.from_pixels(320, 180, scale=2, font_points=10.5)
    weeks = ["2026-W45", "2026-W46", "2026-W47"]
    drawn = [
        charts.bar_chart([("Mon", 3), ("Tue", 0)], sharp),
        charts.horizontal_bar_chart(TRIGGERS, sharp),
        charts.category_chart(TRIGGERS, sharp, title="By trigger", value_name="Incidents"),
        charts.series_chart(weeks, [4, 2, 5], sharp, comparison=[3, 3, 6], target=4),
        charts.series_chart(weeks, [4, 2, 5], sharp, style="bars", comparison=[1, 2, 3]),
        charts.series_chart(weeks, [4, 2, 5], sharp, name="Incidents", target=[None, 5, 4]),
    ]
    for data in drawn:
        assert png_size(data) == (640, 360)
    assert ChartSize(6, 3, dpi=200).pixels == (1200, 600)


def test_nothing_to_draw_says_so_instead_of_an_empty_frame() -> None:
    for data in (
        charts.bar_chart([], SMALL),
        charts.category_chart([("Mon", 0), ("Tue", 0)], SMALL),
        charts.series_chart([], [], SMALL),
    ):
        image = Image.open(io.BytesIO(data)).convert("L")
        assert png_size(data) == (320, 180)
        assert any(image.histogram()[:128])  # words drawn, not a blank picture


@pytest.mark.parametrize("label", [r"$\frac{$", "Cost $5 and $6", "$x^2$"])
def test_a_label_is_drawn_as_written_never_as_mathematics(label: str) -> None:
    # matplotlib reads text between dollar signs as notation: the first one raised.
    charts.bar_chart([(label, 2)], SMALL)
    charts.horizontal_bar_chart([(label, 2)], SMALL)
    charts.series_chart([label], [1], SMALL, name=label, comparison=[2], comparison_name=label)


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    red, green, blue = linear
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: str, two: str) -> float:
    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_greys_tell_apart_without_colour() -> None:
    # Bars against the page, the text on the page, the period before against this period.
    assert contrast(charts.BAR, "#ffffff") >= 4.5
    assert contrast(charts.INK, "#ffffff") >= 7
    assert contrast(charts.SOFT, charts.INK) >= 3
    assert contrast(charts.SOFT, "#ffffff") >= 2
    # Printed in greyscale, the chart holds only greys and white (nothing lost in colour).
    data = charts.series_chart(["a", "b"], [1, 2], SMALL, style="bars", comparison=[2, 1])
    red, green, blue = Image.open(io.BytesIO(data)).convert("RGB").split()
    high = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    low = ImageChops.darker(ImageChops.darker(red, green), blue)
    assert not any(ImageChops.subtract(high, low).histogram()[33:])  # of 255: blue-greys at most


def test_charts_draw_on_several_threads_at_once() -> None:
    found: list[bytes] = []
    errors: list[BaseException] = []

    def draw() -> None:
        try:
            for _ in range(3):
                found.append(charts.category_chart(TRIGGERS, SMALL))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=draw) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(found) == 9 and len(set(found)) == 1  # the same picture every time


def test_matplotlib_is_loaded_only_when_a_chart_is_drawn() -> None:
    script = (
        "import sys\n"
        "import safedesk.reports.charts, safedesk.app, safedesk.ui.main_window\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_weekly_line_with_gaps_is_drawn_and_ends_on_its_last_real_figure() -> None:
    """Holidays and a week so far are NaN: gaps in the line, never the axis's top or the
    figure written at the end ("nan")."""
    import math

    from safedesk.reports import charts as chart_builders

    size = chart_builders.ChartSize.from_pixels(400, 200)
    for values in ([1.0, math.nan, 2.0], [math.nan, 3.0, math.nan], [2.0, 1.0, math.nan]):
        png = chart_builders.series_chart(["a", "b", "c"], values, size, style="line")
        assert png.startswith(b"\x89PNG")
