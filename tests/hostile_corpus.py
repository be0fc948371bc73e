"""A hostile corpus, generated (no binary blobs): special files, links and
loops, damaged and lying PDFs, passwords, active content of every kind,
odd names, and attacks on ZIP/XML containers.  ``CASES`` maps each inbox
name to the (status, code) ekte must report for it."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import zipfile
from pathlib import Path

MARKER = b"OUTSIDE-SECRET-4711"
#: what no file ekte writes or exports may contain (qpdf --qdf, uncompressed)
ACTIVE = (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/Launch", b"/URI", b"/SubmitForm", b"/ImportData",
          b"/GoToR", b"/GoToE", b"/EmbeddedFile", b"/AA ", b"/AA<", b"/RichMedia", b"/XFA", b"/3D",
          b"/FileAttachment", b"/Movie", b"/Sound")


def text_pdf(path: Path, text: str = "Antrag auf Baugenehmigung\nBauantrag Einfamilienhaus Gemarkung Musterdorf",
             pages: int = 1) -> Path:
    from fpdf import FPDF

    p = FPDF()
    for i in range(pages):
        p.add_page()
        p.set_font("helvetica", size=12)
        p.multi_cell(0, 8, f"{text}\nSeite {i + 1}")
    p.output(str(path))
    return path


def _edit(src: Path, dst: Path, fn) -> Path:
    import pikepdf

    with pikepdf.open(src) as pdf:
        fn(pdf)
        pdf.save(dst)
    return dst


def _js(pdf, code="app.alert('x')"):
    from pikepdf import Dictionary, Name, String

    return pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String(code)))


def _annot(pdf, **action):
    from pikepdf import Array, Dictionary, Name

    page = pdf.pages[0].obj
    annots = list(page.get("/Annots", Array()))
    annots.append(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 50, 50], **action))
    page.Annots = pdf.make_indirect(Array(annots))


def active_variants(base: Path, out: Path) -> dict[str, Path]:
    """PDFs with JavaScript, actions, additional actions, embedded files,
    XFA and multimedia — each kind on its own."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    def openaction_js(pdf):
        pdf.Root.OpenAction = _js(pdf)

    def names_js(pdf):
        pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("init"), _js(pdf)])))

    def launch_exe(pdf):
        pdf.attachments["setup.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00 not really a program",
                                                                 filename="setup.exe")
        _annot(pdf, A=Dictionary(S=Name.Launch, F=String("setup.exe")))
        pdf.Root.OpenAction = _js(pdf, "this.exportDataObject({cName: 'setup.exe', nLaunch: 2})")

    def web_actions(pdf):
        _annot(pdf, A=Dictionary(S=Name.URI, URI=String("http://example.invalid/track")))
        _annot(pdf, A=Dictionary(S=Name.SubmitForm, F=Dictionary(FS=Name.URL, F=String("http://example.invalid/"))))
        _annot(pdf, A=Dictionary(S=Name.ImportData, F=String("data.fdf")))
        _annot(pdf, A=Dictionary(S=Name.GoToR, F=String("other.pdf"), D=Array([0, Name.Fit])))

    def additional_actions(pdf):
        pdf.pages[0].obj.AA = Dictionary(O=_js(pdf, "open"), C=_js(pdf, "close"))
        pdf.Root.AA = Dictionary(WC=_js(pdf, "willclose"))
        field = pdf.make_indirect(Dictionary(FT=Name.Tx, T=String("name"), V=String("x"),
                                             AA=Dictionary(K=_js(pdf, "keystroke"))))
        pdf.Root.AcroForm = Dictionary(Fields=Array([field]), XFA=String("<xdp:xdp><script>x</script></xdp:xdp>"))

    def next_chain(pdf):
        goto = Dictionary(S=Name.GoTo, D=Array([pdf.pages[0].obj, Name.Fit]), Next=_js(pdf, "chained"))
        _annot(pdf, A=goto)

    def multimedia(pdf):
        page = pdf.pages[0].obj
        ef = pikepdf.AttachedFileSpec(pdf, b"\x00fake swf", filename="movie.swf")
        page.Annots = pdf.make_indirect(Array([
            Dictionary(Type=Name.Annot, Subtype=Name.RichMedia, Rect=[0, 0, 10, 10]),
            Dictionary(Type=Name.Annot, Subtype=Name("/3D"), Rect=[0, 0, 10, 10]),
            Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=[0, 0, 10, 10], FS=ef.obj),
        ]))

    kinds = {"js-openaction": openaction_js, "js-names": names_js, "launch-embedded-exe": launch_exe,
             "uri-submit-import-gotor": web_actions, "aa-field-xfa": additional_actions, "js-next-chain": next_chain,
             "richmedia-3d-attachment": multimedia}
    out.mkdir(parents=True, exist_ok=True)
    return {k: _edit(base, out / f"{k}.pdf", fn) for k, fn in kinds.items()}


def build_inbox(root: Path) -> tuple[Path, Path, dict[str, tuple[str, str | None]]]:
    """(inbox, outside folder, {name in the inbox: (status, code)})."""
    import pikepdf

    inbox, outside = root / "inbox", root / "outside"
    inbox.mkdir()
    outside.mkdir()
    base = text_pdf(root / "base.pdf")
    secret = text_pdf(outside / "secret.pdf", "Bauantrag " + MARKER.decode() + " Gemarkung Musterdorf")
    (outside / "secret.txt").write_bytes(MARKER + b"\n")
    (outside / "dir").mkdir()
    text_pdf(outside / "dir" / "inner.pdf", "Bauantrag " + MARKER.decode())
    cases: dict[str, tuple[str, str | None]] = {}

    def put(name: str | bytes, data: bytes, expect: tuple[str, str | None]) -> None:
        with open(os.path.join(os.fsencode(inbox), os.fsencode(name)), "wb") as f:
            f.write(data)
        cases[os.fsdecode(name)] = expect

    good = base.read_bytes()
    os.mkfifo(inbox / "fifo.pdf")
    cases["fifo.pdf"] = ("quarantined", "unsupported_type")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(inbox / "socket.pdf"))
    sock.close()
    cases["socket.pdf"] = ("quarantined", "unsupported_type")
    for name, target in (("link-passwd.pdf", "/etc/passwd"), ("link-outside.pdf", str(secret)),
                         ("link-outside.txt", str(outside / "secret.txt")), ("link-inside.pdf", "good.pdf"),
                         ("link-loop.pdf", "link-loop.pdf"), ("link-dangling.pdf", "nothing-here.pdf"),
                         ("link-dir", str(outside / "dir")), ("link-up", "..")):
        os.symlink(target, inbox / name)
        cases[name] = ("quarantined", "symlink")
    put("good.pdf", good, ("archived", None))
    put("empty.pdf", b"", ("quarantined", "empty"))
    put("garbage.pdf", random.Random(1).randbytes(5000), ("quarantined", "unsupported_type"))
    put("text-as.pdf", b"just some text, not a PDF\n" * 20, ("quarantined", "unsupported_type"))
    put("truncated.pdf", good[: len(good) // 2], ("quarantined", "broken_pdf"))
    put("header-only.pdf", b"%PDF-1.7\n%%EOF\n", ("quarantined", "broken_pdf"))
    fuzzed = bytearray(text_pdf(root / "fuzz-src.pdf", "Bauantrag fuzz Gemarkung").read_bytes())
    rng = random.Random(7)
    for _ in range(40):
        fuzzed[rng.randrange(200, len(fuzzed) - 50)] = rng.randrange(256)
    put("fuzzed.pdf", bytes(fuzzed), ("*", None))  # archived or broken_pdf, never a crash
    put("pdf-named.jpg", text_pdf(root / "x.pdf", "Bauantrag sniffed by content").read_bytes(), ("archived", None))
    with pikepdf.open(base) as pdf:
        pdf.save(root / "user.pdf", encryption=pikepdf.Encryption(user="secret", owner="owner"))
        pdf.save(root / "owner.pdf", encryption=pikepdf.Encryption(user="", owner="owner"))
    put("user-password.pdf", (root / "user.pdf").read_bytes(), ("quarantined", "encrypted"))
    with pikepdf.open(text_pdf(root / "o.pdf", "Bauantrag owner only")) as pdf:
        pdf.save(inbox / "owner-password.pdf", encryption=pikepdf.Encryption(user="", owner="owner"))
    cases["owner-password.pdf"] = ("archived", None)
    _edit(text_pdf(root / "c.pdf", "Bauantrag absurd count"), inbox / "absurd-page-count.pdf",
          lambda pdf: setattr(pdf.Root.Pages, "Count", 1_000_000_000))
    cases["absurd-page-count.pdf"] = ("archived", None)
    for kind, path in active_variants(base, root / "active").items():
        put(f"active-{kind}.pdf", path.read_bytes(), ("archived", None))
    for i, name in enumerate(["ctrl\x01\x7fchar.pdf", "new\nline.pdf", b"latin1-\xe4\xf6\xfc-\xff.pdf",
                              "x" * 251 + ".pdf", " leading space.pdf", "-dash-first.pdf"]):
        put(name, text_pdf(root / f"n{i}.pdf", f"Bauantrag name case {i}").read_bytes(), ("archived", None))
    _office_and_mail(inbox, outside, cases)
    return inbox, outside, cases


def _office_and_mail(inbox: Path, outside: Path, cases: dict[str, tuple[str, str | None]]) -> None:
    """The intake paths of e-mail and office documents: a message file that
    is a link or a FIFO, an office "document" that is a FIFO, and an ODT
    whose hyperlink LibreOffice turns into a URI action."""
    from office_files import OFFICE_NS, _odf

    (outside / "secret.eml").write_bytes(b"From: a@example.org\nSubject: x\n\n" + MARKER + b"\n")
    os.symlink(outside / "secret.eml", inbox / "link-message.eml")
    cases["link-message.eml"] = ("quarantined", "symlink")
    for name in ("fifo.eml", "fifo.docx"):
        os.mkfifo(inbox / name)
        cases[name] = ("quarantined", "unsupported_type")
    assert "xlink" in OFFICE_NS
    _odf(inbox / "hyperlink.odt", "application/vnd.oasis.opendocument.text",
         '<office:text><text:p>Antrag auf Baugenehmigung</text:p><text:p>Bauantrag Gemarkung Musterdorf, siehe '
         '<text:a xlink:type="simple" xlink:href="https://example.org/plan">den Plan</text:a></text:p></office:text>')
    cases["hyperlink.odt"] = ("archived", None)


def zip_bytes(members: dict[str, bytes], *, compress: bool = True) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED)
    return buf.getvalue()


XDOMEA_NS = "urn:xoev-de:xdomea:schema:3.1.0"


def xdomea_message(primary: str, extra_head: str = "", body_extra: str = "") -> bytes:
    return (f"""<?xml version="1.0" encoding="UTF-8"?>{extra_head}
<xdomea:FVDaten.SGOAblegen.0605 xmlns:xdomea="{XDOMEA_NS}">
 <xdomea:Schriftgutobjekt><xdomea:Vorgang><xdomea:Dokument>
  <xdomea:Identifikation><xdomea:ID>d0c0-0001</xdomea:ID></xdomea:Identifikation>
  <xdomea:AllgemeineMetadaten><xdomea:Betreff>Bauantrag{body_extra}</xdomea:Betreff></xdomea:AllgemeineMetadaten>
  <xdomea:Version><xdomea:Nummer>1</xdomea:Nummer><xdomea:Format><xdomea:Name><code>018</code></xdomea:Name>
   <xdomea:Version>1.7</xdomea:Version>
   <xdomea:Primaerdokument><xdomea:Dateiname>{primary}</xdomea:Dateiname></xdomea:Primaerdokument>
  </xdomea:Format></xdomea:Version>
 </xdomea:Dokument></xdomea:Vorgang></xdomea:Schriftgutobjekt>
</xdomea:FVDaten.SGOAblegen.0605>""").encode()


def build_containers(root: Path, pdf: bytes) -> dict[str, tuple[str, str]]:
    """xdomea containers (ZIP and folders) that attack: {path: (status, code)}."""
    root.mkdir(parents=True, exist_ok=True)
    msg = "x_FVDaten.SGOAblegen.0605.xml"
    cases = {}
    bomb = b"\0" * (64 << 20)
    for name, members, expect in (
        ("traversal.zip", {msg: xdomea_message("../../etc/passwd"), "../../etc/passwd": b"root:x:0:0"},
         ("quarantined", "unsafe_package")),
        ("bomb.zip", {msg: xdomea_message("a.pdf"), "a.pdf": bomb}, ("quarantined", "unsafe_package")),
        ("xxe.zip", {msg: xdomea_message("a.pdf", '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
                                         "&e;"), "a.pdf": pdf}, ("quarantined", "bad_message")),
        ("laughs.zip", {msg: xdomea_message("a.pdf", '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;'
                                            '&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
                                            '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>', "&d;&d;&d;&d;"),
                        "a.pdf": pdf}, ("quarantined", "bad_message")),
        ("missing.zip", {msg: xdomea_message("nothere.pdf")}, ("quarantined", "missing_file")),
        ("not-a-zip.zip", None, ("quarantined", "bad_message")),
    ):
        p = root / name
        p.write_bytes(zip_bytes(members) if members is not None else b"PK\x03\x04 broken")
        cases[str(p)] = expect
    d = root / "folder-symlink"
    d.mkdir()
    (d / msg).write_bytes(xdomea_message("primary.txt"))
    os.symlink("/etc/passwd", d / "primary.txt")
    cases[str(d)] = ("quarantined", "symlink")
    f = root / "folder-fifo"
    f.mkdir()
    (f / msg).write_bytes(xdomea_message("primary.pdf"))
    os.mkfifo(f / "primary.pdf")
    cases[str(f)] = ("quarantined", "unsupported_type")
    return cases


def active_in(path: Path) -> list[str]:
    """Active-content markers in a PDF, read independently of ekte (qpdf, uncompressed)."""
    out = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(path), "-"], capture_output=True)
    data = out.stdout
    return [m.decode() for m in ACTIVE if m in data]


def active_beyond_own(path: Path, own: "list[str] | None") -> list[str]:
    """:func:`active_in`, with ekte's own associated files allowed (the
    transfer note, a portal's data.json: ``archival.embedded``) — and only
    those: any other embedded file still counts."""
    import pikepdf

    found = active_in(path)
    if own and "/EmbeddedFile" in found:
        with pikepdf.open(path) as pdf:
            names = set(pdf.attachments.keys())
        if names <= set(own):
            found.remove("/EmbeddedFile")
        else:
            found.append(f"embedded files {sorted(names - set(own))}")
    return found

