"""Uploaded files: size limit, type from content, images re-encoded without metadata,
safe stored and downloaded names. Files are served only through views (never MEDIA_URL):
`serve_upload` sets safe headers; private files are served after a permission check.

What is refused, and why (docs/security.md, "Upload attacks"):
- anything larger than KYODO_MAX_UPLOAD_BYTES (checked on the bytes read, not the claim);
- anything whose first bytes are not a JPEG, PNG, WebP or GIF image, a PDF, an Office
  (OOXML/ODF) package or an old Office (OLE) file — the name and the browser's claim are
  never trusted;
- a name whose extension contradicts the content (``photo.png.html``, an image called
  ``report.pdf``, a ZIP called ``.docx`` without an Office manifest, a workbook called .docx);
- old binary Office files (OLE: .doc/.xls/.ppt): refused, people are asked for .docx/.xlsx/.pdf;
- images whose decoded pixels would exceed MAX_DECODED_BYTES (read from the header, before
  decoding), Office packages that expand beyond MAX_UNPACKED_BYTES or with macros (VBA, ODF
  Basic/Scripts, event macros), PDFs with JavaScript, launch/submit actions, automatic actions,
  embedded files, XFA or RichMedia (found by parsing the PDF with pypdf, names decoded);
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
from typing import Any

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
# The memory the decoded pixels of one upload may take (Pillow's layout, see _decoded_bytes).
# 32 MiB holds a 4K screenshot (3840 × 2160) or an 8-megapixel photo; re-encoding holds at most
# two such copies, so one upload costs a worker well under 100 MB (figures: docs/security.md).
MAX_DECODED_BYTES = 32 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000
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


def _decoded_bytes(mode: str, size: tuple[int, int]) -> int:
    """The memory Pillow needs for the decoded pixels: colour modes are stored with 4 bytes a
    pixel (RGB too), grey and palette images with 1, 16-bit grey with 2."""
    per_pixel = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2}.get(mode, 4)
    return size[0] * size[1] * per_pixel


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _(
            "This image has too many pixels for us to process. Please upload a smaller image "
            "(for example at most 4000 × 2000 pixels)."
        ),
        code="image_too_large",
    )


def _open_image(data: bytes) -> Image.Image:
    """Decode within MAX_DECODED_BYTES. `Image.open` reads only the header: the size is
    checked before any pixel is decoded. A JPEG above the budget is decoded at 1/2, 1/4 or 1/8
    scale by libjpeg itself (a large phone photo becomes a web-sized one without ever being
    decoded in full); any other format above it is refused."""
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
            if _decoded_bytes(image.mode, image.size) > MAX_DECODED_BYTES:
                if image.format != "JPEG":
                    raise _too_many_pixels()
                for scale in (2, 4, 8):
                    target = (-(-width // scale), -(-height // scale))
                    if _decoded_bytes(image.mode, target) <= MAX_DECODED_BYTES:
                        image.draft(image.mode, target)
                        break
                if _decoded_bytes(image.mode, image.size) > MAX_DECODED_BYTES:
                    raise _too_many_pixels()
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
    """Encode a fresh image holding only `image`'s pixels. At most two decoded copies exist
    at any moment (each step drops the previous one), so one upload needs at most about
    2 × MAX_DECODED_BYTES beyond the worker's usual memory."""
    fmt = image.format if image.format in IMAGE_FORMATS else "PNG"
    ext, content_type = IMAGE_FORMATS[fmt]
    # Turn the picture the way its EXIF orientation says, before the EXIF is dropped (only
    # when it says to: exif_transpose copies the image otherwise).
    if image.getexif().get(0x0112, 1) != 1:
        image = ImageOps.exif_transpose(image) or image
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    # A new image with nothing but the pixels (no EXIF, GPS, XMP, ICC, comments or trailing
    # data survives): pasted, not rebuilt through `tobytes()`, which would add a third copy.
    clean = Image.new(image.mode, image.size)
    if image.mode == "P":
        palette = image.getpalette()
        if palette:
            clean.putpalette(palette)
    clean.paste(image)
    image.close()
    del image
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


# The part every real OOXML package of each kind has: a workbook renamed .docx is refused.
OOXML_MAIN_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
# ODF macros: StarBasic libraries (Basic/), other script languages (Scripts/), and documents
# whose events call a macro (office:event-listeners → vnd.sun.star.script: / macro: URLs).
ODF_MACRO_FOLDERS = ("basic/", "scripts/")
ODF_MACRO_MARKERS = (b"vnd.sun.star.script:", b"script:event-listener", b"macro:///", b"macro://")
ODF_SCANNED_PARTS = ("content.xml", "styles.xml", "meta-inf/manifest.xml")


def _macros_refused() -> ValidationError:
    return ValidationError(
        _("Files with macros are not accepted. Please save the document without macros."),
        code="macros",
    )


def _odf_member_has_macro_marker(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Search one XML part in 1 MiB pieces (bounded memory, whatever its size)."""
    tail = b""
    longest = max(len(m) for m in ODF_MACRO_MARKERS)
    with archive.open(info) as handle:
        while chunk := handle.read(1024 * 1024):
            window = tail + chunk
            if any(marker in window for marker in ODF_MACRO_MARKERS):
                return True
            tail = window[-longest:]
    return False


def _check_office_package(data: bytes, ext: str) -> None:
    """A real OOXML/ODF package of the kind its name says, no macros, and no zip bomb."""
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
                raise _macros_refused()
            if ext in {"odt", "ods", "odp"}:
                if "mimetype" not in names:
                    raise _mismatch()
                expected = OFFICE_CONTENT_TYPES[ext].encode()
                if archive.read("mimetype").strip() != expected:
                    raise _mismatch()
                if any(n.lower().startswith(ODF_MACRO_FOLDERS) for n in names):
                    raise _macros_refused()
                for member in members:
                    if member.filename.lower() in ODF_SCANNED_PARTS:
                        if _odf_member_has_macro_marker(archive, member):
                            raise _macros_refused()
                        if member.filename.lower() == "meta-inf/manifest.xml":
                            manifest = archive.read(member).lower()
                            if (
                                b'full-path="basic/' in manifest
                                or b'full-path="scripts/' in manifest
                            ):
                                raise _macros_refused()
            elif "[Content_Types].xml" not in names or OOXML_MAIN_PARTS[ext] not in names:
                raise _mismatch()
    except zipfile.BadZipFile as exc:
        raise _mismatch() from exc


def _legacy_office_refused() -> ValidationError:
    # Old binary Office files (OLE: .doc, .xls, .ppt) can carry macros and exploits that only a
    # full OLE parser could find, and their first bytes say nothing about what is inside (an
    # HTML page behind OLE magic was served as Excel). Every Office version since 2007 saves
    # .docx/.xlsx, so refusing them is the simplest safe choice (docs/security.md).
    return ValidationError(
        _(
            "Old Office files (.doc, .xls, .ppt) are not accepted. Please save the file as "
            ".docx, .xlsx or .pptx (or as a PDF) and upload that."
        ),
        code="legacy_office",
    )


# Active content a PDF viewer could run or open, by the names that carry it (after #xx escapes
# are decoded: /J#61vaScript is /JavaScript). Keys anywhere in the document…
PDF_ACTIVE_KEYS = {
    "/JavaScript": "JavaScript",
    "/JS": "JavaScript",
    "/AA": "AA (automatic actions)",
    "/EmbeddedFile": "EmbeddedFile",
    "/EmbeddedFiles": "EmbeddedFiles",
    "/XFA": "XFA",
    "/RichMedia": "RichMedia",
    "/RichMediaContent": "RichMedia",
    "/Launch": "Launch",
}
# …and name values (an action's /S, an annotation's /Subtype, an object's /Type).
PDF_ACTIVE_NAMES = {
    "/JavaScript": "JavaScript",
    "/Launch": "Launch",
    "/ImportData": "ImportData",
    "/SubmitForm": "SubmitForm",
    "/GoToE": "GoToE",
    "/RichMedia": "RichMedia",
    "/RichMediaExecute": "RichMedia",
    "/EmbeddedFile": "EmbeddedFile",
    "/FileAttachment": "FileAttachment",
}
MAX_PDF_OBJECTS = 200_000
_PDF_NAME_RE = re.compile(rb"/([^\s/\[\]()<>{}%]+)")
_PDF_ESCAPE_RE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _pdf_raw_names(data: bytes) -> set[str]:
    """Every name written in the file's bytes, #xx escapes decoded. Catches objects a lenient
    viewer would still find but the parser does not (outside the cross-reference table)."""
    found = set()
    for match in _PDF_NAME_RE.finditer(data):
        raw = _PDF_ESCAPE_RE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        found.add("/" + raw.decode("latin-1"))
    return found


def _pdf_active_content(data: bytes) -> list[str]:
    """What a PDF holds that a viewer could run, open or submit (empty: nothing). Raises
    ValidationError when the file is not a PDF pypdf can read."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    found: set[str] = set()
    raw_names = _pdf_raw_names(data)
    for name in raw_names:
        if name in PDF_ACTIVE_KEYS:
            found.add(PDF_ACTIVE_KEYS[name])
        elif name in PDF_ACTIVE_NAMES:
            found.add(PDF_ACTIVE_NAMES[name])

    def inspect(node: Any, depth: int = 0) -> None:
        if depth > 50:
            return
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                if key in PDF_ACTIVE_KEYS:
                    found.add(PDF_ACTIVE_KEYS[key])
                if key == "/OpenAction":
                    target = value.get_object() if isinstance(value, IndirectObject) else value
                    if isinstance(target, DictionaryObject):
                        found.add("OpenAction")  # an action run on opening, not a page to show
                if (
                    key in ("/S", "/Subtype", "/Type")
                    and isinstance(value, NameObject)
                    and value in PDF_ACTIVE_NAMES
                ):
                    found.add(PDF_ACTIVE_NAMES[value])
                if not isinstance(value, IndirectObject):
                    inspect(value, depth + 1)
        elif isinstance(node, ArrayObject):
            for item in node:
                if not isinstance(item, IndirectObject):
                    inspect(item, depth + 1)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise ValidationError(
                    _(
                        "Password-protected PDF files are not accepted. Please upload the "
                        "document without a password."
                    ),
                    code="pdf_encrypted",
                )
            # Every object of the file, including those inside compressed object streams.
            numbers: set[tuple[int, int]] = set()
            for generation, table in reader.xref.items():
                numbers.update((number, generation) for number in table)
            numbers.update((number, 0) for number in reader.xref_objStm)
            if len(numbers) > MAX_PDF_OBJECTS:
                raise _mismatch()
            inspect(reader.trailer)
            for number, generation in sorted(numbers):
                try:
                    obj = reader.get_object(IndirectObject(number, generation, reader))
                except (PyPdfError, ValueError, KeyError, OSError):
                    continue
                inspect(obj)
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on a broken file
        if found:  # broken, and active content written in it: say what was refused
            return sorted(found)
        # A file pypdf cannot open (no cross-reference table, as small generated PDFs often
        # are), which viewers still read by scanning for objects. Without object streams every
        # dictionary — where actions and attachments live — is written in the file's bytes,
        # which the name scan above has read: nothing was found, so it is accepted. With
        # object streams part of it could not be seen: refused.
        if "/ObjStm" in raw_names or "/XRef" in raw_names:
            raise _mismatch() from exc
        return []
    return sorted(found)


def _check_pdf(data: bytes) -> None:
    # An HTML/SVG document that merely starts with %PDF- (a polyglot) has no PDF trailer.
    if b"%%EOF" not in data[-2048:]:
        raise _mismatch()
    found = _pdf_active_content(data)
    if found:
        raise ValidationError(
            _(
                "PDF files with scripts, actions or attached files are not accepted "
                "(found: %(found)s). Please print the document to a new PDF and upload that."
            )
            % {"found": ", ".join(found)},
            code="pdf_active_content",
        )


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
            raise _legacy_office_refused()
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
