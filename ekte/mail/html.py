"""An HTML mail body as plain text — the safe way to archive it: nothing is
fetched (no remote images, style sheets or frames), no script runs, no
active content reaches the archive.  Block elements become line breaks,
list items bullets, table cells are separated by tabs, links are written
out as ``text <url>``, images as ``[Bild: alt]``.  Linear in the input
(the standard library's ``html.parser``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = {"p", "div", "br", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
          "hr", "section", "article", "header", "footer", "address", "dl", "dt", "dd", "center", "form"}
HIDDEN = {"script", "style", "head", "title", "template", "noscript", "iframe", "object", "embed", "svg", "math"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0
        self.pre = 0
        self.link: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in HIDDEN:
            self.hidden += 1
        elif self.hidden:
            return
        elif tag in BLOCKS:
            self.out.append("\n")
            self.pre += tag == "pre"
        elif tag == "li":
            self.out.append("\n• ")
        elif tag in ("td", "th"):
            self.out.append("\t")
        elif tag == "img" and a.get("alt"):
            self.out.append(f"[Bild: {a['alt']}]")
        if tag == "a":
            href = (a.get("href") or "").strip()
            self.link.append(href if re.match(r"(?i)(https?|mailto):", href) else None)
            self.link_start = len(self.out)

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
            return
        if self.hidden:
            return
        if tag in BLOCKS:
            self.out.append("\n")
            self.pre = max(0, self.pre - (tag == "pre"))
        elif tag == "a" and self.link:
            href = self.link.pop()
            shown = "".join(self.out[getattr(self, "link_start", len(self.out)):]).strip()
            target = href[7:] if href and href.lower().startswith("mailto:") else href
            if href and target and target not in shown:
                self.out.append(f" <{target}>")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.out.append(data if self.pre else re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    p = _Text()
    try:
        p.feed(html)
        p.close()
    except (AssertionError, ValueError):  # malformed beyond the parser's tolerance: what it read so far
        pass
    text = "".join(p.out)
    lines = [re.sub(r"[ \t]+$", "", ln.replace("\xa0", " ")) for ln in text.split("\n")]
    lines = [ln.lstrip(" ") if not ln.startswith("\t") else ln for ln in lines]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
