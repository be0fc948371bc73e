"""samples/family11 (the ninth development family): the checks of tests/family_checks.py — the generator runs, its
truth names its files and only the profile's fields plus the personal ones the documents show, every truth value is
on its pages, all five layouts occur, the same seed gives the same bytes, bad arguments exit 2. About a minute on a
loaded 2-core machine: marked slow."""

import pytest

import family_checks as fc

pytestmark = pytest.mark.slow
FAMILY = "family11"
LAYOUTS = {"worttabelle", "vollmacht", "laufzettel", "quer", "unterstrich"}


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return fc.made(FAMILY, tmp_path_factory)


def test_truth_names_the_files_and_is_on_their_pages(made):
    fc.truth_on_pages(*made, LAYOUTS)


def test_all_layouts_same_bytes_and_bad_arguments(tmp_path, made):
    fc.layouts_bytes_arguments(FAMILY, tmp_path, made[0], LAYOUTS, "bauantrag,eingliederungshilfe")
