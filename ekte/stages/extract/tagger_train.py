"""Training the token tagger (``extract.tagger``; :mod:`.tagger`) in a working directory: ``ekte train``.

crfsuite cannot continue a model, so ``ekte train --from-reviews`` fits a new one on ekte's base data — the
feature sequences the shipped model was trained on (``ekte/models/tagger_base.json.xz``, written with the shipped
model by ``samples/train_tagger.py``: features and labels only, of generated documents) — plus the documents clerks
accepted from the review queue, labelled with every field of their type as accepted (a value the clerk typed or
left as it was is the truth; a field left empty has no value; an assigned Aktenzeichen or the intake date, which
stand on no page, are no truth).  A reviewed document adds no words of its own to the model: an attribute the base
data lacks is kept only when it stands in reviewed documents of at least :data:`MIN_DOCS` persons, holds no digit
and names no word of any reviewed document's field values (the form's own wordings teach it; names, addresses and
dates do not: :func:`public`).

Guard: a tagger trained with reviews, or one that would replace the working directory's own, is saved only when
it tags the base data's check part (documents never trained on) about as well as the tagger in use — right values
minus wrong ones, compared document by document: refused when it is worse beyond the noise of retraining
(:func:`worse`: a drop of more than 1 % of the fields that is either more than 5 % or, by a sign test, on more
check documents than chance gives) — unless *force*; the replaced one is kept as
``<profile>.tagger.previous.crfsuite`` (and its ``.json``) for ``ekte train --restore``."""

from __future__ import annotations

import datetime as dt
import functools
import json
import lzma
import math
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from ekte.stages.extract import tagger as tg

if TYPE_CHECKING:  # pragma: no cover
    from ekte.model import Document
    from ekte.profile import Profile

BASE_FILE = Path(__file__).resolve().parents[2] / "models" / "tagger_base.json.xz"
FORMAT = 1
#: an attribute a reviewed document adds to the base data's must stand in documents of at least this many persons
MIN_DOCS = 3
#: methods of values that stand on no page: no truth for the tagger
NOT_ON_PAGE = frozenset({"assigned", "intake"})

Seq = tuple[list[list[str]], list[str]]


def model_path(profile: "Profile", workdir: Path) -> Path:
    """The working directory's own tagger (the extractor uses it when it is there)."""
    return Path(workdir) / "models" / f"{profile.name}.tagger.crfsuite"


def files(path: Path) -> list[Path]:
    """A tagger's files: the model, its metadata."""
    return [Path(path), Path(path).with_suffix(".json")]


# -- the base data -------------------------------------------------------------------------------

def pack(train: list[Seq], check: list[dict[str, Any]]) -> bytes:
    """The base data file: the attributes and labels once, the pages as their indices (deterministic bytes)."""
    pages = [p for p in train] + [p for d in check for p in d["pages"]]
    attrs = sorted({a for x, _y, *_r in pages for tok in x for a in tok})
    labs = sorted({lab for _x, y, *_r in pages for lab in y})
    ai, li = {a: i for i, a in enumerate(attrs)}, {lab: i for i, lab in enumerate(labs)}

    def enc(x: list[list[str]], y: list[str]) -> list:
        return [[[ai[a] for a in tok] for tok in x], [li[lab] for lab in y]]

    data = {"format": FORMAT, "attributes": attrs, "labels": labs,
            "train": [enc(x, y) for x, y in train],
            "check": [{"fields": d["fields"], "pages": [enc(x, y) + [r] for x, y, r in d["pages"]]} for d in check]}
    return lzma.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
                         preset=9 | lzma.PRESET_EXTREME)


@functools.lru_cache(maxsize=2)
def base_data(path: Path = BASE_FILE) -> tuple[list[Seq], list[dict[str, Any]], frozenset]:
    """(training pages, check documents, the attributes of the training pages) of the base data file."""
    from ekte.errors import ConfigError

    try:
        data = json.loads(lzma.decompress(Path(path).read_bytes()).decode("utf-8"))
    except (OSError, ValueError, lzma.LZMAError) as e:
        raise ConfigError(f"ekte's base data for the token tagger cannot be read: {path} ({e}); reinstall ekte, "
                          "or train without the tagger: -o extract.tagger=false") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ConfigError(f"{path} is not ekte's base data for the token tagger (format {FORMAT}); reinstall ekte")
    attrs, labs = data["attributes"], data["labels"]

    def dec(p: list) -> tuple:
        return ([[attrs[i] for i in tok] for tok in p[0]], [labs[i] for i in p[1]], *p[2:])

    train = [dec(p) for p in data["train"]]
    check = [{"fields": d["fields"], "pages": [dec(p) for p in d["pages"]]} for d in data["check"]]
    return train, check, frozenset(a for x, _y in train for tok in x for a in tok)


# -- the reviewed documents ------------------------------------------------------------------------

def review_truth(doc: "Document", profile: "Profile") -> dict[str, str]:
    """Every field of the document's type as the clerk accepted it (the profile's type without a field list: every
    field the document has); a value that stands on no page (assigned, the intake date) is none."""
    own = profile.doctypes.get(doc.doctype or "")
    wanted = set(own.fields) if own is not None and own.fields else None
    return {k: str(f.value) for k, f in doc.fields.items()
            if f.value not in (None, "") and f.method not in NOT_ON_PAGE and (wanted is None or k in wanted)}


def _value_words(docs: Iterable["Document"]) -> tuple[frozenset, frozenset]:
    """The words of every field value of *docs*: as letters (``tg.letters``) and as letters and digits."""
    words = [w for d in docs for f in d.fields.values() for w in str(f.value).split()]
    return (frozenset(x for x in map(tg.letters, words) if x),
            frozenset(x for x in map(tg._alnum, words) if x))


def _names_a_value(attr: str, letters: frozenset, alnum: frozenset) -> bool:
    kind, _eq, v = attr.partition("=")
    if not v:
        return False
    if kind == "w":  # the word itself, cased and punctuated as written
        return tg._alnum(v) in alnum or tg.letters(v) in letters
    if kind.endswith("4") and len(v) == 4:  # a word's first four letters
        return any(w.startswith(v) for w in letters)
    return v in letters


#: the fields that say whom a reviewed document is about (:func:`_person`)
PERSON_FIELDS = ("nachname", "vorname", "geburtsdatum")


def _person(d: "Document") -> str:
    """Whom a reviewed document is about, as far as its fields say (its id when they say nothing): an application
    and two follow-ups of one person are one, not three (review40 R2)."""
    key = "|".join(str(d.fields[k].value).casefold() for k in PERSON_FIELDS
                   if k in d.fields and d.fields[k].value not in (None, ""))
    return key or d.id


def public(per_doc: list[list[Seq]], base: frozenset, docs: list["Document"]) -> list[Seq]:
    """The reviewed documents' pages, with only the attributes the base data has or that stand in documents of
    at least :data:`MIN_DOCS` persons, hold no digit (a date, an IBAN, a phone number written otherwise than its
    stored value: review40 R2) and name no word of a field value of theirs."""
    count: dict[str, set[str]] = {}
    for seqs, d in zip(per_doc, docs):
        for a in {a for x, _y in seqs for tok in x for a in tok if a not in base}:
            count.setdefault(a, set()).add(_person(d))
    letters, alnum = _value_words(docs)
    ok = {a for a, who in count.items() if len(who) >= MIN_DOCS and not any(c.isdigit() for c in a.partition("=")[2])
          and not _names_a_value(a, letters, alnum)}
    return [([[a for a in tok if a in base or a in ok] for tok in x], y) for seqs in per_doc for x, y in seqs]


def reviewed_sequences(accepted: list["Document"], profile: "Profile", base: frozenset) -> list[Seq]:
    """Training pages of the documents clerks accepted (:func:`review_truth` labels them)."""
    per_doc = [tg.sequences(d, profile, review_truth(d, profile)) for d in accepted]
    return public(per_doc, base, accepted)


# -- the check ------------------------------------------------------------------------------------

def _word(tok: list[str]) -> str:
    return next((a[2:] for a in tok if a.startswith("w=")), "")


def _doc_score(tagger: "tg.Tagger | None", doc: dict[str, Any]) -> tuple[int, int, int]:
    """(fields with a labelled value, right, wrong) of one check document (:func:`check_score`)."""
    want = set(doc["fields"]) - tg.NEVER
    gold: dict[str, set] = {}
    best: dict[str, tuple[float, tuple]] = {}
    for x, y, rws in doc["pages"]:
        toks = [(None, f, r) for f, r in zip(x, rws)]
        words = [_word(f) for f in x]
        for f, i, j, _p in tg.spans(toks, [(lab, 1.0) for lab in y]):
            gold.setdefault(f, set()).add(tuple(words[i:j]))
        for f, i, j, p in tg.spans(toks, tagger.tag(x)) if tagger is not None else []:
            if f in want and p >= tg.MIN_P and (f not in best or p > best[f][0]):
                best[f] = (p, tuple(words[i:j]))
    right = sum(got in gold.get(f, ()) for f, (_p, got) in best.items())
    return len(want & set(gold)), right, len(best) - right


def check_score(tagger: "tg.Tagger | None", check: list[dict[str, Any]]) -> dict[str, Any]:
    """How *tagger* fills the check documents' fields (each field of the document's type but :data:`tg.NEVER`:
    its most probable span, as :func:`tg.fallback` takes it, validation aside): ``right`` when its words are those
    of a span the truth labels so, else ``wrong``; ``score`` = right minus wrong; ``fields``: those with a value;
    ``docs``: each document's right minus wrong (for the paired comparison of :func:`compare`)."""
    per = [_doc_score(tagger, d) for d in check]
    right, wrong = sum(r for _f, r, _w in per), sum(w for _f, _r, w in per)
    return {"fields": sum(f for f, _r, _w in per), "right": right, "wrong": wrong, "score": right - wrong,
            "docs": [r - w for _f, r, w in per]}


def compare(new: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The new tagger's check against the one in use's, document by document: their scores, and on how many
    check documents the new one scores less (``worse_docs``) or more (``better_docs``) than the one in use."""
    pairs = list(zip(new["docs"], current["docs"]))
    return {"fields": new["fields"], "new": new["score"], "current": current["score"],
            "worse_docs": sum(a < b for a, b in pairs), "better_docs": sum(a > b for a, b in pairs)}


#: a drop of at most this share of the check fields is taken as it is (the old guard's whole rule)
SLACK = 0.01
#: a drop of more than this share is refused whatever the documents say (about three times the spread of
#: retrainings on the same data, ±1.6 %: bench/HISTORY.md "a guard that tells noise from worse")
LIMIT = 0.05
#: between the two, refused only when the sign test says the new tagger is worse on more documents than chance
ALPHA = 0.05


def sign_p(worse_docs: int, better_docs: int) -> float:
    """One-sided sign test: the chance of at least *worse_docs* of the documents that changed being worse if
    worse and better were equally likely (a retraining's noise)."""
    n = worse_docs + better_docs
    return sum(math.comb(n, k) for k in range(worse_docs, n + 1)) / 2 ** n if n else 1.0


def worse(check: dict[str, Any]) -> bool:
    """Worse than the tagger in use beyond noise: its score is lower by more than :data:`SLACK` of the fields and
    either by more than :data:`LIMIT` or on significantly more check documents than it is better on (sign test,
    :data:`ALPHA`; a check without the per-document counts: by the drop alone)."""
    drop, fields = check["current"] - check["new"], check["fields"]
    if drop <= fields * SLACK:
        return False
    if drop > fields * LIMIT or "worse_docs" not in check:
        return True
    return sign_p(check["worse_docs"], check["better_docs"]) < ALPHA


def refusal(meta: dict[str, Any]) -> str:
    """The one line that says why a retrained tagger was not saved."""
    c = meta["check"]
    docs = (f"; worse on {c['worse_docs']} of its documents, better on {c['better_docs']}"
            if "worse_docs" in c else "")
    return (f"the token tagger was not saved: it tags the check set worse than the tagger in use (score {c['new']} "
            f"against {c['current']} on {c['fields']} fields of held-out documents: right values minus wrong ones"
            f"{docs}; a drop within the noise of retraining is taken); the tagger in use stays (ekte train --force "
            "saves it all the same)")


# -- fit, guard, save, restore ----------------------------------------------------------------------

def fit(seqs: list[Seq]) -> bytes:
    """A crfsuite model of *seqs* (:func:`tg.train`), as bytes."""
    with tempfile.TemporaryDirectory(prefix="ekte-tagger-") as tmp:
        return tg.train(seqs, Path(tmp) / "tagger.crfsuite").read_bytes()


def _tagger_of(blob: bytes) -> "tg.Tagger":
    return tg.Tagger(Path("<new>"), blob)


def in_use(profile: "Profile", workdir: Path) -> "tg.Tagger | None":
    """The tagger extraction uses: the working directory's own, else the shipped one."""
    own = model_path(profile, workdir)
    path = own if own.is_file() else tg.SHIPPED_TAGGER
    return tg.Tagger(path) if path.is_file() else None


def save(seqs: list[Seq], profile: "Profile", workdir: Path, meta: dict[str, Any], *, guard: bool,
         force: bool = False, base_file: Path = BASE_FILE) -> dict[str, Any]:
    """Fit on *seqs* and save as the working directory's tagger; with *guard* (reviews, or a tagger of the
    working directory's own to replace) only when not :func:`worse` on the check set, unless *force*.  The one
    replaced is kept first (:mod:`ekte.previous`).  Returns the metadata (``refused``: nothing saved)."""
    from ekte import fsutil, previous

    path = model_path(profile, workdir)
    blob = fit(seqs)
    meta = dict(meta, format=FORMAT, profile=profile.name, pages=len(seqs),
                trained=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    if guard or path.is_file():
        check = base_data(base_file)[1]
        new, old = (check_score(t, check) for t in (_tagger_of(blob), in_use(profile, workdir)))
        meta["check"] = compare(new, old)
        if worse(meta["check"]):
            if not force:
                return dict(meta, refused=True, path=str(path))
            meta["forced"] = True
    fsutil.make_dirs(path.parent, 0o700)
    previous.keep(files(path), files(previous.previous_path(path)))
    fsutil.write_bytes(path, blob, 0o600)
    fsutil.write_json(path.with_suffix(".json"), meta, 0o600)
    return dict(meta, path=str(path))


def restore(path: Path) -> dict[str, Any]:
    """``ekte train --restore``: the tagger in use before the last training is the one in use again."""
    from ekte.previous import previous_path, swap

    prev = previous_path(path)
    (_model, blob), kept = swap(files(path), files(prev))
    meta = json.loads(blob) if blob else {}
    return dict({k: v for k, v in meta.items() if k != "forced"}, path=str(path), restored=True,
                previous=str(prev) if kept else None)
