"""How sure a candidate value is: features of each candidate, a logistic
model over them (``ekte train``; one is shipped with ekte), and the choice
of one value per field.

The model is a plain list of weights in JSON (no pickled code): its
probability is the field's confidence.  Without a model file a hand-set
prior stands in (and is one of the model's features)."""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from ekte.stages.extract.candidates import OWNED_FIELDS, PERSON_FIELDS, Cand

MODEL_FORMAT = 1
SHIPPED_MODEL = Path(__file__).resolve().parents[2] / "models" / "extractor.json"

GROUPS = {
    "vorname": "name", "nachname": "name", "geburtsdatum": "date", "antragsdatum": "date", "eingangsdatum": "date",
    "strasse": "addr", "plz": "addr", "ort": "addr", "aktenzeichen": "az", "iban": "id", "fin": "id", "evb": "id",
    "kennzeichen": "id", "telefon": "contact", "email": "contact", "gemarkung": "plot", "flur": "plot",
    "flurstueck": "plot", "verein": "org", "betrag_eur": "org",
}
SOURCES = ("right", "below", "pattern", "prose", "header", "stamp")
_PRIOR = {"right": 0.92, "below": 0.88, "pattern": 0.8, "prose": 0.85, "header": 0.8, "stamp": 0.95}


_ODD = re.compile(r"[^\w\s.,/\-–@+()'&]")
_SHORT = re.compile(r"(?:^|\s)[^\w\s]{1,2}(?:\s|$)|(?:^|\s)[a-zäöü](?:\s|$)")
#: a person's (or vehicle's) value from someone else's section or label is never taken without review
OTHERS_CAP = 0.5


_SPACES = re.compile(r"\s+")


def vnorm(v: str) -> str:
    return _SPACES.sub("", str(v)).casefold()


def role_rank(c: Cand, primaries: list[str]) -> int:
    """0, 1, … for the document's person roles (best first); 5 no section; 6 a person's section that says not
    whose (after the person's own); 8 someone else; 9 the authority
    or no person at all (a label naming a place: "Lage des Grundstücks")."""
    if c.role in primaries:
        return primaries.index(c.role)
    if c.role is None or c.role == "neutral":
        return 5
    if c.role == "unknown":  # after the person's section, under a person's heading that says not whose
        return 6
    return 9 if c.role in ("authority", "place") else 8


def prior(c: Cand, rank: int, outranked: bool) -> float:
    p = _PRIOR[c.source] * (0.9 if c.sim < 1 else 1.0) * (0.95 if c.weak and not c.colon else 1.0)
    p *= 0.95 if c.debris else 1.0
    if c.field in OWNED_FIELDS:
        p *= 0.4 if rank >= 8 else 1.0
        p *= 0.6 if outranked and c.field in PERSON_FIELDS else 1.0
    if c.repaired:
        p *= 0.9
    return p if c.ok else min(p, 0.3)


def features(c: Cand, rank: int, outranked: bool, agree: int, rivals: int, n_pages: int) -> dict[str, float]:
    g = GROUPS.get(c.field, "other")
    person = c.field in PERSON_FIELDS
    f = {
        "prior": prior(c, rank, outranked), f"src_{c.source}": 1.0, f"grp_{g}": 1.0, f"{g}_{c.source}": 1.0,
        "sim": c.sim, "fuzzy": float(c.sim < 1), "colon": float(c.colon), "weak": float(c.weak),
        "weak_nocolon": float(c.weak and not c.colon), "ok": float(c.ok), "invalid": float(not c.ok),
        "repaired": float(c.repaired), "debris": float(c.debris), "pseudo": float(c.pseudo),
        "agree": math.log1p(agree), "rivals": math.log1p(rivals), "alone": float(rivals == 0),
        "page1": float(c.page == 1), "later_page": float(c.page > 1 and n_pages > 1), "y": c.y,
        "dist": min(c.dist, 5.0) / 5, "len": min(len(c.value), 60) / 60,
        "ocr": float(c.ocr), f"ocr_{g}": float(c.ocr),
        "odd_chars": float(bool(_ODD.search(c.value))), "short_token": float(bool(_SHORT.search(c.value))),
    }
    if person:
        f["role_best"] = float(rank == 0)
        f["role_primary"] = float(rank < 5)
        f["role_none"] = float(rank == 5)
        f["role_other"] = float(rank == 8)
        f["role_authority"] = float(rank == 9)
        f["outranked"] = float(outranked)
        f[f"{g}_role_other"] = float(rank >= 8)
    return f


class FieldModel:
    """Logistic regression over candidate features, stored as JSON."""

    def __init__(self, weights: dict[str, float], bias: float, meta: dict[str, Any] | None = None):
        self.weights, self.bias, self.meta = weights, bias, meta or {}

    def proba(self, feats: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in feats.items())
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict[str, Any]:
        return {"format": MODEL_FORMAT, "kind": "ekte.extractor", "bias": self.bias,
                "weights": dict(sorted(self.weights.items())), "meta": self.meta}

    def save(self, path: Path) -> None:
        from ekte import fsutil

        path.parent.mkdir(parents=True, exist_ok=True)
        fsutil.write_json(path, self.to_json())

    @classmethod
    def load(cls, path: Path) -> "FieldModel | None":
        try:
            blob = json.loads(Path(path).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if blob.get("format") != MODEL_FORMAT or blob.get("kind") != "ekte.extractor":
            return None
        return cls({str(k): float(v) for k, v in blob["weights"].items()}, float(blob["bias"]), blob.get("meta"))


ADDRESS_FIELDS = ("strasse", "plz", "ort")


def address_roles(primaries: list[str]) -> list[str]:
    """Whose address the document's is: a club's application is signed by its chair (the names), but its
    address is the club's (the applicant's), not the chair's home -- when the page has both."""
    if "chair" in primaries and "applicant" in primaries:
        return ["applicant"] + [r for r in primaries if r != "applicant"]
    return primaries


def featurize(cands: list[Cand], primaries: list[str], n_pages: int) -> list[tuple[Cand, dict[str, float]]]:
    """Every candidate with its features (they depend on the other candidates of its field)."""
    by_field: dict[str, list[Cand]] = defaultdict(list)
    club = "applicant" if "chair" in primaries and "applicant" in primaries else "other"
    for c in cands:
        if c.role == "club":  # a club's ("Anschrift des Vereins", "PLZ, Vereinsort"): its application's applicant,
            c.role = club  # on any other type someone else (a shooting club on a Waffen form)
        by_field[c.field].append(c)
    out = []
    for field, cs in by_field.items():
        roles = {c.role for c in cs}
        own = address_roles(primaries) if field in ADDRESS_FIELDS and {"applicant", "chair"} <= roles else primaries
        if field in ("telefon", "email") and own[:1] == ["subject"]:
            own = own + ["representative"]  # a child is reached through its parent: their telephone, e-mail
        if field in OWNED_FIELDS:
            _theirs_by_label(cs, own)
        ranks = [role_rank(c, own) for c in cs]
        best = min(r for r, c in zip(ranks, cs) if c.ok) if any(c.ok for c in cs) else min(ranks)
        counts: dict[str, int] = defaultdict(int)
        mine: dict[str, int] = defaultdict(int)  # a vehicle's: another vehicle's plate is no rival of it
        for c, rank in zip(cs, ranks):
            counts[vnorm(c.value)] += 1
            mine[vnorm(c.value)] += rank < 8 or field != "kennzeichen"
        for c, rank in zip(cs, ranks):
            c.rank = rank
            v = vnorm(c.value)
            seen = mine if field == "kennzeichen" and rank < 8 else counts
            agree = counts[v] - 1
            rivals = len([k for k, n in seen.items() if k != v and n])
            out.append((c, features(c, rank, rank > best and rank < 9, agree, rivals, n_pages)))
    return out


def _theirs_by_label(cs: list[Cand], own: list[str]) -> None:
    """A value found without a label (its shape, running text) that a label gives someone else
    ("E-Mail (Bevollmächtigte/r): …") is theirs too -- unless a label gives it the document's person.
    So is a letter head's (the writer's, taken to be the person's): a carer writing for the person whose
    own section names them as the carer."""
    labelled = [(vnorm(c.value), role_rank(c, own), c.role) for c in cs if c.source in ("right", "below")]
    for c in cs:
        if c.source in ("right", "below") or (c.role is not None and c.source != "header"):
            continue
        if (theirs := _others(vnorm(c.value), labelled, mine_below=8)) is not None:
            c.role = theirs
    if cs and cs[0].field in CONTACT_FIELDS:
        _contact_of_others(cs, own)


def _others(v: str, given: list[tuple[str, int, str | None]], mine_below: int) -> str | None:
    """The role of someone else (rank ≥ 8: never None) that *given* ((value, rank, role) of candidates) gives
    the value *v* — None when none does, or when one ranked below *mine_below* (the person's) gives it too."""
    theirs = [role for w, rank, role in given if w == v and rank >= 8]
    return theirs[0] if theirs and not any(w == v and rank < mine_below for w, rank, _ in given) else None


def _contact_of_others(cs: list[Cand], own: list[str]) -> None:
    """A telephone or e-mail in no section (a letter head's, a signature's "Tel.: …") that is given, the same
    number or address, as someone else's -- under their label or section, in the head or signature block of a
    writer who writes for another person (a carer's) -- is theirs, unless the document's person has it too."""
    ranked = [(vnorm(c.value), role_rank(c, own), c.role) for c in cs]
    for c, (v, rank, _role) in zip(cs, ranked):
        if rank == 5 and (theirs := _others(v, ranked, mine_below=5)) is not None:
            c.role = theirs


#: fields never taken from someone else's section or label, not even below the sure bar
CONTACT_FIELDS = ("telefon", "email")


def choose(scored: list[tuple[Cand, float]], min_conf: float) -> dict[str, tuple[Cand, float]]:
    """Per field the value with the highest confidence.  A labelled value
    that does not validate is kept at most 0.3, however unsure the model
    is of it: the clerk sees what the form says, not an empty field."""
    best: dict[str, tuple[Cand, float]] = {}
    for c, p in scored:
        conf = p if c.ok else min(p, 0.3)
        if c.field in OWNED_FIELDS and c.rank >= 8:
            conf = min(conf, OTHERS_CAP)
            if c.field in CONTACT_FIELDS:
                continue  # someone else's telephone or e-mail (an employer's, an architect's) is no contact of the application
        if conf < min_conf and (c.ok or c.source not in ("right", "below")):
            continue
        cur = best.get(c.field)
        if cur is None or conf > cur[1] or (conf == cur[1] and c.ok and not cur[0].ok):
            best[c.field] = (c, conf)
    return best
