from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from kyodo.accounts.tests.factories import UserFactory
from kyodo.core.models import AuditEvent
from kyodo.guideline.models import District, Field, OrganizationType
from kyodo.notifications.models import Notification
from kyodo.organizations import services
from kyodo.organizations.models import (
    ContactStatus,
    Membership,
    MembershipRole,
    MembershipStatus,
    OfferStatus,
    Organization,
    RegistrationStatus,
)
from kyodo.organizations.predicates import is_representative_of
from kyodo.organizations.tests.factories import (
    OrganizationFactory,
    make_coordinator,
    make_member,
    make_staff,
)
from kyodo.organizations.text import bigrams, normalise, overlap

pytestmark = pytest.mark.django_db
DECLARED = {
    "declared_not_political": True,
    "declared_not_religious": True,
    "declared_no_antisocial_ties": True,
}


def _register(actor, **extra):
    values = {
        "name": "NPO法人テスト",
        "kana": "てすと",
        "org_type": OrganizationType.objects.get(code="npo"),
    }
    values.update(extra)
    return services.register_organization(
        actor=actor,
        declarations=DECLARED,
        fields=Field.objects.all()[:2],
        districts=District.objects.all()[:1],
        **values,
    )


def test_normalise_folds_width_case_and_katakana():
    assert normalise("ＮＰＯ法人 カワゴエ") == "npo法人かわごえ"
    assert normalise("ｶﾜｺﾞｴ") == "かわごえ"
    assert overlap(bigrams("子ども食堂"), bigrams("こども食堂")) > 0.4


@time_machine.travel("2026-11-25 10:00 +0900", tick=False)
def test_registration_is_provisional_and_the_registrant_becomes_representative():
    make_coordinator()
    user = UserFactory()
    org = _register(user)
    assert org.registration_status == RegistrationStatus.PROVISIONAL
    assert org.registration_expires_on == dt.date(2027, 3, 31)
    assert org.declarations_at is not None and org.declared_not_religious
    assert "npo法人てすと" in org.search_text
    assert is_representative_of(user, org)
    assert org.fields.count() == 2
    assert AuditEvent.objects.filter(verb="organizations.organization.register").exists()
    assert Notification.objects.filter(kind="organizations.registered").count() == 1


def test_registration_needs_all_declarations_and_a_group_type():
    user = UserFactory()
    with pytest.raises(ValidationError):
        services.register_organization(
            actor=user,
            declarations={**DECLARED, "declared_not_religious": False},
            name="x",
            kana="x",
            org_type=OrganizationType.objects.get(code="npo"),
        )
    with pytest.raises(ValidationError):
        _register(user, org_type=OrganizationType.objects.get(code="department"))
    assert not Organization.objects.filter(name="x").exists()


def test_only_coordinators_verify():
    org = OrganizationFactory(registration_status=RegistrationStatus.PROVISIONAL)
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    for actor in (rep, make_staff(), UserFactory()):
        with pytest.raises(PermissionDenied):
            services.verify_organization(actor=actor, org=org)
    coordinator = make_coordinator()
    org = services.verify_organization(actor=coordinator, org=org)
    assert org.is_verified and org.verified_by == coordinator
    assert Notification.objects.filter(recipient=rep, kind="organizations.verified").exists()
    with pytest.raises(PermissionDenied):  # already verified
        services.verify_organization(actor=coordinator, org=org)


def test_registrations_expire_at_fiscal_year_end_and_renewal():
    with time_machine.travel("2026-11-25 10:00 +0900", tick=False):
        org = OrganizationFactory(registration_expires_on=dt.date(2027, 3, 31))
        rep = make_member(org, MembershipRole.REPRESENTATIVE)
        assert services.expire_registrations() == 0
    with time_machine.travel("2027-04-01 09:00 +0900", tick=False):
        assert services.expire_registrations() == 1
        org.refresh_from_db()
        assert org.registration_status == RegistrationStatus.EXPIRED
        assert services.expire_registrations() == 0  # idempotent
        assert Notification.objects.filter(recipient=rep, kind="organizations.expired").exists()
        org = services.renew_registration(actor=rep, org=org, declarations=DECLARED)
        assert org.registration_status == RegistrationStatus.PROVISIONAL
        assert org.registration_expires_on == dt.date(2028, 3, 31)


@time_machine.travel("2027-03-10 10:00 +0900", tick=False)
def test_renewing_a_verified_registration_extends_it_by_a_fiscal_year():
    org = OrganizationFactory(registration_expires_on=dt.date(2027, 3, 31))
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    org = services.renew_registration(actor=rep, org=org, declarations=DECLARED)
    assert org.is_verified and org.registration_expires_on == dt.date(2028, 3, 31)
    with pytest.raises(PermissionDenied):
        services.renew_registration(actor=make_member(org), org=org, declarations=DECLARED)


def test_expire_command(capsys):
    from django.core.management import call_command

    OrganizationFactory(registration_expires_on=dt.date(2020, 3, 31))
    call_command("expire_registrations", "--today", "2026-05-01")
    assert "1 registrations expired" in capsys.readouterr().out


def test_hand_over_is_one_transaction_with_one_representative():
    org = OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    member = make_member(org)
    with pytest.raises(PermissionDenied):
        services.hand_over_representative(actor=member, org=org, to_user=member)
    with pytest.raises(ValidationError):
        services.hand_over_representative(actor=rep, org=org, to_user=UserFactory())
    services.hand_over_representative(actor=rep, org=org, to_user=member)
    roles = dict(Membership.objects.filter(organization=org).values_list("user_id", "role"))
    assert roles == {rep.pk: MembershipRole.OFFICER, member.pk: MembershipRole.REPRESENTATIVE}
    # The database refuses a second active representative.
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(organization=org, user=rep).update(
            role=MembershipRole.REPRESENTATIVE
        )


def test_invitation_by_email(django_capture_on_commit_callbacks):
    org = OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    with pytest.raises(PermissionDenied):
        services.invite_member(actor=make_member(org), org=org, email="x@example.jp")
    with pytest.raises(ValidationError):
        services.invite_member(
            actor=rep, org=org, email="x@example.jp", role=MembershipRole.REPRESENTATIVE
        )
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_member(
            actor=rep, org=org, email="Guest@Example.jp", role=MembershipRole.CLERK
        )
    assert mail.outbox[-1].to == ["guest@example.jp"]
    token = services.invitation_token(invitation)
    with pytest.raises(ValidationError):
        services.accept_invitation(actor=UserFactory(), token=token)
    guest = UserFactory(email="guest@example.jp")
    membership = services.accept_invitation(actor=guest, token=token)
    assert membership.role == MembershipRole.CLERK and membership.status == MembershipStatus.ACTIVE
    with pytest.raises(ValidationError):
        services.accept_invitation(actor=guest, token=token)


def test_join_request_is_approved_or_declined_by_managers():
    org = OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    applicant = UserFactory()
    membership = services.request_to_join(actor=applicant, org=org, message="参加したいです")
    assert Notification.objects.filter(recipient=rep, kind="organizations.join_requested").exists()
    with pytest.raises(ValidationError):
        services.request_to_join(actor=applicant, org=org)
    with pytest.raises(PermissionDenied):
        services.decide_join_request(actor=make_member(org), membership=membership, approve=True)
    membership = services.decide_join_request(actor=rep, membership=membership, approve=True)
    assert membership.status == MembershipStatus.ACTIVE
    other = services.request_to_join(actor=UserFactory(), org=org)
    assert (
        services.decide_join_request(actor=rep, membership=other, approve=False).status
        == MembershipStatus.LEFT
    )


def test_departments_cannot_be_joined_by_request():
    from kyodo.organizations.tests.factories import DepartmentFactory

    with pytest.raises(PermissionDenied):
        services.request_to_join(actor=UserFactory(), org=DepartmentFactory())


def test_roles_and_leaving():
    org = OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    member = make_member(org)
    m = Membership.objects.get(user=member, organization=org)
    m = services.change_member_role(
        actor=rep, membership=m, role=MembershipRole.OFFICER, title="会計"
    )
    assert (m.role, m.title) == (MembershipRole.OFFICER, "会計")
    rep_membership = Membership.objects.get(user=rep, organization=org)
    with pytest.raises(ValidationError):
        services.change_member_role(
            actor=rep, membership=rep_membership, role=MembershipRole.MEMBER
        )
    with pytest.raises(PermissionDenied):
        services.remove_member(
            actor=rep, membership=rep_membership
        )  # the representative cannot leave
    services.remove_member(actor=member, membership=m)
    m.refresh_from_db()
    assert m.status == MembershipStatus.LEFT


def test_offers_and_matching():
    a, b, c = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    rep_a, rep_b, rep_c = (make_member(o, MembershipRole.REPRESENTATIVE) for o in (a, b, c))
    childcare = Field.objects.get(code="childcare")
    env = Field.objects.get(code="environment")
    honcho = District.objects.get(code="honcho")
    need = services.create_offer_need(
        actor=rep_a,
        org=a,
        kind="need",
        category="volunteers",
        title="子ども食堂の調理ボランティアを募集",
        body="毎月の子ども食堂で調理を手伝ってください。",
        fields=[childcare],
        districts=[honcho],
    )
    good = services.create_offer_need(
        actor=rep_b,
        org=b,
        kind="offer",
        category="volunteers",
        title="子ども食堂を手伝う学生ボランティア",
        body="調理や配膳を手伝えます。",
        fields=[childcare],
        districts=[honcho],
    )
    weak = services.create_offer_need(
        actor=rep_c,
        org=c,
        kind="offer",
        category="equipment",
        title="テントを貸します",
        body="イベント用のテントがあります。",
        fields=[env],
    )
    same_kind = services.create_offer_need(
        actor=rep_c,
        org=c,
        kind="need",
        category="volunteers",
        title="子ども食堂ボランティア",
        body="調理",
        fields=[childcare],
    )
    from kyodo.organizations.selectors import suggest_matches

    matches = suggest_matches(need)
    ids = [m.offer.pk for m in matches]
    assert ids[0] == good.pk
    assert same_kind.pk not in ids and weak.pk not in ids
    assert matches[0].shared_fields == [childcare]
    with pytest.raises(PermissionDenied):
        services.create_offer_need(
            actor=rep_b, org=a, kind="offer", category="other", title="x", body="y"
        )
    services.set_offer_status(actor=rep_b, offer=good, status=OfferStatus.CLOSED)
    assert good.pk not in [m.offer.pk for m in suggest_matches(need)]


def test_contact_requests_go_through_the_platform():
    to_org = OrganizationFactory()
    rep = make_member(to_org, MembershipRole.REPRESENTATIVE)
    officer = make_member(to_org, MembershipRole.OFFICER)
    sender = UserFactory()
    contact = services.send_contact_request(
        actor=sender, to_org=to_org, subject="相談", body="会場について"
    )
    assert set(
        Notification.objects.filter(kind="organizations.contact_request").values_list(
            "recipient_id", flat=True
        )
    ) == {rep.pk, officer.pk}
    note = Notification.objects.filter(kind="organizations.contact_request").first()
    assert sender.email not in note.subject + note.body
    services.reply_to_contact_request(actor=rep, contact=contact, body="どうぞお越しください")
    assert Notification.objects.filter(
        kind="organizations.contact_reply", recipient=sender
    ).exists()
    with pytest.raises(PermissionDenied):
        services.reply_to_contact_request(actor=UserFactory(), contact=contact, body="横から")
    services.close_contact_request(actor=sender, contact=contact)
    assert contact.status == ContactStatus.CLOSED
    with pytest.raises(ValidationError):
        services.reply_to_contact_request(actor=rep, contact=contact, body="まだ")
    with pytest.raises(PermissionDenied):  # may not write on behalf of a group one does not manage
        services.send_contact_request(
            actor=sender, to_org=to_org, subject="x", body="y", from_org=OrganizationFactory()
        )


def test_documents_are_validated(tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    org = OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    doc = services.add_document(
        actor=rep, org=org, kind="rules", upload=SimpleUploadedFile("規約.pdf", pdf)
    )
    assert doc.original_name == "規約.pdf" and doc.content_type == "application/pdf"
    with pytest.raises(ValidationError):
        services.add_document(
            actor=rep, org=org, kind="rules", upload=SimpleUploadedFile("x.pdf", b"<html>")
        )
    with pytest.raises(PermissionDenied):
        services.add_document(
            actor=make_member(org), org=org, kind="rules", upload=SimpleUploadedFile("y.pdf", pdf)
        )


def test_directory_search_and_filters():
    from kyodo.organizations.selectors import DirectoryFilters, directory_queryset

    npo = OrganizationFactory(
        name="NPO法人かわごえ子ども食堂ネット", kana="かわごえこどもしょくどうねっと"
    )
    npo.search_text = services.search_text_for(npo)
    npo.save()
    npo.districts.add(District.objects.get(code="yamada"))
    other = OrganizationFactory(
        name="霞ケ関北自治会",
        kana="かすみがせききたじちかい",
        registration_status="provisional",
        org_type=OrganizationType.objects.get(code="jichikai"),
    )
    other.search_text = services.search_text_for(other)
    other.save()
    OrganizationFactory(name="停止中の会", registration_status=RegistrationStatus.SUSPENDED)

    def names(**kw):
        return set(directory_queryset(DirectoryFilters(**kw)).values_list("name", flat=True))

    assert names(q="コドモ") == {npo.name}
    assert names(q="ｶｽﾐｶﾞｾｷ") == {other.name}
    assert names(district="yamada") == {npo.name}
    assert "停止中の会" not in names()
    assert other.name not in names(verified=True)
    assert names(org_type="npo", q="自治会") == set()
    assert names(org_type="jichikai") == {other.name}
