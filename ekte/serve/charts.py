"""Charts drawn on the server as SVG (no JavaScript, no fonts to load):
stacked bars of the intake per period, and per document type.  Used by the
Statistik page and by ``ekte ingest --report`` alike."""

from __future__ import annotations

from html import escape
from typing import Any, Callable

from ekte.serve import i18n, names

PALETTE = ["#2f6f9f", "#e39b2d", "#4c9a52", "#c4453c", "#7d5ba6", "#8c6d46", "#d16ba5", "#6f7f8f", "#b5b83b"]


def stacked_bars(title: str, xs: list[str], stacks: dict[str, list[int]], label: Callable[[str], str] = str,
                 width: int = 720, height: int = 260) -> str:
    """One SVG: a bar per x, stacked by the keys of *stacks*, with a legend."""
    left, bottom, top, right = 48, 60, 28, 160
    w, h = width - left - right, height - top - bottom
    totals = [sum(v[i] for v in stacks.values()) for i in range(len(xs))] or [0]
    peak = max(totals + [1])
    bw = w / max(1, len(xs))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-label="{escape(title)}" class="chart">',
           f'<title>{escape(title)}</title>',
           f'<text x="{left}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
           f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}" stroke="#555"/>',
           f'<text x="{left - 6}" y="{top + 4}" font-size="10" text-anchor="end">{peak}</text>',
           f'<text x="{left - 6}" y="{top + h}" font-size="10" text-anchor="end">0</text>']
    for i, x in enumerate(xs):
        y = top + h
        for k, (name, vals) in enumerate(stacks.items()):
            v = vals[i]
            if not v:
                continue
            bh = h * v / peak
            y -= bh
            out.append(f'<rect x="{left + i * bw + bw * 0.1:.1f}" y="{y:.1f}" width="{bw * 0.8:.1f}" '
                       f'height="{bh:.1f}" fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(label(name))} '
                       f'{escape(x)}: {v}</title></rect>')
        if len(xs) <= 31 or i % max(1, len(xs) // 15) == 0:
            tx = left + i * bw + bw / 2
            out.append(f'<text x="{tx:.1f}" y="{top + h + 12}" font-size="9" text-anchor="end" '
                       f'transform="rotate(-40 {tx:.1f} {top + h + 12})">{escape(_cut(x, 18))}</text>')
    for k, name in enumerate(stacks):
        y = top + 14 * k
        out.append(f'<rect x="{left + w + 12}" y="{y}" width="10" height="10" fill="{PALETTE[k % len(PALETTE)]}"/>'
                   f'<text x="{left + w + 26}" y="{y + 9}" font-size="10">{escape(_cut(label(name), 24))}</text>')
    out.append("</svg>")
    return "".join(out)


def _cut(text: str, n: int) -> str:
    """*text* in at most *n* characters, a cut one ending in "…" (the whole text is in the bar's tooltip)."""
    return text if len(text) <= n else text[:n - 1] + "…"


def figures_charts(fig: dict[str, Any], lang: str, title: Callable[[str], str]) -> list[str]:
    """The charts for the figures of :func:`ekte.stats.compute`."""
    from ekte.stats import series

    _ = i18n.gettext_for(lang)

    def label(k: str) -> str:
        return names.stat_value("outcome", k, lang) if k in names.STAT_NAMES else title(k) or k

    out = []
    by = fig["by"]
    x = next((k for k in ("day", "week", "month") if k in by), None)
    if x:
        for stack, what in (("outcome", _("Intake by outcome")), ("channel", _("Intake by channel"))):
            xs, st = series(fig, x, stack)  # in order of the ISO values; shown as the reader writes them
            out.append(stacked_bars(what, [names.stat_value(x, v, lang) for v in xs], st, label))
    if "type" in by:
        xs, st = series(fig, "type", "outcome")
        out.append(stacked_bars(_("Documents by type"), [title(t) or t or "–" for t in xs], st, label))
    return out
