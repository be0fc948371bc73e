"""The hook implementation ekte finds through the ``ekte`` entry point."""

from ekte.hookspecs import hookimpl


@hookimpl
def ekte_intake_sources():
    from ekte_separate.source import SeparateSource

    return [SeparateSource()]
