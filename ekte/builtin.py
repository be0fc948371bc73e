"""The built-in stages and connectors, registered like any plugin."""

from __future__ import annotations

from ekte.hookspecs import hookimpl


@hookimpl
def ekte_connectors():
    from ekte.connectors.alfresco_bulk import AlfrescoBulkConnector
    from ekte.connectors.cmis import CmisConnector
    from ekte.connectors.folder import FolderConnector
    from ekte.connectors.komxwork import KomxworkConnector
    from ekte.connectors.xaip import XaipConnector
    from ekte.connectors.xdomea import XdomeaConnector

    return [FolderConnector, KomxworkConnector, XdomeaConnector, AlfrescoBulkConnector, CmisConnector, XaipConnector]


@hookimpl
def ekte_classifiers():
    from ekte.stages.classify import ModelClassifier, RulesClassifier

    return [RulesClassifier(), ModelClassifier()]


@hookimpl
def ekte_extractors():
    from ekte.stages.extract import FormExtractor, LabelExtractor

    return [FormExtractor(), LabelExtractor()]


@hookimpl
def ekte_intake_sources():
    from ekte.mail.source import MailSource

    return [MailSource()]
