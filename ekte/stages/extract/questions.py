"""A questionnaire's question as a label ("3. Wie lautet Ihr Familienname?", "Wann sind Sie
geboren?", "Unter welcher Telefonnummer sind Sie erreichbar?"): a row that ends with a question
mark and has a label's words anywhere in it -- or a word that asks for a field ("geboren",
"wohnen") -- labels the answer below it, which begins where the question's text begins; an
"Antwort:" before the answer is no part of it."""

from __future__ import annotations

import re

from ekte.stages.extract.lexicon import Hit, Label, Lexicon, item_number
from ekte.stages.layout import Row, Word

#: words of a question that ask for a field without its label's words
_ASKS = {"familiennamen": "nachname", "nachnamen": "nachname", "zunamen": "nachname", "geboren": "geburtsdatum",
         "wohnen": "anschrift", "wohnt": "anschrift", "wohnhaft": "anschrift", "vornamen": "vorname",
         "rufnamen": "vorname"}
#: "Wo sind Sie geboren?" asks the place, not the day
_PLACE = {"wo", "wohin", "woher"}
_ANSWER = ("antwort:", "antwort", "antwort -", "a:")


def question_hit(row: Row, nw: list[str], lex: Lexicon, below: Row | None = None) -> Hit | None:
    """The label a question row asks for, spanning the whole question (its value is below it, or in the
    cells right of it: :func:`_asked_in_cell`)."""
    if len(row.words) < 2:
        return None
    end = len(nw) if asks(row.words) else _asked_in_cell(row, below)
    if end is None:
        return None
    first = 1 if item_number(row.words[0].text) else 0
    words = [w.rstrip("?").rstrip(",").strip("()") for w in nw[:end]]  # "Wo wohnen Sie? (Straße und Hausnummer)"
    if len(words) - first < 1:
        return None
    label = _asked_label(words[first:], lex)
    return Hit(label, first, end, 1.0, True) if label else None


def _asked_in_cell(row: Row, below: Row | None) -> int | None:
    """Where a question ends that has a cell of its own, its answer in the cells right of it (a form's grid:
    "Wie lautet Ihr Vorname? | Jonas"), or None: not when its answer is below ("Antwort: …") or a received
    stamp's word stands right of it ("… geboren?   Zugegangen")."""
    if below is not None and below.words and below.words[0].text.lower() in _ANSWER:
        return None
    k = 0
    for cell in row.cells[:-1]:
        k += len(cell)
        if asks(cell) or _wrapped_question(cell):
            return None if _STAMP_WORD.match(row.words[k].text) else k
    return None


_STAMP_WORD = re.compile(r"(?i)(?:zu|ein)?gegangen|(?:post)?eingang|erhalten|empfangen")


#: a question's first words: "In welcher Gemarkung liegt das" / "Baugrundstück?" is a question before its "?"
_WH = re.compile(r"(?:Wie|Wann|Welche[rsmn]?)$")
_WH_AFTER = re.compile(r"(?:In|Auf|Unter|An|Seit|Für|Von|Bei|Zu)$")
_WH_NEXT = re.compile(r"welche[rsmn]?$")
#: a portal's request instead of a question: "Bitte geben Sie Ihren Rufnamen an", "Bitte tragen Sie … ein"
_REQUEST_END = ("an", "an:", "an.", "ein", "ein:", "ein.")


def _wrapped_question(cell: list[Word]) -> bool:
    """A cell that begins as a question does, its question mark on a later line of the cell."""
    return len(cell) >= 3 and not asks(cell) and (bool(_WH.match(cell[0].text)) or (
        bool(_WH_AFTER.match(cell[0].text)) and bool(_WH_NEXT.match(cell[1].text))))


def asks(words: list[Word]) -> bool:
    """A question's row ends with its question mark -- after it may stand only the required-field star
    ("Wie lautet Ihr Familienname? *") and a bracketed hint ("Wo wohnen Sie? (Straße und Hausnummer)");
    or it is a request ("Bitte geben Sie Ihre eVB-Nummer an")."""
    texts = [w.text for w in words]
    if len(texts) >= 4 and texts[0] == "Bitte" and texts[-1].rstrip("*").strip() in _REQUEST_END:
        return True
    while texts and texts[-1].strip("*") == "":
        texts.pop()
    if texts and texts[-1].rstrip("*").endswith(")"):
        opened = [k for k, t in enumerate(texts) if t.startswith("(")]
        texts = texts[:opened[-1]] if opened else texts
    return bool(texts) and texts[-1].rstrip("*").endswith("?")


def _asked_label(words: list[str], lex: Lexicon) -> Label | None:
    for i in range(len(words)):
        for k in range(min(lex.max_words, len(words) - i), 0, -1):
            lab = lex.labels.get(" ".join(words[i:i + k]))
            if lab is not None and lab.field != "other":
                return lab
    for w in words:
        field = _ASKS.get(w)
        if field == "geburtsdatum" and _PLACE & set(words):
            return None
        if field:
            return lex.labels.get(field) or _first_label(lex, field)
    return None


def _first_label(lex: Lexicon, field: str) -> Label | None:
    return next((lab for lab in lex.labels.values() if lab.field == field and not lab.weak), None)


def answer(lines: list[list[Word]], field: str) -> list[Word]:
    """The first line's words below a label without an "Antwort:" before them; a street's the next line's
    after a c/o line ("c/o Dittmann" over "Kirchgasse 46"; "bei Dittmann" too, but a line with a number is
    a street: "Bei den Mühren 12")."""
    words = lines[0]
    first = words[0].text.lower()
    if field == "strasse" and len(lines) > 1 and (first in ("c/o", "c/o.", "z.hd.") or (
            first == "bei" and not any(c.isdigit() for w in words for c in w.text))):
        words = lines[1]
    return words[1:] if len(words) > 1 and words[0].text.lower() in _ANSWER else words
