"""The page flow every layout shares: a cursor that breaks pages, values
shrunk to fit their space, the office box, the signature row and where a
received stamp lands."""

from __future__ import annotations

from .doc import Doc, Item
from .pdfdraw import Sheet, stamp_lines
from . import world as W


class Flow:
    """A cursor down the pages of one document."""

    def __init__(self, sheet: Sheet, doc: Doc, mode: str, left: float = 18, top: float = 18,
                 bottom: float | None = None):
        self.s, self.doc, self.mode = sheet, doc, mode
        self.left, self.top = left, top
        self.right = sheet.w - left
        self.bottom = bottom or sheet.h - 18
        self.y = top
        self.page = 0
        self.free: list[tuple[int, float, float]] = []   # (page, y, height) of blank space a stamp may use

    @property
    def width(self) -> float:
        return self.right - self.left

    def start(self):
        self.s.add_page()
        self.page = 1
        self.y = self.top

    def need(self, h: float):
        if self.y + h > self.bottom:
            self.break_page()

    def break_page(self):
        s = self.s
        s.label(self.left, s.h - 10, f"{self.doc.form_no or self.doc.title}", 6.5, grey=90)
        s.add_page()
        self.page += 1
        s.label(self.left, 10, f"{self.doc.title} – Seite {self.page}", 7, grey=80)
        s.label(self.right - 25, 10, f"Blatt {self.page}", 7, grey=80)
        self.y = self.top

    def text(self, it: Item) -> str:
        return self.doc.show(it)

    def value(self, x: float, y: float, w: float, it: Item, size: float = 11, mode: str | None = None):
        """Item's value with its baseline at y, shrunk until it fits w."""
        draw_value(self.s, x, y, w, self.text(it), mode or (self.mode if it.hand else "print"), size)


def face_of(s: Sheet, mode: str) -> str:
    return {"hand": s.hand_face, "typed": s.typed_face, "print": s.face[0]}[mode]


def draw_value(s: Sheet, x: float, y: float, w: float, text: str, mode: str, size: float = 11):
    if not text:
        return
    name = face_of(s, mode)
    while size > 5.5 and s.width_of(text, name, size * (1.15 if name == "steve" else 1)) > w:
        size -= 0.5
    s.value(x, y, text, size, mode)


def widths(row: list[Item], total: float, gap: float = 0) -> list[float]:
    share = sum(it.width for it in row)
    return [total * it.width / share - gap for it in row]


def office_box(f: Flow, x: float, y: float, w: float, heading: str = "Vom Amt auszufüllen") -> float:
    """The authority's box with its items (file number, clerk); returns its height."""
    s, items = f.s, f.doc.office
    h = 7 + 6.5 * len(items)
    s.frame(x, y, w, h, fill=(242, 242, 242))
    s.label(x + 2, y + 4.5, heading, 7, bold=True)
    for i, it in enumerate(items):
        yy = y + 11 + 6.5 * i
        s.label(x + 2, yy, it.label + ":", 7.5)
        lw = s.width_of(it.label + ":", s.face[0], 7.5) + 4
        draw_value(s, x + lw, yy, w - lw - 2, it.text, "typed" if f.s.r.chance(0.5) else "print", 9.5)
    return h


def sign_row(f: Flow, caption: str = "Unterschrift", underline: bool = True):
    """"Ort, Datum" and the signature, side by side; the printed name below."""
    s, r = f.s, f.s.r
    f.need(26)
    y = f.y + 12
    half = f.width / 2 - 6
    for it in f.doc.sign:
        f.value(f.left, y - 1, half, it, 11)
        s.hline(f.left, y, half)
        s.label(f.left, y + 3.5, it.label, 7)
    s.signature(f.left + half + 16, y - 1, r.uniform(30, 45))
    s.hline(f.left + half + 12, y, half)
    s.label(f.left + half + 12, y + 3.5, caption, 7)
    if f.doc.signer and r.chance(0.4):
        s.label(f.left + half + 12, y + 8, f"({f.doc.signer})", 8)
    f.y = y + 12
    f.free.append((f.page, f.y, f.bottom - f.y))


def declarations(f: Flow, texts: list[str]):
    for t in texts:
        f.need(12)
        f.y = f.s.para(f.left, f.y, f.width, t, 8, 3.8) + 2


def place_stamp(f: Flow, top_right: tuple[float, float] | None = None):
    """The received stamp: in blank space below the signature, or at the top
    right of the first page, turned a little."""
    st = f.doc.stamp
    if not st:
        return
    s, r = f.s, f.s.r
    lines = stamp_lines(r, st.label, st.text, W.COUNTY)
    room = [(p, y) for p, y, h in f.free if h > 32]
    if room and (not top_right or r.chance(0.5)):
        page, y = room[-1]
        x = r.uniform(f.left, f.right - 70)
        y += r.uniform(2, 8)
    else:
        page, (x, y) = 1, top_right or (f.right - 68, 8)
    keep = s.page
    s.page = page
    s.stamp(x, y, lines, r.uniform(-9, 9))
    s.page = keep


def section_bar(f: Flow, text: str, shade: int = 220, size: float = 9.5):
    f.need(16)
    s = f.s
    s.set_fill_color(shade, shade, shade)
    s.rect(f.left, f.y, f.width, 6, style="F")
    s.label(f.left + 1.5, f.y + 4.3, text, size, bold=True)
    f.y += 8


def choices(f: Flow, x: float, y: float, it: Item, size: float = 8) -> float:
    """Check boxes in a row, the chosen one ticked; returns the x after them."""
    s = f.s
    for c in it.choices:
        s.checkbox(x, y, c == it.text, c, size)
        x += s.width_of(c, s.face[0], size) + 10
    return x


def comb_value(f: Flow, x: float, y: float, it: Item, cell: float = 4.6):
    f.s.comb(x, y, it.comb, f.text(it).replace(" ", ""), cell, f.mode if it.hand else "print", 10)
