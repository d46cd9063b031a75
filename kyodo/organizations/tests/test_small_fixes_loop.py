"""The offer form's radio group has no 「---------」; expired groups carry a badge in the
directory."""

import pytest
from django.urls import reverse

from kyodo.organizations.forms import OfferNeedForm
from kyodo.organizations.models import RegistrationStatus
from kyodo.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_the_offer_kind_radio_group_offers_no_empty_choice():
    form = OfferNeedForm()
    choices = [value for value, _label in form.fields["kind"].choices]
    assert "" not in choices
    assert "---------" not in str(form["kind"])
    assert "checked" not in str(form["kind"])


def test_expired_groups_carry_a_badge_in_the_directory(client):
    OrganizationFactory(name="期限切れの会", registration_status=RegistrationStatus.EXPIRED)
    html = client.get(reverse("organizations:directory")).content.decode()
    item = html[html.index("期限切れの会") :][:800]
    assert "登録期限切れ" in item or "Registration expired" in item
