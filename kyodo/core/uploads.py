"""Uploaded files: size limit, type from content, images re-encoded without metadata,
safe stored and downloaded names. Files are served only through views (never MEDIA_URL):
`serve_upload` sets safe headers; private files are served after a permission check."""

from __future__ import annotations

import io
import mimetypes
import re
import unicodedata
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
# Document types identified by their first bytes, not by the name or the browser's claim.
DOCUMENT_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"PK\x03\x04", "zip", "application/zip"),  # docx/xlsx/pptx are zip containers
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc", "application/msword"),
)
OFFICE_EXTENSIONS = {"docx", "xlsx", "pptx", "odt", "ods"}
MAX_IMAGE_PIXELS = 40_000_000


@dataclass
class CleanFile:
    content: ContentFile
    original_name: str
    content_type: str


def safe_display_name(name: str, default: str = "file") -> str:
    """A name that is safe in a Content-Disposition header and in HTML (still escaped there)."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f<>:\"|?*;&'`$%{}\[\]]", "_", name).strip(" .")
    return (name or default)[:120]


def _check_size(upload: UploadedFile) -> None:
    limit = settings.KYODO_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large. Files can be up to %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
            code="file_too_large",
        )


def clean_image(upload: UploadedFile) -> CleanFile:
    """Decode, re-encode (dropping EXIF/GPS and anything appended), and rename the image."""
    _check_size(upload)
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        upload.seek(0)
        image = Image.open(upload)
        image.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationError(
            _("This file is not an image we can read. Please upload a JPEG, PNG or WebP image."),
            code="invalid_image",
        ) from exc
    fmt = image.format if image.format in IMAGE_FORMATS else "PNG"
    ext, content_type = IMAGE_FORMATS[fmt]
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    # Rebuild from raw pixels: nothing but the pixels (no EXIF, GPS, ICC or trailing data).
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    palette = image.getpalette() if image.mode == "P" else None
    if palette:
        clean.putpalette(palette)
    if fmt == "JPEG":
        clean.save(out, format=fmt, quality=88)
    else:
        clean.save(out, format=fmt)
    return CleanFile(
        content=ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ext}"),
        original_name=safe_display_name(upload.name or "", f"image.{ext}"),
        content_type=content_type,
    )


def clean_document(upload: UploadedFile) -> CleanFile:
    """Accept PDF, Office files and images; the type comes from the content."""
    _check_size(upload)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    name = safe_display_name(upload.name or "", "document")
    for signature, ext, content_type in DOCUMENT_SIGNATURES:
        if head.startswith(signature):
            if ext == "zip":
                claimed = name.rsplit(".", 1)[-1].lower() if "." in name else ""
                if claimed not in OFFICE_EXTENSIONS:
                    break
                ext = claimed
                content_type = mimetypes.types_map.get(f".{ext}", "application/octet-stream")
            data = upload.read()
            return CleanFile(
                content=ContentFile(data, name=f"{uuid.uuid4().hex}.{ext}"),
                original_name=name,
                content_type=content_type,
            )
    try:
        return clean_image(upload)
    except ValidationError:
        raise ValidationError(
            _("This file type is not accepted. Please upload a PDF, an Office document or an image."),
            code="invalid_document",
        ) from None


def serve_upload(file: FieldFile, *, download_name: str, inline: bool = False) -> FileResponse:
    """Serve a stored file with a safe name, nosniff and a sandboxing CSP."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=safe_display_name(download_name),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
