"""Office documents written by hand for the tests (the XML of each format,
zipped): DOCX, XLSX, ODT, ODS, RTF, plain text — and an ODT carrying a
Basic macro bound to the document's load event."""

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
             'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
             'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
             'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
             'xmlns:dom="http://www.w3.org/2001/xml-events" xmlns:xlink="http://www.w3.org/1999/xlink" '
             'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
             'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"')


def docx(path: Path, paragraphs: list[str], *, macro: bool = False) -> Path:
    main = ("application/vnd.ms-word.document.macroEnabled.main+xml" if macro else
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT}">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                   f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>')
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PR}">'
                   f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}">'
                   f"<w:body>{body}</w:body></w:document>")
        if macro:
            z.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 not a real VBA project")
    return path


def xlsx(path: Path, rows: list[list[str]]) -> Path:
    cells = "".join(
        f'<row r="{i}">' + "".join(f'<c r="{chr(65 + j)}{i}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                                   for j, v in enumerate(row)) + "</row>"
        for i, row in enumerate(rows, 1))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT}">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PR}">'
                   f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{S}" xmlns:r="{R}">'
                   '<sheets><sheet name="Tabelle1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships '
                   f'xmlns="{PR}"><Relationship Id="rId1" Type="{R}/worksheet" Target="worksheets/sheet1.xml"/>'
                   "</Relationships>")
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{S}">'
                   f'<cols><col min="1" max="5" width="45" customWidth="1"/></cols><sheetData>{cells}</sheetData>'
                   "</worksheet>")
    return path


def _odf(path: Path, mimetype: str, body: str, extra: dict[str, str] | None = None, scripts: str = "",
         styles: str = "") -> Path:
    files = {"content.xml": f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {OFFICE_NS} '
                            f'office:version="1.2">{scripts}{styles}<office:body>{body}</office:body>'
                            "</office:document-content>", **(extra or {})}
    entries = "".join(f'<manifest:file-entry manifest:full-path="{n}" manifest:media-type="text/xml"/>' for n in files)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                   f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>{entries}'
                   "</manifest:manifest>")
        for n, data in files.items():
            z.writestr(n, data)
    return path


def odt(path: Path, paragraphs: list[str]) -> Path:
    body = "".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs)
    return _odf(path, "application/vnd.oasis.opendocument.text", f"<office:text>{body}</office:text>")


def ods(path: Path, rows: list[list[str]]) -> Path:
    trs = "".join("<table:table-row>" + "".join(
        f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>' for v in row)
        + "</table:table-row>" for row in rows)
    styles = ('<office:automatic-styles><style:style style:name="co1" style:family="table-column">'
              '<style:table-column-properties style:column-width="8cm"/></style:style></office:automatic-styles>')
    cols = f'<table:table-column table:style-name="co1" table:number-columns-repeated="{max(map(len, rows))}"/>'
    return _odf(path, "application/vnd.oasis.opendocument.spreadsheet",
                f'<office:spreadsheet><table:table table:name="Tabelle1">{cols}{trs}</table:table>'
                "</office:spreadsheet>", styles=styles)


def rtf(path: Path, paragraphs: list[str]) -> Path:
    def enc(t: str) -> str:
        return "".join(c if ord(c) < 128 else f"\\u{ord(c) if ord(c) < 32768 else ord(c) - 65536}?" for c in t)

    path.write_text("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Liberation Serif;}}\\f0\\fs24 "
                    + "".join(enc(p) + "\\par " for p in paragraphs) + "}", "ascii")
    return path


def macro_odt(path: Path, marker: Path, text: str) -> Path:
    """An ODT whose Basic macro, bound to the load event, would write *marker*."""
    module = ('<?xml version="1.0" encoding="UTF-8"?><script:module xmlns:script="http://openoffice.org/2000/script" '
              'script:name="Module1" script:language="StarBasic">Sub Main\n  Dim n As Integer\n  n = FreeFile\n'
              f'  Open &quot;{escape(str(marker))}&quot; For Output As #n\n  Print #n, &quot;macro ran&quot;\n'
              "  Close #n\nEnd Sub\n</script:module>")
    lc = ('<?xml version="1.0" encoding="UTF-8"?><library:libraries xmlns:library="http://openoffice.org/2000/library" '
          'xmlns:xlink="http://www.w3.org/1999/xlink"><library:library library:name="Standard" library:link="false"/>'
          "</library:libraries>")
    lb = ('<?xml version="1.0" encoding="UTF-8"?><library:library xmlns:library="http://openoffice.org/2000/library" '
          'library:name="Standard" library:readonly="false" library:passwordprotected="false">'
          '<library:element library:name="Module1"/></library:library>')
    scripts = ('<office:scripts><office:event-listeners><script:event-listener script:language="ooo:script" '
               'script:event-name="dom:load" xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic'
               '&amp;location=document" xlink:type="simple"/></office:event-listeners></office:scripts>')
    return _odf(path, "application/vnd.oasis.opendocument.text", f"<office:text><text:p>{escape(text)}</text:p>"
                "</office:text>", {"Basic/script-lc.xml": lc, "Basic/Standard/script-lb.xml": lb,
                                    "Basic/Standard/Module1.xml": module}, scripts)
