"""Test helpers for apps that accept or serve uploaded files (see docs/security.md).

    from tests.security.uploads import (
        XSS_FILE_NAME, jpeg_with_gps, assert_safe_download, assert_private_file_view,
    )

- `jpeg_with_gps()` / `png_with_text()` build real images carrying metadata;
  `has_gps(data)` tells whether any EXIF/GPS survived.
- `assert_safe_download(response)` checks the headers `kyodo.core.uploads.serve_upload` sets.
- `assert_private_file_view(client, url, allowed=[...], refused=[...])` requests a private
  file as each user (None = anonymous) and checks only the allowed ones get the bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

XSS_FILE_NAME = '"><img src=x onerror=alert(1)>.pdf'
GPS_IFD = 0x8825


def jpeg_with_gps(size: tuple[int, int] = (64, 48), *, orientation: int | None = None) -> bytes:
    """A JPEG whose EXIF holds a camera model and a GPS position (川越市役所)."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "KyodoCam"  # Model
    exif[0x010E] = "secret description"  # ImageDescription
    if orientation:
        exif[0x0112] = orientation
    exif[GPS_IFD] = {1: "N", 2: (35.0, 55.0, 31.0), 3: "E", 4: (139.0, 29.0, 8.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    image = Image.new("RGBA", (20, 10), (0, 0, 255, 128))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home address: 川越市元町1-1-1")
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def has_gps(data: bytes) -> bool:
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    return bool(exif) and (GPS_IFD in exif or bool(exif.get_ifd(GPS_IFD)))


def upload(
    name: str, data: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def assert_safe_download(response: Any) -> None:
    """The headers of a file served through kyodo.core.uploads.serve_upload."""
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    disposition = response.get("Content-Disposition", "")
    for char in "<>\"'`":
        # Django quotes the filename="…" value itself; nothing from the name may add quotes.
        inner = disposition.split("filename=", 1)[-1].strip('"')
        assert char not in inner, disposition


def assert_private_file_view(
    client: Any, url: str, *, allowed: Iterable[Any], refused: Iterable[Any]
) -> None:
    """Each allowed user gets the file (200, no-store); anonymous gets a login redirect;
    every refused user gets 403 or 404 and no file bytes."""
    for user in allowed:
        client.logout()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, (user, response.status_code)
        assert "no-store" in response.get("Cache-Control", ""), response.get("Cache-Control")
        assert_safe_download(response)
    for user in refused:
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        if user is None:
            assert response.status_code in (302, 403, 404), response.status_code
            if response.status_code == 302:
                assert "login" in response["Location"]
        else:
            assert response.status_code in (403, 404), (user, response.status_code)
        assert not response.has_header("Content-Disposition")
    client.logout()
