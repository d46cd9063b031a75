"""Findings 2, 4, 9: every kind of document upload through a corpus of hostile files.

Class: `clean_document` (group documents, application documents, the API) and `clean_image`
(issue photos, logos) refuse every hostile file in tests/security/hostile_files.py with a
message that says what was refused, and accept the harmless look-alikes."""

from __future__ import annotations

import io
import resource
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image

from kyodo.core import uploads
from kyodo.core.uploads import clean_document, clean_image
from tests.security.hostile_files import (
    BENIGN_PDFS,
    HOSTILE_ODF,
    HOSTILE_OLE,
    HOSTILE_PDFS,
    odf,
)
from tests.security.uploads import upload


@pytest.mark.parametrize(("label", "data", "named"), HOSTILE_PDFS, ids=[h[0] for h in HOSTILE_PDFS])
def test_hostile_pdfs_are_refused_and_the_message_says_what(label, data, named):
    with pytest.raises(ValidationError) as exc, translation.override("ja"):
        clean_document(upload(f"{label}.pdf", data))
    assert exc.value.code == "pdf_active_content"
    message = exc.value.messages[0]
    assert named in message
    assert "PDF" in message and "受け付け" in message  # in Japanese


@pytest.mark.parametrize(("label", "data"), BENIGN_PDFS, ids=[b[0] for b in BENIGN_PDFS])
def test_harmless_pdfs_are_accepted(label, data):
    cleaned = clean_document(upload(f"{label}.pdf", data))
    assert cleaned.content_type == "application/pdf"


def test_a_reportlab_pdf_is_accepted():
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(100, 750, "協働")
    page.linkURL("https://www.city.example.jp/", (100, 700, 200, 720))
    page.save()
    assert clean_document(upload("報告.pdf", out.getvalue())).content_type == "application/pdf"


@pytest.mark.parametrize(("name", "code", "data"), HOSTILE_ODF, ids=[h[0] for h in HOSTILE_ODF])
def test_odf_with_macros_is_refused(name, code, data):
    with pytest.raises(ValidationError) as exc:
        clean_document(upload(name, data))
    assert exc.value.code == code


@pytest.mark.parametrize("name", ["report.odt"])
def test_odf_without_macros_is_accepted(name):
    assert clean_document(upload(name, odf())).content_type.endswith("opendocument.text")


@pytest.mark.parametrize(("name", "data"), HOSTILE_OLE, ids=[h[0] for h in HOSTILE_OLE])
def test_legacy_binary_office_files_are_refused_with_a_clear_message(name, data):
    with pytest.raises(ValidationError) as exc, translation.override("ja"):
        clean_document(upload(name, data))
    assert exc.value.code == "legacy_office"
    assert ".xlsx" in exc.value.messages[0] and ".docx" in exc.value.messages[0]


def _ooxml(main_part: str) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(main_part, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "part"),
    [
        ("sheet.docx", "xl/workbook.xml"),
        ("doc.xlsx", "word/document.xml"),
        ("x.pptx", "word/document.xml"),
    ],
)
def test_the_office_content_must_match_the_extension(name, part):
    with pytest.raises(ValidationError) as exc:
        clean_document(upload(name, _ooxml(part)))
    assert exc.value.code == "extension_mismatch"


# --- images: a decoded-size budget, checked from the header ------------------------------------


def _png_header_claiming(width: int, height: int, color_type: int = 6) -> bytes:
    """A small PNG whose header claims width × height (RGBA by default)."""
    out = io.BytesIO()
    Image.new("RGBA", (1, 1)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    ihdr = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


def test_an_image_above_the_decoded_budget_is_refused_before_decoding(monkeypatch):
    """6300 × 6300 RGBA (under the pixel limit, 159 MB decoded): refused from the header.
    The decoder must not even start."""
    data = _png_header_claiming(6300, 6300)
    calls = []
    monkeypatch.setattr(Image.Image, "load", lambda self: calls.append(1))
    with pytest.raises(ValidationError) as exc:
        clean_image(upload("big.png", data))
    assert exc.value.code == "image_too_large"
    assert calls == []


def test_a_large_jpeg_is_decoded_at_a_reduced_scale():
    out = io.BytesIO()
    Image.new("RGB", (6000, 4000), (10, 120, 200)).save(out, format="JPEG", quality=50)
    cleaned = clean_image(upload("phone.jpg", out.getvalue()))
    width, height = Image.open(cleaned.content).size
    assert (width, height) == (3000, 2000)
    assert width * height * 4 <= uploads.MAX_DECODED_BYTES


def test_one_upload_stays_well_under_100_mb_of_extra_memory():
    """The largest accepted image (a PNG just inside the budget) adds less than 100 MB to the
    process's peak memory. ru_maxrss only grows, so the figure is an upper bound."""
    side = int((uploads.MAX_DECODED_BYTES / 4) ** 0.5) - 8
    out = io.BytesIO()
    Image.new("RGB", (side, side), (30, 60, 90)).save(out, format="PNG")
    data = out.getvalue()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    clean_image(upload("max.png", data))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert (after - before) * 1024 < 100 * 1024 * 1024


def test_a_pdf_the_parser_cannot_open_is_judged_by_its_names():
    """Without a cross-reference table pypdf cannot open a file that viewers still read: it is
    accepted only when no dictionary can hide in a compressed object stream."""
    bare = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<<>>\n%%EOF\n"
    assert clean_document(upload("bare.pdf", bare)).content_type == "application/pdf"
    for hostile in (
        b"%PDF-1.4\n1 0 obj<< /S /J#61vaScript /JS (x) >>endobj\n%%EOF\n",
        b"%PDF-1.5\n1 0 obj<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>stream\nx\nendstream endobj\n%%EOF\n",
    ):
        with pytest.raises(ValidationError):
            clean_document(upload("x.pdf", hostile))
