"""Every organizations view for every role, refusals included, and the directory's query bound."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kyodo.accounts.tests.factories import PrivateProfileFactory, UserFactory
from kyodo.guideline.models import District, Field, OrganizationType
from kyodo.organizations import services
from kyodo.organizations.models import (
    ContactRequest,
    Membership,
    MembershipRole,
    OfferNeed,
    Organization,
    OrganizationDocument,
    RegistrationStatus,
)
from kyodo.organizations.tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    OrganizationFactory,
    make_coordinator,
    make_member,
    make_staff,
)

pytestmark = pytest.mark.django_db
ROLES = [
    "anonymous",
    "resident",
    "reviewer",
    "member",
    "representative",
    "staff",
    "coordinator",
    "admin",
]


@pytest.fixture
def world():
    org = OrganizationFactory(name="NPO法人かわごえ子ども食堂ネット")
    people = {
        "anonymous": None,
        "resident": UserFactory(),
        "reviewer": UserFactory(),  # reviewers are residents; calls assign the role per round
        "member": make_member(org),
        "representative": make_member(org, MembershipRole.REPRESENTATIVE),
        "staff": make_staff(DepartmentFactory(name="環境政策課")),
        "coordinator": make_coordinator(),
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }
    offer = services.create_offer_need(
        actor=people["representative"],
        org=org,
        kind="need",
        category="volunteers",
        title="調理ボランティア募集",
        body="子ども食堂で調理を手伝ってください。",
    )
    return {"org": org, "people": people, "offer": offer}


def _client(client, world, role):
    user = world["people"][role]
    if user is not None:
        client.force_login(user)
    return client


# expected status per role, in ROLES order
PAGE_MATRIX = {
    "directory": ([], [200] * 8),
    "offer-list": ([], [200] * 8),
    "detail": (["org"], [200] * 8),
    "offer-detail": (["offer"], [200] * 8),
    "edit": (["org"], [302, 403, 403, 403, 200, 403, 200, 200]),
    "members": (["org"], [302, 403, 403, 403, 200, 403, 200, 200]),
    "documents": (["org"], [302, 404, 404, 404, 200, 200, 200, 200]),
    "offer-create": (["org"], [302, 403, 403, 403, 200, 403, 403, 200]),
    "offer-edit": (["offer"], [302, 403, 403, 403, 200, 403, 403, 200]),
    # Administrators (superusers) pass every rule.
    "renew": (["org"], [302, 403, 403, 403, 200, 403, 403, 200]),
    "handover": (["org"], [302, 403, 403, 403, 200, 403, 403, 200]),
    "suspend": (["org"], [302, 403, 403, 403, 403, 403, 200, 200]),
    "pending": ([], [302, 403, 403, 403, 403, 403, 200, 200]),
    "import": ([], [302, 403, 403, 403, 403, 403, 200, 200]),
    "register": ([], [302, 200, 200, 200, 200, 200, 200, 200]),
    "join": (["org"], [302, 200, 200, 403, 403, 200, 200, 200]),
    "contact": (["org"], [302, 200, 200, 200, 200, 200, 200, 200]),
    "contact-inbox": ([], [302, 200, 200, 200, 200, 200, 200, 200]),
}


@pytest.mark.parametrize("name", sorted(PAGE_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_page_access_by_role(client, world, name, role):
    args_keys, expected = PAGE_MATRIX[name]
    args = [world[k].pk for k in args_keys]
    response = _client(client, world, role).get(reverse(f"organizations:{name}", args=args))
    assert response.status_code == expected[ROLES.index(role)]
    if response.status_code == 302:
        assert reverse("accounts:login") in response.url


@pytest.mark.parametrize("role", ROLES)
def test_suspended_organizations_are_hidden_from_outsiders(client, world, role):
    org = world["org"]
    org.registration_status = RegistrationStatus.SUSPENDED
    org.save()
    response = _client(client, world, role).get(reverse("organizations:detail", args=[org.pk]))
    expected = 404 if role in ("anonymous", "resident", "reviewer") else 200
    assert response.status_code == expected
    assert (
        org.name
        not in _client(client, world, role).get(reverse("organizations:directory")).content.decode()
    )


@pytest.mark.parametrize("role", ROLES)
def test_verify_by_role(client, world, role):
    org = OrganizationFactory(registration_status=RegistrationStatus.PROVISIONAL)
    response = _client(client, world, role).post(reverse("organizations:verify", args=[org.pk]))
    org.refresh_from_db()
    if role in ("coordinator", "admin"):
        assert response.status_code == 302 and org.is_verified
    else:
        assert response.status_code in (302, 403) and not org.is_verified


def test_register_page_creates_a_provisional_group(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("organizations:register"),
        {
            "org_type": OrganizationType.objects.get(code="citizen-group").pk,
            "name": "川越ふれあいサロン",
            "kana": "カワゴエフレアイサロン",
            "fields": [Field.objects.get(code="welfare").pk],
            "districts": [District.objects.get(code="daito").pk],
            "description": "高齢者の居場所づくり",
            "declared_not_political": "on",
            "declared_not_religious": "on",
            "declared_no_antisocial_ties": "on",
        },
    )
    org = Organization.objects.get(name="川越ふれあいサロン")
    assert response.status_code == 302 and response.url == reverse(
        "organizations:detail", args=[org.pk]
    )
    assert org.kana == "かわごえふれあいさろん"
    assert org.registration_status == RegistrationStatus.PROVISIONAL
    assert Membership.objects.get(organization=org).user == user


def test_register_page_refuses_without_declarations(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("organizations:register"),
        {
            "org_type": OrganizationType.objects.get(code="npo").pk,
            "name": "誓約なし",
            "kana": "せいやくなし",
        },
    )
    assert response.status_code == 200
    assert not Organization.objects.filter(name="誓約なし").exists()


def test_department_type_cannot_be_chosen_at_registration(client):
    client.force_login(UserFactory())
    client.post(
        reverse("organizations:register"),
        {
            "org_type": OrganizationType.objects.get(code="department").pk,
            "name": "偽の課",
            "kana": "にせのか",
            "declared_not_political": "on",
            "declared_not_religious": "on",
            "declared_no_antisocial_ties": "on",
        },
    )
    assert not Organization.objects.filter(name="偽の課").exists()


def test_edit_saves_and_updates_search_text(client, world):
    client.force_login(world["people"]["representative"])
    org = world["org"]
    response = client.post(
        reverse("organizations:edit", args=[org.pk]),
        {
            "name": org.name,
            "kana": org.kana,
            "description": "フードバンクも始めました",
            "website": "https://example.jp/",
        },
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert "ふーどばんく" in org.search_text


def test_detail_shows_public_names_roles_and_badge_but_no_private_data(client, world):
    org = world["org"]
    rep = world["people"]["representative"]
    PrivateProfileFactory(user=rep, real_name="代表 秘子", phone="049-000-9999")
    html = client.get(reverse("organizations:detail", args=[org.pk])).content.decode()
    assert rep.public_name in html and "代表者" in html and "市に本登録済み" in html
    assert rep.email not in html and "代表 秘子" not in html and "049-000-9999" not in html


def test_org_page_sections_from_other_apps(client, world):
    from kyodo.organizations import hooks

    hooks.register_org_section(
        "test",
        99,
        "organizations/me_section.html",
        lambda request, org: {"memberships": [], "managed": []},
    )
    try:
        html = client.get(reverse("organizations:detail", args=[world["org"].pk])).content.decode()
        assert 'id="me-orgs"' in html
    finally:
        hooks._sections.pop("test")


def test_directory_is_sorted_by_kana_and_paginated(client):
    for kana in ["わ", "あ", "か"]:
        OrganizationFactory(kana=kana, name=f"団体{kana}")
    html = client.get(reverse("organizations:directory")).content.decode()
    assert html.index("団体あ") < html.index("団体か") < html.index("団体わ")


def test_directory_query_count_does_not_grow(client, django_assert_max_num_queries):
    def build(n):
        field = Field.objects.first()
        district = District.objects.first()
        for _ in range(n):
            org = OrganizationFactory()
            org.fields.add(field)
            org.districts.add(district)

    build(2)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("organizations:directory")).status_code == 200
    build(28)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("organizations:directory") + "?verified=on").status_code == 200


def test_offer_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    rep = world["people"]["representative"]
    for i in range(2):
        services.create_offer_need(
            actor=rep, org=world["org"], kind="offer", category="venue", title=f"会場{i}", body="b"
        )
    with django_assert_max_num_queries(10):
        client.get(reverse("organizations:offer-list"))
    for i in range(28):
        services.create_offer_need(
            actor=rep, org=world["org"], kind="offer", category="venue", title=f"会場{i}", body="b"
        )
    with django_assert_max_num_queries(10):
        client.get(reverse("organizations:offer-list"))


def test_directory_exports_public_fields_only(client):
    org = OrganizationFactory(name="株式会社小江戸印刷", public_phone="049-222-0000")
    rep = make_member(org, MembershipRole.REPRESENTATIVE, email="boss@example.jp")
    PrivateProfileFactory(user=rep, real_name="社長 太郎")
    response = client.get(reverse("organizations:directory-export", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "株式会社小江戸印刷" in text and "049-222-0000" in text
    assert "boss@example.jp" not in text and "社長 太郎" not in text
    response = client.get(reverse("organizations:directory-export", args=["xlsx"]))
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "株式会社小江戸印刷" in values and "boss@example.jp" not in values


def test_join_request_and_approval_pages(client, world):
    org = world["org"]
    applicant = world["people"]["resident"]
    client.force_login(applicant)
    assert (
        client.post(
            reverse("organizations:join", args=[org.pk]), {"message": "よろしく"}
        ).status_code
        == 302
    )
    membership = Membership.objects.get(user=applicant, organization=org)
    assert membership.status == "requested"
    # A plain member cannot approve.
    client.force_login(world["people"]["member"])
    assert (
        client.post(
            reverse("organizations:membership-action", args=[org.pk, membership.pk, "approve"])
        ).status_code
        == 403
    )
    client.force_login(world["people"]["representative"])
    assert (
        client.post(
            reverse("organizations:membership-action", args=[org.pk, membership.pk, "approve"])
        ).status_code
        == 302
    )
    membership.refresh_from_db()
    assert membership.status == "active"


def test_invitation_pages(client, world, django_capture_on_commit_callbacks):
    org = world["org"]
    client.force_login(world["people"]["representative"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("organizations:invite", args=[org.pk]),
            {"email": "new@example.jp", "role": "officer"},
        )
    invitation = org.invitations.get()
    token = services.invitation_token(invitation)
    newcomer = UserFactory(email="new@example.jp")
    client.force_login(newcomer)
    url = reverse("organizations:invitation-accept", args=[token])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert Membership.objects.get(user=newcomer, organization=org).role == "officer"
    assert (
        client.get(reverse("organizations:invitation-accept", args=["bad-token"])).status_code
        == 400
    )


def test_handover_page(client, world):
    org, rep, member = world["org"], world["people"]["representative"], world["people"]["member"]
    client.force_login(rep)
    response = client.post(
        reverse("organizations:handover", args=[org.pk]), {"member": str(member.pk)}
    )
    assert response.status_code == 302
    assert Membership.objects.get(organization=org, role="representative").user == member


def test_documents_are_private_and_served_through_the_view(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = world["org"]
    client.force_login(world["people"]["representative"])
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = client.post(
        reverse("organizations:documents", args=[org.pk]),
        {"kind": "roster", "file": SimpleUploadedFile("名簿.pdf", pdf)},
    )
    assert response.status_code == 302
    doc = OrganizationDocument.objects.get()
    url = reverse("organizations:document-download", args=[org.pk, doc.pk])
    response = client.get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    for role, expected in [
        ("member", 404),
        ("resident", 404),
        ("staff", 200),
        ("coordinator", 200),
    ]:
        client.force_login(world["people"][role])
        assert client.get(url).status_code == expected, role
    client.logout()
    assert client.get(url).status_code == 302
    # A member cannot upload either.
    client.force_login(world["people"]["member"])
    response = client.post(
        reverse("organizations:documents", args=[org.pk]),
        {"kind": "rules", "file": SimpleUploadedFile("x.pdf", pdf)},
    )
    assert response.status_code == 404


def test_logo_upload_is_validated(client, world, settings, tmp_path):
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    org = world["org"]
    client.force_login(world["people"]["representative"])
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buf, format="PNG")
    response = client.post(
        reverse("organizations:logo-upload", args=[org.pk]),
        {"logo": SimpleUploadedFile("logo.png", buf.getvalue(), content_type="image/png")},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.logo
    assert client.get(reverse("organizations:logo", args=[org.pk])).status_code == 200
    response = client.post(
        reverse("organizations:logo-upload", args=[org.pk]),
        {"logo": SimpleUploadedFile("logo.png", b"<svg></svg>", content_type="image/png")},
    )
    assert response.status_code == 400


def test_contact_flow_through_pages(client, world):
    org, offer = world["org"], world["offer"]
    sender = world["people"]["resident"]
    client.force_login(sender)
    response = client.post(
        reverse("organizations:contact", args=[org.pk]) + f"?offer={offer.pk}",
        {"subject": "手伝えます", "body": "土曜日なら行けます", "from_organization": ""},
    )
    contact = ContactRequest.objects.get()
    assert response.status_code == 302 and contact.offer_need == offer
    url = reverse("organizations:contact-detail", args=[contact.pk])
    client.force_login(world["people"]["representative"])
    html = client.get(url).content.decode()
    assert "土曜日なら行けます" in html and sender.email not in html
    assert client.post(url, {"body": "ありがとうございます"}).status_code == 302
    for role in ("member", "staff", "reviewer"):
        client.force_login(world["people"][role])
        assert client.get(url).status_code == 404
    client.force_login(world["people"]["admin"])
    assert client.get(url).status_code == 200


def test_offer_pages(client, world):
    org, offer = world["org"], world["offer"]
    client.force_login(world["people"]["representative"])
    response = client.post(
        reverse("organizations:offer-create", args=[org.pk]),
        {
            "kind": "offer",
            "category": "venue",
            "title": "会議室を貸します",
            "body": "平日夜",
            "fields": [Field.objects.first().pk],
        },
    )
    assert response.status_code == 302
    created = OfferNeed.objects.get(title="会議室を貸します")
    response = client.post(
        reverse("organizations:offer-status", args=[offer.pk]), {"status": "closed"}
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "closed"
    client.force_login(world["people"]["member"])
    assert (
        client.post(
            reverse("organizations:offer-status", args=[created.pk]), {"status": "closed"}
        ).status_code
        == 403
    )


def test_my_page_lists_my_organizations(client, world):
    client.force_login(world["people"]["member"])
    html = client.get(reverse("accounts:me")).content.decode()
    assert world["org"].name in html


def test_departments_list_their_staff_as_members(client):
    dept = DepartmentFactory(name="防災危機管理室")
    staff = make_staff(dept, display_name="防災 担当")
    MembershipFactory(
        organization=dept, user=UserFactory(display_name="室長"), role="officer", title="室長"
    )
    html = client.get(reverse("organizations:detail", args=[dept.pk])).content.decode()
    assert "防災 担当" in html and staff.email not in html
