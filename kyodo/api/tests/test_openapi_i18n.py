"""The API speaks the reader's language: the OpenAPI document (summaries, descriptions,
parameter and field descriptions) and the 422 details follow Accept-Language, as the pages."""

from __future__ import annotations

from typing import Any

import pytest

from kyodo.api.management.commands.api_messages import document_texts
from kyodo.api.openapi_messages import MESSAGES

pytestmark = pytest.mark.django_db


def document(client: Any, lang: str) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return response.json()


def test_every_text_of_the_document_is_a_message_to_translate():
    missing = sorted(set(document_texts()) - set(MESSAGES))
    assert not missing, (
        "run `manage.py api_messages`, `manage.py translations extract api` and translate: "
        + repr(missing[:5])
    )


def test_the_document_is_japanese_for_japanese_readers(client):
    doc = document(client, "ja")
    assert doc["info"]["description"].startswith("協働ポータルの公開データをJSONで提供します")
    listing = doc["paths"]["/api/v1/organizations"]["get"]
    assert listing["summary"] == "団体の一覧"
    assert listing["description"].startswith("登録団体。五十音順")
    params = {p["name"]: p for p in listing["parameters"]}
    assert params["limit"]["description"] == "1ページの件数（1～100）"
    assert listing["responses"]["429"]["description"].startswith("リクエストが多すぎ")
    call = doc["components"]["schemas"]["CallOut"]["properties"]["fiscal_year"]
    assert call["description"] == "年度（例：2026 = 令和8年度）"


def test_the_document_is_english_for_english_readers(client):
    doc = document(client, "en")
    assert doc["info"]["description"].startswith("The public data of Kyodo")
    listing = doc["paths"]["/api/v1/organizations"]["get"]
    assert listing["summary"] == "List Organizations"
    call = doc["components"]["schemas"]["CallOut"]["properties"]["fiscal_year"]
    assert call["description"] == "fiscal year (年度), e.g. 2026 = 令和8年度"
    # The Japanese document of the request before did not leak into this one.
    assert document(client, "ja")["paths"]["/api/v1/organizations"]["get"]["summary"] == (
        "団体の一覧"
    )
    assert document(client, "en")["paths"]["/api/v1/organizations"]["get"]["summary"] == (
        "List Organizations"
    )


@pytest.mark.parametrize(
    ("url", "ja", "en"),
    [
        (
            "/api/v1/organizations?limit=500",
            "100以下の値を入力してください。",
            "Enter a value of 100 or less.",
        ),
        ("/api/v1/organizations?limit=abc", "整数を入力してください。", "Enter a whole number."),
        ("/api/v1/organizations?q=a%00b", "NUL文字を含む文字列は使えません。", "NUL"),
        ("/api/v1/events?date_from=0", "日付をYYYY-MM-DDの形式で入力してください。", "YYYY-MM-DD"),
    ],
)
def test_422_details_follow_the_language(client, url, ja, en):
    japanese = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").json()["error"]
    assert japanese["details"][0]["message"] == ja
    assert japanese["message"] == "送信された値に誤りがあります。"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["error"]
    assert en in english["details"][0]["message"]
    assert japanese["details"][0]["type"] == english["details"][0]["type"]


def test_the_docs_page_lists_the_endpoints_in_japanese(client):
    html = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "団体の一覧" in html
