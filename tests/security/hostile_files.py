"""A corpus of hostile uploads for every kind of document Kyodo accepts, each with what must
be refused (see test_hostile_uploads.py). Built in code, so every file is what it claims."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib


def pdf(catalog_extra: str = "", page_extra: str = "", objects: tuple[str, ...] = ()) -> bytes:
    """A small valid PDF (classic cross-reference table); `objects` are added as 4 0 obj …"""
    body = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] {page_extra} >>",
        *objects,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, text in enumerate(body, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{text}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(body) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(body) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def pdf_with_object_stream(hidden: str, key: str = "/OpenAction") -> bytes:
    """A PDF 1.5 whose object 4 (referenced by the catalog's `key`) lives compressed in an
    object stream, so its names are not in the file's bytes at all."""
    head = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    inner = hidden.encode("latin-1")
    header = b"4 0 "
    objstm = zlib.compress(header + inner)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R %s 4 0 R >>" % key.encode(),
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        5: b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(objstm))
        + objstm
        + b"\nendstream",
    }
    out = io.BytesIO()
    out.write(head)
    offsets: dict[int, int] = {}
    for number, text in objects.items():
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + text + b"\nendobj\n")
    xref_offset = out.tell()
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for number in range(1, 7):
        if number == 4:
            rows.append(struct.pack(">BIH", 2, 5, 0))
        elif number == 6:
            rows.append(struct.pack(">BIH", 1, xref_offset, 0))
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    table = zlib.compress(b"".join(rows))
    out.write(
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\n"
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_offset)
    return out.getvalue()


# (name, bytes, what the refusal must name)
HOSTILE_PDFS: list[tuple[str, bytes, str]] = [
    ("js-openaction", pdf("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "JavaScript"),
    (
        "escaped-javascript",
        pdf("/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"),
        "JavaScript",
    ),
    ("escaped-launch", pdf("/OpenAction << /S /L#61unch /F (calc.exe) >>"), "Launch"),
    ("launch-escaped-hex-upper", pdf("/OpenAction << /S /#4Caunch /F (cmd.exe) >>"), "Launch"),
    (
        "names-javascript",
        pdf(
            "/Names << /JavaScript 4 0 R >>",
            objects=("<< /Names [(a) << /S /JavaScript /JS (x) >>] >>",),
        ),
        "JavaScript",
    ),
    ("page-aa", pdf(page_extra="/AA << /O << /S /URI /URI (http://x.example/) >> >>"), "AA"),
    ("openaction-uri", pdf("/OpenAction << /S /URI /URI (http://evil.example/) >>"), "OpenAction"),
    (
        "embedded-files",
        pdf(
            "/Names << /EmbeddedFiles 4 0 R >>",
            objects=(
                "<< /Names [(x.exe) << /Type /Filespec /F (x.exe) /EF << /F 5 0 R >> >>] >>",
                "<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
            ),
        ),
        "EmbeddedFile",
    ),
    (
        "escaped-embedded",
        pdf("/Names << /Embedded#46iles 4 0 R >>", objects=("<< /Names [] >>",)),
        "EmbeddedFiles",
    ),
    (
        "xfa",
        pdf(
            "/AcroForm << /Fields [] /XFA 4 0 R >>",
            objects=("<< /Length 0 >>\nstream\n\nendstream",),
        ),
        "XFA",
    ),
    (
        "richmedia",
        pdf(
            page_extra="/Annots [4 0 R]",
            objects=("<< /Type /Annot /Subtype /RichMedia /Rect [0 0 1 1] >>",),
        ),
        "RichMedia",
    ),
    (
        "file-attachment",
        pdf(
            page_extra="/Annots [4 0 R]",
            objects=("<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 1 1] >>",),
        ),
        "FileAttachment",
    ),
    ("submit-form", pdf("/OpenAction << /S /SubmitForm /F (http://x.example/) >>"), "SubmitForm"),
    (
        "js-in-object-stream",
        pdf_with_object_stream("<< /S /JavaScript /JS (app.alert(1)) >>"),
        "JavaScript",
    ),
    ("launch-in-object-stream", pdf_with_object_stream("<< /S /Launch /F (calc.exe) >>"), "Launch"),
]

# Harmless features a municipal PDF has: must be accepted.
BENIGN_PDFS: list[tuple[str, bytes]] = [
    ("plain", pdf()),
    ("open-at-page", pdf("/OpenAction [3 0 R /Fit]")),
    (
        "uri-link",
        pdf(
            page_extra="/Annots [4 0 R]",
            objects=(
                "<< /Type /Annot /Subtype /Link /Rect [0 0 1 1] /A << /S /URI /URI (https://www.city.example.jp/) >> >>",
            ),
        ),
    ),
    (
        "compressed",
        pdf_with_object_stream(
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", "/KyodoFont"
        ),
    ),
]


def odf(
    kind: str = "text", extra: dict[str, bytes] | None = None, manifest_extra: str = ""
) -> bytes:
    mimetype = f"application/vnd.oasis.opendocument.{kind}"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
            f"{manifest_extra}</manifest:manifest>",
        )
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


STAR_BASIC = b'<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">Sub Main\nShell("calc")\nEnd Sub</script:module>'

HOSTILE_ODF: list[tuple[str, str, bytes]] = [
    (
        "basic-library.odt",
        "macros",
        odf(extra={"Basic/Standard/Module1.xml": STAR_BASIC, "Basic/script-lc.xml": b"<x/>"}),
    ),
    (
        "scripts-python.ods",
        "macros",
        odf("spreadsheet", extra={"Scripts/python/evil.py": b"import os"}),
    ),
    (
        "manifest-script.odt",
        "macros",
        odf(
            manifest_extra='<manifest:file-entry manifest:full-path="Basic/" manifest:media-type="application/binary"/>'
        ),
    ),
    (
        "event-listener.odt",
        "macros",
        odf(
            extra={
                "content.xml": b'<office:document-content><office:event-listeners><script:event-listener script:language="ooo:script" xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/></office:event-listeners></office:document-content>'
            }
        ),
    ),
]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HOSTILE_OLE: list[tuple[str, bytes]] = [
    ("old.xls", OLE_MAGIC + b"<html><script>alert(1)</script></html>"),
    ("old.doc", OLE_MAGIC + b"\x00" * 512),
    ("old.ppt", OLE_MAGIC + b"\x00" * 512),
    ("renamed.docx", OLE_MAGIC + b"\x00" * 512),  # an OLE file named like OOXML
]
