"""Authority profiles: TOML files validated on load.

A profile describes one authority's intake: document types, file plan,
retention, extraction rules, OCR settings and connectors.  Profiles may
``extends`` another one; ``-o KEY=VALUE`` overrides any setting.  Unknown
keys are errors, never silently ignored.
"""

from __future__ import annotations

import copy
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ekte.errors import ConfigError
from ekte.evidence.settings import ResiscanSettings, RetentionSettings, SealSettings, TimestampSettings
from ekte.mail.settings import MailSettings
from ekte.stages.office import OfficeSettings
from ekte.overrides import apply_overrides, override_error, parse_override  # noqa: F401

DEFAULT_PROFILE = "landkreis"


#: the metadata fields ekte extracts (names fixed by the output contract)
FIELD_NAMES = (
    "vorname", "nachname", "geburtsdatum", "strasse", "plz", "ort", "telefon", "email", "aktenzeichen",
    "antragsdatum", "eingangsdatum", "iban", "kennzeichen", "fin", "evb", "gemarkung", "flur", "flurstueck",
    "verein", "betrag_eur",
)

from ekte.labels import DEFAULT_LABELS, DEFAULT_SECTIONS, PSEUDO_FIELDS  # noqa: E402,F401


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class ProfileInfo(_Strict):
    name: str
    title: str = ""
    extends: str | None = None
    description: str = ""


class IntakeSettings(_Strict):
    ignore: list[str] = Field(
        default_factory=lambda: [".*", "~$*", "*.part", "*.tmp", "*.crdownload", "Thumbs.db", "desktop.ini", "@eaDir", "#recycle",
                                 "lost+found"]
    )
    max_file_mb: float = Field(default=500, gt=0)
    #: a PDF or TIFF with more pages is quarantined (too_many_pages) before anything looks at its pages (fresh41
    #: F9: 20,000 blank pages in 4.7 MB held a run for 10+ minutes). 5,000: ten full lever-arch files (~500 sheets
    #: each) in one file, above the 3,000 pages Amazon Textract's asynchronous API takes; samples/ and
    #: ../shared/realdocs: at most 6 pages
    max_pages: int = Field(default=5000, gt=0)
    #: the arrival date (``received``, the Eingangsdatum without a stamp): "intake" today, "mtime" the file's
    #: modification time — an old archive migrated keeps its dates (fresh39 F3); a received stamp still wins
    received_from: Literal["intake", "mtime"] = "intake"
    max_image_mpixels: float = Field(default=250, gt=0)
    #: how much a PDF's compressed data may expand beyond its raw size (an image: beyond its own pixels), in all
    #: (fresh41 F2: a 1 MB PDF inflating to 1 GiB); samples/ and ../shared/realdocs: under 2 MB each
    max_decoded_mb: float = Field(default=256, gt=0)
    image_default_dpi: int = Field(default=300, ge=50, le=2400)
    office: OfficeSettings = Field(default_factory=OfficeSettings)
    mail: MailSettings = Field(default_factory=MailSettings)


class OcrSettings(_Strict):
    language: str = "deu"
    jobs: int = Field(default=0, ge=0, description="0 = number of CPU cores")
    rotate_pages: bool = True
    rotate_pages_threshold: float = Field(
        default=14.0, ge=0, description="OSD confidence needed to turn a page (engine 'tesseract' only)")
    #: "tesserocr": Tesseract's C API, language data loaded once per worker,
    #: orientation found within the OCR pass; "tesseract": the program, one per page
    engine: str = "tesserocr"
    orientation_check_below: float = Field(
        default=70.0, ge=0, le=100,
        description="mean word confidence of a page's OCR pass below which it is read again with orientation detection")
    deskew: bool = True
    deskew_threshold: float = Field(default=1.0, ge=0, le=45, description="deskew a page skewed this many degrees or more")
    skew_dpi: int = Field(default=100, ge=50, le=300,
                          description="resolution at which orientation and skew are found before the OCR pass")
    orientation_confidence: float = Field(
        default=3.0, ge=0,
        description="confidence of the orientation detection before the OCR pass needed to turn a page on its side")
    refine: bool = Field(default=True, description="read the words Tesseract is unsure of again with RapidOCR's "
                                                   "recogniser (handwriting-like filled-in values; ekte/stages/ocr_refine.py), and "
                                                   "read lines Tesseract gave no words for (ekte/stages/ocr_found.py)")
    stamps: bool = Field(default=True, description="read turned received stamps (Eingangsstempel) again on their own "
                                                   "(engine 'tesserocr'; ekte/stages/ocr_stamp.py)")
    regions: bool = Field(default=True, description="read a date's, PLZ's or IBAN's region again, enlarged, as one line with "
                                                    "its type's characters, where its value fails its check (engine "
                                                    "'tesserocr'; ekte/stages/ocr_region.py)")
    output_type: str = "pdfa-2"
    tesseract_timeout: float = Field(default=180, gt=0, description="seconds per page for Tesseract")
    document_timeout: float = Field(default=1800, ge=0, description="seconds per document; 0 = no limit")
    max_attempts: int = Field(default=3, ge=1, description="worker crashes (or kills at shutdown) before a "
                                                            "document is quarantined")
    min_page_chars: int = Field(default=8, ge=0)
    split_pages: int = Field(default=8, ge=0, description="a scan with more pages is OCRed in ranges of this many "
                                                          "pages by several workers at once; 0 = never")

    @field_validator("output_type")
    @classmethod
    def _ot(cls, v: str) -> str:
        if v not in ("pdfa-2", "pdf"):
            raise ValueError("must be 'pdfa-2' or 'pdf'")
        return v

    @field_validator("engine")
    @classmethod
    def _engine(cls, v: str) -> str:
        if v not in ("tesserocr", "tesseract"):
            raise ValueError("must be 'tesserocr' or 'tesseract'")
        return v


class ClassifySettings(_Strict):
    threshold: float = Field(default=0.6, ge=0, le=1)
    default_doctype: str = "sonstiges"
    title_boost: float = Field(default=2.0, ge=1)
    title_chars: int = Field(default=600, ge=0)
    fuzzy_min_length: int = Field(default=7, ge=3, description="keywords this long also match fuzzily")
    fuzzy_similarity: float = Field(default=88, ge=50, le=100)
    #: weight of the trained model's probabilities against the rules' (0..1)
    model_weight: float = Field(default=0.6, ge=0, le=1)
    #: where ``ekte train`` saves and ingest loads the model; default
    #: ``<workdir>/models/<profile>.classifier.joblib``
    model_path: str = ""


class ExtractSettings(_Strict):
    aktenzeichen_patterns: list[str] = Field(
        default_factory=lambda: [
            r"\b\d{2,3}(?:\.\d{1,3})*-\d{2,6}/\d{4}\b",  # 32.1-1234/2026
            r"\b\d{2,3}-[A-Z]{2,4}-\d{4}/\d{2,6}\b",  # 63-BA-2025/0412
            r"\b[A-Z]{2,5}-\d{4}-\d{3,6}\b",  # ZUL-2026-00871
        ]
    )
    aktenzeichen_labels: list[str] = Field(
        default_factory=lambda: ["Aktenzeichen", "Az.", "Az", "Geschäftszeichen", "Unser Zeichen", "Ihr Zeichen",
                                 "Kassenzeichen", "Gesch.-Z.", "Geschäftsz.", "Aktenz.", "Vorgangsnummer", "Ihr Az.",
                                 "Unser Az.", "Ihr Aktenzeichen", "Unser Aktenzeichen", "Zeichen", "Gz.", "GZ",
                                 "Gesch.-Zeichen", "Antragsnummer", "Registriernummer", "Bearbeitungsnummer",
                                 "Antrags-Nr.", "Vorgangs-Nr.",  # these name other numbers (extract/filenumber.py)
                                 "Aktenzeichen der Behörde", "Az. der Behörde", "Geschäftszeichen der Behörde"]
    )
    #: when a document carries no Aktenzeichen, one is assigned from this
    #: template: {aktenplan}, {year}, {seq} (a running number per aktenplan
    #: and year, kept in the journal), {doctype}.  Empty: assign none.
    aktenzeichen_template: str = "{aktenplan}-{year}/{seq:05d}"
    #: label variants per field (added to the defaults): the value next to such a label is taken
    labels: dict[str, list[str]] = Field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_LABELS.items()})
    #: AcroForm field names per ekte field (fillable PDFs); matched
    #: case-insensitively, also against the label variants
    form_fields: dict[str, list[str]] = Field(default_factory=dict)
    #: minimum similarity (0-100) for a fuzzy label match on OCR text
    label_similarity: float = Field(default=80, ge=50, le=100)

    #: section headings per role ("applicant", "subject", "representative",
    #: "account", "other", "neutral"); added to the defaults
    sections: dict[str, list[str]] = Field(default_factory=dict)
    #: whose values are the document's person, best first, per document type
    #: (others: ["applicant", "subject"])
    person_roles: dict[str, list[str]] = Field(
        default_factory=lambda: {"masern_meldung": ["subject", "applicant"],
                                 "sportstaetten_foerderung": ["chair", "applicant"],
                                 # the leistungsberechtigte Person: a form's applicant, or the person a carer's
                                 # letter names ("Angaben zur betroffenen Person", "Angaben zum Kind")
                                 "eingliederungshilfe": ["applicant", "subject"]})
    #: values at or above this confidence are taken without review
    auto_threshold: float = Field(default=0.9, ge=0, le=1)
    #: values below this confidence are not reported at all
    min_confidence: float = Field(default=0.3, ge=0, le=1)
    #: fields every document needs (with confidence ≥ auto_threshold, or it
    #: goes to review with that field named); per document type in
    #: ``doctypes.<type>.required``.  A missing Aktenzeichen is assigned, not reviewed.
    required: list[str] = Field(default_factory=lambda: ["vorname", "nachname", "aktenzeichen"])
    #: the field model (``ekte train``); default ``<workdir>/models/<profile>.extractor.json``,
    #: else the one shipped with ekte
    model_path: str = ""
    #: a learned token tagger fills fields of the document's type the rules leave empty, never sure; never the
    #: Aktenzeichen or the received date (issue 10; ``<workdir>/models/<profile>.tagger.crfsuite`` from
    #: ``ekte train DIR --truth``, else the shipped one; false: the rules alone)
    tagger: bool = True

    @field_validator("labels", "form_fields")
    @classmethod
    def _known_fields(cls, v: dict[str, list[str]], info: Any) -> dict[str, list[str]]:
        bad = set(v) - set(FIELD_NAMES) - set(PSEUDO_FIELDS)
        if bad:
            raise ValueError(f"unknown field name(s): {', '.join(sorted(bad))} (known: {', '.join(FIELD_NAMES)})")
        if info.field_name == "labels":
            blank = sorted(k for k, x in v.items() if any(not str(s).strip() for s in x))
            if blank:
                raise ValueError(f"a blank label for: {', '.join(blank)}")
            # a profile's variants come on top of the defaults (first, so they win a tie)
            merged = {k: list(x) for k, x in DEFAULT_LABELS.items()}
            for k, x in v.items():
                merged[k] = list(dict.fromkeys(list(x) + merged.get(k, [])))
            return merged
        return v

    @field_validator("required")
    @classmethod
    def _required(cls, v: list[str]) -> list[str]:
        bad = [f for f in v if f not in FIELD_NAMES]
        if bad:
            raise ValueError(f"unknown field name(s): {', '.join(bad)}{_near(bad, FIELD_NAMES)}")
        return v

    @field_validator("sections", "person_roles")
    @classmethod
    def _roles(cls, v: dict[str, list[str]], info: Any) -> dict[str, list[str]]:
        used = list(v) if info.field_name == "sections" else [r for lst in v.values() for r in lst]
        bad = sorted({r for r in used if r not in DEFAULT_SECTIONS})
        if bad:
            raise ValueError(f"unknown role(s): {', '.join(bad)} (known: {', '.join(sorted(DEFAULT_SECTIONS))})")
        return v


class ExportSettings(_Strict):
    connectors: list[str] = Field(default_factory=lambda: ["folder"])
    #: how often a transient export error (network, DMS busy) is retried
    retries: int = Field(default=3, ge=0, le=20)
    #: first back-off in seconds; doubled each time, at most 60 s
    retry_delay: float = Field(default=2.0, ge=0)
    #: mode of exported files and of the folders connectors create (octal strings);
    #: each connector that writes files may set its own (``file_mode``, ``dir_mode``)
    file_mode: str = "0640"
    dir_mode: str = "0750"

    @field_validator("file_mode", "dir_mode", mode="before")
    @classmethod
    def _mode(cls, v: Any, info: Any) -> str:
        from ekte.fsutil import parse_mode

        parse_mode(v, directory=info.field_name == "dir_mode")
        return v


class WatchSettings(_Strict):
    stable_seconds: float = Field(default=5, ge=0)
    rescan_minutes: float = Field(default=5, ge=0, description="0 = only at start-up")
    grace_seconds: float = Field(default=30, ge=0, description="how long documents in flight may finish on SIGTERM")
    after_export: str = "move"
    done_dir: str = Field(default="", description="default <workdir>/done; relative to the workdir")
    remove_emptied_after_minutes: float = Field(
        default=0, ge=0, description="0 = never (an inbox's sub-folders stay: scanners' and portals' target "
                                     "folders); N = a sub-folder the daemon emptied, unchanged for N minutes, is "
                                     "removed at a rescan (often named after a person)")

    @field_validator("after_export")
    @classmethod
    def _after(cls, v: str) -> str:
        if v not in ("move", "delete"):
            raise ValueError("must be 'move' or 'delete'")
        return v


class ExecutorSettings(_Strict):
    """Where the heavy steps run: ``local`` (this host's worker processes) or
    ``dask`` (Dask distributed: a LocalCluster of ``--jobs`` workers, or the
    workers of the scheduler at ``scheduler``; ``tls://`` with the three
    ``tls_*_file`` settings, see :mod:`ekte.distributed.tls`)."""

    kind: str = "local"
    scheduler: str = Field(default="", description="tcp://HOST:PORT of a Dask scheduler; empty: a LocalCluster")
    shared_root: str = Field(default="", description="a folder every worker sees at the same path: inputs below "
                                                     "it travel as paths, not bytes")
    worker_wait: float = Field(default=120, gt=0, description="seconds tasks may wait for a fitting worker")
    connect_timeout: float = Field(default=30, gt=0, description="seconds to reach the scheduler")
    dashboard: str = Field(default="", description="address of the LocalCluster's dashboard, e.g. :8787")
    worker_max_tasks: int = Field(default=50, ge=1, description="a worker process is replaced after this many tasks (one on pikepdf's route — no OCR, no Ghostscript — counts a quarter)")
    worker_max_rss_mb: int = Field(default=400, ge=0, description="… or once its resident memory is above this "
                                                                  "after a task (MB; 0 = no limit)")
    tls_ca_file: str = Field(default="", description="tls:// schedulers: the cluster's CA certificate (PEM)")
    tls_cert_file: str = Field(default="", description="tls:// schedulers: this coordinator's certificate (PEM)")
    tls_key_file: str = Field(default="", description="tls:// schedulers: its private key (PEM, mode 0600)")

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in ("local", "dask"):
            raise ValueError("must be 'local' or 'dask'")
        return v

    @field_validator("scheduler")
    @classmethod
    def _scheduler(cls, v: str) -> str:
        import re

        if v and not re.fullmatch(r"(tcp|tls)://(\[[0-9a-fA-F:.]+\]|[^\s/:\[\]]+)(:\d{1,5})?", v):
            raise ValueError("expects an address such as tcp://scheduler.example:8786 or tls://scheduler.example:8786")
        return v


class ServeSettings(_Strict):
    """``ekte serve``: the HTTP intake API (issue 15)."""

    max_upload_mb: float = Field(default=100, gt=0, description="413 for a larger upload (POST /api/v1/documents)")


class RejectReason(_Strict):
    """A reason a clerk may reject a review document for, and what then
    happens to it: ``keep`` (archived, never exported; the same file again
    is a duplicate), ``quarantine`` (to the quarantine, where an admin
    retries or releases it), ``export`` (filed as *doctype*, default
    ``classify.default_doctype``)."""

    title: str
    disposition: Literal["keep", "quarantine", "export"] = "keep"
    doctype: str = ""


def _default_reject() -> dict[str, RejectReason]:
    return {"not_ours": RejectReason(title="Nicht zuständig", disposition="keep"),
            "unreadable": RejectReason(title="Unlesbar", disposition="quarantine")}


class ReviewSettings(_Strict):
    reject: dict[str, RejectReason] = Field(default_factory=_default_reject)
    defer_hours: float = Field(default=24, gt=0, description="how long 'put back' hides a document by default")


class DocType(_Strict):
    title: str
    aliases: list[str] = Field(default_factory=list)
    aktenplan: str = ""
    retention_years: int = Field(default=10, ge=0)
    leika: str = ""
    fields: list[str] = Field(default_factory=list)
    keywords: dict[str, float] = Field(default_factory=dict)
    #: regular expressions (case-insensitive) with weights
    patterns: dict[str, float] = Field(default_factory=dict)
    #: fields this type needs (default: ``extract.required``)
    required: list[str] | None = None

    @field_validator("patterns")
    @classmethod
    def _regexes(cls, v: dict[str, float]) -> dict[str, float]:
        import re

        for rx in v:
            try:
                re.compile(rx)
            except re.error as e:
                raise ValueError(f"invalid regular expression {rx!r}: {e}") from None
        return v

    @field_validator("fields", "required")
    @classmethod
    def _fields(cls, v: list[str] | None) -> list[str] | None:
        bad = [f for f in v or [] if f not in FIELD_NAMES]
        if bad:
            raise ValueError(f"unknown field name(s): {', '.join(bad)}{_near(bad, FIELD_NAMES)}")
        return v

    @field_validator("leika")
    @classmethod
    def _leika(cls, v: str) -> str:
        if v and not (v.isdigit() and len(v) == 14):
            raise ValueError("a LeiKa service key has 14 digits")
        return v


class Profile(_Strict):
    profile: ProfileInfo
    intake: IntakeSettings = Field(default_factory=IntakeSettings)
    ocr: OcrSettings = Field(default_factory=OcrSettings)
    classify: ClassifySettings = Field(default_factory=ClassifySettings)
    extract: ExtractSettings = Field(default_factory=ExtractSettings)
    export: ExportSettings = Field(default_factory=ExportSettings)
    watch: WatchSettings = Field(default_factory=WatchSettings)
    executor: ExecutorSettings = Field(default_factory=ExecutorSettings)
    resiscan: ResiscanSettings = Field(default_factory=ResiscanSettings)
    seal: SealSettings = Field(default_factory=SealSettings)
    timestamp: TimestampSettings = Field(default_factory=TimestampSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    serve: ServeSettings = Field(default_factory=ServeSettings)
    connectors: dict[str, dict[str, Any]] = Field(default_factory=dict)
    #: settings of plugins, one table each ([plugins.portal], …); each plugin checks its own
    plugins: dict[str, dict[str, Any]] = Field(default_factory=dict)
    doctypes: dict[str, DocType] = Field(default_factory=dict)

    # where it was loaded from (not part of the TOML)
    _source: str = ""

    @property
    def name(self) -> str:
        return self.profile.name

    def doctype_title(self, doctype: str | None) -> str:
        if doctype and doctype in self.doctypes:
            return self.doctypes[doctype].title
        return doctype or ""


# -- finding profiles ------------------------------------------------------

def profile_dirs() -> list[Path]:
    """Where profiles are looked up by name, first match wins."""
    dirs: list[Path] = []
    env = os.environ.get("EKTE_PROFILE_PATH")
    if env:
        dirs += [Path(p) for p in env.split(os.pathsep) if p]
    here = Path(__file__).resolve().parent
    dirs.append(here.parent / "profiles")  # source checkout / editable install
    dirs.append(here / "_profiles")  # installed wheel
    return [d for d in dirs if d.is_dir()]


def available_profiles() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for d in profile_dirs():
        for p in sorted(d.glob("*.toml")):
            found.setdefault(p.stem, p)
    return found


def find_profile(name_or_path: str) -> Path:
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists():
        if not p.is_file():
            raise ConfigError(f"profile file not found: {p}")
        return p
    found = available_profiles()
    if name_or_path not in found:
        known = ", ".join(sorted(found)) or "none"
        raise ConfigError(f"unknown profile '{name_or_path}' (known: {known})")
    return found[name_or_path]


# -- loading -----------------------------------------------------------------

def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: TOML syntax error: {e}") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from None


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _load_raw(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    path = path.resolve()
    if path in seen:
        raise ConfigError(f"{path}: 'extends' forms a cycle")
    raw = _read_toml(path)
    parent = (raw.get("profile") or {}).get("extends")
    if parent:
        try:
            ppath = find_profile(parent) if not (path.parent / f"{parent}.toml").is_file() else path.parent / f"{parent}.toml"
        except ConfigError as e:  # the file and the key that named it (fresh33 F7)
            raise ConfigError(f"{path}: profile.extends: {e}{_near([str(parent)], available_profiles())}") from None
        base = _load_raw(ppath, seen + (path,))
        # the child's own identity is not inherited
        base.pop("profile", None)
        raw = deep_merge(base, raw)
    return raw


def _near(bad: list[str], known: Any) -> str:
    """`` (did you mean X?)`` for the first of *bad* with a close match in *known* (fresh33 F7), else ``""``."""
    import difflib

    near = next((m[0] for b in bad if (m := difflib.get_close_matches(b, list(known), n=1, cutoff=0.6))), None)
    return f" (did you mean {near}?)" if near else ""


def format_validation_error(path: Path | str, err: ValidationError) -> str:
    from ekte.overrides import _suggest

    lines = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"]) or "(top level)"
        msg = e["msg"].removeprefix("Value error, ")  # pydantic's prefix of a validator's message (fresh33 F7)
        if e["type"] == "extra_forbidden":
            hint = _suggest(Profile, [str(x) for x in e["loc"]], [])  # as -o says it
            msg = "unknown key" + (f" (did you mean {hint}?)" if hint else "")
        lines.append(f"{path}: {loc}: {msg}")
    return "\n".join(lines)


def validate(raw: dict[str, Any], source: Path | str, overrides: list[str] | None = None) -> Profile:
    try:
        prof = Profile.model_validate(raw)
    except ValidationError as e:
        blamed = [override_error(Profile, x, overrides or []) for x in e.errors()]
        if any(blamed):  # what an override set is the override's fault, not the file's
            raise ConfigError("\n".join(b for b in blamed if b)) from None
        raise ConfigError(format_validation_error(source, e)) from None
    default = prof.classify.default_doctype
    if prof.doctypes and default not in prof.doctypes:
        raise ConfigError(f"{source}: classify.default_doctype: '{default}' is not a declared doctype")
    prof._source = str(source)
    return prof


def load_profile(name_or_path: str | None = None, overrides: list[str] | None = None) -> Profile:
    path = find_profile(name_or_path or DEFAULT_PROFILE)
    raw = _load_raw(path)
    if overrides:
        raw = apply_overrides(raw, overrides, Profile)
    return validate(raw, path, overrides)


def check_profile(path: str) -> list[str]:
    """Every error of a profile file, one line each (empty if valid); its
    connector settings as an export judges them too."""
    from ekte.connectors.base import settings_errors

    try:
        return [f"{path}: {e}" for e in settings_errors(load_profile(path))]
    except ConfigError as e:
        return str(e).splitlines()
