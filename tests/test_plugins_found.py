"""The installed plugins found once per run (issue 12): the session reads the installed packages' entry
points, a local worker is given them and loads the same plugins without reading them again; an origin
(package and version, from the package's metadata) only where it is shown."""

from ekte.pipeline import workers
from ekte.pipeline.session import Session
from ekte.plugins import build_manager, installed
from ekte.profile import load_profile


def _names(pm):
    return sorted(name for name, _p in pm.list_name_plugin())


def test_given_entry_points_load_the_same_plugins_and_no_others(tmp_path):
    found = installed()
    assert ("builtin", "ekte.builtin") in found  # (ekte's own entry point: installed in the venv)
    pm, infos = build_manager([], describe=False, found=found)
    assert _names(pm) == _names(build_manager([])[0])
    assert all(i.origin == "entry point" for i in infos)  # not described: no package metadata read
    only_builtin, _ = build_manager([], found=())  # what it is given, not what is installed
    assert _names(only_builtin) == ["builtin"]


def test_described_origins_name_the_package(tmp_path):
    _pm, infos = build_manager([])
    assert any(i.origin.startswith("entry point (ekte ") for i in infos if i.name == "builtin")


def test_a_local_worker_gets_the_sessions_entry_points_a_remote_one_looks_itself(tmp_path):
    s = Session(load_profile(), tmp_path / "wd", jobs=1, archives=False)
    here, there = s.worker_setup(), s.worker_setup(here=False)
    assert here.entry_points == installed() and there.entry_points is None
    ctx = workers.build_context(here)
    assert _names(ctx.pm) == _names(s.pm)
    looked = workers.build_context(there)
    assert [type(c).__name__ for c in ctx.classifiers] == [type(c).__name__ for c in looked.classifiers]
