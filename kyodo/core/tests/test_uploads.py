"""kyodo.core.uploads: size, type from content, metadata stripped, safe names, bombs."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.template import engines
from PIL import Image

from kyodo.core import uploads
from kyodo.core.uploads import clean_document, clean_image, safe_display_name, serve_upload
from tests.security.uploads import (
    XSS_FILE_NAME,
    assert_safe_download,
    has_gps,
    jpeg_with_gps,
    png_with_text,
    upload,
)


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(100, 750, "Kyodo")
    c.save()
    return out.getvalue()


def _docx(extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def _png(size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (1, 2, 3)).save(out, format="PNG")
    return out.getvalue()


def _png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels (the classic bomb)."""
    data = bytearray(_png((1, 1)))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


# --- size -------------------------------------------------------------------------------


def test_size_limit_is_checked_on_the_bytes(settings):
    settings.KYODO_MAX_UPLOAD_BYTES = 1000
    big = _pdf() + b"\n" * 2000
    with pytest.raises(ValidationError) as exc:
        clean_document(upload("a.pdf", big))
    assert exc.value.code == "file_too_large"
    # A lying size claim does not get past the limit either.
    lying = upload("a.pdf", big)
    lying.size = 10
    with pytest.raises(ValidationError) as exc:
        clean_document(lying)
    assert exc.value.code == "file_too_large"


def test_file_at_the_limit_is_accepted(settings):
    data = _pdf()
    settings.KYODO_MAX_UPLOAD_BYTES = len(data)
    assert clean_document(upload("a.pdf", data)).content_type == "application/pdf"


# --- images: re-encoded, metadata gone ------------------------------------------------------


def test_exif_and_gps_are_removed():
    original = jpeg_with_gps()
    assert has_gps(original)
    cleaned = clean_image(upload("photo.jpg", original, "image/jpeg"))
    data = cleaned.content.read()
    assert not has_gps(data)
    assert not Image.open(io.BytesIO(data)).getexif()
    assert b"KyodoCam" not in data and b"secret description" not in data
    assert cleaned.content_type == "image/jpeg"
    assert cleaned.content.name.endswith(".jpg") and cleaned.content.name != "photo.jpg"


def test_orientation_is_applied_before_exif_is_dropped():
    cleaned = clean_image(upload("p.jpg", jpeg_with_gps((64, 48), orientation=6)))
    image = Image.open(io.BytesIO(cleaned.content.read()))
    assert image.size == (48, 64)


def test_png_text_chunks_are_removed():
    cleaned = clean_image(upload("p.png", png_with_text()))
    data = cleaned.content.read()
    assert "元町".encode() not in data and b"home address" not in data
    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGBA" and not image.text


def test_type_comes_from_content_not_name():
    cleaned = clean_image(upload("picture.jpg", _png(), "image/jpeg"))
    assert cleaned.content_type == "image/png"
    assert cleaned.content.name.endswith(".png")
    assert cleaned.original_name == "picture.png"


def test_gif_is_reencoded_as_png():
    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, format="GIF")
    cleaned = clean_image(upload("a.gif", out.getvalue()))
    assert cleaned.content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("x.png", b"<html><script>alert(1)</script></html>"),
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("x.jpg", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"),
        ("x.bmp", b"BM" + b"\x00" * 60),
        ("x.png", b""),
        ("x.png", _png()[:40]),  # truncated
    ],
)
def test_non_images_are_refused(name, data):
    with pytest.raises(ValidationError) as exc:
        clean_image(upload(name, data))
    assert exc.value.code == "invalid_image"


def test_image_with_a_non_image_name_is_refused():
    with pytest.raises(ValidationError):
        clean_image(upload("photo.png.html", _png()))


# --- bombs ------------------------------------------------------------------------------------


def test_decompression_bomb_is_refused_before_decoding():
    bomb = _png_bomb(100_000, 100_000)
    assert len(bomb) < 200
    with pytest.raises(ValidationError) as exc:
        clean_image(upload("bomb.png", bomb))
    assert exc.value.code == "invalid_image"


def test_image_just_over_the_pixel_limit_is_refused():
    # Between 1x and 2x the limit Pillow only warns; Kyodo refuses.
    side = int(uploads.MAX_IMAGE_PIXELS**0.5) + 10
    with pytest.raises(ValidationError):
        clean_image(upload("big.png", _png_bomb(side, side)))


def test_zip_bomb_office_file_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 1024 * 1024)
    data = _docx({"word/media/zeros.bin": b"\x00" * (2 * 1024 * 1024)})
    assert len(data) < 20_000
    with pytest.raises(ValidationError) as exc:
        clean_document(upload("report.docx", data))
    assert exc.value.code == "zip_bomb"


# --- documents: polyglots and fake extensions -------------------------------------------------------


def test_pdf_and_office_documents_are_accepted():
    pdf = clean_document(upload("報告書.pdf", _pdf()))
    assert pdf.content_type == "application/pdf" and pdf.original_name == "報告書.pdf"
    docx = clean_document(upload("計画.docx", _docx()))
    assert docx.content.name.endswith(".docx")
    assert docx.content_type.endswith("wordprocessingml.document")
    # Old binary Office files are refused (tests/security/test_hostile_uploads.py).


def test_image_uploaded_as_document_is_reencoded():
    cleaned = clean_document(upload("map.jpg", jpeg_with_gps()))
    assert not has_gps(cleaned.content.read())


@pytest.mark.parametrize(
    ("name", "data_factory", "code"),
    [
        # An image pretending to be a PDF, and a PDF pretending to be an image.
        ("report.pdf", _png, "invalid_document"),
        ("photo.jpg", _pdf, "extension_mismatch"),
        # A plain ZIP (could hold anything) named like a Word file, and a ZIP called .pdf.
        ("report.docx", lambda: _zip_plain(), "extension_mismatch"),
        ("report.pdf", lambda: _zip_plain(), "extension_mismatch"),
        # Office with macros.
        ("report.docx", lambda: _docx({"word/vbaProject.bin": b"macro"}), "macros"),
        # HTML that starts with %PDF- (polyglot): no PDF trailer.
        (
            "x.pdf",
            lambda: b"%PDF-1.4\n<html><script>alert(1)</script></html>",
            "extension_mismatch",
        ),
        # A PDF with JavaScript.
        (
            "x.pdf",
            lambda: b"%PDF-1.4\n1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\n%%EOF\n",
            "pdf_active_content",
        ),
        # Markup and executables are refused whatever they contain.
        ("x.html", _pdf, "extension_mismatch"),
        ("x.html", lambda: b"<script>alert(1)</script>", "invalid_document"),
        ("x.exe", lambda: b"MZ\x90\x00" + b"\x00" * 100, "invalid_document"),
        ("x.svg", lambda: b"<svg onload=alert(1)>", "invalid_document"),
    ],
)
def test_fake_extensions_and_polyglots_are_refused(name, data_factory, code):
    with pytest.raises(ValidationError) as exc:
        clean_document(upload(name, data_factory()))
    assert exc.value.code == code


def _zip_plain() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("index.html", "<script>alert(1)</script>")
    return out.getvalue()


def test_trailing_payload_after_an_image_is_dropped():
    polyglot = _png() + b"PK\x03\x04" + _zip_plain() + b"<script>alert(1)</script>"
    cleaned = clean_document(upload("a.png", polyglot))
    data = cleaned.content.read()
    assert b"<script>" not in data and b"PK\x03\x04" not in data


# --- names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\報告書.pdf", "報告書.pdf"),
        ("evil\u202efdp.exe", "evil_fdp.exe"),
        ("a\x00b\r\nc.pdf", "a_b__c.pdf"),
        ("   ", "file"),
        ("..", "file"),
        ("ｒｅｐｏｒｔ.pdf", "report.pdf"),
    ],
)
def test_safe_display_name(raw, expected):
    assert safe_display_name(raw) == expected


def test_long_names_keep_their_extension():
    name = safe_display_name("あ" * 300 + ".pdf")
    assert len(name) == 120 and name.endswith(".pdf")


def test_xss_file_name_is_neutralised_in_the_name_and_when_rendered():
    cleaned = clean_document(upload(XSS_FILE_NAME, _pdf()))
    for char in "<>\"'`":
        assert char not in cleaned.original_name
    assert cleaned.original_name.endswith(".pdf")
    jinja = engines["jinja2"]
    html = jinja.from_string('<a href="#">{{ name }}</a><span title="{{ name }}"></span>').render(
        {"name": cleaned.original_name}
    )
    assert "<img" not in html
    # Even the raw, unsanitised name is inert once the template escapes it.
    raw = jinja.from_string('<span title="{{ name }}">{{ name }}</span>').render(
        {"name": XSS_FILE_NAME}
    )
    assert "<img" not in raw and "&lt;img" in raw and "&#34;&gt;" in raw


@pytest.fixture
def stored(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    field = FileField(storage=storage)
    field.name = "file"
    return storage, field


def test_serve_upload_sets_safe_headers(stored):
    storage, field = stored
    name = storage.save("abc.pdf", io.BytesIO(_pdf()))
    response = serve_upload(FieldFile(None, field, name), download_name=XSS_FILE_NAME, private=True)
    assert_safe_download(response)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "<" not in disposition and "onerror" in disposition
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    response.file_to_stream.close()  # not .close(): that signals request_finished


def test_serve_upload_only_shows_images_inline(stored):
    storage, field = stored
    pdf = storage.save("a.pdf", io.BytesIO(_pdf()))
    png = storage.save("a.png", io.BytesIO(_png()))
    r1 = serve_upload(FieldFile(None, field, pdf), download_name="a.pdf", inline=True)
    r2 = serve_upload(
        FieldFile(None, field, png), download_name="a.png", inline=True, private=False
    )
    assert r1["Content-Disposition"].startswith("attachment")
    assert r2["Content-Disposition"].startswith("inline")
    assert "Cache-Control" not in r2
    assert r1["Cache-Control"] == "private, no-store"  # private is the default
    r1.file_to_stream.close()  # not .close(): that signals request_finished
    r2.file_to_stream.close()  # not .close(): that signals request_finished


def test_japanese_download_name_uses_rfc5987(stored):
    storage, field = stored
    name = storage.save("b.pdf", io.BytesIO(_pdf()))
    response = serve_upload(FieldFile(None, field, name), download_name="報告書.pdf")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    response.file_to_stream.close()  # not .close(): that signals request_finished


def test_missing_file_is_404(stored):
    _, field = stored
    with pytest.raises(Http404):
        serve_upload(FieldFile(None, field, "missing.pdf"), download_name="x.pdf")
    with pytest.raises(Http404):
        serve_upload(FieldFile(None, field, ""), download_name="x.pdf")
