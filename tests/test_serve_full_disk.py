"""The station and the read-only reports on a full working directory
(fresh40 F3, F9): an accept answers 507 naming the full disk in the reader's
language (as the command line's exit 74 does), never 500 "internal error",
and nothing is saved; `review list`, `review show` and `history` only read,
so they work.  A real station on a real (filled) tmpfs."""

import json
import re

import httpx
import pytest

from helpers import fill_until_full, mount_tmpfs, run_ekte, umount_tmpfs
from serve_helpers import born_pdfs, login, make_workdir, queue_ids, start_server, stop, token


@pytest.mark.slow  # 12 s alone, 35 s at load 6 (make workdir: ingest of two documents, a station)
def test_a_full_working_directory_is_named_not_an_internal_error(tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    mount_tmpfs(mnt, "40m")
    try:
        wd = mnt / "work"
        make_workdir(wd, born_pdfs()[:2])
        ids = queue_ids(wd)
        assert len(ids) == 2
        api = token(wd, "anna", "review")
        server, url = start_server(wd, log=tmp_path / "serve.log")
        try:
            clerk = login(url, "anna")
            page = clerk.get(f"/review/{ids[1]}")  # opened before the disk filled up
            assert page.status_code == 200
            filler = fill_until_full(mnt)

            r = httpx.post(f"{url}/api/v1/review/{ids[0]}/accept", json={}, headers=api, timeout=120)
            assert r.status_code in (507, 503), r.text
            body = r.json()
            assert body["code"] in ("disk_full", "io_error") and "internal" not in r.text, body
            assert "Nichts wurde gespeichert" in body["message"], body
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]
            r = clerk.post(f"/review/{ids[1]}/accept", data={"csrf": csrf})
            assert r.status_code in (507, 503) and "Nichts wurde gespeichert" in r.text, r.text[:2000]
            assert "schiefgegangen" not in r.text

            for args in (("review", "list", "--json"), ("review", "show", ids[0], "--json"), ("history", ids[0])):
                p = run_ekte(*args, "-w", wd)
                assert p.returncode == 0, (args, p.stderr)
            assert [i["id"] for i in json.loads(run_ekte("review", "list", "--json", "-w", wd).stdout)] == ids
            filler.unlink()
            r = httpx.post(f"{url}/api/v1/review/{ids[0]}/accept", json={}, headers=api, timeout=120)
            assert r.status_code == 200, r.text  # nothing was half-saved: the same accept now goes through
        finally:
            assert stop(server) == 0
        log = (tmp_path / "serve.log").read_text()
        assert "internal error" not in log and "storage failed (" in log, log[-3000:]
    finally:
        umount_tmpfs(mnt)
