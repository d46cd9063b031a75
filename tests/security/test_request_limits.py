"""Finding 10: a request body over the limit is refused (413) before it is read, with or
without Content-Length; and a malformed multipart body answers 400, never 500 (finding 5)."""

from __future__ import annotations

import io

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.utils import translation

from kyodo.accounts.tests.factories import UserFactory
from kyodo.api.services import create_token
from kyodo.core.middleware import RequestBodyLimitMiddleware

LIMIT = 4096


class ExplodingStream:
    """wsgi.input that must never be read."""

    def read(self, *args):  # pragma: no cover - reaching it is the failure
        raise AssertionError("the body was read")

    readline = read


def _middleware_answer(request) -> HttpResponse:
    def view(req):
        return HttpResponse(str(len(req.body)))

    with override_settings(KYODO_MAX_REQUEST_BYTES=LIMIT), translation.override("ja"):
        return RequestBodyLimitMiddleware(view)(request)


@pytest.mark.parametrize("path", ["/issues/new/", "/api/v1/issues"])
def test_a_declared_length_over_the_limit_is_refused_without_reading(path):
    request = RequestFactory().post(path, data=b"", content_type="application/octet-stream")
    request.META["CONTENT_LENGTH"] = str(300 * 1024 * 1024)
    request.META["wsgi.input"] = ExplodingStream()
    request._stream = ExplodingStream()
    response = _middleware_answer(request)
    assert response.status_code == 413
    body = response.content.decode()
    assert "大きすぎ" in body
    if path.startswith("/api/"):
        assert response["Content-Type"].startswith("application/json")
        assert '"payload_too_large"' in body


def _chunked(size: int):
    request = RequestFactory().post("/x/", data=b"", content_type="application/octet-stream")
    request.META.pop("CONTENT_LENGTH", None)
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    request.META["wsgi.input"] = io.BytesIO(b"a" * size)
    return request


def test_a_chunked_body_over_the_limit_is_refused():
    assert _middleware_answer(_chunked(LIMIT + 1)).status_code == 413


def test_a_chunked_body_within_the_limit_reaches_the_view_whole():
    response = _middleware_answer(_chunked(LIMIT))
    assert response.status_code == 200 and response.content == str(LIMIT).encode()


@pytest.mark.parametrize("value", ["abc", "-1", "1e9", "１２"])
def test_a_malformed_content_length_is_a_bad_request(value):
    request = RequestFactory().post("/x/", data=b"", content_type="application/octet-stream")
    request.META["CONTENT_LENGTH"] = value
    assert _middleware_answer(request).status_code == 400


@pytest.mark.django_db
@override_settings(KYODO_MAX_REQUEST_BYTES=LIMIT)
def test_through_the_whole_stack():
    """Installed in MIDDLEWARE: a real POST over the limit gets 413, a small one does not."""
    client = Client()
    big = client.post("/accounts/login/", data=b"x" * (LIMIT + 1), content_type="text/plain")
    assert big.status_code == 413
    small = client.post("/accounts/login/", {"username": "a@example.jp", "password": "x"})
    assert small.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=" + "x" * 300,
        "multipart/form-data; boundary=\x7fbad",
    ],
)
@pytest.mark.parametrize("application_id", [1, 999999])
def test_api_multipart_without_a_usable_boundary_is_400(content_type, application_id):
    raw = create_token(actor=UserFactory(), name="script").raw
    response = Client().post(
        f"/api/v1/applications/{application_id}/documents",
        data=b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc\r\n--x--\r\n',
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code in (400, 404, 422), response.content
    assert response["Content-Type"].startswith("application/json")
