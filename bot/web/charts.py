"""Charts drawn on the server as SVG: bars, grouped bars. No JavaScript, nothing fetched; every label escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH, BAR_AREA, LABEL_W = 640, 22, 150
COLOURS = ("#2f6db5", "#e08a1e", "#5a9e4b", "#b54a4a")


def _fmt(value: float) -> str:
    if float(value).is_integer() or abs(value) >= 10:
        return f"{value:,.0f}"
    return f"{value:.1f}"


def bars(
    title: str, items: Sequence[tuple[str, Sequence[float]]], series: Sequence[str] = (), unit: str = ""
) -> Markup:
    """Horizontal bars, one row per label; several values per row are grouped (one colour per series)."""
    items = list(items)[:30]
    groups = max((len(v) for _, v in items), default=1) or 1
    top = max((max(v) for _, v in items if v), default=0.0) or 1.0
    row_h = BAR_AREA * groups + 8
    legend_h = 20 if len(series) > 1 else 0
    height = 28 + legend_h + row_h * max(1, len(items))
    scale = (WIDTH - LABEL_W - 70) / top
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" class="chart-title">{escape(title)}</text>',
    ]
    if len(series) > 1:
        x = 0
        for n, name in enumerate(series):
            colour = COLOURS[n % len(COLOURS)]
            out.append(f'<rect x="{x}" y="26" width="12" height="12" fill="{colour}"/>')
            out.append(f'<text x="{x + 16}" y="36" class="chart-legend">{escape(name)}</text>')
            x += 24 + 9 * len(name)
    y = 28 + legend_h
    if not items:
        out.append(f'<text x="0" y="{y + 16}" class="chart-empty">—</text>')
    for label, values in items:
        out.append(
            f'<text x="{LABEL_W - 6}" y="{y + row_h / 2 + 4:.0f}" text-anchor="end" class="chart-label">'
            f"{escape(label[:24])}</text>"
        )
        for n, value in enumerate(values):
            w = max(0.0, value * scale)
            by = y + n * BAR_AREA
            colour = COLOURS[n % len(COLOURS)]
            out.append(f'<rect x="{LABEL_W}" y="{by}" width="{w:.1f}" height="{BAR_AREA - 4}" fill="{colour}"/>')
            out.append(
                f'<text x="{LABEL_W + w + 4:.1f}" y="{by + BAR_AREA - 8}" class="chart-value">'
                f"{escape(_fmt(value) + unit)}</text>"
            )
        y += row_h
    out.append("</svg>")
    return Markup("".join(out))


def stacked(
    title: str, items: Sequence[tuple[str, Sequence[float]]], series: Sequence[str], colours: Sequence[str]
) -> Markup:
    """One bar per label, its parts stacked left to right in the series' colours, the total at its end."""
    items = list(items)[:30]
    top = max((sum(v) for _, v in items), default=0.0) or 1.0
    row_h, legend_h = BAR_AREA + 6, 20
    height = 28 + legend_h + row_h * max(1, len(items))
    scale = (WIDTH - LABEL_W - 50) / top
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" class="chart-title">{escape(title)}</text>',
    ]
    x = 0
    for name, colour in zip(series, colours, strict=False):
        out.append(f'<rect x="{x}" y="26" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="36" class="chart-legend">{escape(name)}</text>')
        x += 28 + 13 * len(name)
    y = 28 + legend_h
    if not items:
        out.append(f'<text x="0" y="{y + 16}" class="chart-empty">—</text>')
    for label, values in items:
        out.append(
            f'<text x="{LABEL_W - 6}" y="{y + BAR_AREA / 2 + 4:.0f}" text-anchor="end" class="chart-label">'
            f"{escape(label[:24])}</text>"
        )
        left = float(LABEL_W)
        for value, colour in zip(values, colours, strict=False):
            w = max(0.0, value * scale)
            if w:
                out.append(f'<rect x="{left:.1f}" y="{y}" width="{w:.1f}" height="{BAR_AREA - 4}" fill="{colour}"/>')
            left += w
        out.append(f'<text x="{left + 4:.1f}" y="{y + BAR_AREA - 8}" class="chart-value">{_fmt(sum(values))}</text>')
        y += row_h
    out.append("</svg>")
    return Markup("".join(out))
