"""Dropping a debt the journal holds to a connector (``ekte journal forget-owed``) and deleting documents
after their retention (``ekte retention delete``), as functions of :mod:`ekte.api` (re-exported there; kept
apart so each module stays small)."""

from __future__ import annotations

from pathlib import Path

from ekte.errors import ConfigError, raise_failure
from ekte.pipeline import IngestResult, Pipeline
from ekte.pipeline.results import not_begun
from ekte.profile import Profile


def forget_owed(connector: str, ids: list[str] | None = None, *, actor: str | None = None,
                profile: str | Profile | None = None, workdir: str | Path | None = None,
                overrides: list[str] | None = None, plugins: list[str] | None = None) -> IngestResult:
    """Drop the debt to *connector* — a connector that failed for a document stays owed it (a plain
    ``ekte export`` and the daemon ask it again) — of every archived document owing it, or of those of *ids*:
    for a connector gone from the profile (or a plugin no longer installed).  Recorded in each document's
    trail (``owed-forgotten``, by *actor*: default the login name); then those documents are exported as a
    plain ``ekte export`` does, so what every other connector has is recorded exported.  ConfigError when no
    document owes it."""
    from ekte.api import _profile, cli_actor
    from ekte.pipeline.queue import resolve

    with not_begun([]), Pipeline(_profile(profile, overrides), workdir, plugins=plugins, archives=False,
                                 create=False) as p:
        wanted = [resolve(p.j, i)["id"] for i in ids] if ids else None
        dropped = p.j.forget_owed(connector, wanted, actor=actor or cli_actor())
        if not dropped:
            raise ConfigError(f"no archived document {'of those given ' if ids else ''}is owed to connector "
                              f"'{connector}'")
        return raise_failure(p.export_archived(dropped))

def retention_delete(ids: list[str], *, reason: str, note: str | None = None, force: bool = False,
                     as_of: str | None = None, damaged: bool = False, actor: str | None = None,
                     profile: str | Profile | None = None, workdir: str | Path | None = None,
                     overrides: list[str] | None = None) -> list[dict]:
    """Delete documents (see :func:`ekte.evidence.retention.delete`); *reason*: a code of
    :data:`ekte.evidence.deletion_reasons.REASONS`, *note* an optional short remark; *actor* defaults to the
    login name."""
    from ekte.api import _profile, cli_actor
    from ekte.evidence.deletion_reasons import reason_text
    from ekte.evidence.retention import delete

    reason_text(reason, note)  # a wrong reason or note refused before the journal is opened
    with Pipeline(_profile(profile, overrides), workdir, archives=False, create=False) as p:
        return delete(p, ids, reason, actor=actor or cli_actor(), force=force, as_of=as_of, damaged=damaged,
                      note=note)
