"""`ekte plugins list`: what each plugin provides, by kind and name."""

import json

from helpers import run_ekte

LOCAL = '''
from ekte.hookspecs import hookimpl
from ekte.connectors.base import Connector


class Archiv(Connector):
    name = "stadtarchiv"


class Ahnung:
    name = "bauchgefuehl"


class Quelle:
    name = "faxeingang"


@hookimpl
def ekte_connectors():
    return [Archiv]


@hookimpl
def ekte_classifiers():
    return [Ahnung()]


@hookimpl
def ekte_intake_sources():
    return [Quelle()]


@hookimpl
def ekte_process(point, document, profile):
    pass
'''


def test_plugins_list_says_what_each_plugin_provides(tmp_path):
    (tmp_path / "ortsrecht.py").write_text(LOCAL)
    env = {"PYTHONPATH": str(tmp_path)}
    p = run_ekte("plugins", "list", "--json", "--plugin", "ortsrecht", env=env, check=0)
    infos = {i["name"]: i for i in json.loads(p.stdout)}
    builtin = infos["builtin"]["provides"]
    assert set(builtin) == {"connectors", "classifiers", "extractors", "intake_sources"}
    assert builtin["intake_sources"] == ["mail"]  # e-mail (IMAP, .eml) since the intake work
    assert set(builtin["connectors"]) >= {"folder", "komxwork", "xdomea", "alfresco-bulk", "cmis"}
    assert builtin["classifiers"] == ["rules", "model"] and builtin["extractors"] == ["form", "labels"]
    assert infos["ortsrecht"]["provides"] == {"connectors": ["stadtarchiv"], "classifiers": ["bauchgefuehl"],
                                              "intake_sources": ["faxeingang"], "processors": ["ortsrecht"]}
    assert infos["ortsrecht"]["origin"] == "--plugin"
    p = run_ekte("plugins", "list", "--plugin", "ortsrecht", env={**env, "COLUMNS": "200"}, check=0)
    for text in ("connectors: stadtarchiv", "classifiers: bauchgefuehl", "intake sources: faxeingang",
                 "processors: ortsrecht", "extractors: form, labels"):
        assert text in p.stdout, text
    # a plugin whose hook fails is named, in one line, exit 2
    (tmp_path / "kaputt.py").write_text("from ekte.hookspecs import hookimpl\n\n@hookimpl\n"
                                        "def ekte_connectors():\n    raise RuntimeError('boom')\n")
    p = run_ekte("plugins", "list", "--plugin", "kaputt", env=env)
    assert p.returncode == 2 and "kaputt" in p.stderr and "boom" in p.stderr and "Traceback" not in p.stderr
