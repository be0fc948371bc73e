"""Drawing helpers of family10: family9's Page (family8's text, boxes and stamps, handwriting fonts, slanted
stamps, signatures) plus wrapped prose, table rows with wrapped cells and a running head / foot."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("family9_draw", Path(__file__).resolve().parents[1] / "family9" / "draw.py")
_f9 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_f9)
FontMissing = _f9.FontMissing


class Page(_f9.Page):
    def __init__(self) -> None:
        super().__init__()
        self.pdf.set_producer("family10")

    def wrap(self, s: str, width: float, size: float = 10, font: str = "sans") -> list[str]:
        lines, cur = [], ""
        for w in s.split():
            nxt = f"{cur} {w}".strip()
            if cur and self.width(nxt, size, font) > width:
                lines.append(cur)
                cur = w
            else:
                cur = nxt
        return lines + ([cur] if cur else [])

    def prose(self, x: float, y: float, s: str, width: float = 175, size: float = 10, font: str = "sans",
              lead: float = 5.0) -> float:
        """A paragraph wrapped to width; returns the y under it."""
        for line in self.wrap(s, width, size, font):
            self.t(x, y, line, size, font)
            y += lead
        return y + lead * 0.6

    def row(self, x: float, y: float, widths: list[float], cells: list[str], size: float = 9,
            fonts: list[str] | None = None, border: bool = True) -> float:
        """A table row: each cell's text wrapped (lines of a cell split on newlines too); returns the y under it."""
        fonts = fonts or ["sans"] * len(cells)
        wrapped = [[ln for part in c.split("\n") for ln in (self.wrap(part, w - 3, size, f) or [""])]
                   for c, w, f in zip(cells, widths, fonts)]
        h = max(len(c) for c in wrapped) * size * 0.45 + 3
        cx = x
        for lines, w, f in zip(wrapped, widths, fonts):
            if border:
                self.box(cx, y, w, h)
            for i, ln in enumerate(lines):
                self.t(cx + 1.5, y + 1.5 + size * 0.36 + i * size * 0.45, ln, size, f)
            cx += w
        return y + h

    def running(self, head: str, foot: str, page: int, pages: int) -> None:
        self.t(15, 10, head, 7)
        self.t(170, 10, f"Seite {page} von {pages}", 7)
        self.line(15, 12, 195, 12, 0.1)
        self.line(15, 285, 195, 285, 0.1)
        self.t(15, 289, foot, 6.5)
        self.t(172, 289, f"Seite {page} von {pages}", 6.5)
