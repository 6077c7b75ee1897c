"""Charts as PNG bytes, from plain numbers: bars by category, and a weekly (or monthly) series
with the period before and a target line. Shared by the Reports page, targets and the
governors' report.

Readable in greyscale and for people who cannot tell colours apart: greys, hatching, markers
and every figure written beside its bar or point. Built on ``matplotlib.figure.Figure`` with
the Agg canvas, never pyplot (which is not thread-safe): these run on worker threads.
matplotlib is imported inside the functions, so importing this module costs nothing and the
program starts without it.

Sizes: ``ChartSize`` in inches at a dpi, and the text in points, like the page or screen the
chart goes on: ``ChartSize.from_pixels`` for a widget (96 dpi times its device pixel ratio),
any size and dpi for a PDF.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SCREEN_DPI = 96.0  # what Qt calls a logical inch: 1 pt of text is 96/72 px on screen

INK = "#1f2933"  # text, axes, the main series
BAR = "#52606d"  # a grey dark enough for white figures, light enough for black ones
SOFT = "#9aa5b1"  # the period before
GRID = "#d9dee4"
EMPTY_TEXT = "Nothing recorded in these dates."


@dataclass(frozen=True)
class ChartSize:
    """How large a chart is drawn: ``width`` x ``height`` inches at ``dpi``, its text at
    ``font_points`` (the text of the screen or page it goes on)."""

    width: float = 6.0
    height: float = 3.0
    dpi: float = SCREEN_DPI
    font_points: float = 9.0

    @classmethod
    def from_pixels(
        cls, width: int, height: int, *, scale: float = 1.0, font_points: float = 9.0
    ) -> ChartSize:
        """``width`` x ``height`` logical pixels of a widget, drawn at ``scale`` (its device
        pixel ratio) so the picture is sharp; text the size of the widget's own."""
        return cls(width / SCREEN_DPI, height / SCREEN_DPI, SCREEN_DPI * scale, font_points)

    @property
    def pixels(self) -> tuple[int, int]:
        """The PNG's size in pixels."""
        return round(self.width * self.dpi), round(self.height * self.dpi)


Bars = Sequence[tuple[str, float]]  # (label, value) in the order drawn


def category_chart(bars: Bars, size: ChartSize, *, title: str = "", value_name: str = "") -> bytes:
    """Counts by category: horizontal bars when the labels are long or many (they stay
    readable, never turned on their side), upright bars otherwise."""
    chart = horizontal_bar_chart if wants_horizontal([label for label, _ in bars]) else bar_chart
    return chart(bars, size, title=title, value_name=value_name)


def wants_horizontal(labels: Sequence[str]) -> bool:
    """Whether ``category_chart`` draws these across (long or many labels): callers size the
    picture by it (taller for more bars)."""
    return any(len(label) > 14 for label in labels) or len(labels) > 8


def bar_chart(bars: Bars, size: ChartSize, *, title: str = "", value_name: str = "") -> bytes:
    """Upright bars, one per category, each with its figure above it."""
    figure, axes = _figure(size, title)
    if not _any(bars):
        return _empty(figure, axes, size)
    points = size.font_points
    labels = [_wrap(label, 12) for label, _ in bars]
    values = [value for _, value in bars]
    positions = list(range(len(values)))
    drawn = axes.bar(positions, values, color=BAR, edgecolor=INK, linewidth=0.6, width=0.7)
    figures = [_figure_text(v) for v in values]
    axes.bar_label(drawn, labels=figures, padding=2, color=INK, fontsize=points)
    axes.set_xticks(positions, labels)
    _value_axis(axes, values, "y", value_name, points)
    _tidy(axes, grid="y")
    _place(figure, axes, size, title=bool(title))
    return _png(figure)


def horizontal_bar_chart(
    bars: Bars, size: ChartSize, *, title: str = "", value_name: str = ""
) -> bytes:
    """Bars across the chart, the first at the top, for long labels (a trigger's or a hold's
    name): the label on the left, wrapped, and the figure at the bar's end."""
    figure, axes = _figure(size, title)
    if not _any(bars):
        return _empty(figure, axes, size)
    points = size.font_points
    labels = [_wrap(label, 30) for label, _ in bars]
    values = [value for _, value in bars]
    positions = list(range(len(values)))
    drawn = axes.barh(positions, values, color=BAR, edgecolor=INK, linewidth=0.6, height=0.7)
    figures = [_figure_text(v) for v in values]
    axes.bar_label(drawn, labels=figures, padding=3, color=INK, fontsize=points)
    axes.set_yticks(positions, labels)
    axes.set_ylim(len(values) - 0.5, -0.5)  # the list's order, top down
    _value_axis(axes, values, "x", value_name, points)
    _tidy(axes, grid="x")
    _place(figure, axes, size, title=bool(title), figures_right=max(values, default=0))
    return _png(figure)


def series_chart(
    labels: Sequence[str],
    values: Sequence[float],
    size: ChartSize,
    *,
    style: Literal["bars", "line"] = "line",
    name: str = "",
    comparison: Sequence[float] | None = None,
    comparison_name: str = "The period before",
    target: float | Sequence[float | None] | None = None,
    target_name: str = "Target",
    title: str = "",
    value_name: str = "",
) -> bytes:
    """A figure per week (or month, or term) in order, as bars or a line with markers; the
    same weeks of the period before (``comparison``, the same length, drawn lighter and
    hatched or dashed) and a target (one figure, or one per point with None where there is
    none), each named in a legend, and the last point's figure written beside it."""
    figure, axes = _figure(size, title)
    if not labels:
        return _empty(figure, axes, size)
    points = size.font_points
    positions = list(range(len(labels)))
    values = list(values)[: len(positions)]
    before = None if comparison is None else list(comparison)[: len(positions)]
    handles: list[Any] = []
    if style == "bars":
        width = 0.8 if before is None else 0.4
        offset = 0.0 if before is None else width / 2
        if before is not None:
            handles.append(
                axes.bar(
                    [p - offset for p in positions[: len(before)]],
                    before,
                    width=width,
                    color="white",
                    edgecolor=BAR,
                    hatch="////",
                    linewidth=0.6,
                    label=_plain(comparison_name),
                )
            )
        drawn = axes.bar(
            [p + offset for p in positions[: len(values)]],
            values,
            width=width,
            color=BAR,
            edgecolor=INK,
            linewidth=0.6,
            label=_plain(name) if name else None,
        )
        if len(positions) <= 16:  # more, and the figures would run into each other
            figures = [_figure_text(v) for v in values]
            axes.bar_label(drawn, labels=figures, padding=2, color=INK, fontsize=points)
        if name:
            handles.append(drawn)
    else:
        marker = "o" if len(positions) <= 30 else None
        if before is not None:
            (line,) = axes.plot(
                positions[: len(before)],
                before,
                color=SOFT,
                linestyle="--",
                marker="s" if marker else None,
                markersize=3.5,
                linewidth=1.4,
                label=_plain(comparison_name),
            )
            handles.append(line)
        (line,) = axes.plot(
            positions[: len(values)],
            values,
            color=INK,
            marker=marker,
            markersize=4,
            linewidth=1.8,
            label=_plain(name) if name else None,
        )
        if name:
            handles.append(line)
        # The last real figure (a gap - a holiday, a week so far - is NaN and not drawn).
        real = [(i, v) for i, v in enumerate(values) if not math.isnan(v)]
        if real:
            last_at, last = real[-1]
            axes.annotate(
                _figure_text(last),
                (last_at, last),
                xytext=(4, 4),
                textcoords="offset points",
                color=INK,
                fontsize=points,
            )
    top = [*values, *(before or [])]
    if target is not None:
        goal = [target] * len(positions) if isinstance(target, int | float) else list(target)
        marks = [(p, g) for p, g in zip(positions, goal, strict=False) if g is not None]
        if marks:
            (line,) = axes.plot(
                [p for p, _ in marks],
                [g for _, g in marks],
                color=INK,
                linestyle=":",
                linewidth=1.6,
                label=_plain(target_name),
            )
            handles.append(line)
            top.extend(g for _, g in marks)
    axes.set_xticks(positions, [_plain(label) for label in labels])
    _thin_ticks(axes, len(positions), size)
    _value_axis(axes, top, "y", value_name, points)
    _tidy(axes, grid="y")
    rows = 0
    if handles:
        # Under the chart, never over a line: across when the names fit, else one a row.
        names = [h.get_label() for h in handles]
        across = sum(len(n) * 0.6 * points + 36 for n in names) < size.width * 72
        rows = 1 if across else len(handles)
        figure.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0, 0),
            frameon=False,
            ncols=len(handles) if across else 1,
            fontsize=points,
            borderaxespad=0.2,
        )
    _place(figure, axes, size, title=bool(title), legend_rows=rows)
    return _png(figure)


# --- the parts every chart shares ------------------------------------------------------------


def _figure(size: ChartSize, title: str) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(size.width, size.height), dpi=size.dpi)
    figure.set_facecolor("white")
    axes = figure.add_subplot()
    axes.tick_params(labelsize=size.font_points, colors=INK, length=3)
    if title:
        axes.set_title(_plain(title), fontsize=size.font_points * 1.1, color=INK, loc="left")
    return figure, axes


def _place(
    figure: Figure,
    axes: Axes,
    size: ChartSize,
    *,
    title: bool = False,
    legend_rows: int = 0,
    figures_right: float | None = None,
) -> None:
    """Margins from the measured size of the labels, so nothing is cut and no layout engine
    runs (it draws the chart twice more: half the time of a chart)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.font_manager import FontProperties

    renderer = FigureCanvasAgg(figure).get_renderer()  # type: ignore[no-untyped-call]
    font = FontProperties(size=size.font_points)
    points = size.dpi / 72  # pixels a point

    def extent(text: str) -> tuple[float, float]:
        lines = text.split("\n") or [""]
        widths = [
            renderer.get_text_width_height_descent(line, font, ismath=False)[0] for line in lines
        ]
        return max(widths, default=0.0), len(lines) * size.font_points * 1.25 * points

    def numbers(axis: Any) -> list[str]:
        low, high = axis.get_view_interval()
        ticks = [t for t in axis.get_major_locator()() if low <= t <= high]
        return [str(text) for text in axis.get_major_formatter().format_ticks(ticks)]

    gap = (3 + 3.5) * points  # tick length and the label's pad
    pad = 4 * points
    width, height = size.pixels
    if figures_right is not None:  # across: names on the left, numbers under the bars
        names = [t.get_text() for t in axes.get_yticklabels()]
        left = max((extent(n)[0] for n in names), default=0.0) + gap + pad
        bottom = max((extent(n)[1] for n in numbers(axes.xaxis)), default=0.0) + gap + pad
        right = extent(_figure_text(figures_right))[0] + 3 * points + pad
        if axes.get_xlabel():
            bottom += extent(axes.get_xlabel())[1]
    else:
        shown = [t.get_text() for t in axes.get_xticklabels() if t.get_visible()]
        left = max((extent(n)[0] for n in numbers(axes.yaxis)), default=0.0) + gap + pad
        bottom = max((extent(n)[1] for n in shown), default=0.0) + gap + pad
        right = pad + extent("0000")[0] / 2  # the last point's figure, a label's half
        if axes.get_ylabel():
            left += extent(axes.get_ylabel())[1]
        bottom += legend_rows * size.font_points * 1.6 * points
    top = pad + (size.font_points * 1.1 * 1.6 * points if title else size.font_points * points)
    figure.subplots_adjust(
        left=min(left / width, 0.6),
        right=max(1 - right / width, 0.65),
        bottom=min(bottom / height, 0.6),
        top=max(1 - top / height, 0.65),
    )


def _tidy(axes: Axes, *, grid: Literal["x", "y"]) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(INK)
        axes.spines[side].set_linewidth(0.6)
    axes.grid(axis=grid, color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)


def _value_axis(
    axes: Axes, values: Sequence[float], which: Literal["x", "y"], name: str, points: float
) -> None:
    """Whole numbers on the value axis, from 0, with room past the highest for its figure."""
    from matplotlib.ticker import MaxNLocator

    highest = max([0.0, *(float(v) for v in values if not math.isnan(float(v)))])
    limit = max(1.0, highest * 1.15)
    if which == "y":
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        axes.set_ylim(0, limit)
        if name:
            axes.set_ylabel(_plain(name), fontsize=points, color=INK)
    else:
        axes.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        axes.set_xlim(0, limit)
        if name:
            axes.set_xlabel(_plain(name), fontsize=points, color=INK)


def _thin_ticks(axes: Axes, count: int, size: ChartSize) -> None:
    """Every label when they fit across, else every n-th (the first always); room for the
    longest label (weeks over several years carry their year: "16 Nov 2026")."""
    longest = max((len(label.get_text()) for label in axes.get_xticklabels()), default=8)
    room = size.width * 72 / (size.font_points * max(5.0, 0.7 * longest + 1.0))
    step = max(1, math.ceil(count / max(room, 1.0)))
    for index, label in enumerate(axes.get_xticklabels()):
        label.set_visible(index % step == 0)


def _empty(figure: Figure, axes: Axes, size: ChartSize) -> bytes:
    axes.set_axis_off()
    axes.text(0.5, 0.5, EMPTY_TEXT, ha="center", va="center", color=INK, fontsize=size.font_points)
    return _png(figure)


def _png(figure: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    out = io.BytesIO()
    canvas.print_png(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def _any(bars: Bars) -> bool:
    return any(value for _, value in bars)


def _figure_text(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _plain(text: str) -> str:
    """Text drawn as it is: a $ would start mathematical notation in matplotlib."""
    return text.replace("$", r"\$")


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(_plain(text), width, max_lines=2, placeholder="…")) or " "
