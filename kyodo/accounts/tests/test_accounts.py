from __future__ import annotations

import json
import re

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from kyodo.accounts import services
from kyodo.accounts.models import PrivateProfile, User
from kyodo.accounts.personal_data import collect_personal_data, register_personal_data_exporter
from kyodo.accounts.tests.factories import PrivateProfileFactory, UserFactory
from kyodo.core.models import AuditEvent
from kyodo.guideline.models import District, Field
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import OrganizationFactory, make_member

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def _link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert match, body
    return match.group(1)


# --- Sign-up and confirmation ------------------------------------------------------------


def test_signup_sends_a_link_and_confirming_activates_and_logs_in(
    client, django_capture_on_commit_callbacks
):
    district = District.objects.first()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:signup"),
            {
                "email": "New@Example.jp",
                "display_name": "新しい人",
                "password": "ながいパスワード-2026",
                "residency": "lives",
                "district": district.pk,
                "agree": "on",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.jp")
    assert not user.is_active and user.email_confirmed_at is None
    assert PrivateProfile.objects.filter(user=user).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.jp"]
    # An unconfirmed account cannot log in.
    assert not client.login(email="new@example.jp", password="ながいパスワード-2026")
    response = client.get(_link(mail.outbox[0].body))
    assert response.status_code == 302 and response.url == reverse("accounts:me")
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at is not None
    assert client.get(reverse("accounts:me")).status_code == 200


def test_signup_refuses_a_taken_address_and_weak_passwords(client):
    UserFactory(email="taken@example.jp")
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "taken@example.jp",
            "display_name": "x",
            "password": "password",
            "agree": "on",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    # The weak password is refused; whether the address is taken is not said.
    assert 'href="#id_email"' not in html and 'href="#id_password"' in html
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "short@example.jp",
            "display_name": "x",
            "password": "abc12",
            "agree": "on",
        },
    )
    assert 'href="#id_password"' in response.content.decode()
    assert not User.objects.filter(email="short@example.jp").exists()


def test_signup_answers_the_same_whether_or_not_the_address_has_an_account(
    client, django_capture_on_commit_callbacks
):
    """No account enumeration: the same redirect and page for a taken and a new address; the
    owner of the taken one is told by e-mail instead."""
    owner = UserFactory(email="taken@example.jp")
    answers = []
    for email in ("taken@example.jp", "Fresh@example.jp"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:signup"),
                {
                    "email": email,
                    "display_name": "誰か",
                    "password": "ながいパスワード-2026",
                    "agree": "on",
                },
            )
        answers.append((response.status_code, response.get("Location")))
    assert answers[0] == answers[1] == (302, reverse("accounts:signup-sent"))
    assert User.objects.filter(email__iexact="taken@example.jp").count() == 1
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)  # nothing about the account changed
    to_owner = [m for m in mail.outbox if m.to == ["taken@example.jp"]]
    assert len(to_owner) == 1 and "/accounts/login/" in to_owner[0].body
    assert [m.to for m in mail.outbox if m not in to_owner] == [["fresh@example.jp"]]


def test_confirmation_link_expires_and_tampering_is_refused(client):
    with time_machine.travel("2026-04-01 10:00 +0900", tick=False):
        user = services.sign_up(
            email="late@example.jp", password="とても長い合言葉です", display_name="遅い人"
        )
        token = services.confirmation_token(user)
    with time_machine.travel("2026-04-05 10:00 +0900", tick=False):
        assert client.get(reverse("accounts:confirm-email", args=[token])).status_code == 400
    assert client.get(reverse("accounts:confirm-email", args=[token + "x"])).status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_resend_confirmation_does_not_reveal_whether_an_address_exists(
    client, django_capture_on_commit_callbacks
):
    services.sign_up(
        email="wait@example.jp", password="とても長い合言葉です", display_name="待つ人"
    )
    with django_capture_on_commit_callbacks(execute=True):
        r1 = client.post(reverse("accounts:resend-confirmation"), {"email": "wait@example.jp"})
        r2 = client.post(reverse("accounts:resend-confirmation"), {"email": "nobody@example.jp"})
    assert r1.status_code == r2.status_code == 302
    assert [m.to for m in mail.outbox] == [["wait@example.jp"]]


# --- Login, logout, lockout, language ------------------------------------------------------


@override_settings(AXES_ENABLED=True)
def test_login_applies_the_language_preference():
    from django.test import Client

    UserFactory(email="en@example.jp", language="en")
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "en@example.jp", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_are_locked_out(client):
    UserFactory(email="target@example.jp")
    statuses = [
        client.post(
            reverse("accounts:login"), {"username": "target@example.jp", "password": "wrong"}
        ).status_code
        for _ in range(4)
    ]
    assert statuses[0] == 200
    assert statuses[-1] == 429
    # Even the right password is refused while locked out.
    response = client.post(
        reverse("accounts:login"), {"username": "target@example.jp", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_logout_is_post_only(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:me")).status_code == 302


def test_password_reset_by_email(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="forgot@example.jp")
    response = client.post(reverse("accounts:password-reset"), {"email": "forgot@example.jp"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = _link(mail.outbox[0].body)
    response = client.get(link, follow=True)
    assert response.status_code == 200 and "new_password1" in response.content.decode()
    set_url = response.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "新しい長い合言葉2026", "new_password2": "新しい長い合言葉2026"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("新しい長い合言葉2026")


def test_password_change_needs_the_old_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "wrong",
            "new_password1": "新しい長い合言葉2026",
            "new_password2": "新しい長い合言葉2026",
        },
    )
    assert response.status_code == 200
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "新しい長い合言葉2026",
            "new_password2": "新しい長い合言葉2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("新しい長い合言葉2026")


# --- E-mail change -------------------------------------------------------------------------


def test_email_change_asks_for_the_password_and_confirms_the_new_address(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="old@example.jp")
    client.force_login(user)
    response = client.post(
        reverse("accounts:email-change"), {"new_email": "new@example.jp", "password": "wrong"}
    )
    assert response.status_code == 200 and 'href="#id_password"' in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:email-change"), {"new_email": "new@example.jp", "password": PASSWORD}
        )
    assert response.status_code == 302
    to_new = next(m for m in mail.outbox if m.to == ["new@example.jp"])
    assert any(m.to == ["old@example.jp"] for m in mail.outbox)
    link = _link(to_new.body)
    user.refresh_from_db()
    assert user.email == "old@example.jp"
    # Another signed-in person cannot use the link.
    other = UserFactory()
    client.force_login(other)
    assert client.get(link).status_code == 403
    client.force_login(user)
    assert client.get(link).status_code == 302
    user.refresh_from_db()
    assert user.email == "new@example.jp"


def test_email_change_refuses_an_address_in_use():
    user = UserFactory()
    UserFactory(email="used@example.jp")
    with pytest.raises(ValidationError):
        services.request_email_change(
            actor=user, user=user, new_email="used@example.jp", password=PASSWORD
        )


# --- Profile ----------------------------------------------------------------------------------


def test_profile_edit_saves_public_and_private_data(client):
    user = UserFactory()
    client.force_login(user)
    field = Field.objects.first()
    response = client.post(
        reverse("accounts:profile-edit"),
        {
            "p-display_name": "まちの人",
            "p-residency": "works",
            "p-district": District.objects.first().pk,
            "p-fields_of_interest": [field.pk],
            "p-language": "en",
            "x-real_name": "川越 花子",
            "x-real_name_kana": "かわごえ はなこ",
            "x-phone": "049-224-8811",
            "x-postal_code": "350-8601",
            "x-address": "川越市元町1-3-1",
        },
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    user.refresh_from_db()
    assert user.display_name == "まちの人" and user.language == "en"
    assert list(user.fields_of_interest.all()) == [field]
    assert user.private_profile.phone == "049-224-8811"


def test_profile_edit_refuses_a_bad_postal_code_and_saves_nothing(client):
    user = UserFactory(display_name="前の名前")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile-edit"),
        {
            "p-display_name": "後の名前",
            "p-language": "ja",
            "x-postal_code": "abc",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.display_name == "前の名前"


@pytest.mark.parametrize(
    "name", ["me", "profile-edit", "email-change", "export-my-data", "delete", "password-change"]
)
def test_personal_pages_need_login(client, name):
    response = client.get(reverse(f"accounts:{name}"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_my_page_shows_my_private_data_and_organizations(client):
    profile = PrivateProfileFactory(real_name="川越 太郎")
    org = OrganizationFactory(name="霞ケ関北自治会")
    from kyodo.organizations.tests.factories import MembershipFactory

    MembershipFactory(user=profile.user, organization=org)
    client.force_login(profile.user)
    html = client.get(reverse("accounts:me")).content.decode()
    assert "川越 太郎" in html and "霞ケ関北自治会" in html


# --- Personal-data export -------------------------------------------------------------------


def test_export_my_data_is_a_json_download_of_everything(client):
    profile = PrivateProfileFactory(phone="049-111-2222")
    org = OrganizationFactory()
    from kyodo.organizations.tests.factories import MembershipFactory

    MembershipFactory(user=profile.user, organization=org, role=MembershipRole.OFFICER)
    client.force_login(profile.user)
    response = client.get(reverse("accounts:export-my-data"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == profile.user.email
    assert data["private_profile"]["phone"] == "049-111-2222"
    assert data["memberships"][0]["organization"] == org.name
    assert AuditEvent.objects.filter(verb="accounts.user.export_personal_data").count() == 1


def test_other_apps_can_add_to_the_export():
    register_personal_data_exporter("test_extra", lambda user: {"hello": user.pk})
    try:
        user = UserFactory()
        assert collect_personal_data(user)["test_extra"] == {"hello": user.pk}
    finally:
        from kyodo.accounts import personal_data

        personal_data._exporters.pop("test_extra")


# --- Deletion ---------------------------------------------------------------------------------


def test_deletion_anonymises_and_keeps_contributions(client):
    profile = PrivateProfileFactory()
    user = profile.user
    org = OrganizationFactory()
    from kyodo.organizations.tests.factories import MembershipFactory

    membership = MembershipFactory(user=user, organization=org)
    client.force_login(user)
    response = client.post(reverse("accounts:delete"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    user.refresh_from_db()
    profile.refresh_from_db()
    membership.refresh_from_db()
    assert user.deleted_at is not None and not user.is_active
    assert user.email.endswith("@deleted.invalid")
    assert user.public_name == "退会したユーザー"
    assert not user.has_usable_password()
    assert (profile.real_name, profile.phone, profile.address) == ("", "", "")
    assert membership.status == "left"
    assert User.objects.filter(pk=user.pk).exists()  # contributions keep their author row
    assert client.get(reverse("accounts:me")).status_code == 302  # logged out


def test_representative_with_members_must_hand_over_before_deleting():
    org = OrganizationFactory()
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    make_member(org)
    with pytest.raises(ValidationError):
        services.delete_account(actor=rep, user=rep, password=PASSWORD)
    rep.refresh_from_db()
    assert rep.deleted_at is None


def test_nobody_deletes_someone_else():
    user, other = UserFactory(), UserFactory()
    with pytest.raises(PermissionDenied):
        services.delete_account(actor=other, user=user, password=PASSWORD)


# --- Private data ------------------------------------------------------------------------------


def _views_of(user: User) -> int:
    return AuditEvent.objects.filter(
        verb="accounts.private_data.view",
        target_type=ContentType.objects.get_for_model(User),
        target_id=str(user.pk),
    ).count()


def test_private_profile_is_seen_by_the_person_without_audit():
    profile = PrivateProfileFactory()
    assert (
        services.view_private_profile(actor=profile.user, subject=profile.user, purpose="")
        == profile
    )
    assert _views_of(profile.user) == 0


def test_other_residents_and_staff_cannot_see_private_data():
    from kyodo.organizations.tests.factories import make_coordinator, make_staff

    profile = PrivateProfileFactory()
    for actor in (UserFactory(), make_staff(), make_coordinator()):
        with pytest.raises(PermissionDenied):
            services.view_private_profile(actor=actor, subject=profile.user, purpose="確認")


def test_admin_and_group_managers_see_it_with_a_purpose_and_it_is_audited():
    profile = PrivateProfileFactory()
    admin = UserFactory(is_superuser=True)
    with pytest.raises(ValidationError):
        services.view_private_profile(actor=admin, subject=profile.user, purpose=" ")
    services.view_private_profile(actor=admin, subject=profile.user, purpose="開示請求への対応")
    org = OrganizationFactory()
    from kyodo.organizations.tests.factories import MembershipFactory

    MembershipFactory(user=profile.user, organization=org)
    rep = make_member(org, MembershipRole.REPRESENTATIVE)
    services.view_private_profile(
        actor=rep, subject=profile.user, purpose="総会の案内を郵送するため"
    )
    assert _views_of(profile.user) == 2
    event = AuditEvent.objects.filter(verb="accounts.private_data.view").order_by("id").last()
    assert event.data["purpose"] == "総会の案内を郵送するため"
    # A plain member of the same group is not a manager.
    member = make_member(org)
    with pytest.raises(PermissionDenied):
        services.view_private_profile(actor=member, subject=profile.user, purpose="x")


def test_public_pages_and_exports_never_show_private_fields(client):
    profile = PrivateProfileFactory(
        real_name="秘密 花子", phone="049-999-0000", address="川越市秘密町1-1"
    )
    user = profile.user
    user.email = "secret-person@example.jp"
    user.save()
    org = OrganizationFactory(name="公開テスト会")
    from kyodo.organizations.tests.factories import MembershipFactory

    MembershipFactory(user=user, organization=org, role=MembershipRole.REPRESENTATIVE)
    pages = [
        reverse("organizations:detail", args=[org.pk]),
        reverse("organizations:directory"),
        reverse("organizations:directory-export", args=["csv"]),
    ]
    client.force_login(UserFactory())
    for path in pages:
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        for secret in ("秘密 花子", "049-999-0000", "川越市秘密町", "secret-person@example.jp"):
            assert secret not in text, (path, secret)
    assert user.public_name in client.get(pages[0]).content.decode()


def test_deleted_user_public_name_is_former_user():
    user = UserFactory(deleted_at=timezone.now())
    assert user.public_name == "退会したユーザー"
