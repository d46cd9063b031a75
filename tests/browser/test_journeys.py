"""End-to-end journeys through the real pages, in Japanese and in English."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from kyodo.accounts.models import User
from kyodo.challenges.models import Issue
from kyodo.events.models import Registration
from kyodo.events.tests.factories import EventFactory
from kyodo.guideline.models import District, Field
from kyodo.organizations.models import Membership, MembershipRole
from kyodo.organizations.services import decide_join_request
from kyodo.organizations.tests.factories import OrganizationFactory, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit_main_form(page, form_selector: str = "main form") -> None:
    with page.expect_navigation():
        page.locator(form_selector).last.locator("button[type=submit]").last.click()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_resident_signs_up_joins_a_group_raises_an_issue_and_registers(request, live_url, lang):
    page = request.getfixturevalue("page" if lang == "ja" else "page_en")
    group = OrganizationFactory(name="芳野まちづくりの会")
    representative = make_member(group, MembershipRole.REPRESENTATIVE)
    event = EventFactory(title="ごみゼロ運動", capacity=5)
    yoshino = District.objects.get(code="yoshino")
    email = f"newcomer-{lang}@example.jp"

    # 1. Sign up, then confirm the e-mail address from the link in the message.
    page.goto(live_url("/accounts/signup/"))
    page.fill("#id_email", email)
    page.fill("#id_display_name", "ひろし")
    page.fill("#id_password", "a long and unusual passphrase 2026")
    page.select_option("#id_residency", "lives")
    page.select_option("#id_district", str(yoshino.pk))
    page.check("#id_agree")
    submit_main_form(page)
    assert not User.objects.get(email=email).is_active
    link = re.search(r"/accounts/confirm/[^\s]+/", mail.outbox[-1].body).group(0)
    page.goto(live_url(link))
    user = User.objects.get(email=email)
    assert user.is_active and user.email_confirmed_at is not None

    # 2. Ask to join a group; its representative accepts.
    page.goto(live_url(f"/organizations/{group.pk}/join/"))
    submit_main_form(page)
    membership = Membership.objects.get(user=user, organization=group)
    decide_join_request(actor=representative, membership=membership, approve=True)
    membership.refresh_from_db()
    assert membership.status == "active"

    # 3. Raise a local issue.
    page.goto(live_url("/issues/new/"))
    page.fill("#id_title", "芳野の用水路沿いの柵が壊れている")
    page.fill("#id_description", "子どもが通る道なので危ないです。")
    page.select_option("#id_district", str(yoshino.pk))
    page.select_option("#id_field", str(Field.objects.get(code="crime-prevention").pk))
    submit_main_form(page)
    issue = Issue.objects.get(author=user)
    assert "芳野の用水路沿いの柵が壊れている" in page.inner_text("main")

    # 4. Register for an event.
    page.goto(live_url(f"/events/{event.pk}/"))
    submit_main_form(page, f"form[action='/events/{event.pk}/register/']")
    assert Registration.objects.get(event=event, user=user).status == "confirmed"
    assert issue.district == yoshino
    assert page.get_attribute("html", "lang") == lang
