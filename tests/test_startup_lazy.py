"""What a run's start leaves for later (issue 12, round 10): the profile's
pydantic models build their validators when a profile is first validated,
not when the fork server imports them (a worker only unpickles a profile);
a classification keyword's pattern is compiled when a text first holds its
first word — with the same matches as compiled at once."""

import os
import pickle
import subprocess
import sys

import pytest

from ekte.profile import load_profile
from ekte.stages import classify


def test_the_fork_servers_preload_builds_no_model_and_a_worker_unpickles_a_profile(tmp_path):
    """A fresh interpreter imports the preload: no model of the profile has
    built its schema (nor scanned for pydantic plugins); a profile pickled by
    the coordinator unpickles and reads there; validating then still refuses
    an unknown key."""
    profile = load_profile(None)
    blob = tmp_path / "profile.pkl"
    blob.write_bytes(pickle.dumps(profile))
    code = f"""
import pickle, sys
from ekte.forkserver import PRELOAD
for m in PRELOAD[:-1]:  # (ekte.warm, last, loads OCR's part eagerly outside a lazy fork server)
    __import__(m)
from pydantic import BaseModel
def subs(c):
    for s in c.__subclasses__():
        yield s
        yield from subs(s)
built = sorted(c.__name__ for c in subs(BaseModel) if c.__module__.startswith("ekte") and c.__pydantic_complete__)
import pydantic.plugin._loader as loader
p = pickle.loads(open({str(blob)!r}, "rb").read())
print(built, loader._plugins is None, p.ocr.language, sorted(p.doctypes) == {sorted(profile.doctypes)!r})
from ekte.profile import IntakeSettings
try:
    IntakeSettings(max_file_mb=5, bogus=1)
except Exception as e:
    print(type(e).__name__)
"""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert p.returncode == 0, p.stderr[-2000:]
    first, second = p.stdout.splitlines()
    assert first == f"[] True {profile.ocr.language} True"
    assert second == "ValidationError"


TEXTS = ["Antrag auf Erteilung einer Baugenehmigung\nBauherr: Erika Muster, Flurstück 12/3",
         "Belehrung gemäß § 43 Infektionsschutzgesetz (IfSG) — Lebensmittel",
         "Zulassung eines Fahrzeugs, Kennzeichen AB-C 123, FIN WVWZZZ1JZXW000001",
         "Meldung Masern   Kita-Nachweis Impfung", "nichts dergleichen", ""]


@pytest.mark.parametrize("text", TEXTS)
def test_keyword_patterns_compiled_when_first_needed_score_as_compiled_at_once(text):
    profile = load_profile(None)
    lazy = classify.RulesClassifier()
    got = lazy.scores(text, profile)
    eager = classify.RulesClassifier()
    for pats in eager._rules(profile).values():  # every keyword's pattern compiled now, as before
        for rx, _plain, _w, _first, _grams in pats:
            if isinstance(rx, classify._Keyword):
                rx.search("")
    assert got == eager.scores(text, profile)
    full = classify.normalize(text)
    for pats in lazy._rules(profile).values():  # and only those whose first word the text holds were compiled
        for rx, _plain, _w, first, _grams in pats:
            if isinstance(rx, classify._Keyword):
                assert (rx.rx is not None) == (first in full)


def test_a_keyword_compiled_late_matches_as_its_pattern_does():
    kw = classify._Keyword("Antrag auf  Baugenehmigung")
    assert kw.rx is None
    text = classify.normalize("Ein Antrag auf\nBaugenehmigung; Antragauf baugenehmigung nicht")
    assert kw.search(text).group(0) == classify._kw_regex("Antrag auf  Baugenehmigung").search(text).group(0)
    assert kw.rx is not None and kw.search("antragsteller") is None
