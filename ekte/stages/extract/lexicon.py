"""The label lexicon and the section headings, matched on word sequences.

A label is a sequence of words ("Straße / Nr.", "Name, Vorname"): it
matches the words of a row exactly (after normalising case, ß, a trailing
colon or asterisk) or, on OCR text, fuzzily (rapidfuzz).  Labels come from
the profile (``extract.labels``, ``extract.aktenzeichen_labels``); section
headings from ``extract.sections`` on top of the defaults.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from ekte.profile import DEFAULT_SECTIONS

if TYPE_CHECKING:  # pragma: no cover
    from ekte.profile import Profile

#: words inside a label that say whose value it is
ROLE_WORDS = (
    ("kindes", "subject"), ("kind", "subject"), ("bevollmächtigt", "representative"), ("vertreter", "representative"),
    ("erziehungsberechtigt", "representative"), ("sorgeberechtigt", "representative"), ("betreuer", "representative"),
    ("kontoinhaber", "account"), ("vorsitzend", "chair"), ("vertreten durch", "chair"),
    ("ansprechpartner", "representative"), ("entwurfsverfasser", "other"), ("eigentümer", "other"),
    ("mutter", "representative"), ("vater", "representative"), ("eltern", "representative"),
    ("arbeitgeber", "other"), ("betriebs", "other"), ("ehegatt", "other"), ("ehepartner", "other"), ("ehefrau", "other"), ("ehemann", "other"),
    ("grundstück", "place"), ("lage (", "place"), ("lage des", "place"), ("standort", "place"), ("haltungsort", "place"), ("einrichtung", "other"), ("schule", "other"),
    # someone before or beside the applicant: the previous holder or owner, a previous vehicle or address, a
    # co-applicant, a landlord, those who draw or run a building, a vet, a contact for emergencies
    ("vorbesitz", "other"), ("voreigentüm", "other"), ("vorhalter", "other"), ("bisher", "other"), ("(alt)", "other"),
    ("vorfahrzeug", "other"), ("vorherig", "other"), ("früher", "other"), ("altes kennz", "other"),
    ("veräußer", "other"), ("verkäufer", "other"), ("vermieter", "other"), ("wohnungsgeber", "other"),
    ("mitantragsteller", "other"), ("mitbauherr", "other"), ("architekt", "other"), ("bauleiter", "other"), ("planverfasser", "other"),
    ("stellvertret", "other"), ("stellv. vorsitzend", "other"), ("tierarzt", "other"), ("tierärzt", "other"), ("notfall", "other"), ("kassenwart", "other"),
    ("schatzmeister", "other"), ("schriftführer", "other"), ("bevollmächtigung", "representative"),
    ("vormund", "representative"), ("lebenspartner", "other"), ("dienstherr", "other"),
    # a club's ("Anschrift des Vereins", "Vereinsanschrift"): the applicant of a club's application, else someone
    # else (scoring.featurize)
    ("vereins", "club"),
)
#: words that make a compound label of a field's label whose value is someone's ("Vereinsanschrift",
#: "PLZ, Vereinsort", "Vereinstelefon"): the compound of a lexicon label's last word, whose by ROLE_WORDS
COMPOUND_HEADS = ("vereins",)
_COMPOUNDABLE = ("anschrift", "plz_ort", "ort", "telefon", "email")
_COMPOUND_TAILS = ("anschrift", "adresse", "ort", "telefon", "telefonnummer", "rufnummer", "e-mail", "email")
#: labels so common in running text or so short that they count only at the start of a cell or before a colon
WEAK = {"name", "datum", "ort", "eingang", "verein", "betrag", "mail", "adresse", "zuschuss", "kennzeichen", "fin",
        "flur", "plz", "eing.", "geb.", "antragsteller", "kind", "evb", "az", "az.", "tel.", "telefon", "mobil",
        "anschrift", "email", "e-mail", "eingegangen", "iban", "strasse", "wohnsitz", "handy", "feld"}


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).casefold()
    s = s.replace("ß", "ss").replace("$", "§")
    return _SPACES.sub(" ", s)


_SPACES = re.compile(r"\s+")


def norm_word(w: str) -> str:
    if ".." in w or "…" in w:  # a dot leader after the label ("VORNAME.........:"): no part of its words
        w = _LEADER.sub("", w.rstrip(":*"))
    if w.isascii():
        w = w.lower().rstrip(":*").lstrip("*")
        return _SHORT.get(w, w)
    return unicodedata.normalize("NFKC", w).casefold().replace("ß", "ss").rstrip(":*").lstrip("*")


#: a printed form's abbreviations of a label's first words, read as the words ("Amtl. Kennzeichen")
_SHORT = {"amtl.": "amtliches"}


#: a dot leader of a printed form between a label and its value ("02 NAME....................: MÜLLER",
#: "Ort, Datum ......") -- at least three dots or an ellipsis, its colon after it
_LEADER = re.compile(r"(?:\.{3,}|…)[.…]*:?$")


def ends_label(w: str) -> bool:
    """Whether a word ends its label as a colon does: its colon, or a dot leader ("NAME..........")."""
    return w.endswith(":") or (w[-1:] in ".…" and bool(_LEADER.search(w)))


#: a letter's closing: what follows (the signature, a footer) is the writer's, in no section of the body
CLOSING = re.compile(r"(?i)\s*(?:mit\s+)?(?:freundliche[nm]?|besten|herzliche[nm]?|viele[nm]?)\s+gr(?:ü|ue)(?:ß|ss)(?:en|e)?\b|"
                     r"\s*hochachtungsvoll\b")


#: the number of a form's item before its label ("01 VORNAME", "2.4 Telefon", "3.1.2", "a)", "(4)")
_ITEM_NUMBER = re.compile(r"\(?\d{1,2}(?:\.\d{1,2}){0,3}[.)]?|[a-hA-H][.)]")


def item_number(w: str) -> bool:
    """Whether a word is the number of a form's item: the label after it begins the item as it would its cell."""
    return bool(_ITEM_NUMBER.fullmatch(w))


#: what OCR writes for the letters of a printed label, undone on both sides before a label is
#: looked up again — labels only, never values: "Vomame" (rn → m), "G2." (z → 2), "Stra8e"
#: (ß → 8), "Strafse" (ß → fs), "Pr1ifung"/"Prufung" (ü → ii, u), "Te1." (l → 1)
_FOLD_PAIRS = (("rn", "m"), ("cl", "d"), ("vv", "w"), ("ii", "u"), ("fs", "ss"), ("8", "ss"))
_FOLD_CHARS = str.maketrans({"0": "o", "1": "l", "|": "l", "!": "l", "i": "l", "5": "s", "2": "z", "ä": "a", "ö": "o",
                             "ü": "u"})


def ocr_fold(key: str) -> str:
    """A normalised label key (:func:`norm_word`) with OCR's usual confusions folded."""
    for a, b in _FOLD_PAIRS:
        key = key.replace(a, b)
    return key.translate(_FOLD_CHARS)


@dataclass(frozen=True)
class Label:
    key: str  # normalised words joined by one space
    field: str
    text: str  # as the profile wrote it
    role: str | None  # whose value, when the label says so ("Vorname des Kindes")
    weak: bool


@dataclass
class Lexicon:
    labels: dict[str, Label] = field(default_factory=dict)
    by_words: dict[int, list[str]] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)  # normalised heading → role
    max_words: int = 1
    first: set[str] = field(default_factory=set)  # first words of labels (a quick no)
    head_len: tuple[int, int] = (0, 0)  # shortest and longest heading
    folded: dict[str, str | None] = field(default_factory=dict)  # ocr_fold(key) → key (None: two labels)
    said: dict[str, str | None] = field(default_factory=dict)  # heading text → section_of (forms repeat them)
    fuzzy: dict[tuple, tuple[str, float] | None] = field(default_factory=dict)  # (words, k, min_sim) → _fuzzy

    def add(self, field_name: str, text: str) -> None:
        key = " ".join(norm_word(w) for w in text.split())
        if not key or key in self.labels:
            return
        role = next((r for w, r in ROLE_WORDS if w in key), None)
        self.labels[key] = Label(key, field_name, text, role, key in WEAK or len(key) < 5)
        n = key.count(" ") + 1
        self.first.add(key.split(" ")[0])
        self.by_words.setdefault(n, []).append(key)
        f = ocr_fold(key)
        self.folded[f] = key if self.folded.get(f, key) == key else None
        self.fuzzy.clear()  # (a new label: what a garbled one is read as may change)
        self.max_words = max(self.max_words, n)


_CACHE: dict[int, tuple[object, Lexicon]] = {}


def lexicon(profile: "Profile") -> Lexicon:
    hit = _CACHE.get(id(profile))
    if hit and hit[0] is profile:
        return hit[1]
    lex = Lexicon()
    table = {k: list(v) for k, v in profile.extract.labels.items()}
    table["aktenzeichen"] = list(profile.extract.aktenzeichen_labels)
    # longest first: a label that is a prefix of another never hides it
    for f, variants in table.items():
        for lab in variants:
            lex.add(f, lab)
    for f in _COMPOUNDABLE:  # "Vereinsanschrift", "PLZ, Vereinsort": a label's last word compounded with an owner
        for lab in table.get(f, []):
            words = lab.split()
            if not words:  # (a blank label: refused by the profile; a Profile built by hand may hold one)
                continue
            *head, last = words
            if last.lower() in _COMPOUND_TAILS and not set(w.lower() for w in head) & {"des", "der", "zur", "zum"}:
                for pre in COMPOUND_HEADS:
                    lex.add(f, " ".join(head + [pre + last.lower()]))
    for role, heads in list(DEFAULT_SECTIONS.items()) + list(profile.extract.sections.items()):
        for h in heads:
            lex.sections[section_key(h)] = role
    lens = [len(k) for k in lex.sections] or [0]
    lex.head_len = (min(lens), max(lens))
    _CACHE.clear()
    _CACHE[id(profile)] = (profile, lex)
    return lex


def section_key(text: str) -> str:
    """A heading without numbering ("1.", "A)", "Abschnitt 2:") and punctuation at its ends."""
    t = norm(text).strip()
    # numbered with or without a dot ("2 Leistungsberechtigte Person", "A ANGABEN ZUR HALTERIN")
    t = re.sub(r"^(?:abschnitt\s+)?(?:[0-9]{1,2}|[a-h]|[ivx]{1,4})(?:[.):]\s*|\s+(?=[^\W\d]{4}))", "", t)
    return t.strip(" :*-–")


@dataclass
class Hit:
    label: Label
    i: int  # first word index in the row
    j: int  # one past the last word
    sim: float  # 0..1
    colon: bool


def match_in_row(nw: list[str], colons: list[bool], i: int, lex: Lexicon, min_sim: float,
                 cell_start: bool) -> Hit | None:
    """The longest label starting at word *i* of a row; *nw* are the row's
    words normalised (:func:`norm_word`), *colons* which of them ended with ':'."""
    n = len(nw)
    known_start = nw[i] in lex.first
    top = min(lex.max_words, n - i)
    # a label ends at its colon: "Vorname: Anna" is not the label "Vorname Name" (no longer one than that)
    top = next((c - i + 1 for c in range(i, i + top - 1) if colons[c]), top)
    for k in range(top, 0, -1):
        colon = colons[i + k - 1] or (i + k < n and nw[i + k] == "")
        if not (known_start or cell_start or colon):
            continue  # neither a label's first word nor a place where a garbled one may stand
        key = " ".join(nw[i:i + k])
        lab = lex.labels.get(key)
        if lab is not None:
            if cell_start or colon or not lab.weak:
                return Hit(lab, i, i + k, 1.0, colon)
            continue
        alt = lex.folded.get(ocr_fold(key)) if (cell_start or colon) and len(key) >= 2 else None
        if alt:  # the label as OCR misread it: its letters confused, nothing else
            return Hit(lex.labels[alt], i, i + k, 0.85, colon)
        if (cell_start or colon) and len(key) >= 6:
            best = _fuzzy(lex, key, k, min_sim)
            if best:
                return Hit(lex.labels[best[0]], i, i + k, best[1] / 100, colon)
        if k == 1 and colon and 3 <= len(key) <= 5:
            # a short label garbled by OCR ("Blur:" for "Flur:"): one letter off, colon after
            for cand in lex.by_words.get(1, []):
                if len(cand) == len(key) and sum(a != b for a, b in zip(cand, key)) == 1:
                    return Hit(lex.labels[cand], i, i + 1, 0.75, colon)
    return None


def _fuzzy(lex: Lexicon, key: str, k: int, min_sim: float) -> tuple[str, float] | None:
    """The label of *k* words that *key* is a garbled reading of, with its similarity (0..100), or None
    (remembered per lexicon: a county's forms repeat their labels)."""
    memo = (key, k, min_sim)
    if memo in lex.fuzzy:
        return lex.fuzzy[memo]
    cands = lex.by_words.get(k, [])
    best = process.extractOne(key, cands, scorer=fuzz.ratio, score_cutoff=min_sim) if cands else None
    # word by word: a garbled label's words stay in place ("Straße, Hausnummer Am" is not "Straße / Hausnummer")
    if not (best and best[0][:1] == key[:1] and abs(len(best[0]) - len(key)) <= 2 and all(
            fuzz.ratio(a, b) >= 50 or len(b) <= 2 for a, b in zip(key.split(" "), best[0].split(" ")))):
        best = None
    if len(lex.fuzzy) >= 50_000:
        lex.fuzzy.clear()
    lex.fuzzy[memo] = out = (best[0], best[1]) if best else None
    return out


def section_of(text: str, lex: Lexicon) -> str | None:
    """The role a heading row stands for, or None (remembered per text: a county's forms repeat theirs)."""
    role = lex.said.get(text, "?")
    if role != "?":
        return role
    if len(lex.said) >= 50_000:
        lex.said.clear()
    lex.said[text] = role = _section_of(text, lex)
    return role


def _section_of(text: str, lex: Lexicon) -> str | None:
    key = section_key(text)
    if not key:
        return None
    role = _named_section(key, lex)
    remark = key[len(re.sub(r"\s+\([^()]*\)$", "", key)):]
    if role == "applicant" and "abweichend" in remark and "antragst" not in key[:len(key) - len(remark)]:
        return "other"  # "Halter/in (falls abweichend vom Antragsteller)": someone besides the applicant
    return role


def _named_section(key: str, lex: Lexicon) -> str | None:
    # a gendered pair ("Entwurfsverfasserin / Entwurfsverfasser") or two names of one section
    # ("Gesetzliche Betreuung / Bevollmächtigte Person"): either names the section
    # a remark in brackets after the heading ("Ansprechpartner/in (Kassenwart/in)", "Bauherr/in (falls abweichend)")
    bare = re.sub(r"\s+\([^()]*\)$", "", key)
    pair = key.split(" / ") if " / " in key and len(key) <= 2 * lex.head_len[1] + 3 else []
    for part in dict.fromkeys([key, bare] + pair + [g for p in pair for g in _gendered(p)]):
        if part in lex.sections:
            return lex.sections[part]
    if len(key) > lex.head_len[1] + 3 or len(key) < lex.head_len[0] - 3:
        return None
    role = _role_heading(bare)  # the words that say whose before a look-alike ("zum Vater" is not "zum Halter")
    words = bare.split()
    for n in range(min(len(words) - 1, 4), 0, -1) if role is None else ():
        # a heading and a remark after it ("Bevollmächtigte/r Vollmacht bitte beifügen"), not a pair ("… bzw. …")
        head = " ".join(words[:n]).rstrip(",;")  # "Angaben zur Person, die belehrt wird"
        if len(head) >= 12 and head in lex.sections and len(words) - n <= 5 and words[n] not in _PAIRED:
            return lex.sections[head]
    if role is None and len(key) >= 10 and not any(ch.isdigit() for ch in key):
        best = process.extractOne(key, list(lex.sections), scorer=fuzz.ratio, score_cutoff=90)
        if best:
            return lex.sections[best[0]]
    if role is None and len([w for w in words if w not in _PAIRED]) <= 4 and not any(ch.isdigit() for ch in key) \
            and not re.search(r"[.,;]$|, ", key) and not any(
            " ".join(words[:k]) in lex.labels for k in range(1, len(words) + 1)):
        # a short heading of its own: "Eltern", "Mutter / Vater", "Vormund" -- only ever someone else's
        # ("Kindertagesstätte" is not the child's)
        said = _role_heading(bare, shaped=False)
        if said in ("representative", "account", "other", "neutral"):
            return said
    if role is None and len(words) <= 6 and _HEAD_SHAPE.fullmatch(bare):
        return "unknown"  # a person's heading that says not whose ("Angaben zur Begleitperson")
    return role


def _gendered(word: str) -> tuple[str, ...]:
    """The other spellings of one half of a gendered pair ("Bauherrin / Bauherr"): "bauherr/in", "bauherr"."""
    if " " in word or "/" in word:
        return ()
    stem = word[:-2] if word.endswith("in") else word
    return stem + "/in", stem


#: the shape of a heading that names a person or a party ("Sorgeberechtigte Person", "Angaben zur
#: Mutter / zum Vater", "Daten des Kindes") -- its role from the words that say whose (ROLE_WORDS)
_HEAD_SHAPE = re.compile(r"(?:angaben|daten|personalien) (?:zu[rm]?|zu den|des|der|über)\b.*|.*\bperson(?:en)?")


_PAIRED = {"bzw.", "oder", "und", "/", "&", "sowie", "u."}


def _role_heading(key: str, shaped: bool = True) -> str | None:
    """A heading no list names, by its shape and the longest word in it that says whose."""
    if len(key.split()) > 6 or (shaped and not _HEAD_SHAPE.fullmatch(key)):
        return None
    found = [(len(w), r) for w, r in ROLE_WORDS if w in key]
    role = max(found)[1] if found else None
    return "neutral" if role == "place" else role


#: words after a label without its colon that go on naming it ("PLZ/Ort der Mutter:", "Telefon (Arbeitgeber):")
_GOES_ON = re.compile(r"\(|(?:des|der|dem|den|vom|von|zum|zur|für)$")


#: a remark after a label that names the applicant (only there: in a heading the section's words decide)
_APPLICANT = ("antragsteller", "halter", "bauherr", "teilnehmer", "leistungsberechtigt", "absender")


#: fields whose value is a thing's number, the same whatever a remark after its label says
_THINGS = ("evb", "fin", "kennzeichen", "gemarkung", "flur", "flurstueck")


def said_role(texts: list[str], h: Hit) -> tuple[str | None, int]:
    """Whose value a label's words (*texts*: its row's words) say, and where the label ends: its words
    as written (a fuzzy match's lexicon entry may name someone else: "Geburtsdatum des Vaters" read
    as "… des Kindes"), and a remark after it up to its colon that names someone ("PLZ/Ort der Mutter:",
    "Telefon (Arbeitgeber):") -- then the label ends at that colon."""
    role = words_role(texts[h.i:h.j] if h.sim < 1 else [h.label.key])
    if h.colon or h.j >= len(texts) or not _GOES_ON.match(norm(texts[h.j])):
        return role, h.j
    end = next((k + 1 for k in range(h.j, min(h.j + 4, len(texts))) if texts[k].endswith(":")), None)
    tail = words_role(texts[h.j:end]) if end else None
    if end and tail is None and any(a in norm(" ".join(texts[h.j:end])) for a in _APPLICANT):
        tail = "applicant"  # "Telefon (Halter/in):" beside "Telefon (Bevollmächtigte/r):"
    if tail is None and end and h.label.field in _THINGS:
        return role, end  # "eVB-Nummer der Versicherung:": a thing's number, whoever's -- its label ends at the colon
    if end is None and h.label.field in _THINGS:
        return role, _remark_end(texts, h.j)  # "eVB-Nummer der Kfz-Haftpflicht" over or before its value
    return (tail, end) if tail else (role, h.j)


def _remark_end(texts: list[str], j: int) -> int:
    """Where a thing's label ends past a remark without a colon: an article and its noun ("der Kfz-Haftpflicht"),
    or a bracketed remark ("(Wunschkennzeichen)"); else at *j*."""
    if texts[j].startswith("("):
        return next((k + 1 for k in range(j, min(j + 3, len(texts))) if texts[k].endswith(")")), j)
    return j + 2 if j + 1 < len(texts) and texts[j + 1][:1].isupper() else j


def words_role(texts: list[str]) -> str | None:
    """The role the first word that says whose among *texts* names ("des Vaters", "Früheres"), or None."""
    key = norm(" ".join(texts))
    return next((r for w, r in ROLE_WORDS if w in key), None)
