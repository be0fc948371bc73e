"""What a run returns (the ``--json`` contract's summary and the exit
code) and how it reports progress."""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, Iterable, Iterator, Protocol

from ekte import jsontext
from ekte.errors import ExitCode
from ekte.model import OUTPUT_VERSION, Document, Status
from ekte.pipeline.settled import Settled, input_of
from ekte.stopsignal import Interrupted  # noqa: F401 - SIGTERM during a run; named here as before


class ProgressSink(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, doc: Document) -> None: ...
    def finish(self) -> None: ...


class NoProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self, doc: Document) -> None:
        pass

    def finish(self) -> None:
        pass


_ARCHIVED = (Status.ARCHIVED, Status.REVIEW, Status.EXPORT_FAILED)


class _Streamed(list):  # type: ignore[type-arg]
    """A list read one item at a time (:func:`ekte.jsontext.write`, and
    ``json.dump``, whose pure-Python encoder only asks for truthiness and
    iteration): the documents of a long run are never all in memory."""

    def __init__(self, n: int, items: Iterable[Any]) -> None:
        super().__init__()
        self.n, self.items = n, items

    def __len__(self) -> int:
        return self.n

    def __bool__(self) -> bool:
        return self.n > 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)


def entry(doc: Document) -> dict[str, Any]:
    """One document of the ``--json`` output: ``source`` is the input this
    run read (``first_source``: where the same content first arrived, when
    the journal keeps that as its provenance); ``done_before``: finished by
    an earlier run (its journal state, run and time); ``export_results``: per connector asked for it in this run,
    exported / already-exported / failed (as ``ekte export --json``)."""
    out = {**doc.result_dict(), "export_results": dict(doc.extra.get("export_results") or {})}
    if input_of(doc) != doc.source:
        out["source"], out["first_source"] = input_of(doc), doc.source
    if doc.extra.get("done_before"):
        out["done_before"] = doc.extra["done_before"]
    if doc.status == Status.REVIEW and doc.extra.get("review"):  # why (fresh39 F6): names, no value
        out["review"] = doc.extra["review"]
    return out


@dataclass
class IngestResult:
    #: settled documents (a list-like :class:`Settled`: spooled to the working directory, read back on demand)
    documents: Settled = field(default_factory=Settled)
    seconds: float = 0.0
    interrupted: bool = False
    workdir: str = ""
    #: an environment failure that ended the run, or made a connector fail (disk full, permission denied, …)
    failure: Any = None
    #: originals that --move could not move
    not_moved: int = 0
    #: what a run adds to its summary (``ekte mail``: the messages); ``attention`` makes the exit code 1
    extra: dict[str, Any] = field(default_factory=dict)
    #: an interrupted or failed run: the inputs (display paths) not settled, left for the next run
    pending: list[str] = field(default_factory=list)
    #: files skipped for a name in intake.ignore (display paths; fresh32 F6), and those of them named as inputs
    skipped: list[str] = field(default_factory=list)
    skipped_named: list[str] = field(default_factory=list)
    #: folders below an input that could not be listed (no read permission): ``{"path", "cause"}`` (fresh36 F1)
    unreadable_folders: list[dict[str, str]] = field(default_factory=list)
    #: False for the result an environment failure before the run began carries (:func:`not_begun`)
    begun: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.documents, Settled):
            self.documents = Settled(self.workdir, self.documents)
        elif not self.documents.spool_dir:
            self.documents.spool_dir = self.workdir

    @property
    def summary(self) -> dict[str, Any]:
        recs = list(self.documents.records())  # (status, doctype, pages): no document read back
        by_status = Counter(st.value for st, _t, _p in recs if st)
        by_type: dict[str, Counter] = {}
        ours = list(self.documents.records(this_run=True))  # pages, by_doctype: this run's work (fresh36 F6)
        for st, dt, _p in ours:
            if st in _ARCHIVED:
                by_type.setdefault(dt or "-", Counter())[st.value] += 1
        return {
            "total": len(recs),
            "by_status": {s.value: by_status.get(s.value, 0) for s in Status},
            "by_doctype": {k: dict(v) for k, v in sorted(by_type.items())},
            "seconds": round(self.seconds, 3),
            "pages": sum(p for st, _t, p in ours if st in _ARCHIVED),
            "interrupted": self.interrupted, "skipped": len(self.skipped),
            "unreadable_folders": len(self.unreadable_folders),
            **({"pending": len(self.pending)} if self.pending or self.interrupted else {}),
            **({"done_before": dict(self.documents.done_before)} if getattr(self.documents, "done_before", 0) else {}),
            **({"not_moved": self.not_moved} if self.not_moved else {}),
            **{k: v for k, v in self.extra.items() if k != "attention"},
        }

    @property
    def exit_code(self) -> int:
        if self.failure is not None:
            return self.failure.exit_code
        if self.interrupted:
            return ExitCode.INTERRUPTED
        if self.not_moved or self.unreadable_folders or self.extra.get("attention") or any(
                st in (Status.QUARANTINED, Status.REVIEW, Status.EXPORT_FAILED) for st, _t, _p in self.documents.records()) \
                or self.documents.flawed_copies:
            return ExitCode.DOCUMENTS_NEED_ATTENTION
        return ExitCode.OK

    def to_json(self, *, lazy: bool = False) -> dict[str, Any]:
        """The ``--json`` output; *lazy*: its documents read one at a time
        while it is written (:meth:`write_json`)."""
        docs = (entry(d) for d in self.documents)
        out = {"version": OUTPUT_VERSION, "documents": _Streamed(len(self.documents), docs) if lazy else list(docs),
               "summary": self.summary}
        if self.pending or self.interrupted:  # an interrupted run always says what is left (maybe nothing)
            out["pending"] = list(self.pending)
        if self.skipped:
            out["skipped"] = [{"path": p, "reason": "ignored_name"} for p in self.skipped]
        if self.unreadable_folders:
            out["unreadable_folders"] = list(self.unreadable_folders)
        if self.failure is not None:
            out["error"] = self.failure.to_dict()
        return out

    def write_json(self, fp: IO[str]) -> None:
        """The ``--json`` output to *fp*, the same text as
        ``json.dumps(self.to_json(), ensure_ascii=False, indent=2)``, written
        as it is made (one write per document: :func:`ekte.jsontext.write`)."""
        jsontext.write(fp, self.to_json(lazy=True))
        fp.write("\n")


@contextmanager
def not_begun(pending: Iterable[Any]) -> Iterator[None]:
    """An :class:`~ekte.errors.EnvironmentFailure` before a run began (a damaged journal, a working directory not
    writable) carries a result too, every input *pending* as given — a script reads ``e.result.pending`` whatever
    stopped the run, and ``--json`` lists them (fresh34 F2)."""
    from ekte.errors import EnvironmentFailure
    from ekte.stages.intake import display

    try:
        yield
    except EnvironmentFailure as e:
        if e.result is None:
            e.result = IngestResult(pending=[display(p) for p in pending], begun=False)
            e.result.failure = e
        raise
