"""A printed form's dot leaders and item numbers as OCR reads them.

On paper: "01 VORNAME.................: ANNA".  Tesseract reads the leader's dots as
words of dots, digits and small letters ("VORNAMEN. 2.0 ee, Wenzel", "ANSCHRIFT. ,...:..u
0.2.0.0 nee seen. Eschenallee 150b"), glues the leader to the label ("FAMILIENNAME....2")
and the item's number to it ("09.VORNAMEN:", "OB2STRASSE"), or reads the number as letters
("BI", "O8").  Such a leader is taken for what it is -- the end of its label, as the dots
are on a born-digital page (:func:`.lexicon.ends_label`) -- and the value is the words after
it.  Only words read by OCR (they carry a word confidence) are judged by their look and
confidence; on a text layer only a lone colon or dot stands between a label and its value.
"""

from __future__ import annotations

import re

from ekte.stages.extract.lexicon import Lexicon, ends_label, norm_word
from ekte.stages.layout import Row, Word

#: a leader's words are read with a confidence below this (its dots are no letters); a number of one
#: or two digits (a value of its own: "Flur: 7") below the lower one
LEADER_CONF, DIGITS_CONF = 70.0, 50.0
#: what a leader's dots are read as: dots and commas, digits, and letters without ascenders or descenders;
#: read with hardly any confidence (below GARBLED_CONF), any small letters ("aaeennaninendenensnessnnennt")
_JUNK = re.compile(r"[.,:;·…_\-–=~'\"»«„“”‚‘’`°*<>|!^0-9acemnorsuvwxz]+")
_GARBLED = re.compile(r"[.,:;·…_\-–=~'\"»«„“”‚‘’`°*<>|!^@%0-9a-zäöüß]+")
GARBLED_CONF = 30.0
#: small words a value may begin with: never a leader's
_SMALL_WORDS = {"am", "an", "im", "in", "um", "zu", "zum", "zur", "von", "vom", "van", "der", "den", "des", "auf",
                "de", "da", "di", "du", "del", "la", "le", "ten", "ter", "op"}
#: an item's number glued before its label by OCR ("09.VORNAMEN:", "OB2STRASSE", "10:DATUM", "-VORNAME(N)")
_GLUED_ITEM = re.compile(r"[0-9OoIlBT°:.,\-–]{1,5}?(?=[A-ZÄÖÜ]{3})")
#: an item's number as OCR reads it on its own ("BI", "O8", "02-", "9T.", "II")
_READ_ITEM = re.compile(r"[0-9OIlBDT°]{1,3}[.:\-)]?")
#: a date that can be, or an amount: a value, however low its confidence
_VALUE = re.compile(r"(?<!\d)(?:(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?:19|20)?\d\d|"
                    r"\d{1,3}(?:\.\d{3})*,(?:\d\d|-))(?!\d)")
#: a leader glued to its label's last word ("NACHNAME...", "FAMILIENNAME....2", "ORT...")
_GLUED_LEADER = re.compile(r"(?:\.{2,}|…)\S*$")


def junk(w: Word) -> bool:
    """Whether *w* may be part of a dot leader: a lone colon or dot, or an OCR word of a leader's
    look (dots, digits, small letters) read with little confidence -- not a date, an amount or a
    number of three digits or more."""
    t = w.text
    if not t.strip(":.…"):
        return True
    if w.conf is None or w.conf >= LEADER_CONF or t in _SMALL_WORDS or _VALUE.search(t) or not (
            _JUNK.fullmatch(t) or (w.conf < GARBLED_CONF and _GARBLED.fullmatch(t))):
        return False
    return not t.isdigit() or (len(t) <= 2 and w.conf < DIGITS_CONF) or set(t) == {"0"}


def _speck(w: Word) -> bool:
    """One letter read with hardly any confidence ("N" of a leader's dots)."""
    return len(w.text) == 1 and w.text.isalpha() and w.conf is not None and w.conf < GARBLED_CONF


def past(words: list[Word], j: int, limit: int, led: bool = False) -> tuple[int, bool]:
    """(where the value begins, whether a leader was passed): the leader's words from *j* on
    (not beyond *limit*, the row's end), up to and with the one ending in its colon -- only a leader
    that shows (a dot or colon among them, a long garbled word, three words or more, or *led*: the
    label's word ended in one); *j* when
    nothing would be left after them (then they are the value)."""
    k, seen = j, led
    while k < limit and (junk(words[k]) or _speck(words[k])):
        t = words[k].text
        seen = seen or any(ch in ".:…" for ch in t) or (len(t) >= 6 and words[k].conf < GARBLED_CONF) or k - j >= 2
        k += 1
        if words[k - 1].text.endswith(":"):
            break
    return (k, True) if k < limit and k > j and seen else (j, False)


def after_label(words: list[Word], j: int, colons: list[bool]) -> tuple[int, bool]:
    """Where the value of a label ending before word *j* begins (*colons*: which words end a label,
    :func:`label_words`): past a remark in brackets its leader ends ("IBAN (DE…)......"), and past
    the leader's words, and past the label's English after a slash ("Vorname(n) / First name(s):").
    (index, whether a leader or colon ended the label)"""
    english = _english(words, j)
    if english is not None:
        return english, True
    if j < len(words) and words[j].conf is not None and words[j].text.startswith("(") and not colons[j - 1] \
            and _GLUED_LEADER.search(words[j].text):
        j, dots = j + 1, True
    else:
        dots = colons[j - 1] and not words[j - 1].text.endswith(":")  # its last word ended in a leader
    k, led = past(words, j, len(words), dots)
    return k, led or dots


#: a bilingual form's English (a trilingual one's French too) after the German label
ENGLISH = {"surname", "family name", "last name", "name", "first name", "first names", "first name(s)", "given name",
           "given names", "given name(s)", "forename(s)", "date of birth", "place of birth", "birth name", "address",
           "street", "street, no.", "street and number", "postcode", "post code", "postal code", "zip code", "city",
           "town", "place", "postcode, city", "postcode and town", "phone", "telephone", "phone number", "mobile",
           "telephone number", "e-mail", "email", "nationality", "club", "association", "place, date", "date",
           "signature", "file number", "reference", "date of receipt", "bank account holder", "account holder",
           "surname, first name", "name, first name", "street, number", "street, house number", "postcode, town",
           "postcode, city", "place of residence", "phone number", "personal details", "applicant",
           "nom", "prénom", "prénom(s)", "prénoms", "nom, prénom", "date de naissance", "lieu de naissance", "adresse",
           "rue", "rue, numéro", "code postal", "code postal, ville", "ville", "téléphone", "courriel", "nationalité",
           "lieu, date", "signature", "données personnelles", "demandeur", "demandeuse"}


def _english(words: list[Word], j: int) -> int | None:
    """Past "/ Date of birth:" after a label (or "/ Surname" ending the row), and a trilingual form's French after
    it ("/ Surname / Nom", "/ Postcode, town / Code postal," wrapping at the row's end): where the value begins."""
    past = None
    while j < len(words) and words[j].text.startswith(("/", "|")):
        k = _translation(words, j)
        if k is None:
            break
        past = j = k
    return past


def _translation(words: list[Word], j: int) -> int | None:
    """Past one "/ <English or French>" segment starting at word *j*: at its colon, the next slash, the row's
    end (where a prefix of a known label is enough: the label wraps onto the next line) or a wide gap."""
    texts = [words[j].text[1:]] if words[j].text[1:] else []
    for k in range(j + 1, min(j + 6, len(words)) + 1):
        colon = bool(texts) and texts[-1].endswith(":")
        slash = k < len(words) and words[k].text.startswith(("/", "|")) and bool(texts)
        # its colon, the row's end, or a wide gap: the next cell ("Vorname / First name      Kassenzeichen")
        if colon or slash or k == len(words) or words[k].x0 - words[k - 1].x1 > 2 * words[k - 1].h:
            said = " ".join(texts).rstrip(":").casefold()
            wraps = k == len(words) and len(said) >= 3 and any(e.startswith(said) for e in ENGLISH)
            return k if said in ENGLISH or wraps else None
        texts.append(words[k].text)
    return None


def ocr_row(words: list[Word]) -> bool:
    return any(w.conf is not None for w in words)


def label_word(text: str, leader_after: bool) -> tuple[str, bool, bool]:
    """An OCR word as a label's word: (its text without a glued item number or leader, whether
    a leader ended it, whether an item's number was glued before it).  *leader_after*: the next
    word is a leader's -- then a last dot is the leader's first ("ANSCHRIFT. ,...:..u")."""
    m = _GLUED_ITEM.match(text)
    glued = bool(m and re.search(r"[\d°:.,\-–]", m.group(0)))
    if glued:
        text = text[m.end():]
    k = _GLUED_LEADER.search(text)
    if k and k.start() >= 2:
        return text[:k.start()], True, glued
    if leader_after and re.fullmatch(r"[^\W\d_]{3,}(?:\([^\W\d_]{1,3}\))?\.", text):
        return text[:-1], True, glued
    return text, False, glued


def read_item(w: Word) -> bool:
    """An OCR word that is an item's number as OCR misreads one ("BI" for "01", "O8" for "03")."""
    return w.conf is not None and bool(_READ_ITEM.fullmatch(w.text))


def label_words(row: Row, lex: Lexicon) -> tuple[list[str], list[bool]]:
    """The row's words as labels are looked up (:func:`.lexicon.norm_word`), and which end a label as
    a colon does; on a scan without the item number or leader OCR glued to them."""
    if not ocr_row(row.words):
        return [norm_word(w.text) for w in row.words], [ends_label(w.text) for w in row.words]
    nw, colons = [], []
    for k, w in enumerate(row.words):
        after = k + 1 < len(row.words) and junk(row.words[k + 1])
        text, led, glued = label_word(w.text, after)
        key = norm_word(w.text)
        if (led or glued) and key not in lex.labels:  # "Az." is a label with its dot
            key = norm_word(text)
        else:
            led = False
        nw.append(key)
        colons.append(led or ends_label(w.text))
    return nw, colons
