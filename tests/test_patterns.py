"""Bounded patterns (issue 11): RE2 where the syntax allows (with Python's
Unicode classes kept), the regex module with a time limit otherwise, and
`ekte profiles check` naming a pattern that could backtrack catastrophically."""

import re
import time

import pytest

from helpers import run_ekte

from ekte import patterns


@pytest.mark.parametrize("rx,text,expect", [
    (r"stra(ß|ss)e\s+\w+", "Hauptstraße Übelweg 3", "straße Übelweg"),
    (r"\d{5}\s\w+", "in 12345 Münster", "12345 Münster"),
    (r"[\w.-]+@[\w.-]+", "mail an jörg.müller@example.de bitte", "jörg.müller@example.de"),
    (r"\bMüller\b", "Herr MÜLLER kam", "MÜLLER"),
    (r"(\w)\1", "Kaffee", "ff"),
])
def test_same_matches_as_python(rx, text, expect):
    b = patterns.compile(rx, re.IGNORECASE)
    assert b.search(text).group(0) == expect == re.search(rx, text, re.IGNORECASE).group(0)


def test_engines():
    assert patterns.compile(r"(a+)+$").engine == "re2"  # linear time
    assert patterns.compile(r"\bx\b").engine == "regex"  # no Unicode word boundary in RE2
    assert patterns.compile(r"(\w)\1").engine == "regex"  # a back reference
    with pytest.raises(re.error):
        patterns.compile(r"(unclosed")


def test_catastrophic_pattern_runs_in_bounded_time():
    text = "a" * 5000 + "!"
    for rx in (r"(a+)+$", r"(?:(\w)\1|a+a+)+y\b"):
        b = patterns.compile(rx)
        t0 = time.monotonic()
        assert b.search(text) is None
        assert list(b.finditer(text)) == []
        assert time.monotonic() - t0 < 2.0, (rx, b.engine)


def test_risks():
    assert patterns.risks(r"(a+)+$") and patterns.risks(r"(\w+\s?)+$") and patterns.risks(r"(a|a)*b")
    assert not patterns.risks(r"\d{5}") and not patterns.risks(r"(ab)+c") and not patterns.risks(r"\w+\s\w+")


def test_profiles_check_names_the_pattern(tmp_path):
    prof = tmp_path / "patho.toml"
    prof.write_text('[profile]\nname = "patho"\ntitle = "x"\nextends = "landkreis"\n'
                    '[doctypes.bauantrag.patterns]\n"(a+)+$" = 2.0\n')
    p = run_ekte("profiles", "check", prof)
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert "doctypes.bauantrag.patterns" in p.stdout and "(a+)+$" in p.stdout and "backtrack" in p.stdout
    p = run_ekte("profiles", "check", "profiles/landkreis.toml", cwd=str(patterns.__file__).rsplit("/ekte/", 1)[0])
    assert p.returncode == 0 and p.stdout.strip().endswith(": ok")


def test_classify_and_extract_run_profile_patterns_in_bounded_time():
    """The stages use ekte.patterns: a catastrophic doctype pattern and
    Aktenzeichen pattern end at once on the text that would stall ``re``."""
    from ekte.model import Document
    from ekte.profile import load_profile
    from ekte.stages.classify import RulesClassifier
    from ekte.stages.extract import LabelExtractor

    prof = load_profile("landkreis", ["extract.aktenzeichen_patterns=['(a+)+$', '(?:(\\w)\\1|a+a+)+y\\b']"])
    prof.doctypes["bauantrag"].patterns["(a+)+$"] = 2.0
    prof.doctypes["bauantrag"].patterns["(?:(\\w)\\1|a+a+)+y\\b"] = 2.0
    text = "Bauantrag\n" + "a" * 40 + "!"
    t0 = time.monotonic()
    scores = RulesClassifier().scores(text, prof)
    doc = Document(sha256="0" * 64, source="x.pdf", size=1, media_type="application/pdf")
    doc.page_texts = [text]
    LabelExtractor().extract(doc, prof)
    assert time.monotonic() - t0 < 5.0  # re: (a+)+$ alone takes minutes on 40 "a" and a "!"
    assert scores["bauantrag"] > 0
    from ekte.stages.extract import aktenzeichen_patterns

    assert {rx.engine for rx in aktenzeichen_patterns(tuple(prof.extract.aktenzeichen_patterns))} == {"re2", "regex"}
