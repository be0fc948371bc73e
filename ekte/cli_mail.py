"""The `ekte mail` command: a thin layer over ekte.api.mail (registered on the main app)."""

from __future__ import annotations

from ekte.cli import _run_and_report, command
from ekte.cliopts import (ConnectorOpt, JobsOpt, JsonOpt, LogFormat, LogFormatOpt, NoProgressOpt, OverrideOpt,
                          PluginOpt, ProfileOpt, VerboseOpt, WorkdirOpt)


@command(name="mail")
def mail_cmd(
    profile: ProfileOpt = None, workdir: WorkdirOpt = None, override: OverrideOpt = [], jobs: JobsOpt = None,
    connector: ConnectorOpt = [], plugin: PluginOpt = [], as_json: JsonOpt = False, no_progress: NoProgressOpt = False,
    verbose: VerboseOpt = 0, log_format: LogFormatOpt = LogFormat.text,
) -> None:
    """Take the new e-mail of the profile's intake.mail account once: each message one Vorgang."""
    from ekte import api

    _run_and_report(lambda progress: api.mail(
        profile=profile, workdir=workdir, overrides=override, jobs=jobs, connectors=connector or None,
        plugins=plugin, progress=progress,
    ), as_json, no_progress, verbose, log_format.value, command="ekte mail")
