"""The hook implementation ekte finds through the ``ekte`` entry point."""

from ekte.hookspecs import hookimpl


@hookimpl
def ekte_intake_sources():
    from ekte_portal.source import PortalSource

    return [PortalSource()]
