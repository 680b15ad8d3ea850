"""Small SVG charts rendered on the server: bars (grouped or stacked) and lines; ranked bar
lists, donuts and sparklines are in :mod:`tracker.reports.chart_kinds`.

Why server-side SVG and not a browser chart library (ECharts): the same markup goes into the
HTML report, the PDF (WeasyPrint draws inline SVG and runs no JavaScript) and the dashboards;
the pages run under a strict Content-Security-Policy (no inline script or style) and load
nothing from a CDN. So no chart library is shipped to the browser at all.

Rules every chart here keeps:

- Counts get integer axes: ticks are whole numbers that never repeat; percent axes run
  0–100 %. Values are labelled as counts (``12``), never ``0.2 件``.
- Text is readable where the chart is shown: ``text`` is the font size in viewBox units, and
  the SVG scales to its container (``viewBox``, ``width="100%"``); callers pick ``width`` and
  ``text`` so that ``text × displayed width ÷ width`` is at least 12 px (see
  :func:`displayed_font`). Crowded category labels are thinned, never overlapped.
- One palette: the sentiment colours (正面 green, 中性 grey, 负面 red) and a fixed series
  order (:data:`PALETTE`).
- An empty chart says why it is empty (``empty=``), not just 暂无数据.
- Every chart has a ``<title>`` and an ``aria-label``; marks may link to the list behind them
  (``Series.links``, ``label_links``) through SVG ``<a href>``.

Every text is XML-escaped here; callers may insert the result as trusted markup.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

FONT = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
#: Series colours, in order: blue, red, green, amber, purple, grey.
PALETTE = ("#1f6feb", "#b42318", "#1a7f37", "#9a6700", "#8250df", "#57606a")
#: Sentiment colours, the same on every chart and page.
POSITIVE, NEUTRAL, NEGATIVE, UNKNOWN = "#1a7f37", "#8c959f", "#b42318", "#d0d7de"
INK, MUTED, GRID = "#1f2328", "#57606a", "#d0d7de"
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 56, 52, 64
#: The smallest font, in CSS pixels, a label may be shown at.
MIN_FONT_PX = 12
DEFAULT_EMPTY = "暂无数据"


@dataclass(frozen=True)
class Series:
    """A named row of values (``None`` for a missing value) drawn in one colour; ``links``
    (optional, one per value) makes each mark a link to the list behind it."""

    name: str
    values: Sequence[float | None]
    color: str | None = None
    links: Sequence[str | None] | None = None

    def link(self, index: int) -> str | None:
        """The link of value ``index``, if any."""
        return self.links[index] if self.links and index < len(self.links) else None


def displayed_font(text: float, width: float, displayed_width: float) -> float:
    """The font size in CSS pixels of ``text`` (viewBox units) when a chart ``width`` wide is
    shown ``displayed_width`` pixels wide."""
    return text * displayed_width / width


def nice_ticks(maximum: float, count: int = 5, *, integer: bool = False,
               percent: bool = False) -> list[float]:
    """Round, distinct tick values from 0 to at least ``maximum``; ``integer`` keeps the
    step a whole number (counts), ``percent`` gives 0–100 % in steps of 20 %."""
    if percent:
        return [i / 5 for i in range(6)]
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integer:
        step = max(1, math.ceil(step))
        if step > 2 and str(step)[0] not in "125":  # 3, 4, 30 ... -> 5, 5, 50
            step = next(m * 10 ** (len(str(step)) - 1) for m in (2, 5, 10)
                        if m * 10 ** (len(str(step)) - 1) >= step)
    return [step * i for i in range(int(math.ceil(maximum / step - 1e-9)) + 1)]


def decimals(ticks: Sequence[float]) -> int:
    """How many decimals tell the ticks apart (0 for whole steps)."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    for places in range(4):
        if abs(round(step, places) - step) < 1e-9:
            return places
    return 3


def fmt(value: float, percent: bool = False, places: int | None = None) -> str:
    """A value as shown on a chart: ``40%``, ``1,234``, ``2.5``."""
    if percent:
        return f"{value * 100:.0f}%"
    if places is None:
        places = 0 if abs(value) >= 100 or value == int(value) else 1
    return f"{value:,.{places}f}"


_fmt = fmt  # the old private name


def link(href: str | None, body: str, label: str | None = None) -> str:
    """``body`` wrapped in an SVG link when there is an ``href``."""
    if not href:
        return body
    aria = f" aria-label={quoteattr(label)}" if label else ""
    return f'<a href={quoteattr(href)} class="chart-link"{aria}>{body}</a>'


def glyphs(label: str) -> float:
    """The width of ``label`` in ems (a CJK glyph is 1 em, other characters about 0.6)."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in str(label))


def label_step(labels: Sequence[str], band: float, text: float) -> int:
    """Show every n-th category label so that labels never overlap (CJK glyph ≈ 1 em,
    digits ≈ 0.6 em)."""
    def width(label: str) -> float:
        return sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in str(label)) * text + text * 0.8
    widest = max((width(label) for label in labels), default=text)
    return max(1, math.ceil(widest / max(band, 1e-9)))


class _Frame:
    """Plot geometry shared by bar and line charts."""

    def __init__(self, labels: Sequence[str], top: float, width: int, height: int,
                 text: int = 12, *, integer: bool = False, percent: bool = False,
                 legend_rows: int = 1, caption: bool = True) -> None:
        self.labels, self.width, self.height, self.text = list(labels), width, height, text
        self.ticks = nice_ticks(top, integer=integer, percent=percent)
        self.places = 0 if integer or percent else decimals(self.ticks)
        self.top = self.ticks[-1]
        grow = text / 12  # larger text needs wider margins
        widest = max(len(fmt(t, percent, self.places)) for t in self.ticks)
        self.x0 = max(MARGIN_LEFT * grow, text * (0.62 * widest + 1.2))
        self.x1 = width - max(MARGIN_RIGHT * grow * 0.5, text)
        self.y0 = height - text * (2.4 + 1.6 * legend_rows)
        self.y1 = MARGIN_TOP * grow if caption else text * 2
        self.band = (self.x1 - self.x0) / max(len(self.labels), 1)

    def y(self, value: float) -> float:
        """Pixel row of ``value``."""
        return self.y0 - (value / self.top) * (self.y0 - self.y1) if self.top else self.y0

    def x(self, index: int) -> float:
        """Pixel column of the middle of category ``index``."""
        return self.x0 + self.band * (index + 0.5)

    def axes(self, percent: bool, unit: str,
             label_links: Sequence[str | None] | None = None) -> list[str]:
        """Grid lines, tick labels, category labels (thinned when crowded) and the unit."""
        parts = []
        for tick in self.ticks:
            y = self.y(tick)
            parts.append(f'<line x1="{self.x0:.1f}" y1="{y:.1f}" x2="{self.x1:.1f}" '
                         f'y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
            parts.append(f'<text x="{self.x0 - self.text * 0.4:.1f}" '
                         f'y="{y + self.text / 3:.1f}" text-anchor="end" '
                         f'font-size="{self.text}" fill="{MUTED}" class="tick">'
                         f'{fmt(tick, percent, self.places)}</text>')
        step = label_step(self.labels, self.band, self.text)
        last = len(self.labels) - 1
        for i, label in enumerate(self.labels):
            # Thin from the newest label backwards: the latest category is always named.
            if (last - i) % step == 0:
                mark = (f'<text x="{self.x(i):.1f}" y="{self.y0 + self.text * 1.4:.1f}" '
                        f'text-anchor="middle" font-size="{self.text}" fill="{INK}" '
                        f'class="category">{escape(str(label))}</text>')
                href = label_links[i] if label_links and i < len(label_links) else None
                parts.append(link(href, mark))
        parts.append(f'<line x1="{self.x0:.1f}" y1="{self.y0:.1f}" x2="{self.x1:.1f}" '
                     f'y2="{self.y0:.1f}" stroke="{MUTED}" stroke-width="1.5"/>')
        if unit:
            parts.append(f'<text x="{self.x0 - self.text * 0.4:.1f}" '
                         f'y="{self.y1 - self.text * 0.8:.1f}" text-anchor="end" '
                         f'font-size="{self.text}" fill="{MUTED}">{escape(unit)}</text>')
        return parts


def _legend_layout(series: Sequence[Series], width: int, text: int) -> list[list[int]]:
    """Series indexes per legend row, wrapped to the chart's width."""
    rows: list[list[int]] = [[]]
    x, start = MARGIN_LEFT * text / 12 * 0.5, MARGIN_LEFT * text / 12 * 0.5
    for i, s in enumerate(series):
        need = text * (2.4 + 1.05 * sum(1.0 if ord(c) > 0x2E80 else 0.6 for c in s.name))
        if rows[-1] and x + need > width:
            rows.append([])
            x = start
        rows[-1].append(i)
        x += need
    return rows


def _legend(series: Sequence[Series], width: int, height: int, text: int = 12) -> list[str]:
    if len(series) < 2:
        return []
    rows = _legend_layout(series, width, text)
    parts = []
    for r, row in enumerate(rows):
        x = MARGIN_LEFT * text / 12 * 0.5
        y = height - text * (0.6 + 1.6 * (len(rows) - 1 - r))
        for i in row:
            s = series[i]
            color = s.color or PALETTE[i % len(PALETTE)]
            parts.append(f'<rect x="{x:.1f}" y="{y - text * 0.85:.1f}" width="{text}" '
                         f'height="{text}" fill="{color}"/>')
            parts.append(f'<text x="{x + text * 1.35:.1f}" y="{y:.1f}" font-size="{text}" '
                         f'fill="{INK}" class="legend">{escape(s.name)}</text>')
            x += text * (2.4 + 1.05 * sum(1.0 if ord(c) > 0x2E80 else 0.6 for c in s.name))
    return parts


def wrap(title: str, width: int, height: int, body: list[str], text: int = 12,
         *, caption: bool = True, kind: str = "") -> str:
    """The ``<svg>`` element: viewBox sized, full container width, titled for screen
    readers; ``caption`` draws the title on the chart too."""
    classes = f"chart {kind}".strip()
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="100%" role="img" aria-label={quoteattr(title)} font-family="{FONT}" '
            f'preserveAspectRatio="xMidYMid meet" class="{classes}">')
    # The title fits on one line: a long one is set smaller, never below the label size.
    room = (width - text) / max(glyphs(title), 1)
    size = max(min(text + 3, room), text)
    shown = (f'<text x="{text * 0.5:.1f}" y="{text * 1.6:.1f}" font-size="{size:.0f}" '
             f'font-weight="bold" fill="{INK}" class="chart-title">{escape(title)}</text>'
             if caption else "")
    return head + f"<title>{escape(title)}</title>" + shown + "".join(body) + "</svg>"


_wrap = wrap  # the old private name


def empty_chart(title: str, width: int, height: int, text: int = 12,
                reason: str = DEFAULT_EMPTY, caption: bool = True) -> str:
    """A chart with nothing to draw: the title and, in the middle, why it is empty."""
    return wrap(title, width, height, [
        f'<rect x="{text * 0.5:.1f}" y="{text * 3:.1f}" width="{width - text:.1f}" '
        f'height="{height - text * 3.5:.1f}" rx="8" fill="#f6f8fa" stroke="{GRID}"/>',
        f'<text x="{width / 2:.1f}" y="{height / 2 + text:.1f}" text-anchor="middle" '
        f'font-size="{text + 1}" fill="{MUTED}" class="empty">{escape(reason)}</text>'],
        text, caption=caption, kind="chart-empty")


def _empty(title: str, width: int, height: int, text: int = 12) -> str:
    return empty_chart(title, width, height, text)


def bar_chart(
    labels: Sequence[str], series: Sequence[Series], *, title: str, unit: str = "",
    stacked: bool = False, percent: bool = False, width: int = 720, height: int = 320,
    text: int = 12, empty: str = DEFAULT_EMPTY, integer: bool | None = None,
    label_links: Sequence[str | None] | None = None, caption: bool = True, kind: str = "",
) -> str:
    """Grouped (or stacked) vertical bars, one group per label; ``text`` is the font size.
    Counts (all values whole) get an integer axis unless ``integer=False``; ``empty`` says
    why a chart without data is empty; ``label_links`` link the category labels; ``kind``
    adds CSS classes to the ``<svg>``."""
    values = [[v or 0.0 for v in s.values] for s in series]
    if not labels or not any(any(row) for row in values):
        return empty_chart(title, width, height, text, empty, caption)
    if integer is None:
        integer = not percent and all(float(v).is_integer() for row in values for v in row)
    sums = [sum(col) for col in zip(*values, strict=True)] if stacked else []
    rows = len(_legend_layout(series, width, text)) if len(series) > 1 else 0
    frame = _Frame(labels, max(sums) if stacked else max(max(row) for row in values),
                   width, height, text, integer=integer, percent=percent, legend_rows=rows,
                   caption=caption)
    parts = frame.axes(percent, unit, label_links)
    inner = frame.band * (0.78 if stacked else 0.7)
    bar = inner if stacked else inner / len(series)
    for i in range(len(labels)):
        base = 0.0
        for j, s in enumerate(series):
            value = values[j][i]
            if not value:
                continue
            color = s.color or PALETTE[j % len(PALETTE)]
            left = frame.x(i) - inner / 2 + (0 if stacked else j * bar)
            low = frame.y(base + value) if stacked else frame.y(value)
            high = frame.y(base) if stacked else frame.y0
            tip = f"{labels[i]} {s.name}：{fmt(value, percent, frame.places)}{unit}"
            rect = (f'<rect x="{left:.1f}" y="{low:.1f}" width="{max(bar - 0.5, 0.5):.1f}" '
                    f'height="{max(high - low, 0):.1f}" fill="{color}" class="bar">'
                    f'<title>{escape(tip)}</title></rect>')
            parts.append(link(s.link(i), rect, tip))
            base += value if stacked else 0
    return wrap(title, width, height, parts + _legend(series, width, height, text), text,
                caption=caption, kind=kind)


def line_chart(
    labels: Sequence[str], series: Sequence[Series], *, title: str, unit: str = "",
    percent: bool = False, width: int = 720, height: int = 320, text: int = 12,
    empty: str = DEFAULT_EMPTY, integer: bool | None = None,
    label_links: Sequence[str | None] | None = None, caption: bool = True,
) -> str:
    """Lines with dots; a ``None`` value breaks the line; ``text`` is the font size.
    ``empty`` says why a chart without data is empty; points link through ``Series.links``."""
    present = [v for s in series for v in s.values if v is not None]
    if not labels or not present:
        return empty_chart(title, width, height, text, empty, caption)
    if integer is None:
        integer = not percent and all(float(v).is_integer() for v in present)
    rows = len(_legend_layout(series, width, text)) if len(series) > 1 else 0
    frame = _Frame(labels, max(present), width, height, text, integer=integer,
                   percent=percent, legend_rows=rows, caption=caption)
    parts = frame.axes(percent, unit, label_links)
    radius = max(3.5, text / 4)
    for j, s in enumerate(series):
        color = s.color or PALETTE[j % len(PALETTE)]
        runs, current = [], []
        for i, value in enumerate(s.values):
            if value is None:
                runs, current = runs + ([current] if current else []), []
                continue
            current.append((frame.x(i), frame.y(value), value, i))
        runs += [current] if current else []
        for run in runs:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in run)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{color}" '
                         f'stroke-width="{max(2.5, text / 7):.1f}"/>')
            for x, y, value, i in run:
                tip = f"{labels[i]} {s.name}：{fmt(value, percent, 1)}{unit}"
                dot = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{color}" '
                       f'class="point"><title>{escape(tip)}</title></circle>')
                parts.append(link(s.link(i), dot, tip))
    return wrap(title, width, height, parts + _legend(series, width, height, text), text,
                caption=caption)
