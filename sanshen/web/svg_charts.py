"""Server-side SVG charts: no JavaScript, every label escaped.

Each chart is an accessible image (role="img" with <title>); the statistics page
also prints the figures as a table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Mapping, Sequence

from markupsafe import Markup

PALETTE = ("#1f4e79", "#b03a2e", "#1e7b4a", "#7d3c98", "#9a6700", "#2e6f8e", "#6e2c00", "#4d5656")
_FONT = 'font-family="sans-serif" font-size="12" fill="#1a1a1a"'


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    return float(((int(value) // step) + 1) * step)


def horizontal_bars(title: str, items: Sequence[tuple[str, float]], *, unit: str = "",
                    width: int = 640, color: str = PALETTE[0]) -> Markup:
    """One bar per labelled value, longest scale to the widest value."""
    row, label_w, top = 26, 180, 30
    height = top + row * max(len(items), 1) + 10
    scale_max = _nice_max(max((v for _, v in items), default=0))
    plot_w = width - label_w - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" {_FONT} font-weight="bold">{escape(title)}</text>',
    ]
    if not items:
        parts.append(f'<text x="0" y="{top + 16}" {_FONT}>暂无数据</text>')
    for i, (label, value) in enumerate(items):
        y = top + i * row
        w = plot_w * max(value, 0) / scale_max
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" {_FONT}>{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{color}"/>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" {_FONT}>{escape(_fmt(value) + unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_columns(title: str, labels: Sequence[str], series: Sequence[Series], *,
                    width: int = 640, height: int = 260) -> Markup:
    """One column per label (e.g. a month), stacked by series (e.g. a column of the site)."""
    left, bottom, top, legend_h = 40, 40, 30, 20 * ((len(series) + 3) // 4)
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    scale_max = _nice_max(max(totals, default=0))
    plot_h = height - top - bottom
    plot_w = width - left - 10
    slot = plot_w / max(len(labels), 1)
    bar_w = min(slot * 0.7, 48)
    total_h = height + legend_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{total_h}" '
        f'viewBox="0 0 {width} {total_h}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" {_FONT} font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#555"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" {_FONT}>{escape(_fmt(scale_max))}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" {_FONT}>0</text>',
    ]
    if not any(totals):
        parts.append(f'<text x="{left + 8}" y="{top + 20}" {_FONT}>暂无数据</text>')
    for i, label in enumerate(labels):
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h
        for k, s in enumerate(series):
            h = plot_h * max(s.values[i], 0) / scale_max
            if h <= 0:
                continue
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(f"{label} {s.name}: {_fmt(s.values[i])}")}</title></rect>'
            )
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" {_FONT}>{escape(label)}</text>')
        if totals[i]:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" {_FONT}>{escape(_fmt(totals[i]))}</text>')
    for k, s in enumerate(series):
        lx = left + (k % 4) * (plot_w / 4)
        ly = height + 20 * (k // 4)
        parts.append(f'<rect x="{lx:.1f}" y="{ly - 10}" width="12" height="12" fill="{PALETTE[k % len(PALETTE)]}"/>')
        parts.append(f'<text x="{lx + 16:.1f}" y="{ly}" {_FONT}>{escape(s.name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def series_from(table: Mapping[str, Mapping[str, float]], labels: Sequence[str]) -> list[Series]:
    """{series name: {label: value}} → Series aligned on labels (missing → 0)."""
    return [Series(name, tuple(float(row.get(label, 0)) for label in labels)) for name, row in sorted(table.items())]
