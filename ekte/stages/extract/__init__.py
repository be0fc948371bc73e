"""Extract: metadata fields, each with a value, a confidence and where it
was found (page, character span in the page text).

Every registered extractor (hook ``ekte_extractors``) is asked; for each
field the value with the highest confidence wins.  The built-ins:

* :class:`FormExtractor` — values of a fillable PDF's AcroForm fields
  (no OCR guessing when the form carries its data), confidence 0.99;
* :class:`LabelExtractor` — reads the page as words with boxes
  (:mod:`ekte.stages.layout`): a label's value is to its right or below it,
  within its cell, up to the next label (:mod:`.candidates`); section
  headings decide whose values are whose; values without labels come from
  stamps, letter heads, running text and shapes (:mod:`.patterns`); every
  candidate is typed and validated (:mod:`.values`) and scored by a
  logistic model (:mod:`.scoring`, trained by ``ekte train``) whose
  probability is the field's confidence.

:func:`review_reasons` names the needed fields below ``extract.auto_threshold``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Protocol

from ekte import patterns as bounded  # the profile's patterns in bounded time
from ekte.model import Field
from ekte.stages.extract.candidates import PERSON_FIELDS, Cand, layout_candidates
from ekte.stages.extract.checks import Facts, capped
from ekte.stages.extract.filenumber import file_numbers_only
from ekte.stages.extract.level import levelled
from ekte.stages.extract.overlays import without_overlays
from ekte.stages.extract.spelling import town_case
from ekte.stages.extract.writer import footer_roles
from ekte.stages.extract.masthead import authority_contacts
from ekte.stages.extract.lexicon import lexicon, norm
from ekte.stages.extract.ocrfix import repaired as ocr_repaired
from ekte.stages.extract.patterns import header_candidates, iban_context, shape_candidates, stamp_candidates
from ekte.stages.extract.prose import prose_candidates, quoted_at, signs_for_others, writer_part
from ekte.stages.extract.scoring import SHIPPED_MODEL, FieldModel, choose, featurize
# (kept apart: the coordinator needs them without extraction, issue 12)
from ekte.stages.reasons import TRUSTED, impossible_date, intake_day, review_reasons  # noqa: F401
from ekte.stages.extract.values import (  # noqa: F401 - the parsers are part of this module's interface
    VALIDATORS, Parsed, clean, find_dates, fix_digits, parse_address, parse_date, parse_date_ex, split_name,
    v_aktenzeichen, v_date, v_email, v_evb, v_fin, v_flur, v_flurstueck, v_iban, v_kennzeichen, v_name, v_plz,
    v_strasse, v_telefon, v_text,
)
from ekte.stages.layout import Word, read_once, rows, words_from_text

if TYPE_CHECKING:  # pragma: no cover
    from ekte.model import Document
    from ekte.profile import Profile


class Extractor(Protocol):
    name: str

    def extract(self, doc: "Document", profile: "Profile") -> dict[str, Field]: ...


def default_model_path(profile: "Profile", workdir: Path) -> Path:
    if profile.extract.model_path:
        return Path(profile.extract.model_path)
    return Path(workdir) / "models" / f"{profile.name}.extractor.json"


def page_words_of(doc: "Document") -> list[list[Word]]:
    """The words of every page: from the PDF (worker), else the text on a grid."""
    have = doc.extra.get("page_words") or []
    out = []
    for i, text in enumerate(doc.page_texts):
        ws = have[i] if i < len(have) else None
        out.append(without_overlays(read_once([Word(*w) for w in ws]), text) if ws else words_from_text(text))
    return out


@functools.lru_cache(maxsize=8)
def aktenzeichen_patterns(pats: tuple[str, ...]) -> list:
    """The profile's Aktenzeichen patterns, compiled once, run in bounded time (RE2, else a time limit)."""
    return [bounded.compile(p) for p in pats]


def candidates(doc: "Document", profile: "Profile") -> list[Cand]:
    lex = lexicon(profile)
    az = aktenzeichen_patterns(tuple(profile.extract.aktenzeichen_patterns))
    out: list[Cand] = []
    ocr_pages = set((doc.ocr or {}).get("ocr_pages") or [])
    for pno, (text, words) in enumerate(zip(doc.page_texts, page_words_of(doc)), start=1):
        if not words:
            continue
        words = levelled(text, words)  # a slightly skewed scan's rows (its boxes only, for extraction)
        text, words = ocr_repaired(text, words, lex)  # OCR's split and glued label words (scans; text keeps its length)
        rws = rows(words)
        page = layout_candidates(pno, rws, words, lex, profile.extract.label_similarity, VALIDATORS)
        page += stamp_candidates(pno, text) + prose_candidates(pno, text) + shape_candidates(pno, text, az)
        if pno == 1:
            head = header_candidates(pno, rws, max(w.y1 for w in words))
            page += head
            if signs_for_others(text[:quoted_at(text)]):  # "als gesetzlicher Betreuer von Frau …": the letter head is the writer's
                _writers_head(page, text)
        footer_roles(page, rws, max(w.y1 for w in words))  # the signature and footer of a letter: the writer's
        authority_contacts(page, rws, max(w.y1 for w in words))  # the clerk's block, the office's footer
        _others_parts(page, text)
        for c in page:
            if c.field == "iban" and c.source in ("right", "below"):  # whose account: the words before its label
                c.whose = iban_context(text, c.start, c.end, 1 if c.source == "right" else 2)
            c.ocr = pno in ocr_pages
            if c.ocr:
                c.wconf = word_confidence(words, c.start, c.end)
                c.value = c.value.replace("’", "'")  # Tesseract reads every apostrophe as the typographic one
        out += _without_overlaps(file_numbers_only(page, text))
    return out


_SALUTATION = re.compile(r"(?m)^[ \t]*(?:Sehr geehrte|Guten Tag|Hallo)\b")


def _writers_head(page: list[Cand], text: str) -> None:
    """A letter written for someone else: its head (sender block, telephone, e-mail above the
    salutation) is the writer's (someone else's: not a guardian's, whose contact a child's form
    gives), not the person's the letter is about."""
    m = _SALUTATION.search(text)
    for c in page:
        if c.source == "header" and c.role == "applicant":
            c.role = "other"
        elif m and c.field in ("telefon", "email") and c.start < m.start() and c.role is None:
            c.role = "other"


def _others_parts(page: list[Cand], text: str) -> None:
    """A printed e-mail's quoted earlier message: its persons are someone else's; a declaration's writer who
    acts for another person ("Ich, …, handelnd als Betreuer für …"): the writer's own values are the
    representative's."""
    q, own = quoted_at(text), writer_part(text)
    for c in page:
        if c.field in PERSON_FIELDS and c.start >= q:
            c.role = "other"
        elif c.field in PERSON_FIELDS and own and own[0] <= c.start < own[1] and c.role is None:
            c.role = "representative"


def word_confidence(words: list[Word], start: int, end: int) -> float | None:
    """The lowest OCR confidence of the words in the span [start, end) of the
    page text (None: none of them carries one; -1: one was read without)."""
    confs = [w.conf for w in words if w.start < end and w.end > start]
    if not confs or all(c is None for c in confs):
        return None
    return min(-1.0 if c is None else c for c in confs)


def _without_overlaps(cands: list[Cand]) -> list[Cand]:
    """A shape found around a label's value is that value read worse
    ("Verein FC Oberfeld e.V." around the cell "FC Oberfeld e.V."): dropped."""
    labelled = [(c.field, c.start, c.end) for c in cands if c.source in ("right", "below")]
    # and a file number's shape inside a file number's label's valid value is that value cut ("KS 52.1-3430/2026")
    files = [(c.start, c.end) for c in cands if c.source in ("right", "below") and c.field == "aktenzeichen" and c.ok]
    return [c for c in cands if c.source != "pattern" or not any(
        f == c.field and c.start <= s and e <= c.end and (c.start, c.end) != (s, e) for f, s, e in labelled) and not (
        c.field == "aktenzeichen" and any(s <= c.start and c.end <= e and (c.start, c.end) != (s, e) for s, e in files))]


def featurized(doc: "Document", profile: "Profile") -> list[tuple[Cand, dict[str, float]]]:
    primaries = profile.extract.person_roles.get(doc.doctype or "", ["applicant"])
    return featurize(candidates(doc, profile), primaries, len(doc.page_texts))


class LabelExtractor:
    """Layout-aware extraction (labels, sections, patterns) with a learned scorer."""

    name = "labels"

    def __init__(self, model_path: Path | None = None) -> None:
        self.model_path = Path(model_path) if model_path else None
        self._model: tuple[Path | None, FieldModel | None] | None = None

    def configure(self, profile: "Profile", workdir: Path) -> None:
        """Called by the pipeline: the working directory's model, else the shipped
        one (``extract.model_path = "none"``: no model, the hand-set prior)."""
        self._no_model = profile.extract.model_path == "none"
        own = Path(workdir) / "models" / f"{profile.name}.tagger.crfsuite"  # `ekte train DIR --truth`'s
        self.tagger_path = own if own.is_file() else None
        if self.model_path is None and not self._no_model:
            p = default_model_path(profile, workdir)
            self.model_path = p if p.is_file() else None

    _no_model = False

    @property
    def model(self) -> FieldModel | None:
        if self._no_model:
            return None
        path = self.model_path or (SHIPPED_MODEL if SHIPPED_MODEL.is_file() else None)
        if self._model is None or self._model[0] != path:
            self._model = (path, FieldModel.load(path) if path else None)
        return self._model[1]

    def extract(self, doc: "Document", profile: "Profile") -> dict[str, Field]:
        model = self.model
        auto = profile.extract.auto_threshold
        feats = featurized(doc, profile)
        scored = [(c, model.proba(f) if model else f["prior"]) for c, f in feats]
        facts = facts_of(doc, profile)
        gone = _not_carried(doc, profile, facts.foreign)  # a thing no type in reach carries: no value of it
        scored = [(c, p) for c, p in scored if c.field not in gone]
        if auto > 0:  # sure only when checked (see .checks)
            scored = [(c, p) for c, p, _miss in capped(scored, auto, facts)]
        out: dict[str, Field] = {}
        for name, (c, conf) in choose(scored, profile.extract.min_confidence).items():
            method = "label" if c.source in ("right", "below") else "pattern"
            value = town_case(c.value) if name == "ort" else c.value
            out[name] = Field(value, round(conf, 3), c.page, (c.start, c.end), method, c.repaired,
                              c.raw if (c.repaired or not c.ok or value != c.value) and c.raw else None)
        if profile.extract.tagger and self.tagger is not None:  # the fields the rules left empty (never sure)
            from ekte.stages.extract.tagger import fallback

            barred = _anothers(c for c, _f in feats)  # the rules' values of someone else: never the tagger's
            out.update({k: f for k, f in fallback(doc, profile, self.tagger, out).items()
                        if k not in gone and (k, norm(str(f.value))) not in barred})
        return out

    @property
    def tagger(self):  # noqa: ANN201 - a Tagger (python-crfsuite), loaded once
        from ekte.stages.extract.tagger import SHIPPED_TAGGER, Tagger

        path = self.tagger_path or (SHIPPED_TAGGER if SHIPPED_TAGGER.is_file() else None)
        if path is not None and (self._tagger is None or self._tagger.path != path):
            self._tagger = Tagger(path)
        return self._tagger if path is not None else None

    tagger_path: Path | None = None
    _tagger = None


def _anothers(cands: Iterable[Cand]) -> frozenset:
    """(field, normalised value) of the candidates the rules rank below a value of unknown role (``rank`` > 5:
    a representative's, another person's): the tagger, which knows no roles, must not fill the field with them
    ("Ich, <carer>, …, handelnd als Betreuer für <person>": the carer's name is not the person's)."""
    return frozenset((c.field, norm(str(c.value))) for c in cands if c.rank > 5)


def _not_carried(doc: "Document", profile: "Profile", foreign: frozenset) -> frozenset:
    """The fields about things the document's type does not carry (``Facts.foreign``) that no other type in
    reach carries either (a rival scoring at least half the winner's): no value of this document, left out
    rather than reported unsure (a Waffen form's club).  A rival that carries it keeps them (reviewed), and so
    does a type not sure (review may change it, and extraction is not run again: the clerk sees them unsure)."""
    c = doc.classification
    if c is None or not doc.type_sure(profile.classify.threshold):
        return frozenset()
    top = max([x.score for x in c.candidates] + [0.0])
    rivals = {x.doctype for x in c.candidates if x.doctype != c.doctype and top > 0 and x.score >= top / 2}
    carried = {f for t in rivals if t in profile.doctypes for f in profile.doctypes[t].fields}
    return frozenset(foreign - carried)


def facts_of(doc: "Document", profile: "Profile") -> Facts:
    """The fields about things (not persons) the document's type does not carry and other types do
    (an IBAN on a building permit: the fee account), the person's fields it does not carry, and its
    intake day.  A person's fields are left to the sections: forms ask a date of birth their type does
    not need (the applicant's own section makes it sure)."""
    own = profile.doctypes.get(doc.doctype or "")
    typed = {f for t in profile.doctypes.values() for f in t.fields} - set(PERSON_FIELDS)
    foreign = typed - set(own.fields) if own is not None and own.fields else set()
    # a type that names a person but not, say, their date of birth: one on it is sure only in the
    # applicant's own section (a club's chair's, a co-owner's is no value of the application)
    unneeded = set(_CORE) - set(own.fields) if own is not None and "nachname" in own.fields else set()
    return Facts(frozenset(foreign), intake_day(doc), frozenset(unneeded))


def not_carried_by(profile: "Profile", doctype: str | None, names: Iterable[str]) -> list[str]:
    """Of *names*, the fields *doctype* does not carry, counted as :func:`facts_of` counts them at intake: a
    field about things another type defines and it does not (a FIN on a building permit), and — only when the
    type names a person itself — the person's core fields it does not ask (a date of birth); a type that names
    nobody ("Sonstiger Posteingang") keeps its sender's name and address, as a letter filed as it at intake
    does (review38 R1).  A field no type defines (telephone, intake date) any may carry, a type without a field
    list carries all.  A clerk's type change drops these (:mod:`ekte.pipeline.review`)."""
    own = profile.doctypes.get(doctype or "")
    if own is None or not own.fields:
        return []
    drop = {f for t in profile.doctypes.values() for f in t.fields} - set(PERSON_FIELDS) - set(own.fields)
    if "nachname" in own.fields:
        drop |= set(_CORE) - set(own.fields)
    return [n for n in names if n in drop and n != "aktenzeichen"]


#: a person's fields a type carries or not (telephone and e-mail: any type may ask them)
_CORE = ("vorname", "nachname", "geburtsdatum", "strasse", "plz", "ort")


class FormExtractor:
    """The values of a fillable PDF's form fields (read by intake)."""

    name = "form"

    def extract(self, doc: "Document", profile: "Profile") -> dict[str, Field]:
        form: dict[str, str] = doc.extra.get("form_fields") or {}
        if not form:
            return {}
        names: dict[str, str] = {}
        table = {k: list(v) for k, v in profile.extract.labels.items() if k in VALIDATORS or k != "other"}
        table["aktenzeichen"] = list(profile.extract.aktenzeichen_labels)
        for f in VALIDATORS:
            table.setdefault(f, []).append(f)
        for f, variants in list(table.items()) + [(f, v) for f, v in profile.extract.form_fields.items()]:
            for v in variants:
                names.setdefault(re.sub(r"[\W_]+", "", norm(v)), f)
        out: dict[str, Field] = {}
        for fname, raw in form.items():
            key = re.sub(r"[\W_]+", "", norm(fname.split(".")[-1]))
            field = names.get(key)
            if not field or field not in VALIDATORS or not str(raw).strip():
                continue
            p = VALIDATORS[field](str(raw)) if field != "aktenzeichen" else Parsed(clean(str(raw)))
            if p:
                out[field] = Field(p.value, 0.99 if p.ok else 0.4, None, None, "form", p.repaired,
                                   str(raw) if p.repaired or not p.ok else None)
        return out


# -- the stage ---------------------------------------------------------------------

def _rank(f: Field) -> tuple[bool, float]:
    """A form's own data beats any reading of the page; otherwise the more confident value."""
    return f.method == "form", f.confidence


def extract(doc: "Document", profile: "Profile", extractors: list[Extractor]) -> dict[str, Field]:
    merged: dict[str, Field] = {}
    for ex in extractors:
        for name, f in ex.extract(doc, profile).items():
            if name not in merged or _rank(f) > _rank(merged[name]):
                merged[name] = f
    if "eingangsdatum" not in merged:
        # no received stamp: the intake time, marked as such
        d = dt.datetime.fromisoformat(doc.received).strftime("%d.%m.%Y")
        merged["eingangsdatum"] = Field(d, 1.0, None, None, "file_date" if doc.extra.get("received_from") == "mtime"
                                        else "intake")  # --received-from mtime: the file's date (fresh39 F3)
    return merged
