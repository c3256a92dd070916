"""Accessible server-rendered charts: SVG from pygal, a data table and CSV from the same data.

Why pygal: it is a kept, pure-Python library (LGPL-3.0, usable from MPL-2.0 code) that writes
SVG on the server, so a chart needs no JavaScript and is a few kilobytes inline in the page;
matplotlib's SVG backend would do too but is heavier to import and slower per chart. pygal's
own tooltips need its JavaScript, which we do not load (`js=[]`): the data table beside every
chart carries the numbers, and every bar prints its value.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies),
and every series also has its own fill pattern (solid, stripes, dots, cross-hatch, …) so the
series stay apart in greyscale and for readers without colour vision. The SVG carries
`role="img"` and a label naming the table that holds its data.

A `Chart` is plain data (title, column labels, rows); `render_svg` draws it and caches the
result by content, so a dashboard whose numbers did not change does not redraw.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

import pygal
from pygal.style import Style

from samskab.core.text import SafeWriter

# Okabe & Ito (2008), darkest first, so neighbours differ in lightness as well as hue.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
# One SVG pattern per series, drawn over its colour.
_PATTERNS = (
    "",  # solid
    '<path d="M0,8 L8,0" stroke="#fff" stroke-width="2"/>',
    '<circle cx="4" cy="4" r="1.6" fill="#fff"/>',
    '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#fff" stroke-width="1.5"/>',
    '<path d="M0,4 L8,4" stroke="#000" stroke-width="1.5"/>',
    '<path d="M4,0 L4,8" stroke="#fff" stroke-width="2"/>',
    '<path d="M0,0 L8,8" stroke="#000" stroke-width="1.5"/>',
    '<rect x="2" y="2" width="4" height="4" fill="#fff"/>',
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
KINDS = ("bar", "hbar", "stacked", "hstacked", "line")


@dataclass(frozen=True)
class Chart:
    """`columns[0]` labels the rows (x axis); the other columns are series of numbers.
    `note` says what to notice (e.g. where the deadline falls)."""

    slug: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    kind: str = "bar"
    note: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def series(self) -> tuple[str, ...]:
        return self.columns[1:]

    @property
    def table_id(self) -> str:
        return f"data-{self.slug}"

    @property
    def empty(self) -> bool:
        return not self.rows or all(not any(r[1:]) for r in self.rows)

    def csv(self) -> str:
        out = io.StringIO()
        writer = SafeWriter(out)  # labels are text staff and respondents wrote
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return out.getvalue()


def _style() -> Style:
    return Style(background="transparent", plot_background="transparent",
                 foreground="#1a1a1a", foreground_strong="#1a1a1a",
                 foreground_subtle="#6a6a6a", colors=PALETTE,
                 font_family="IBM Plex Sans, Arial, sans-serif", label_font_size=13,
                 major_label_font_size=13, value_font_size=12, legend_font_size=13,
                 title_font_size=16, value_colors=("#1a1a1a",))


def _pattern_defs(n: int) -> tuple[list[str], list[str]]:
    defs, css = [], []
    for i in range(n):
        colour = PALETTE[i % len(PALETTE)]
        pattern = _PATTERNS[i % len(_PATTERNS)]
        defs.append(f'<pattern id="samskab-p{i}" width="8" height="8" '
                    f'patternUnits="userSpaceOnUse"><rect width="8" height="8" '
                    f'fill="{colour}"/>{pattern}</pattern>')
        css.append(f"inline:.color-{i} .rect, .color-{i} .reactive:not(.line), "
                   f".legend .color-{i}{{fill:url(#samskab-p{i}) !important}}")
    return defs, css


@lru_cache(maxsize=256)
def render_svg(chart: Chart) -> str:
    """The chart as an inline SVG string (cached by content)."""
    cls = {"bar": pygal.Bar, "hbar": pygal.HorizontalBar, "stacked": pygal.StackedBar,
           "hstacked": pygal.HorizontalStackedBar, "line": pygal.Line}[chart.kind]
    n_series = len(chart.series)
    defs, css = _pattern_defs(n_series)
    height = 120 + 28 * max(len(chart.rows), 3) if chart.kind in ("hbar", "hstacked") else 360
    config = pygal.Config(
        js=[], css=["file://style.css", "file://graph.css", *css], defs=defs,
        disable_xml_declaration=True, width=720, height=height, style=_style(),
        print_values=chart.kind in ("bar", "hbar") and n_series == 1,
        show_legend=n_series > 1, legend_at_bottom=True, truncate_label=40,
        truncate_legend=-1,
        x_label_rotation=-40 if chart.kind in ("bar", "stacked", "line")
        and len(chart.rows) > 8 else 0,
        show_minor_x_labels=len(chart.rows) <= 31, x_labels_major_every=7
        if len(chart.rows) > 31 else None, dots_size=2, include_x_axis=True,
        print_zeroes=False, margin=12, show_y_guides=True, tooltip_border_radius=0,
    )
    graph = cls(config)
    graph.x_labels = [str(r[0]) for r in chart.rows]
    for index, name in enumerate(chart.series):
        graph.add(name, [r[index + 1] or (None if chart.kind == "line" else 0)
                         for r in chart.rows])
    # pygal writes its configuration as an inline script for its own JavaScript, which we do
    # not load: drop it (inert, and a Content-Security-Policy would refuse it anyway).
    svg = _SCRIPT.sub("", graph.render(is_unicode=True))
    label = escape(f"{chart.title}. {chart.note}".strip().rstrip(".") + ".", quote=True)
    return svg.replace(
        "<svg ", f'<svg role="img" aria-label="{label}" aria-describedby="{chart.table_id}" '
                 f'focusable="false" ', 1)
