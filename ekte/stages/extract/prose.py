"""Candidates of running text and of e-mails: the writer's own sentence
("Ich, <Name>, geboren am <Datum>, wohnhaft in <Straße>, <PLZ> <Ort>"), the
person a sentence is about ("Frau <Name>, geb. am …", "für das Kind <Name>,
geboren am …"), "ich bin am <Datum> geboren", the header of a printed e-mail
("Von: <Name> <adresse>", "Gesendet: <Datum>") and the signature block under
the closing ("Mit freundlichen Grüßen / <Name> / <Straße> / <PLZ Ort> / Tel.").

Only the writer's own sentence, in a text not written for someone else,
counts as a label (:mod:`.checks`, anchor ``prose``); everything else here
is a candidate that a clerk confirms."""

from __future__ import annotations

import re

from ekte.stages.extract import values as V
from ekte.stages.extract.candidates import Cand
from ekte.stages.extract.lexicon import words_role

MAX_PROSE = 20_000
_W = r"[^\W\d_][\w\-']*"
_NAMES = rf"({_W}(?:[ \t]+{_W}){{1,3}})"
#: as Tesseract reads a filled-in gap: the blank's underline as "_" before the value, a space before the
#: comma after it (the value and the comma in different fonts) — "Ich, _ Sandra Nguyen , geboren am _ 04.05.1971"
_BLANK = r"(?:_+[ \t]+)?"
_COMMA = r"[ \t]?,"
_BORN = rf"(?:geboren|geb\.)\s+(?:am\s+)?{_BLANK}(?=\d)"
_HOUSE = r"\d{1,4}\s?[a-zA-Z]?(?:\s?[-/–]\s?\d{1,4}\s?[a-zA-Z]?)?"
#: running text written for someone else: the writer's own data are not the applicant's for sure
FOR_OTHERS = re.compile(r"(?i)\b(?:für\s+(?:meine[nrm]?|unsere[nrm]?|Frau|Herrn|das\s+Kind)\b|i\.\s?A\.|im\s+Auftrag|"
                        r"Vollmacht|bevollmächtigt|Betreuer|Betreuerin|Vertreter|Vertreterin|vertrete\b|"
                        r"Erziehungsberechtigt|Sohn|Tochter|Kind\b|Mutter|Vater)")
#: the writer signs for someone else (a Kita reporting a child, a carer, "i. A."): the signature is not the person's
_SIGNS_FOR_OTHERS = re.compile(r"(?i)\bfür\s+(?:meine[nrm]?|unsere[nrm]?|Frau|Herrn|das\s+Kind)\b|\bi\.\s?A\.|"
                               r"\bals\s+(?:gesetzliche[rn]?\s+)?(?:Betreuer|Vertreter|Bevollmächtigte)|\bKind(?:es)?\b|"
                               r"Erziehungsberechtigt|\bmelden\s+wir\b|\bbetroffenen\s+Person\b|"
                               # a lawyer's or agent's cover letter: "namens und in Vollmacht unseres Mandanten"
                               r"\bin\s+Vollmacht\b|\bunsere[rs]?\s+Mandant|\bMandant(?:in|schaft)\b")
#: the writer signs for a club or company ("namens und im Auftrag des Vereins"): its chair
_SIGNS_FOR_BODY = re.compile(r"(?i)\b(?:namens|im\s+Auftrag)\s+(?:und\s+im\s+Auftrag\s+)?(?:des|der|unseres|unserer)\b")
_I_NAME = re.compile(rf"\b[Ii]ch,\s+{_BLANK}{_NAMES}{_COMMA}")
#: the person a sentence is about: a title or "Kind" before the name, the birth date after it
#: (and a parent's "bin die sorgeberechtigte Person von <Name>, geboren am", "bin die Mutter von <Name>, geb. …")
_ABOUT = re.compile(rf"\b(?:Frau|Herrn?|Kind(?:es)?|Sohn(?:es)?|Tochter|(?:Person|Mutter|Vater|Elternteil)\s+von)\s+"
                    rf"{_NAMES}(?:{_COMMA})?\s+{_BORN}")
_BORN_AT = re.compile(rf"\b{_BORN}", re.I)
_I_BORN = re.compile(r"\b[Ii]ch\s+bin\s+am\s+")
#: (the comma after the house number also as OCR reads it: "Birkenallee 25. 12004 Bad Quellenau", "Talstr. 10 ,")
#: ("wohne in der Lindenallee 5", "wir wohnen Am Anger 3": the article is not the street's; the Ort ends at the
#: sentence's full stop — "…, 03046 Cottbus. Ich möchte …" — a word of three letters or a bracket before it, not "St.")
_LIVES = re.compile(rf"(?:\bwohnhaft(?:\s+in)?|\bwohnen?(?:\s+in)?|,\s+Anschrift:)\s+(?:(?:der|dem)\s+)?{_BLANK}"
                    rf"([^\W\d_][^,\d:;]{{1,60}}?\s?{_HOUSE})[ \t]?[,.]\s+"
                    r"([\dOoIlSB]{5})\s+([^,\n]{2,40}?(?:\n(?!\()[^,\n]{1,20}(?=,))?)"
                    r"(?=[ \t]*(?:[,;\n]|$)|(?:(?<=[^\W\d_]{3})|(?<=\)))\.(?:\s|$))")
#: the same, Ort first: "wohnhaft 38749 Sankt Ottilien am Forst, Weidenring 81a"
_LIVES_ORT_FIRST = re.compile(rf"(?:\bwohnhaft(?:\s+in)?|\bwohnen?(?:\s+in)?|,\s+Anschrift:)\s+{_BLANK}([\dOoIlSB]{{5}})\s+"
                              rf"([^,\n\d]{{2,40}}?){_COMMA}\s+([^\W\d_][^,\d:;]{{1,60}}?\s?{_HOUSE})(?=[,.;]|\s)")
#: the person a club's text names as its chair: "vertreten durch Rüdiger Dreesen"
_CHAIR = re.compile(rf"\bvertreten\s+durch\s+(?:(?:den|die|Herrn|Frau|(?:1\.\s*)?Vorsitzende[nr]?)\s+)*{_NAMES}\b")
#: "… vertreten durch den Vorsitzenden" ending its line (a heading): the next line ("Name des Vereins") is no name
_CHAIR_ENDS = re.compile(r"Vorsitzende[nr]?[ \t]*\n")
#: (a mail client's display name also as "Nachname, Vorname": "Von: Böhme, Jens <j.boehme@…>")
_MAIL_FROM = re.compile(rf"(?m)^(?:Von|From|Absender):[ \t]+({_W}(?:[ \t]+{_W}){{0,2}},[ \t]+{_W}(?:[ \t]+{_W}){{0,2}}|"
                        rf"{_W}(?:[ \t]+{_W}){{1,3}})[ \t]*<\s*({V.EMAIL.pattern})\s*>")
#: where a printed e-mail quotes the message it answers: what follows is someone else's (the clerk's signature)
_QUOTED = re.compile(r"(?m)^[ \t]*(?:-{2,}[ \t]*(?:Ursprüngliche Nachricht|Original Message|Weitergeleitete Nachricht|"
                     r"Forwarded message)[ \t]*-{2,}|Am [^\n]{5,80} schrieb [^\n]{2,80}:[ \t]*$)")
#: a file number said in a sentence or a subject ("… – Az. LRA-6214/26", "(Aktenzeichen BA-2911/26)"): never "Unser …"
_AZ_SAID = re.compile(r"(?:[(–,]|\s-)[ \t]*(?:Ihr(?:e)?[ \t]+(?:Zeichen|Az\.|Aktenzeichen)|Az\.|Aktenzeichen|Geschäftszeichen|"
                      r"Gz\.)[ \t]+((?:[A-ZÄÖÜ]{1,5}[ ./-]?)?\d[\w./-]*(?:[ ](?:[-–/][ ])?(?:\d[\w./-]*|[A-ZÄÖÜ]{1,4}(?=[ ][-–/][ ]\d))){0,5})")
#: a street with its number, PLZ and Ort on one line ("Obere Hauptstraße 67b, 01094 Bad Lausnitz")
_ADDRESS_LINE = re.compile(rf"^[^\W\d_][^,\d]{{1,60}}?\s?{_HOUSE},\s*(?:D\s?-\s?)?\d{{5}}\s+[^\W\d_][^\d]{{1,40}}$")
#: (and a portal printout's submission time: "Eingereicht: 2026-05-23T16:46:11", "Zeitpunkt der Übermittlung: 2026-…")
_MAIL_SENT = re.compile(r"(?m)^(?:Gesendet|Datum|Date|Sent|Eingereicht|Übermittelt|(?:Zeitpunkt|Datum)[ \t]+der[ \t]+"
                        r"(?:Übermittlung|Einreichung|Antragstellung)):[ \t]+(?:[^\W\d_]{2,10}\.?,[ \t]+)?")
_CLOSING = re.compile(r"(?mi)^[ \t]*(?:mit[ \t]+)?(?:freundliche[nm]?|beste[nm]?|viele[n]?|herzliche[nm]?|liebe)"
                      r"[ \t]+gr(?:ü|ue|u)(?:ß|ss)(?:en|e)?[ \t]*[,.!]?[ \t]*$|^[ \t]*hochachtungsvoll[ \t]*,?[ \t]*$")
_NAME_LINE = re.compile(r"^(?:(?:Herr|Frau|Dr\.)\s+)*[A-ZÄÖÜ][\w\-']+(?:\s+[A-ZÄÖÜ][\w\-']+){1,3}$")
_PLZ_LINE = re.compile(r"^(?:D\s?-\s?)?\d{5}\s+[^\W\d_][^\d]{1,40}$")
#: a handwritten signature as OCR reads it between a closing and the typed name ("an", "um AN",
#: "DANN NG"): a few characters, no digit, no word of four small letters ("Anlagen" is a word)
_SCRIBBLE = re.compile(r"^(?=.{1,9}$)(?!.*[a-zäöüß]{4})[^\d@]*$")
_TEL_LINE = re.compile(r"^(?:Tel\.?|Telefon|Mobil|Handy|Fon)\s*[:.]?\s*(\+?[\d(][\d\s/()\-]{5,}\d)\s*$")


def _cand(field: str, p: V.Parsed | None, pno: int, s: int, e: int, source: str, label: str = "",
          role: str | None = None, raw: str = "") -> Cand | None:
    if p is None or not p.value:
        return None
    return Cand(field, p.value, pno, s, e, source, role=role, ok=p.ok, repaired=p.repaired, raw=raw, label=label)


def _names(m: re.Match, pno: int, source: str, label: str, role: str | None = None) -> list[Cand | None]:
    raw = m.group(1).replace("\n", " ")
    nm = V.split_name(raw)
    if not nm:
        return []
    return [_cand("vorname", V.Parsed(nm[0]), pno, m.start(1), m.end(1), source, label, role, raw),
            _cand("nachname", V.Parsed(nm[1]), pno, m.start(1), m.end(1), source, label, role, raw)]


def _date_after(field: str, text: str, at: int, pno: int, source: str, label: str) -> Cand | None:
    r = V.parse_date_ex(text[at: at + 30])
    if not r or r[2] != 0:
        return None
    return _cand(field, V.Parsed(r[0], True, r[1]), pno, at, at + r[3], source, label, raw=text[at: at + 30])


def signs_for_others(text: str) -> bool:
    """The writer writes for someone else (a carer, a representative, "i. A."): the letter's sender is not the person."""
    return bool(_SIGNS_FOR_OTHERS.search(text[:MAX_PROSE]))


def prose_candidates(pno: int, text: str) -> list[Cand]:
    """Values of running text; their anchor words count as labels unless the
    text is written for someone else, or names more than one person."""
    text = text[:MAX_PROSE]
    out: list[Cand | None] = []
    own = "" if FOR_OTHERS.search(text) else "prose"
    # (a literal each pattern needs first: the search alone costs, where the text cannot hold one)
    m = _I_NAME.search(text) if "ch," in text else None
    about = [a for a in _ABOUT.finditer(text)] if "geb" in text else []
    if m and not writer_part(text):  # ("Ich, <Name>, …, handelnd als Betreuer für …": the writer's name)
        out += _names(m, pno, "prose", own)
    elif about:
        persons = {re.sub(r"\s+", " ", a.group(1)) for a in about}
        out += _names(about[0], pno, "prose", own if len(persons) == 1 else "")
    m = _BORN_AT.search(text) or (_I_BORN.search(text) if "bin" in text else None)
    if m:
        # two persons' birth dates in the text: which is whose is not plain
        dates = {text[b.end(): b.end() + 12] for b in _BORN_AT.finditer(text)}
        out.append(_date_after("geburtsdatum", text, m.end(), pno, "prose", own if len(dates) <= 1 else ""))
    lives = "wohn" in text or "Anschrift:" in text
    m = _LIVES.search(text) if lives else None
    if m and m.group(1).count("\n") <= 1:
        before = text[max(0, m.start() - 100):m.start()].replace("\n", " ").rsplit(". ", 1)[-1]
        at = own if words_role([before]) not in ("other", "representative") \
            else ""  # "Angaben zur Person stellv. Vorsitzende/r: <Name>, wohnhaft in …": someone else's
        out.append(_cand("strasse", V.Parsed(V.clean(m.group(1))), pno, m.start(1), m.end(1), "prose", at))
        out.append(_cand("plz", V.v_plz(m.group(2)), pno, m.start(2), m.end(2), "prose", at))
        out.append(_cand("ort", V.Parsed(V.clean(m.group(3))), pno, m.start(3), m.end(3), "prose", at))
    elif lives and (m := _LIVES_ORT_FIRST.search(text)) and m.group(3).count("\n") <= 1:
        out.append(_cand("plz", V.v_plz(m.group(1)), pno, m.start(1), m.end(1), "prose", own))
        out.append(_cand("ort", V.Parsed(V.clean(m.group(2))), pno, m.start(2), m.end(2), "prose", own))
        out.append(_cand("strasse", V.Parsed(V.clean(m.group(3))), pno, m.start(3), m.end(3), "prose", own))
    if "vertreten" in text and (m := _CHAIR.search(text)) is not None \
            and not _CHAIR_ENDS.search(text[m.start():m.start(1)]):
        out += _names(m, pno, "prose", "", "chair")
    m = _CLUB.search(text) if "V." in text else None
    if m and m.group(2):
        out.append(_cand("verein", V.Parsed(V.clean(m.group(2))), pno, m.start(2), m.end(2), "prose"))
        m = None
    if m:
        out.append(_cand("verein", V.Parsed(V.clean(m.group(1))), pno, m.start(1), m.end(1), "prose"))
    return [c for c in out + club_seat(pno, text) + running_values(pno, text) + mail_candidates(pno, text) if c]


_CLUB = re.compile(r"(?m)\bfür\s+den\s+Verein\s+([^,\n]{3,80}?e\.\s?V\.)|^(?:Der|Die|Das)\s+([^,\n]{3,80}?e\.\s?V\.),")


#: a club's address in a sentence, after its legal form (a comma or a bracket) or "mit Sitz in": "Der SV Grün-Weiß e.V., Kastanienhof 129,
#: 48907 Fuchsau, vertreten durch …", "namens des Reitverein Siefenbach e.V., Neustraße 30, 77582 Sankt Wendelin"
_CLUB_SEAT = re.compile(rf"(?:\be\.\s?V\.\s*[,(]|\bmit\s+Sitz\s+in\b)\s*([^\W\d_][^,\d:;\n]{{1,60}}?\s?{_HOUSE})[ \t]*,\s*"
                        r"([\dOoIlSB]{5})\s+([^\W\d_][^,\n();]{1,40}?)[ \t]*(?=[,;()\n]|\.(?:\n|$)|$)")


def club_seat(pno: int, text: str) -> list[Cand | None]:
    """The address a sentence gives a club (role ``club``: the applicant of a club's application, someone else's on
    any other; candidates a clerk confirms, never sure)."""
    m = _CLUB_SEAT.search(text) if "V." in text or "Sitz" in text else None  # (the search alone costs)
    if m is None or m.group(1).count("\n"):
        return []
    return [_cand("strasse", V.Parsed(V.clean(m.group(1))), pno, m.start(1), m.end(1), "prose", "club", "club"),
            _cand("plz", V.v_plz(m.group(2)), pno, m.start(2), m.end(2), "prose", "club", "club"),
            _cand("ort", V.Parsed(V.clean(m.group(3))), pno, m.start(3), m.end(3), "prose", "club", "club")]


#: values a sentence names by their own word: "(Gemarkung Altenhain, Flur 11, Flurstück 649, 156)",
#: "einen Zuschuss in Höhe von 2.000,00 €", "erreichen Sie mich tagsüber unter 0172 …"
_IN_TEXT = (
    ("gemarkung", re.compile(r"\bGemarkung\s+([A-ZÄÖÜ][^\d,;:()\n]{1,40}?)(?=\s*[,;)]|\s+Flur\b)"), V.v_text),
    ("flur", re.compile(r"\bFlur\s+(\d{1,4})(?![\d/])"), V.v_flur),
    ("flurstueck", re.compile(r"\bFlurstücke?\s+(\d{1,5}(?:/\d{1,4})?(?:,\s?\d{1,5}(?:/\d{1,4})?(?![\d.,]))*)"),
     V.v_flurstueck),
    ("betrag_eur", re.compile(r"\b(?:Zuschuss|Zuwendung|Förderung|Beihilfe)\w*\s+(?:in\s+Höhe\s+)?von\s+(?:EUR\s?|€\s?)?"
                              r"(\d{1,3}(?:\.\d{3})*(?:,\d{2}|,-)?)(?=\s?(?:€|EUR|Euro)\b|\s?€)"), V.v_betrag),
    # a code may break over the lines of a sentence ("… mit der FIN WVWW5KZDBCDRV9" / "S7T."): its parts are joined
    # (an OCRed page's text ends its lines with a space: "WVWW5KZDBCDRV9 \nS7T.")
    ("fin", re.compile(r"\b(?:FIN|Fahrzeug-Identifizierungsnummer|Fahrgestellnummer)\s+"
                       r"((?=[A-HJ-NPR-Z0-9]{0,16}\d)[A-HJ-NPR-Z0-9]{17}\b|[A-HJ-NPR-Z0-9]{4,16}[ \t]?\n[A-HJ-NPR-Z0-9]{1,13}\b)"),
     V.v_fin),
    ("evb", re.compile(r"\beVB(?:-Nummer)?\s+(?:lautet\s+|ist\s+)?((?=[A-Z]{0,6}\d)[A-Z0-9]{7}\b|[A-Z0-9]{2,6}[ \t]?\n[A-Z0-9]{1,5}\b)"),
     V.v_evb),
    ("telefon", re.compile(r"\b(?:erreichbar|erreichen\s+Sie\s+mich(?:\s+[a-zäöü]{3,12})?)\s+(?:unter|über)\s+(?:(?:Tel\.|Telefon|der\s+Nummer)\s*:?\s*)?"
                           r"(\+?[\d(][\d /()\-]{5,}\d)"), V.v_telefon),
    ("kennzeichen", re.compile(r"\bKennzeichen\s+([A-ZÄÖÜ]{1,3}-[A-Z]{1,2}\s?\d{1,4}[EH]?)\b"), V.v_kennzeichen),
)


#: a literal each of _IN_TEXT's patterns needs (the search alone costs)
_IN_TEXT_NEEDS = (("Gemarkung",), ("Flur",), ("Flurstück",), ("Zuschuss", "Zuwendung", "Förderung", "Beihilfe"),
                  ("FIN", "Fahr"), ("eVB",), ("erreich",), ("Kennzeichen",))


def running_values(pno: int, text: str) -> list[Cand | None]:
    """Cadastral data, amounts and vehicle codes named in a sentence (candidates, never sure)."""
    out: list[Cand | None] = []
    for (field, rx, check), needs in zip(_IN_TEXT, _IN_TEXT_NEEDS):
        m = rx.search(text) if any(n in text for n in needs) else None
        if m:
            raw = re.sub(r"[ \t]?\n", "", m.group(1))  # a code broken over two lines: the length must come out right
            p = check(raw) if "\n" not in m.group(1) or len(raw) == {"fin": 17, "evb": 7}.get(field) else None
            out.append(_cand(field, p, pno, m.start(1), m.end(1), "pattern", raw=raw))
    return out


def mail_candidates(pno: int, text: str) -> list[Cand | None]:
    """A printed e-mail's sender and date, and the signature block under a
    closing.  The sender is the applicant; the chair when writing on behalf of
    a club ("namens und im Auftrag des …"); someone else when signing for
    another person (a Kita reporting a child, a carer, "i. A.")."""
    q = quoted_at(text)
    own = text[:q]
    role = "chair" if _SIGNS_FOR_BODY.search(own) else "other" if _SIGNS_FOR_OTHERS.search(own) else "applicant"
    out: list[Cand | None] = []
    m = _MAIL_FROM.search(text) if "Von:" in text or "From:" in text or "Absender:" in text else None
    if m:
        out += _names(m, pno, "header", "", role)
        out.append(_cand("email", V.v_email(m.group(2)), pno, m.start(2), m.end(2), "header", role=role))
    m = _MAIL_SENT.search(text) if any(w in text for w in ("Gesendet:", "Dat", "Sent:", "Eingereicht:", "bermitt")) else None
    if m:
        out.append(_date_after("antragsdatum", text, m.end(), pno, "pattern", "sent"))
    for m in _CLOSING.finditer(text):
        out += _signature(pno, text, m.end(), role if m.start() < q else "other")
    m = _AZ_SAID.search(text) if "eichen" in text or "z." in text else None
    if m:
        said, end = m.group(1), m.start(1) + len(m.group(1).rstrip("."))
        if text[m.start()] == "(" and (w := _AZ_WRAPPED.match(text, m.end())):  # "(Ihr Az. 18 SO" / "73492/26)"
            said, end = f"{said}{w.group(1)} {w.group(2)}", w.end(2)
        if sum(ch.isdigit() for ch in said) >= 3:  # ("Az. 12": a paragraph's number, not a file's)
            out.append(_cand("aktenzeichen", V.v_aktenzeichen(said), pno, m.start(1), end, "prose", "said"))
    return out


#: a bracketed file number wrapping at its line's end (an e-mail's subject: "(Ihr Az. 18 SO" / "73492/26)"): a letter
#: group left on the first line, the next line's first token up to the bracket
_AZ_WRAPPED = re.compile(r"((?:[ \t][A-ZÄÖÜ]{1,4})?)[ \t]*\n[ \t]*(\d[\w./-]*)\)")


#: a declaration's writer acting for someone ("Ich, <Name>, …, handelnd als gesetzliche/r Vertreter/in für <Name>")
#: (also "bin die sorgeberechtigte Person von", "bin der Vater von": a parent writing for the child)
_ACTING_FOR = re.compile(r"(?i)\b(?:handelnd\s+|erkläre\s+)?(?:als|bin\s+(?:die|der))\s+(?:(?:gesetzliche|rechtliche)[rn]?(?:/r)?\s+)?"
                         r"(?:Vertreter|Betreuer|Bevollmächtigte|Sorgeberechtigte|Erziehungsberechtigte|Vormund|Mutter|Vater|"
                         r"Elternteil)[^\s,]*(?:\s+Person)?(?:\s*\([^)\n]{1,30}\))?\s+(?:für|von)\b")
_I_COMMA = re.compile(r"\b[Ii]ch,")


def writer_part(text: str) -> tuple[int, int] | None:
    """Where a declaration's writer gives their own data before saying they act for someone else
    ("Ich, <Name>, wohnhaft …, handelnd als Betreuer für <Name>"): from "Ich," to the acting words."""
    m = _ACTING_FOR.search(text)
    if m is None:
        return None
    starts = [i.start() for i in _I_COMMA.finditer(text, 0, m.start())]
    return (starts[-1], m.start()) if starts else None


def quoted_at(text: str) -> int:
    """Where a printed e-mail's quoted earlier message begins (the length of *text* when none does)."""
    m = _QUOTED.search(text) if "--" in text or "schrieb" in text else None
    return m.start() if m else len(text)


def _signature(pno: int, text: str, at: int, role: str) -> list[Cand | None]:
    """Name, street, PLZ Ort and phone on the (up to six) lines under a closing."""
    out: list[Cand | None] = []
    lines, pos = [], at
    for ln in text[at:].split("\n")[:7]:
        lines.append((pos, ln.strip()))
        pos += len(ln) + 1
    lines = [(p, t) for p, t in lines if t]
    name_at = 1 if len(lines) > 1 and _SCRIBBLE.match(lines[0][1]) and _NAME_LINE.match(lines[1][1]) else 0
    for k, (p, t) in enumerate(lines):
        if k == name_at and (nm := re.fullmatch(_NAMES, t)) and _NAME_LINE.match(t):
            out += [_shift(c, p) for c in _names(nm, pno, "header", "", role)]
        elif _PLZ_LINE.match(t) and k >= 1:
            a = V.parse_address(lines[k - 1][1] + ", " + t)
            if "strasse" in a and "plz" in a:
                ps, pt = lines[k - 1][0], lines[k - 1][1]
                out.append(_cand("strasse", V.Parsed(a["strasse"]), pno, ps, ps + len(pt), "header", role=role))
                out.append(_cand("plz", V.Parsed(a["plz"]), pno, p, p + 5, "header", role=role))
                out.append(_cand("ort", V.Parsed(a["ort"]), pno, p, p + len(t), "header", role=role))
        elif _ADDRESS_LINE.match(t) and k >= 1 and "strasse" in (a := V.parse_address(t)) and "plz" in a:
            out += [_cand(f, V.Parsed(a[f]), pno, p, p + len(t), "header", role=role) for f in ("strasse", "plz", "ort")
                    if f in a]
        elif (tm := _TEL_LINE.match(t)) and k >= 2:
            out.append(_cand("telefon", V.v_telefon(tm.group(1)), pno, p + tm.start(1), p + tm.end(1), "header",
                             role=role))
    return out


def _shift(c: Cand | None, by: int) -> Cand | None:
    if c is not None:
        c.start += by
        c.end += by
    return c
