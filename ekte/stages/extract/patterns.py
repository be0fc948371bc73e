"""Candidates without a label: received stamps, the sender's address block
of a letter, and values whose shape says what they are (IBAN, e-mail, Aktenzeichen
patterns, the date after ", den")."""

from __future__ import annotations

import re

from ekte.stages.extract import values as V
from ekte.stages.extract.candidates import Cand
from ekte.stages.extract.lexicon import CLOSING
from ekte.stages.layout import Row

#: a received stamp's keyword (also "Zugegangen am", "Empfangen", "Tag des Eingangs", "Eing.-Dat.", "Erhalten am" --
#: capitalised, as a stamp's first word: "… habe ich erhalten am" in running text is none); on a scan also cut at the
#: stamp's edge ("Einga" at the line's end) or its first letters misread ("oSteingang"; "Posteingang" too)
_STAMP = re.compile(r"(?<![\w])(eingegangen(?:\s+am)?|eingang(?:sdatum)?(?:\s+am)?|[a-z]{0,2}steingang(?:\s+am)?|"
                    r"eing\.\s?-\s?dat(?:um|\.)?|eing\.|einga(?=[ \t]*\n)|zugegangen(?:\s+am)?|empfangen(?:\s+am)?|"
                    r"tag\s+des\s+eingangs|zugang\s+am|(?-i:Erhalten|ERHALTEN)\s+am)[ \t]*[:.]?[ \t]*", re.I)
_AUTHORITY = re.compile(r"(?i)\b(landkreis|landratsamt|kreisverwaltung|kreisausschuss|der landrat|stadtverwaltung|"
                        r"bürgermeister|gemeindeverwaltung|amt\b|ämter|behörde|zulassungsstelle|gesundheitsamt|"
                        r"bauaufsicht|veterinäramt|sozialamt|bürgerservice|posteingang|kreishaus|rathaus|z\.\s?hd)")
_PLZ_LINE = re.compile(r"^(?:D\s?-\s?)?\d{5}\s+[^\W\d_][^\d]{1,40}$")
_NAME_LINE = re.compile(r"^(?:(?:Herr|Frau|Dr\.)\s+)*[A-ZÄÖÜ][\w\-']+(?:\s+(?:(?:von|van|de|der|zu|vom|zur|ter)\s+)?"
                        r"[A-ZÄÖÜ][\w\-']+){1,3}$")
#: a registered club's name (its legal form at the end)
_CLUB = re.compile(r"\be\.\s?V\.?$")
_AZ_TAIL = re.compile(r"(?:[/\-.][^\W_]{1,12})*(?![\w/\-])|")
#: the return-address line's separators: "·", and what OCR reads for it on a scan ("-", ":", "+", "»" … alone)
_SENDER_SEP = re.compile(r"\s*(?:[·•|]|,|\s[-–:+*«»]\s)\s*")


def _cand(field: str, p: V.Parsed | None, pno: int, s: int, e: int, source: str, y: float = 0.0,
          role: str | None = None, raw: str = "", label: str = "") -> Cand | None:
    if p is None or not p.value:
        return None
    return Cand(field, p.value, pno, s, e, source, role=role, ok=p.ok, repaired=p.repaired, raw=raw, y=y, label=label)


#: a received stamp's keyword as a scan's OCR misreads it (issue 10 on scans, seen on several families):
#: "Eing," / "Eing-" (its dot), "Fing 01.09.2026" (E read as F, a date next), "Eingsaangen" (two letters
#: of "eingegangen" misread), glued to the word before ("Landkreis MusterlanddrEingang") -- dates after it
#: are never sure (repaired)
_STAMP_OCR = re.compile(r"(?:(?<![\w])((?-i:[EF])ing[,\-](?![^\W\d_])|(?-i:Fing)\.?(?=[ \t]+\d)|"
                        r"ein[a-zäöü]{2,4}angen(?:\s+am)?)|(?<=[a-zäöüß])(?-i:Eingang|Eingegangen)(?=[ \t]*[:.\n]))"
                        r"[ \t]*[:.]?[ \t]*", re.I)


def _keywords(text: str) -> list[tuple[re.Match[str], bool]]:
    """The stamp keywords of *text*: (match, misread by OCR)."""
    sure = list(_STAMP.finditer(text))
    starts = {m.start() for m in sure}
    return [(m, False) for m in sure] + [(m, True) for m in _STAMP_OCR.finditer(text) if m.start() not in starts]


def stamp_candidates(pno: int, text: str) -> list[Cand]:
    out = []
    for m, misread in _keywords(text):
        window = text[m.end(): m.end() + 80]
        r = V.parse_date_ex(window)
        # the date right after the word, or first on one of the next two lines (a stamp's
        # lines; an authority's name may stand between)
        gap = window[: r[2]] if r else ""
        between = gap.strip(" \t").split("\n")
        # the rest of the keyword's line empty, or the authority's name (a stamp's lines read in another order)
        head = gap.split("\n", 1)[0].strip(" \t_-–:.")
        if r and (r[2] < 3 or ("\n" in gap and (not head or (_AUTHORITY.match(head) and len(head) <= 40))
                                and len(between) <= 3 and not any(ch.isdigit() for ch in gap)
                                and between[-1].strip() == "" and "\n" not in window[r[2]:r[3]])):
            c = _cand("eingangsdatum", V.Parsed(r[0], True, r[1] or misread), pno, m.end() + r[2], m.end() + r[3], "stamp",
                      raw=window[r[2]:r[3]])
            if c:
                c.dist = r[2] / 30
                out.append(c)
    return out or stamp_date_candidates(pno, text)


#: an IBAN by its shape, as OCR may read it: check digits misread as letters ("DEO8"), a speck read as a
#: dot between its groups ("DE87 4339 9516.8915 …") -- v_iban repairs it only where mod 97 proves it
_IBAN_SHAPE = re.compile(r"\b([A-Z]{2}\s?[\dOIlSB]{2}(?:(?:\s?|[.,]\s?)[0-9A-Z]{4}){3,7}(?:\s?[0-9A-Z]{1,3})?)\b")


def shape_candidates(pno: int, text: str, az_patterns: list[re.Pattern[str]]) -> list[Cand]:
    out: list[Cand | None] = []
    for m in V.EMAIL.finditer(text):  # an address in a line naming the authority (a form's footer) is its own
        out.append(_cand("email", V.v_email(m.group(0)), pno, m.start(), m.end(), "pattern",
                         role="authority" if _authority_line(text, m.start(), m.end(), by_place=False)
                         or _OFFICE_MAIL.match(m.group(0)) else None))
    for m in _IBAN_SHAPE.finditer(text):
        p = V.v_iban(m.group(0))
        if p and p.ok:
            whose = iban_context(text, m.start(), m.end())
            out.append(_cand("iban", p, pno, m.start(), m.end(), "pattern", raw=m.group(0),
                             role="authority" if whose == "authority" else None,
                             label="checksum" if whose == "payee" else ""))
    for rx in az_patterns:
        for m in rx.finditer(text):
            # the file number goes on to the end of its token: "632-1234/2025/Bau", not "632-1234/2025"
            end = m.end() + len(_AZ_TAIL.match(text, m.end()).group(0))
            out.append(_cand("aktenzeichen", V.Parsed(text[m.start():end]), pno, m.start(), end, "pattern",
                             label="pattern"))
    for m in re.finditer(r"(?m)(?:^|,)[ \t]*(?:den|am)[ \t]+|^[^\W\d_][^\n,]{1,40},[ \t]+(?=\d)", text):
        r = V.parse_date_ex(text[m.end(): m.end() + 30])
        if r and r[2] == 0:
            y = text[: m.start()].count("\n") / max(1, text.count("\n"))
            rest = text[m.end() + r[3]: m.end() + r[3] + 40].split("\n", 1)[0]
            # the anchor: "…, den <Datum>", or a line that is only "<Ort>, <Datum>" (how German letters and forms date)
            place = not m.group(0).startswith((",", " ", "\t")) and not re.search(r"\d|\b(?:den|am)\s*$", m.group(0))
            den = "den" if re.search(r"\bden\s*$", m.group(0)) else "ort," if place and not rest.strip() else ""
            out.append(_cand("antragsdatum", V.Parsed(r[0], True, r[1]), pno, m.end(), m.end() + r[3], "pattern", y,
                             label=den))
    m = re.search(r"[A-ZÄÖÜ][\w\-]*(?: [\w\-]+){0,5} e\.\s?V\.", text)
    if m:
        out.append(_cand("verein", V.Parsed(m.group(0)), pno, m.start(), m.end(), "pattern"))
    return [c for c in out if c]


#: a date stamp without its keyword: a line of its own, the month abbreviated in capitals ("08. APR. 2025")
_STAMP_DATE = re.compile(r"(?m)^[ \t]*(\d{1,2}\.?[ \t]?(?:JAN|FEB|MRZ|MÄR|MAE|APR|MAI|JUN|JUL|AUG|SEPT?|OKT|NOV|DEZ)\.?"
                         r"(?:[ \t]?(?:\d{4}|\d{2})|,[ \t]?\d{4}))[ \t]*$")


#: the same with day, month and year dotted and spaced as a stamp prints them ("06. JAN. 2026"), on a scan
#: not on a line of its own: the page's OCR reads the stamp into a line of the form's text ("… IfSG 29. MRZ. 2025 0",
#: "Großweiling, 14.7.202 22. JUL. 2026 Ingang") -- looked for only where no stamp is found otherwise
_STAMP_DATE_INLINE = re.compile(r"(?<![\w.])(\d{1,2}\.[ \t](?:JAN|FEB|MRZ|MÄR|APR|MAI|JUN|JUL|AUG|SEPT?|OKT|NOV|DEZ)\."
                                r"[ \t]\d{4})(?![\w.])")


def stamp_date_candidates(pno: int, text: str) -> list[Cand]:
    """Dates in a stamp's style without a keyword: received dates for a clerk to confirm (never sure)."""
    out = []
    for rx in (_STAMP_DATE, _STAMP_DATE_INLINE):
        for m in rx.finditer(text):
            r = V.parse_date_ex(m.group(1))
            c = _cand("eingangsdatum", V.Parsed(r[0], True, r[1] or rx is _STAMP_DATE_INLINE) if r else None, pno,
                      m.start(1), m.end(1), "pattern", raw=m.group(1))
            if c:
                out.append(c)
        if out:
            break
    return out


#: words saying an account is the one paid to or from (shared by :data:`_PAYEE` and :data:`_PAYEE_WORDS`)
_PAYEE_CORE = (r"kontoinhaber|bankverbindung|kontoverbindung|zahlungen\b.{0,30}\bkonto|"
               r"auf\s+(?:das|mein|unser)\s+konto|überweis|auszahl|erstatt|zahlungsempfänger|"
               r"abbuch|abgebucht|lastschrift|einzug|eingezogen")
#: words that say an account is the one to pay to: the applicant's, the payee's, the club's
_PAYEE = re.compile(rf"(?i)(?:{_PAYEE_CORE}|\w+konto[\s:(]*$)")


#: lines before a labelled IBAN that may say whose it is
LABEL_CONTEXT = 6
#: an account to pay a fee to is the authority's, whatever else the text says
_FEE = re.compile(r"(?i)gebühr|kassenzeichen|verwendungszweck")
#: the same words, a label's own excepted ("IBAN:" says it is an account, not whose)
_PAYEE_WORDS = re.compile(rf"(?i)(?:{_PAYEE_CORE})|\b(?:des|der)\s+(?:Vereins|"
                          r"Antragstell\w*|Zuwendungsempfänger\w*|Leistungsberechtigten)\b|\bmeine[mnrs]?\b|"
                          r"kfz-steuer|sepa")


def iban_context(text: str, start: int, end: int, label_lines: int = 0) -> str:
    """Whose an IBAN is: "authority" (a letterhead or footer line, a line naming the
    authority or its cash office), "payee" (its line or the two before it say it is the account to pay
    to), else "" (anyone's: a candidate, never sure).  *label_lines*: an IBAN after a label on its own
    line (1) or on the line above (2) -- the label says it is an account, not whose: the two lines
    before the label must say it (a heading "Bankverbindung des Vereins", "Kontoinhaber/in: …",
    "Der Zuschuss ist zu überweisen auf")."""
    if _authority_line(text, start, end, by_place=not label_lines):
        return "authority"
    ls = text.rfind("\n", 0, start) + 1
    if label_lines:
        for _ in range(label_lines - 1):
            ls = text.rfind("\n", 0, max(0, ls - 1)) + 1
        hs = ls
        for _ in range(LABEL_CONTEXT):
            hs = text.rfind("\n", 0, max(0, hs - 1)) + 1
        head = text[hs:ls] + text[ls:start]
        return "payee" if hs < ls and _PAYEE_WORDS.search(head) and not _FEE.search(head) else ""
    le = text.find("\n", end)
    line = text[ls: le if le >= 0 else len(text)]
    before = text[max(0, text.rfind("\n", 0, max(0, ls - 1 - 120)) + 1): start][-200:]
    return "payee" if _PAYEE.search(before) or _PAYEE.search(line + text[end:end + 60]) else ""


#: an office's mailbox, never a person's: "datenschutz@…", "poststelle@…", "info@…"
_OFFICE_MAIL = re.compile(r"(?i)(?:poststelle|datenschutz|datenschutzbeauftragte[r]?|info|kontakt|service|"
                          r"b(?:ü|ue)rgerservice|b(?:ü|ue)rgerb(?:ü|ue)ro|verwaltung|zentrale|no-?reply)\s?@")


def _authority_line(text: str, start: int, end: int, by_place: bool = True) -> bool:
    """An IBAN in a line naming the authority or its cash office, or (*by_place*: one found by its shape,
    no label) in a letterhead or footer line."""
    ls, le = text.rfind("\n", 0, start) + 1, text.find("\n", end)
    line = text[ls: le if le >= 0 else len(text)]
    n, k = max(1, text.count("\n")), text.count("\n", 0, start)
    return bool(_AUTHORITY.search(line) or re.search(r"(?i)kreiskasse|kasse\b|www\.|seite \d", line) or (
        by_place and (k < 2 or k > n - 2)))


def _block_cands(pno: int, parts: list, y: float, role: str) -> list[Cand]:
    """A name / street / PLZ Ort block: (row, text) of each line."""
    name_row, name_t, street_row, street_t, plz_row, plz_t = parts
    out: list[Cand | None] = []
    a = V.parse_address(street_t + ", " + plz_t)
    nm = V.split_name(name_t) if name_row is not None else None
    if nm:
        s0, e0 = name_row.words[0].start, name_row.words[-1].end
        out.append(_cand("vorname", V.Parsed(nm[0]), pno, s0, e0, "header", y, role))
        out.append(_cand("nachname", V.Parsed(nm[1]), pno, s0, e0, "header", y, role))
    for k, row in (("strasse", street_row), ("plz", plz_row), ("ort", plz_row)):
        if k in a:
            out.append(_cand(k, V.Parsed(a[k]), pno, row.words[0].start, row.words[-1].end, "header", y, role))
    return [c for c in out if c]


#: a post-office box: an office's or a firm's address, never where a person lives
_POSTFACH = re.compile(r"(?i)\s*postfach\b")


def _column_above(rws: list[Row], k: int, x0: float, x1: float, n: int = 4) -> list[str]:
    """The texts of up to *n* lines of the column [x0, x1] above row *k*, nearest first: the rows of
    another column between them (a letter's "Datum", "Gz." beside the window) skipped, up to a gap
    wider than two lines."""
    out, last = [], rws[k]
    for row in reversed(rws[max(0, k - 2 * n):k]):
        t = _cell_above([row], 0, x0, x1)
        if not t:
            continue
        if last.y - row.y > 2.6 * last.words[0].h:
            break
        out.append(t)
        last = row
        if len(out) >= n:
            break
    return out


def _cell_above(rws: list[Row], k: int, x0: float, x1: float) -> str:
    """The text of the cell in row *k* that overlaps [x0, x1] (a block's column)."""
    if k < 0:
        return ""
    for cell in rws[k].cells:
        if cell[0].x0 < x1 and cell[-1].x1 > x0:
            return " ".join(w.text for w in cell)
    return ""


def _sender_line(pno: int, row: Row, y: float, above: str = "") -> list[Cand]:
    """The return-address line above a window: "Jana Weber · Lindenweg 4a · 12345 Musterstadt"; a
    letter head's "Kastanienhof 93 · 09526 Hohenlinden-Süd · Telefon …" under the sender's name
    (*above*, the row before); a club's ("TSV Musterhausen 1890 e.V. · Schulstraße 117 · …")."""
    parts = _SENDER_SEP.split(row.text)
    i = next((i for i, t in enumerate(parts) if i >= 1 and _PLZ_LINE.match(t)), 0)
    if not (2 <= len(parts) <= 6 and 1 <= i <= 2) or _AUTHORITY.search(row.text + " " + above):
        return []
    a = V.parse_address(parts[i - 1] + ", " + parts[i])
    who = parts[0].strip() if i == 2 else above.strip()
    nm = V.split_name(who) if _NAME_LINE.match(who) else None
    if not a.get("strasse") or not (nm or _CLUB.search(who)):
        return []
    s, e = row.words[0].start, row.words[-1].end
    found = [("strasse", a.get("strasse")), ("plz", a.get("plz")), ("ort", a.get("ort"))]
    found += [("vorname", nm[0]), ("nachname", nm[1])] if nm and i == 2 else []
    return [c for f, v in found if v for c in [_cand(f, V.Parsed(v), pno, s, e, "header", y, "applicant")] if c]


def header_candidates(pno: int, rws: list[Row], page_h: float) -> list[Cand]:
    """Address blocks in the upper part of a page — name, street, PLZ Ort in
    one column, wherever on the row — the sender's (a letter's head, the
    return-address line above the window) or the authority's (never taken)."""
    out: list[Cand] = []
    top = [r for r in rws if r.y < 0.45 * page_h]
    for k, row in enumerate(top):
        y = row.y / page_h
        for cell in row.cells:
            t = " ".join(w.text for w in cell)
            if not _PLZ_LINE.match(t) or k < 1:
                continue
            x0, x1 = cell[0].x0, cell[-1].x1
            street = _cell_above(top, k - 1, x0, x1)
            if not V.parse_address(street + ", " + t).get("strasse"):
                continue
            name_t = _cell_above(top, k - 2, x0, x1)
            block = " ".join([_cell_above(top, k - 3, x0, x1), name_t, street, t] + _column_above(top, k, x0, x1))
            role = "authority" if _AUTHORITY.search(block) or re.search(r"(?i)\ban (?:das|den|die)\b", block) \
                or _POSTFACH.match(street) else "applicant"
            name_row = top[k - 2] if k >= 2 and _NAME_LINE.match(name_t) else None
            out += _block_cands(pno, [name_row, name_t, top[k - 1], street, row, t], y, role)
        out += _sender_line(pno, row, y, top[k - 1].text if k else "")
    closing = next((k for k, row in enumerate(rws) if CLOSING.match(row.text)), len(rws))
    for k in range(closing + 1, len(rws)):  # a letter's footer: "Jana Weber · Lindenweg 4a · 12345 Musterstadt"
        out += _sender_line(pno, rws[k], rws[k].y / page_h, rws[k - 1].text)
    return out
