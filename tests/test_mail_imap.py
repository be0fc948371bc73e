"""E-mail intake from a real IMAP server (dovecot, started by the tests):
``ekte mail`` once and the polling daemon — one Vorgang per message, a
broken attachment quarantined while the rest goes on, processed and failed
folders, exactly once by Message-ID and hash across runs, restarts and
kill -9, IMAPS with a private CA, and the errors a user can make."""

import json
import os
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

import mail_files as mf
import office_files as of
from helpers import NO_FIELD_REVIEW, ekte_cmd, run_ekte
from imap_server import PASSWORD, Dovecot
from ekte.mail.imap import imap_utf7

PROCESSED, FAILED = "ekte-processed", "ekte-failed"


@pytest.fixture(scope="module")
def dovecot():
    d = Dovecot().start()
    yield d
    d.stop()


@pytest.fixture
def mailbox(dovecot):
    """An empty INBOX and no processed/failed folders."""
    c = dovecot.client()
    try:
        for folder in ("INBOX", PROCESSED, FAILED, "Erledigt/Geprüft"):
            typ, data = c.select(f'"{imap_utf7(folder)}"')
            if typ == "OK" and int(data[0] or 0) > 0:
                c.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
                c.expunge()
    finally:
        c.logout()
    return dovecot


def opts(d: Dovecot, *extra: str, ssl: bool = False) -> list[str]:
    base = ["-o", "intake.mail.host=127.0.0.1", "-o", "intake.mail.username=poststelle",
            "-o", "intake.mail.password_env=EKTE_TEST_IMAP_PASSWORD", "-o", "classify.threshold=0"]
    if ssl:
        base += ["-o", f"intake.mail.port={d.ssl_port}", "-o", f"intake.mail.ca_file={d.cert}"]
    else:
        base += ["-o", f"intake.mail.port={d.port}", "-o", "intake.mail.security=plain"]
    return base + list(extra)


ENV = {"EKTE_TEST_IMAP_PASSWORD": PASSWORD}


def mail_json(d: Dovecot, wd: Path, *extra: str, check=None, ssl=False) -> dict:
    p = run_ekte("mail", "--json", "-w", wd, "-c", "xdomea", *NO_FIELD_REVIEW, *opts(d, *extra, ssl=ssl), env=ENV, check=check)
    try:
        return json.loads(p.stdout)
    except ValueError:
        raise AssertionError(f"exit {p.returncode}, no JSON:\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}")


PDFS = iter(["bauantrag-002-pdf.pdf", "kfz_zulassung-001-pdf.pdf", "masern_meldung-004-pdf.pdf",
             "ifsg_belehrung-003-pdf.pdf", "sportstaetten_foerderung-007-pdf.pdf", "eingliederungshilfe-008-pdf.pdf",
             "waffen_antrag-005-pdf.pdf", "tierhaltung-006-pdf.pdf"] * 10)


def antrag(tmp_path: Path, subject: str, *, broken: bool = False, msgid: str | None = None) -> bytes:
    """A message with a PDF (another sample each time: the same bytes twice would be one document) and a DOCX."""
    of.docx(tmp_path / "anlage.docx", [f"Baubeschreibung {subject}", "Gemarkung Musterdorf Flur 3"])
    att = [("bauantrag.pdf", mf.pdf(next(PDFS)), "application/pdf"),
           ("baubeschreibung.docx", (tmp_path / "anlage.docx").read_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    if broken:
        att.append(("scan.pdf", b"%PDF-1.4 broken beyond repair", "application/pdf"))
    return mf.raw(mf.message(subject, f"Guten Tag,\nanbei {subject}.\n", attachments=att, msgid=msgid))


def containers(wd: Path) -> list[Path]:
    return sorted((wd / "export" / "xdomea").glob("*.zip"))


def dokumente(container: Path) -> int:
    with zipfile.ZipFile(container) as z:
        xml = next(z.read(n) for n in z.namelist() if n.endswith(".xml")).decode()
    assert xml.count("<xdomea:Vorgang>") == 1
    return xml.count("<xdomea:Dokument>")


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_each_message_one_vorgang_broken_part_quarantined_and_nothing_twice(mailbox, tmp_path):
    wd = tmp_path / "wd"
    mailbox.append(antrag(tmp_path, "Bauantrag Nord"))
    mailbox.append(antrag(tmp_path, "Bauantrag Süd", broken=True))
    r = mail_json(mailbox, wd, check=1)
    assert r["summary"]["mail"]["taken"] == 2 and r["summary"]["mail"]["processed"] == 1
    assert r["summary"]["mail"]["failed"] == 1
    by_status = {}
    for x in r["documents"]:
        by_status.setdefault(x["status"], []).append(x["source"].rsplit("!/", 1)[1])
    assert sorted(by_status["archived"]) == sorted(["nachricht.txt", "bauantrag.pdf", "baubeschreibung.docx"] * 2)
    assert by_status["quarantined"] == ["scan.pdf"]
    # one Vorgang per message: 3 documents each (the broken scan is not among them)
    assert sorted(dokumente(c) for c in containers(wd)) == [3, 3]
    assert mailbox.messages("INBOX") == []
    assert [b"Bauantrag Nord" in m for m in mailbox.messages(PROCESSED)] == [True]
    assert [b"Bauantrag S" in m for m in mailbox.messages(FAILED)] == [True]
    # provenance: the mailbox and the message
    body = next(x for x in r["documents"] if x["source"].endswith("nachricht.txt"))
    prov = json.loads((Path(body["archive"]) / "metadata.json").read_text())["provenance"]
    assert prov["mailbox"].startswith("imap://127.0.0.1:") and prov["subject"].startswith("Bauantrag")
    # again: nothing new, nothing twice
    r2 = mail_json(mailbox, wd, check=0)
    assert r2["documents"] == [] and r2["summary"]["mail"]["taken"] == 0
    assert len(containers(wd)) == 2
    # the same message delivered again (another copy, the same Message-ID): only moved
    again = mailbox.messages(PROCESSED)[0].replace(b"Subject:", b"X-Resent: yes\r\nSubject:", 1)
    mailbox.append(again)
    r3 = mail_json(mailbox, wd, check=0)
    assert r3["documents"] == [] and r3["summary"]["mail"]["moved"] == 1
    assert len(mailbox.messages(PROCESSED)) == 2 and mailbox.messages("INBOX") == []


def test_an_oversized_message_goes_to_the_failed_folder_unread(mailbox, tmp_path):
    wd = tmp_path / "wd"
    mailbox.append(mf.raw(mf.message("Zu gross", attachments=[("gross.pdf", b"%PDF-1.4 " + b"x" * 300_000,
                                                            "application/pdf")])))
    mailbox.append(antrag(tmp_path, "Klein"))
    r = mail_json(mailbox, wd, "-o", "intake.mail.max_message_mb=0.2", check=1)
    assert r["summary"]["mail"]["failed"] == 1 and r["summary"]["mail"]["processed"] == 1
    assert [b"Subject: Zu gross" in m for m in mailbox.messages(FAILED)] == [True]
    assert len(mailbox.messages(PROCESSED)) == 1


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_imaps_with_a_private_ca_and_folders_with_umlauts(mailbox, tmp_path):
    wd = tmp_path / "wd"
    mailbox.append(antrag(tmp_path, "Über IMAPS"))
    r = mail_json(mailbox, wd, "-o", "intake.mail.processed_folder=Erledigt/Geprüft", ssl=True, check=0)
    assert r["summary"]["mail"]["processed"] == 1
    assert len(mailbox.messages(imap_utf7("Erledigt/Geprüft"))) == 1
    # without the private CA, the certificate is not trusted: nothing is taken, the reason is given
    mailbox.append(antrag(tmp_path, "Zweite"))
    p = run_ekte("mail", "-w", wd, *opts(mailbox, "-o", "intake.mail.ca_file=", ssl=True), env=ENV)
    assert p.returncode == 1 and "cannot connect" in p.stderr and "SSL" in p.stderr
    assert len(mailbox.messages("INBOX")) == 1


@pytest.mark.slow  # one of the slowest of make test (durations of 2026-12-01); make test-slow runs it, CI too
def test_configuration_errors_in_one_line(mailbox, tmp_path):
    wd = tmp_path / "wd"
    p = run_ekte("mail", "-w", wd, *opts(mailbox, "-o", "intake.mail.password=geheim"), env=ENV)
    assert p.returncode == 2 and "secrets are not read from profiles" in p.stderr
    p = run_ekte("mail", "-w", wd, *opts(mailbox), env={"EKTE_TEST_IMAP_PASSWORD": "falsch"})
    assert p.returncode == 1 and "refused the login" in p.stderr and "falsch" not in p.stderr
    # only the login error: once, and no word about files in an input
    assert p.stderr.count("refused the login") == 1 and "nothing to ingest" not in p.stdout + p.stderr
    # nothing new in the mailbox: said so (in German, as to a German user; --lang-less: EKTE_LANG)
    p = run_ekte("mail", "-w", wd, *opts(mailbox), env={**ENV, "EKTE_LANG": "de"}, check=0)
    assert p.stdout.strip() == "keine neuen Nachrichten in INBOX"
    p = run_ekte("mail", "-w", wd, *opts(mailbox), env={**ENV, "EKTE_LANG": "en"}, check=0)
    assert p.stdout.strip() == "no new messages in INBOX"
    p = run_ekte("mail", "-w", wd, *opts(mailbox, "-o", "intake.mail.host=192.0.2.1"), env=ENV)
    assert p.returncode == 2 and "only allowed to a loopback address" in p.stderr


def _wait(pred, timeout=300.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.5)
    return False


@pytest.mark.slow  # one of the slowest (make test-slow; CI runs it)
def test_the_daemon_polls_the_mailbox_and_survives_kill_9(mailbox, tmp_path):
    wd = tmp_path / "wd"
    cmd = ekte_cmd() + ["watch", "-w", str(wd), *NO_FIELD_REVIEW, "-c", "xdomea", *opts(mailbox, "-o", "intake.mail.poll_seconds=1")]
    env = {**os.environ, **ENV}
    mailbox.append(antrag(tmp_path, "Erste Nachricht"))
    d = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert _wait(lambda: len(mailbox.messages(PROCESSED)) == 1), "the daemon did not take the message"
        # a second message: killed with -9 while its documents are processed
        mailbox.append(antrag(tmp_path, "Zweite Nachricht"))
        assert _wait(lambda: (wd / "journal.sqlite").exists() and _processing(wd), 120)
        d.kill()
        d.wait()
        d = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert _wait(lambda: len(mailbox.messages(PROCESSED)) == 2), "the message was not finished after the restart"
        assert _wait(lambda: len(containers(wd)) == 2, 60)

        def processed() -> int:  # the status is written once a second: under load a second or two behind
            st = json.loads(run_ekte("status", "-w", wd, "--json", check=0).stdout)
            return st["daemons"][0]["mail"]["processed"] if st.get("daemons") else 0

        assert _wait(lambda: processed() >= 1, 30), run_ekte("status", "-w", wd, "--json", check=0).stdout
    finally:
        d.send_signal(signal.SIGTERM)
        err = d.communicate(timeout=120)[1]
    assert d.returncode == 0, err[-2000:]
    assert sorted(dokumente(c) for c in containers(wd)) == [3, 3]  # each Vorgang whole, nothing twice
    import sqlite3

    db = sqlite3.connect(wd / "journal.sqlite")
    assert dict(db.execute("SELECT state, COUNT(*) FROM mail_messages GROUP BY state")) == {"done": 2}
    assert db.execute("SELECT COUNT(*) FROM documents WHERE state='exported'").fetchone()[0] == 6


def _processing(wd: Path) -> bool:
    import sqlite3

    try:
        db = sqlite3.connect(f"file:{wd / 'journal.sqlite'}?mode=ro", uri=True)
        return db.execute("SELECT COUNT(*) FROM mail_messages WHERE state='processing'").fetchone()[0] > 0
    except sqlite3.Error:
        return False
