"""English mode is English: reference rows with an English name (districts, fields …) print it,
on the pages (bases, events, groups) and in the forms' choices; Japanese mode is unchanged."""

from __future__ import annotations

import pytest

from kyodo.events.tests.factories import EventFactory, FacilityFactory
from kyodo.guideline.models import District, Field
from kyodo.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    district = District.objects.get(name="芳野")
    field = Field.objects.get(name="防災")
    facility = FacilityFactory(district=district)
    event = EventFactory(district=district)
    event.fields.add(field)
    org = OrganizationFactory()
    org.districts.add(district)
    org.fields.add(field)
    return facility, event, org


def page(client, path: str, lang: str) -> str:
    client.cookies["django_language"] = lang
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.parametrize("which", ["facility-list", "facility", "events", "event", "organization"])
def test_district_and_field_names_follow_the_language(client, data, which):
    facility, event, org = data
    path = {
        "facility-list": "/events/bases/",
        "facility": f"/events/bases/{facility.pk}/",
        "events": "/events/",
        "event": f"/events/{event.pk}/",
        "organization": f"/organizations/{org.pk}/",
    }[which]
    english = page(client, path, "en")
    assert "Yoshino" in english
    assert "芳野" not in english
    japanese = page(client, path, "ja")
    assert "芳野" in japanese
    if which in ("event", "organization"):
        assert "Disaster preparedness" in english
        assert "防災" in japanese and "Disaster preparedness" not in japanese
