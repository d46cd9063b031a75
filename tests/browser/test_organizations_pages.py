"""Organization pages, checked with axe-core at 360px and 1280px."""

from __future__ import annotations

import pytest

from kyodo.guideline.models import District, Field
from kyodo.organizations import services
from kyodo.organizations.models import MembershipRole, RegistrationStatus
from kyodo.organizations.tests.factories import OrganizationFactory, make_coordinator, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world():
    org = OrganizationFactory(name="NPO法人かわごえ子ども食堂ネット", public_phone="049-000-0000")
    org.fields.add(Field.objects.first())
    org.districts.add(District.objects.first())
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    make_member(org, MembershipRole.OFFICER, display_name="会計 担当")
    other = OrganizationFactory(name="霞ケ関北自治会")
    other_rep = make_member(other, MembershipRole.REPRESENTATIVE)
    need = services.create_offer_need(
        actor=rep,
        org=org,
        kind="need",
        category="volunteers",
        title="調理ボランティア募集",
        body="子ども食堂で調理を手伝ってください。",
        fields=[Field.objects.first()],
    )
    services.create_offer_need(
        actor=other_rep,
        org=other,
        kind="offer",
        category="volunteers",
        title="調理を手伝えます",
        body="土曜日に数人で手伝えます。",
        fields=[Field.objects.first()],
    )
    contact = services.send_contact_request(
        actor=other_rep, to_org=org, subject="手伝えます", body="ご相談ください", offer_need=need
    )
    OrganizationFactory(name="仮登録の会", registration_status=RegistrationStatus.PROVISIONAL)
    return org, rep, need, contact


def test_public_organization_pages_are_accessible(page, axe_check):
    org, _rep, need, _contact = _world()
    axe_check(page, "/organizations/", name="organizations-directory")
    axe_check(
        page,
        "/organizations/?q=かわごえ&verified=on",
        name="organizations-directory-filtered",
        widths=(360,),
    )
    axe_check(page, f"/organizations/{org.pk}/", name="organizations-detail")
    axe_check(page, "/organizations/offers/", name="organizations-offers")
    axe_check(page, f"/organizations/offers/{need.pk}/", name="organizations-offer-detail")


def test_manager_pages_are_accessible(page, axe_check, login):
    org, rep, _need, contact = _world()
    login(page, rep)
    axe_check(page, f"/organizations/{org.pk}/", name="organizations-detail-manager")
    axe_check(page, f"/organizations/{org.pk}/edit/", name="organizations-edit")
    axe_check(page, f"/organizations/{org.pk}/members/", name="organizations-members")
    axe_check(page, f"/organizations/{org.pk}/documents/", name="organizations-documents")
    axe_check(page, f"/organizations/{org.pk}/handover/", name="organizations-handover")
    axe_check(page, f"/organizations/{org.pk}/renew/", name="organizations-renew")
    axe_check(page, f"/organizations/{org.pk}/offers/new/", name="organizations-offer-form")
    with page.expect_navigation():  # axe must not start while the answer is still loading
        page.click("main form.form button[type=submit]")
    axe_check(page, None, name="organizations-offer-form-errors", widths=(360,))
    axe_check(page, "/organizations/contacts/", name="organizations-contact-inbox")
    axe_check(page, f"/organizations/contacts/{contact.pk}/", name="organizations-contact-detail")
    axe_check(page, "/organizations/register/", name="organizations-register")


def test_coordinator_pages_are_accessible(page, axe_check, login):
    org, _rep, _need, _contact = _world()
    login(page, make_coordinator())
    axe_check(page, "/organizations/pending/", name="organizations-pending")
    axe_check(page, "/organizations/import/", name="organizations-import")
    axe_check(page, f"/organizations/{org.pk}/suspend/", name="organizations-suspend")
    axe_check(page, f"/organizations/{org.pk}/contact/", name="organizations-contact-form")


def test_city_setup_pages_are_accessible(page, axe_check, login):
    from kyodo.accounts.tests.factories import UserFactory
    from kyodo.organizations.tests.factories import DepartmentFactory

    make_coordinator()
    dept = DepartmentFactory()
    login(page, UserFactory(is_staff=True, is_superuser=True))
    axe_check(page, "/organizations/city-setup/", name="organizations-city-setup")
    axe_check(page, f"/organizations/city-setup/{dept.pk}/", name="organizations-city-setup-edit")
