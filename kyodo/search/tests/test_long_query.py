"""A search that is too long says so (the page is not left empty)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_300_character_search_shows_a_message(client):
    response = client.get(reverse("search:results"), {"q": "川" * 300})
    assert response.status_code == 200
    html = response.content.decode()
    assert "notice--error" in html
    assert "200" in html
