"""A signatures-over-time chart drawn on the server as SVG (no script, no third party)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from chorus.campaigns.selectors import DayCount

WIDTH = 640
HEIGHT = 220
MARGIN = 32
# A mid blue with at least 3:1 contrast on both the admin's light (#fff) and dark (#262626)
# backgrounds (WCAG 1.4.11); text and axis use currentColor so they follow the theme.
BAR_COLOUR = "#3a78c8"


def signatures_chart(days: list[DayCount], *, title: str) -> SafeString:
    """Bars of signatures per day; the same figures are in the table under it."""
    label = escape(title)
    if not days:
        return mark_safe(
            f'<svg role="img" aria-label="{label}: no confirmed signatures yet" width="{WIDTH}" height="40" '
            f'viewBox="0 0 {WIDTH} 40" class="chart" fill="currentColor">'
            '<text x="0" y="24">No confirmed signatures yet</text></svg>'
        )
    peak = max(day.signatures for day in days) or 1
    plot_w = WIDTH - 2 * MARGIN
    plot_h = HEIGHT - 2 * MARGIN
    slot = plot_w / len(days)
    bar_w = max(1.0, slot * 0.8)
    parts = [
        f'<svg role="img" aria-labelledby="chart-title" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" class="chart signature-chart" fill="currentColor">',
        f'<title id="chart-title">{label}: peak {peak} a day, table below</title>',
        f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - MARGIN}" y2="{HEIGHT - MARGIN}" '
        'stroke="currentColor"/>',
        f'<text x="4" y="{MARGIN}" font-size="12">{peak}</text>',
        f'<text x="4" y="{HEIGHT - MARGIN}" font-size="12">0</text>',
    ]
    for i, day in enumerate(days):
        h = plot_h * day.signatures / peak
        x = MARGIN + i * slot + (slot - bar_w) / 2
        y = HEIGHT - MARGIN - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR_COLOUR}">'
            f"<title>{day.day:%d %b}: {day.signatures}</title></rect>"
        )
    parts.append(f'<text x="{MARGIN}" y="{HEIGHT - 8}" font-size="12">{days[0].day:%d %b %Y}</text>')
    parts.append(
        f'<text x="{WIDTH - MARGIN}" y="{HEIGHT - 8}" font-size="12" text-anchor="end">{days[-1].day:%d %b %Y}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated value above is a number, a date or escaped
