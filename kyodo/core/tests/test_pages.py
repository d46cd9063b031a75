import pytest
from django.db import connection
from django.test import override_settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/about/", "/accessibility/", "/healthz", "/floor"])
def test_foundation_pages_render(client, path):
    assert client.get(path).status_code == 200


def test_home_page_comes_from_the_guideline_data(client):
    from kyodo.guideline.models import Principle

    Principle.objects.filter(number=1).update(explanation="データから表示される説明文")
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "データから表示される説明文" in html
    assert "人がつながり、魅力があふれ、だれもが住み続けたいまち 川越" in html
    assert "地域づくり推進課" in html  # footer contact


def test_home_page_query_count_is_bounded(client, django_assert_max_num_queries):
    # Guideline data plus the apps' "now" blocks (each cached after the first request).
    with django_assert_max_num_queries(20):
        client.get("/")
    with django_assert_max_num_queries(12):
        client.get("/")


def test_english_is_available(client):
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Self-help, mutual help, public help" in html


def test_404_page_is_in_japanese(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


@override_settings(DEBUG=False)
def test_500_page_is_in_japanese(rf):
    from django.utils import translation

    from kyodo.core.views import server_error

    with translation.override("ja"):
        request = rf.get("/")
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        response = server_error(request)
    assert response.status_code == 500
    assert "システムでエラーが発生しました" in response.content.decode()


def test_security_headers_on_every_page(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_database_settings():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 2  # FULL
            assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
            assert "journal_mode=WAL" in connection.settings_dict["OPTIONS"]["init_command"]
        else:
            assert connection.vendor == "postgresql"
            import psycopg

            assert psycopg.__version__.startswith("3")
            cursor.execute("SHOW server_encoding")
            assert cursor.fetchone()[0] == "UTF8"
    assert (
        connection.settings_dict["TIME_ZONE"] is None
        or connection.settings_dict["TIME_ZONE"] == "Asia/Tokyo"
    )
