"""A learned token tagger as a fallback for fields the rules leave empty (issue 10 item 2; ``extract.tagger``).

A linear-chain CRF (python-crfsuite) tags the words extraction reads (word boxes in rows, as
:mod:`.candidates` sees them) with BIO labels per field, from features that carry over between
layouts: the word's shape, case and digits, its place in its row and cell, the words before it in its
cell, the cell to its left, the words above and below it (overlapping in x; the last above's shape, a label
above), the last heading above, which of ekte's label lexicon's fields those neighbours are labels of, and
whether its row is a place-and-date line (where a page was signed: its place is never labelled a field).  Measured
leave-one-family-out (``bench/tagger_lofo.py``, bench/HISTORY.md): on a family the rules had not
seen, it adds mostly right values.  Its values are never sure (below ``extract.auto_threshold``: they
go to review) and fill only a field of the document's type that the rules gave none.

The shipped model ``ekte/models/tagger.crfsuite`` is trained from the development families
(``samples/train_tagger.py``, from its base data ``ekte/models/tagger_base.json.xz``); ``ekte train DIR --truth``
and ``ekte train --from-reviews`` train a working directory's own (``<workdir>/models/<profile>.tagger.crfsuite``;
:mod:`.tagger_train`)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from ekte.stages.layout import Row

SHIPPED_TAGGER = Path(__file__).resolve().parents[2] / "models" / "tagger.crfsuite"
MAX_SPAN = 8
MIN_P = 0.5  # the lowest span probability taken (the mean of its words' marginals)
#: the fields whose ABSENCE the pipeline acts on: the tagger never fills them.  None of the received date gives the
#: intake date (a trusted value, ``extract.extract``); none of the Aktenzeichen has one assigned
#: (``pipeline.steps.reserve_aktenzeichen``), and the rules take one only under a label that means the county's own
#: (:mod:`.filenumber`) — the tagger knows no such policy: leave-one-family-out it read a law firm's "Unser Zeichen:
#: 381/26 PA" as the Aktenzeichen of three letters that have none (0 right, 3 wrong against today's rules), and a
#: test's filler text "Absatz0598 Absatz0599" as one (bench/tagger_lofo.py, bench/HISTORY.md).
NEVER = frozenset({"eingangsdatum", "aktenzeichen"})


@functools.lru_cache(maxsize=1 << 16)  # (forms repeat their words: cached, as the features below)
def letters(s: str) -> str:
    return re.sub(r"[^a-zäöüß]", "", s.casefold())


@functools.lru_cache(maxsize=1 << 16)
def shape(s: str) -> str:
    sh = re.sub(r"[A-ZÄÖÜ]", "X", re.sub(r"[a-zäöüß]", "x", re.sub(r"\d", "d", s)))
    return re.sub(r"(.)\1{2,}", r"\1\1", sh)


@functools.lru_cache(maxsize=1 << 16)
def _word_bag(prefix: str, text: str) -> tuple[str, ...]:
    lw = letters(text)
    return (f"{prefix}={lw}", f"{prefix}4={lw[:4]}") if len(lw) >= 2 else ()


def _bag(prefix: str, words: Iterable) -> list[str]:
    return [f for w in words for f in _word_bag(prefix, w.text)]


def _overlapping(row: "Row | None", x0: float, x1: float) -> list:
    return [w for w in row.words if w.x1 > x0 - 2 and w.x0 < x1 + 2] if row is not None else []


def _heading(row: "Row") -> bool:
    ws = row.words
    return (len(row.cells) == 1 and 1 <= len(ws) <= 7 and not any(ch.isdigit() for w in ws for ch in w.text)
            and not ws[-1].text.endswith(":") and ws[0].text[:1].isupper())


#: a place and a date after it, as a letter's or form's signature line writes them ("Musterstadt, den 03.02.2026",
#: "Musterstadt (Land), 6. Jan."): where it was signed, not an address
PLACE_DATE = re.compile(r"[^\s,]+(\s+\(\S+\))?,\s+((den|am)\s+)?\d{1,2}\.\s*(\d{1,2}\.|[^\W\d]{3,})", re.IGNORECASE)


def _place_date(texts: Iterable[str]) -> bool:
    return PLACE_DATE.search(" ".join(texts)) is not None


def row_labels(row: "Row", lex: Any) -> list[tuple[int, int, str]]:
    """(first word, one past the last, field) of every label of ekte's lexicon in *row*."""
    if lex is None:
        return []
    starts = {id(c[0]) for c in row.cells}
    return _labels_in(_Same(lex), tuple(w.text for w in row.words), tuple(id(w) in starts for w in row.words))


class _Same:
    """A lexicon as a cache key: itself (held, so its id is not another's while cached)."""

    def __init__(self, lex: Any) -> None:
        self.lex = lex

    def __hash__(self) -> int:
        return id(self.lex)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.lex is self.lex


@functools.lru_cache(maxsize=1 << 14)  # (a form's label rows repeat from document to document)
def _labels_in(key: _Same, texts: tuple[str, ...], starts: tuple[bool, ...]) -> list[tuple[int, int, str]]:
    from ekte.stages.extract.lexicon import match_in_row, norm_word

    lex = key.lex
    nw = [norm_word(t) for t in texts]
    colons = [t.endswith(":") for t in texts]
    out, i = [], 0
    while i < len(nw):
        h = match_in_row(nw, colons, i, lex, 85, starts[i])
        if h is None:
            i += 1
            continue
        out.append((h.i, h.j, h.label.field))
        i = h.j
    return out


def _lex_near(row: "Row", labs: list, x0: float, x1: float, prefix: str) -> list[str]:
    return [f"{prefix}={f}" for a, b, f in labs if row.words[b - 1].x1 > x0 - 2 and row.words[a].x0 < x1 + 2]


def _context(rws: list["Row"], labs: list, ri: int, ci: int, heading: list) -> list[str]:
    """The features every word of cell *ci* of row *ri* shares: its neighbours' words and labels."""
    row = rws[ri]
    above = rws[ri - 1] if ri else None
    below = rws[ri + 1] if ri + 1 < len(rws) else None
    cell, left = row.cells[ci], row.cells[ci - 1] if ci else []
    cx0, cx1 = cell[0].x0, cell[-1].x1
    ctx = (_bag("L", left) + (["Lcolon"] if left and left[-1].text.endswith(":") else [])
           + _bag("A", _overlapping(above, cx0, cx1)) + _bag("B", _overlapping(below, cx0, cx1))
           + _bag("S", heading))
    up = _overlapping(above, cx0, cx1)
    ctx += [f"Alast={shape(up[-1].text)}", f"Acolon={any(w.text.endswith(':') for w in up)}"] if up else []
    ctx += _lex_near(above, labs[ri - 1], cx0, cx1, "Alex") if above is not None else []
    ctx += _lex_near(below, labs[ri + 1], cx0, cx1, "Blex") if below is not None else []
    ctx += _lex_near(row, labs[ri], left[0].x0, left[-1].x1, "Llex") if left else []
    return ctx


def page_tokens(rws: list["Row"], lex: Any) -> list[tuple]:
    """(word, features, row index) of a page's words in reading order."""
    toks: list[tuple] = []
    heading: list = []
    labs = [row_labels(r, lex) for r in rws]
    for ri, row in enumerate(rws):
        index = {id(w): k for k, w in enumerate(row.words)}
        pdate = [f"pdate={_place_date(w.text for w in row.words)}"]
        for ci, cell in enumerate(row.cells):
            ctx = _context(rws, labs, ri, ci, heading)
            first = index[id(cell[0])]
            for wi, w in enumerate(cell):
                f = [f"w={w.text.casefold()}", f"sh={shape(w.text)}", f"cell={min(ci, 3)}", f"iw={min(wi, 3)}",
                     f"last={wi == len(cell) - 1}", f"dig={any(ch.isdigit() for ch in w.text)}",
                     f"colon={w.text.endswith(':')}", f"len={min(len(w.text), 8)}"]
                f += ["p%d=%s" % (k, letters(cell[wi - k].text)) for k in (1, 2) if wi - k >= 0]
                f += ["n1=" + shape(cell[wi + 1].text)] if wi + 1 < len(cell) else ["n1=END"]
                f += _bag("C", cell[:wi])
                k = index[id(w)]
                near = [x for x in labs[ri] if first <= x[1] <= k]
                f += [f"Clex={near[-1][2]}"] if near else []
                f += [f"inlab={x[2]}" for x in labs[ri] if x[0] <= k < x[1]]
                toks.append((w, f + ctx + pdate, ri))
        if _heading(row):
            heading = row.words
    return toks


def spans(toks: list[tuple], tags: list[tuple[str, float]]) -> list[tuple[str, int, int, float]]:
    """(field, first token, one past the last, probability = the mean of its tokens') of every tagged span of
    one row."""
    out, i = [], 0
    while i < len(tags):
        lab = tags[i][0]
        if lab == "O" or len(lab) < 3:
            i += 1
            continue
        f, j = lab[2:], i + 1
        while j < len(tags) and tags[j][0] == f"I-{f}" and toks[j][2] == toks[i][2]:
            j += 1
        out.append((f, i, j, sum(p for _l, p in tags[i:j]) / (j - i)))
        i = j
    return out


class Tagger:
    """A trained CRF (a python-crfsuite model file)."""

    def __init__(self, path: Path, blob: bytes | None = None) -> None:
        """The model file *path*, or the model *blob* (a model not saved yet: *path* only names it)."""
        import pycrfsuite

        self.path = Path(path)
        self._tg = pycrfsuite.Tagger()
        if blob is None:
            self._tg.open(str(self.path))
        else:
            self._tg.open_inmemory(blob)

    def tag(self, feats: list[list[str]]) -> list[tuple[str, float]]:
        """Each word's label and its marginal probability."""
        if not feats:
            return []
        ys = self._tg.tag(feats)
        return [(y, self._tg.marginal(y, i)) for i, y in enumerate(ys)]


def train(seqs: list[tuple[list[list[str]], list[str]]], path: Path) -> Path:
    """Fit a CRF on (features, labels) sequences (one a page) and save it to *path*."""
    import pycrfsuite

    tr = pycrfsuite.Trainer(verbose=False)
    for x, y in seqs:
        tr.append(x, y)
    tr.set_params({"c1": 0.05, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tr.train(str(tmp))
    tmp.replace(path)
    return path


# -- labels from a truth: for training -------------------------------------------------------

def parsed(field: str, text: str) -> Any:
    from ekte.stages.extract.values import VALIDATORS

    v = VALIDATORS.get(field)
    try:
        return v(text) if v else None
    except Exception:  # noqa: BLE001 - a validator's surprise is no value
        return None


def _alnum(s: str) -> str:
    return re.sub(r"[\W_]+", "", s.casefold())


def _matches(field: str, text: str, want: str) -> int:
    """2: the span's text is the value; 1: the field's validator reads it as the value; 0: neither."""
    from ekte.evaluate import norm_value

    t = text.strip(" ,;:")
    if norm_value(t) == want:
        return 2
    p = parsed(field, t)
    return int(p is not None and norm_value(p.value) == want)


def _row_spans(toks: list[tuple]) -> Iterable[tuple[int, int]]:
    """(start, end) token index spans inside one row, at most MAX_SPAN long."""
    i = 0
    while i < len(toks):
        j = i
        while j < len(toks) and toks[j][2] == toks[i][2]:
            j += 1
        for a in range(i, j):
            for b in range(a + 1, min(j, a + MAX_SPAN) + 1):
                yield a, b
        i = j


def _signed_at(toks: list[tuple], a: int, b: int) -> bool:
    """Tokens *a*..*b* hold the place of a place-and-date line (:data:`PLACE_DATE`): where the page was signed —
    the signer's town, as often as not, but no address: no label (a generated letter signed at home taught the
    tagger to read the signature line's place as the Ort)."""
    row = toks[a][2]
    return any(PLACE_DATE.match(" ".join(t[0].text for t in toks[k:k + 5] if t[2] == row)) for k in range(a, b))


def labels(toks: list[tuple], truth: dict[str, str]) -> list[str]:
    """BIO labels of a page's tokens: the spans of one row whose text, or its validator's value, is the
    truth's value (compared as ``ekte eval`` does); the text itself, longest first, then what a validator
    reads, shortest first; a word is one field's."""
    from ekte.evaluate import norm_value

    out = ["O"] * len(toks)
    wants = {f: (norm_value(v), _alnum(str(v))) for f, v in truth.items()}
    found = []
    for a, b in _row_spans(toks):
        first = _alnum(toks[a][0].text)
        for f, (want, al) in wants.items():
            if not first or (first not in al and not (f.endswith("datum") and re.search(r"\d\d", al[-2:])
                                                        and al[-2:] in _alnum(toks[b - 1][0].text))):
                continue
            how = _matches(f, " ".join(t[0].text for t in toks[a:b]), want)
            if how and not f.endswith("datum") and _signed_at(toks, a, b):
                continue
            if how:
                found.append(((-how, a - b if how == 2 else b - a), a, b, f))
    for _n, a, b, f in sorted(found):
        if all(x == "O" for x in out[a:b]):
            out[a:b] = [f"B-{f}"] + [f"I-{f}"] * (b - a - 1)
    return out


# -- documents -----------------------------------------------------------------------------------

def page_rows(doc: Any) -> list[list["Row"]]:
    """The rows of every page of *doc* as the rules read them: the words extraction reads, a slightly skewed
    scan's boxes levelled (:mod:`.level`) — for training and tagging alike."""
    from ekte.stages.extract import page_words_of
    from ekte.stages.extract.level import levelled
    from ekte.stages.layout import rows

    return [rows(levelled(text, ws)) if ws else [] for text, ws in zip(doc.page_texts, page_words_of(doc))]


def doc_tokens(doc: Any, profile: Any) -> list[list[tuple]]:
    """The tokens of every page of *doc* (:func:`page_rows`)."""
    from ekte.stages.extract.lexicon import lexicon

    lex = lexicon(profile)
    return [page_tokens(rws, lex) if rws else [] for rws in page_rows(doc)]


def sequences(doc: Any, profile: Any, truth: dict[str, str]) -> list[tuple[list[list[str]], list[str]]]:
    """(features, BIO labels) of every page of a labelled document: training data."""
    return [([f for _w, f, _r in toks], labels(toks, truth)) for toks in doc_tokens(doc, profile) if toks]


def fallback(doc: Any, profile: Any, tagger: Tagger, have: Iterable[str], min_p: float = MIN_P) -> dict:
    """Fields the tagger adds: of each field of the document's type missing from *have* (never one of
    :data:`NEVER`), its most probable span that the field's validator takes as valid; never sure (below
    ``extract.auto_threshold``)."""
    from ekte.model import Field

    own = profile.doctypes.get(doc.doctype or "")
    want = (set(own.fields) if own is not None and own.fields else set()) - set(have) - NEVER
    if not want:
        return {}
    auto = profile.extract.auto_threshold
    best: dict[str, tuple[float, Any, int, tuple[int, int], str]] = {}
    for pno, toks in enumerate(doc_tokens(doc, profile), start=1):
        for f, i, j, p in spans(toks, tagger.tag([x for _w, x, _r in toks])):
            if f not in want or p < min_p or (f in best and best[f][0] >= p):
                continue
            text = " ".join(t[0].text for t in toks[i:j]).strip(" ,;:")
            v = parsed(f, text)
            if v is not None and v.ok:
                best[f] = (p, v, pno, (toks[i][0].start, toks[j - 1][0].end), text)
    return {f: Field(v.value, round(min(p, auto - 0.01), 3), pno, span, "model", v.repaired,
                     text if v.repaired or v.value != text else None)
            for f, (p, v, pno, span, text) in best.items()}
