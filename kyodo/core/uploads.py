"""Uploaded files: size limit, type from content, images re-encoded without metadata,
safe stored and downloaded names. Files are served only through views (never MEDIA_URL):
`serve_upload` sets safe headers; private files are served after a permission check.

What is refused, and why (docs/security.md, "Upload attacks"):
- anything larger than KYODO_MAX_UPLOAD_BYTES (checked on the bytes read, not the claim);
- anything whose first bytes are not a JPEG, PNG, WebP or GIF image, a PDF, an Office
  (OOXML/ODF) package or an old Office (OLE) file — the name and the browser's claim are
  never trusted;
- a name whose extension contradicts the content (``photo.png.html``, an image called
  ``report.pdf``, a ZIP called ``.docx`` without an Office manifest);
- images over MAX_IMAGE_PIXELS (decompression bombs), Office packages that expand beyond
  MAX_UNPACKED_BYTES or with macros, PDFs with JavaScript or launch actions;
- images are decoded and re-encoded from their pixels: EXIF (GPS), ICC, comments and any
  trailing data (the polyglot part of a GIFAR-style file) are gone.
"""

from __future__ import annotations

import io
import mimetypes
import re
import unicodedata
import uuid
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
# Formats Pillow may even try to decode. GIF is re-encoded as PNG (first frame). Everything
# else (EPS, TIFF, BMP, ICO, PSD …) is refused before a decoder runs.
DECODABLE_IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
IMAGE_EXTENSIONS = {"jpg", "jpeg", "jpe", "png", "webp", "gif"}
# Document types identified by their first bytes, not by the name or the browser's claim.
DOCUMENT_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"PK\x03\x04", "zip", "application/zip"),  # docx/xlsx/pptx/odt/ods are zip containers
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole", "application/msword"),
)
OFFICE_EXTENSIONS = {"docx", "xlsx", "pptx", "odt", "ods", "odp"}
OLE_EXTENSIONS = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
OFFICE_CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
MAX_IMAGE_PIXELS = 40_000_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000
# Active content inside a PDF: a viewer could run it. Real municipal documents never need it.
PDF_ACTIVE_MARKERS = (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/Launch", b"/RichMedia")
_NAME_CHARS_RE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*;&'`$%{}\[\]\\/=]")


@dataclass
class CleanFile:
    content: ContentFile
    original_name: str
    content_type: str


def safe_display_name(name: str, default: str = "file") -> str:
    """A name that is safe in a Content-Disposition header, a file system and HTML (still
    escaped there): no path, no markup or quote characters, no control or bidi-override
    characters (U+202E makes ``evil‮fdp.exe`` read as ``evilexe.pdf``), at most 120
    characters with the extension kept."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").split("/")[-1]
    # Cc/Cf/Zl/Zp/Co/Cn: control, format (bidi overrides, zero-width), separators, private, unassigned.
    name = "".join(
        "_" if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp", "Co", "Cn"} else ch
        for ch in name
    )
    name = _NAME_CHARS_RE.sub("_", name).strip(" ._")
    if not name:
        return default
    if len(name) <= 120:
        return name
    stem, dot, ext = name.rpartition(".")
    keep_extension = bool(dot) and 0 < len(ext) <= 10
    return stem[: 120 - len(ext) - 1] + "." + ext if keep_extension else name[:120]


def _claimed_extension(name: str) -> str:
    base = safe_display_name(name, "")
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _too_large() -> ValidationError:
    limit = settings.KYODO_MAX_UPLOAD_BYTES
    return ValidationError(
        _("The file is too large. Files can be up to %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
        code="file_too_large",
    )


def _check_size(upload: UploadedFile) -> None:
    if upload.size is not None and upload.size > settings.KYODO_MAX_UPLOAD_BYTES:
        raise _too_large()


def _read_all(upload: UploadedFile) -> bytes:
    """Read at most the limit + 1 byte: the size is checked on what arrives, not on the claim."""
    _check_size(upload)
    upload.seek(0)
    data = upload.read(settings.KYODO_MAX_UPLOAD_BYTES + 1)
    upload.seek(0)
    if len(data) > settings.KYODO_MAX_UPLOAD_BYTES:
        raise _too_large()
    return data


def _invalid_image() -> ValidationError:
    return ValidationError(
        _("This file is not an image we can read. Please upload a JPEG, PNG or WebP image."),
        code="invalid_image",
    )


def _mismatch() -> ValidationError:
    return ValidationError(
        _(
            "The file name does not match what the file contains. Please check the file and upload it again."
        ),
        code="extension_mismatch",
    )


def _open_image(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Between 1x and 2x the pixel limit Pillow only warns: make that an error too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=DECODABLE_IMAGE_FORMATS)
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS or width <= 0 or height <= 0:
                raise _invalid_image()
            probe.verify()
            image = Image.open(io.BytesIO(data), formats=DECODABLE_IMAGE_FORMATS)
            image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise _invalid_image() from exc
    return image


def _reencode(image: Image.Image) -> tuple[bytes, str, str]:
    fmt = image.format if image.format in IMAGE_FORMATS else "PNG"
    ext, content_type = IMAGE_FORMATS[fmt]
    # Turn the picture the way its EXIF orientation says, before the EXIF is dropped.
    image = ImageOps.exif_transpose(image) or image
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    # Rebuild from raw pixels: nothing but the pixels (no EXIF, GPS, XMP, ICC, comments or
    # trailing data survives).
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    if image.mode == "P":
        palette = image.getpalette()
        if palette:
            clean.putpalette(palette)
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, format=fmt, quality=88)
    else:
        clean.save(out, format=fmt)
    return out.getvalue(), ext, content_type


def clean_image(upload: UploadedFile) -> CleanFile:
    """Decode, re-encode (dropping EXIF/GPS and anything appended), and rename the image."""
    data = _read_all(upload)
    claimed = _claimed_extension(upload.name or "")
    if claimed and claimed not in IMAGE_EXTENSIONS:
        raise _invalid_image()
    image = _open_image(data)
    encoded, ext, content_type = _reencode(image)
    original = safe_display_name(upload.name or "", f"image.{ext}")
    if "." in original:
        original = original.rsplit(".", 1)[0] + "." + ext
    return CleanFile(
        content=ContentFile(encoded, name=f"{uuid.uuid4().hex}.{ext}"),
        original_name=original,
        content_type=content_type,
    )


def _check_office_package(data: bytes, ext: str) -> None:
    """A real OOXML/ODF package: a manifest, no macros, and no zip bomb."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise _mismatch()
            names = {m.filename for m in members}
            if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise ValidationError(
                    _(
                        "This file expands to more than we can accept. Please upload a smaller file."
                    ),
                    code="zip_bomb",
                )
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise ValidationError(
                    _(
                        "Files with macros are not accepted. Please save the document without macros."
                    ),
                    code="macros",
                )
            if ext in {"odt", "ods", "odp"}:
                if "mimetype" not in names:
                    raise _mismatch()
                expected = OFFICE_CONTENT_TYPES[ext].encode()
                if archive.read("mimetype").strip() != expected:
                    raise _mismatch()
            elif "[Content_Types].xml" not in names:
                raise _mismatch()
    except zipfile.BadZipFile as exc:
        raise _mismatch() from exc


def _check_pdf(data: bytes) -> None:
    if any(marker in data for marker in PDF_ACTIVE_MARKERS):
        raise ValidationError(
            _(
                "PDF files with scripts or actions are not accepted. Please print the document to a new PDF."
            ),
            code="pdf_active_content",
        )
    # An HTML/SVG document that merely starts with %PDF- (a polyglot) has no PDF trailer.
    if b"%%EOF" not in data[-2048:]:
        raise _mismatch()


def clean_document(upload: UploadedFile) -> CleanFile:
    """Accept PDF, Office files and images; the type comes from the content."""
    data = _read_all(upload)
    name = safe_display_name(upload.name or "", "document")
    claimed = _claimed_extension(upload.name or "")
    for signature, kind, content_type in DOCUMENT_SIGNATURES:
        if not data.startswith(signature):
            continue
        if kind == "pdf":
            if claimed not in {"", "pdf"}:
                raise _mismatch()
            _check_pdf(data)
            ext = "pdf"
        elif kind == "zip":
            if claimed not in OFFICE_EXTENSIONS:
                raise _mismatch()
            _check_office_package(data, claimed)
            ext, content_type = claimed, OFFICE_CONTENT_TYPES[claimed]
        else:
            if claimed not in OLE_EXTENSIONS:
                raise _mismatch()
            ext, content_type = claimed, OLE_EXTENSIONS[claimed]
        if not name.lower().endswith("." + ext):
            name = f"{name}.{ext}"
        return CleanFile(
            content=ContentFile(data, name=f"{uuid.uuid4().hex}.{ext}"),
            original_name=name,
            content_type=content_type,
        )
    if claimed and claimed not in IMAGE_EXTENSIONS:
        raise ValidationError(
            _(
                "This file type is not accepted. Please upload a PDF, an Office document or an image."
            ),
            code="invalid_document",
        )
    try:
        return clean_image(upload)
    except ValidationError as exc:
        if exc.code == "file_too_large":
            raise
        raise ValidationError(
            _(
                "This file type is not accepted. Please upload a PDF, an Office document or an image."
            ),
            code="invalid_document",
        ) from None


def serve_upload(
    file: FieldFile, *, download_name: str, inline: bool = False, private: bool = True
) -> FileResponse:
    """Serve a stored file with a safe name, nosniff and a sandboxing CSP.

    Call it only after the view has checked the permission (see docs/security.md). Files
    are private by default: no cache (browser or proxy) keeps a copy. Pass `private=False`
    only for files anyone may see (a public photo).
    """
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(file.name or "")[0] or "application/octet-stream"
    # Only images may be shown in the page; everything else is a download.
    inline = inline and content_type.startswith("image/")
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=safe_display_name(download_name),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
