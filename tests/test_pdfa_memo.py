"""The memo of dictionaries pikepdf's PDF/A validator found valid
(ekte/stages/pdfa_memo.py): values a role's schema accepts by kind alone do
not count in its key, and a value of the wrong kind is still checked."""

from __future__ import annotations

from pathlib import Path

import pytest

pikepdf = pytest.importorskip("pikepdf")


def _pdfa(path: Path, title: str) -> None:
    """A PDF/A-2b written and validated by pikepdf (the worker's route), with DocInfo /Title *title*."""
    from ekte.stages.pdfa import remember_cff_widths, save_validated

    remember_cff_widths()
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
    assert save_validated(pdf, path, "2b").passed


def _with_info(src: Path, dst: Path, **entries: object) -> None:
    """*src* with DocInfo entries changed and XMP left as it is (written without prepare)."""
    import pikepdf.pdfa

    with pikepdf.open(src) as pdf:
        for k, v in entries.items():
            pdf.docinfo[f"/{k}"] = v
        pdf.save(dst, **pikepdf.pdfa.resolve_save_kwargs("2b"))


def test_documents_differing_in_kind_only_values_share_a_key(tmp_path):
    from pikepdf.pdfa._schemas import SchemaSet

    from ekte.stages import pdfa_memo
    from ekte.stages.pdfa import validate_written

    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    _pdfa(a, "Bauantrag")
    _pdfa(b, "Tierhaltung, ein anderer und längerer Titel")
    assert validate_written(a, "2b").passed and validate_written(b, "2b").passed
    schemas = next(iter(s for s in _schema_sets() if isinstance(s, SchemaSet)))
    trailer = {"/ID": ["u:abc", "u:def"], "/Root": "1 0 R", "/Size": 18, "/Length": 48}
    other = {"/ID": ["u:xyz", "u:zzz"], "/Root": "1 0 R", "/Size": 19, "/Length": 50}
    assert pdfa_memo.key(schemas, "Trailer", trailer) == pdfa_memo.key(schemas, "Trailer", other)
    # which object /Root names is the walker's to follow, not the schema's to check: the same key …
    assert pdfa_memo.key(schemas, "Trailer", {**trailer, "/Root": "7 0 R"}) == pdfa_memo.key(schemas, "Trailer", trailer)
    # … but what the schema tells apart stays apart: an /ID of three strings, a /Size that is text, a /Root
    # that is no reference, an /Encrypt (forbidden)
    for changed in ({"/ID": ["u:a", "u:b", "u:c"]}, {"/Size": "u:18"}, {"/Root": "u:1 0 R"}, {"/Encrypt": "5 0 R"}):
        assert pdfa_memo.key(schemas, "Trailer", {**trailer, **changed}) != pdfa_memo.key(schemas, "Trailer", trailer)


def test_a_value_of_the_wrong_kind_still_fails_after_valid_ones_were_remembered(tmp_path):
    from ekte.stages.pdfa import validate_written

    good, other, bad = tmp_path / "good.pdf", tmp_path / "other.pdf", tmp_path / "bad.pdf"
    _pdfa(good, "Bauantrag")
    assert validate_written(good, "2b").passed  # the Info dictionary's encoding is remembered as valid
    _with_info(good, other, Subject="ein Betreff")  # a text value: the same key, still valid
    assert validate_written(other, "2b").passed
    _with_info(good, bad, Subject=pikepdf.Name("/Betreff"))  # a name where the schema wants text
    report = validate_written(bad, "2b")
    assert not report.passed
    assert any("Subject" in (f.where + f.message) for f in report.findings)


def _schema_sets() -> list:
    """The validator's schema sets (one per flavour) that checked something in this process."""
    import gc

    from pikepdf.pdfa._schemas import SchemaSet

    return [o for o in gc.get_objects() if isinstance(o, SchemaSet)]
