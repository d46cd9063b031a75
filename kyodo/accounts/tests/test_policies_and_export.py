"""利用規約 and 個人情報の取扱い drawn from the guideline file (with defaults when a file has no
[settings.policies]), linked at sign-up and in the footer; the personal-data download holds
the person's issues, comments, supports, follows, notifications and news."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from kyodo.accounts.tests.factories import UserFactory
from kyodo.challenges.models import IssueComment, IssueSupport
from kyodo.challenges.tests.factories import IssueFactory
from kyodo.guideline.models import Setting
from kyodo.news.services import publish_news
from kyodo.notifications import services as notifications
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import OrganizationFactory, make_member

pytestmark = pytest.mark.django_db


def test_terms_and_privacy_come_from_the_guideline_file(client):
    terms = client.get(reverse("accounts:terms"))
    assert terms.status_code == 200
    html = terms.content.decode()
    assert "川越市協働指針に沿って" in html  # from kawagoe.toml [settings.policies].terms
    privacy = client.get(reverse("accounts:privacy")).content.decode()
    assert "イベントの参加者名簿の作成" in privacy  # privacy_purposes
    assert "開示・訂正・利用停止・削除" in privacy  # privacy_requests
    assert "5年" in privacy  # retention from settings.KYODO_RETENTION_DAYS (5 × 365 days)


def test_a_file_without_policies_still_gives_both_pages(client):
    Setting.objects.filter(key__startswith="policies.").delete()
    cache.clear()
    html = client.get(reverse("accounts:terms")).content.decode()
    assert client.get(reverse("accounts:terms")).status_code == 200
    assert "川越市協働指針に沿って" not in html
    assert "第1条" in html  # the default articles
    assert client.get(reverse("accounts:privacy")).status_code == 200


def test_sign_up_and_footer_link_both(client):
    html = client.get(reverse("accounts:signup")).content.decode()
    assert reverse("accounts:terms") in html and reverse("accounts:privacy") in html
    home = client.get(reverse("core:home")).content.decode()
    footer = home[home.index('class="site-footer"') :]
    assert reverse("accounts:terms") in footer and reverse("accounts:privacy") in footer


def test_the_download_holds_everything_about_the_person(client):
    user = UserFactory()
    issue = IssueFactory(author=user, title="私の課題")
    other = IssueFactory(title="共感した課題")
    IssueComment.objects.create(issue=other, author=user, body="私のコメント")
    IssueSupport.objects.create(issue=other, user=user)
    org = OrganizationFactory()
    notifications.follow(user=user, target=org)
    notifications.notify(recipients=[user], kind="t.k", subject="私へのお知らせ")
    make_member(org)
    from kyodo.organizations.tests.factories import MembershipFactory

    MembershipFactory(user=user, organization=org, role=MembershipRole.REPRESENTATIVE)
    publish_news(actor=user, organization=org, title="私のお知らせ記事", body="本文")

    client.force_login(user)
    data = json.loads(client.get(reverse("accounts:export-my-data")).content)
    assert [i["title"] for i in data["local_issues"]] == [issue.title]
    assert data["issue_comments"][0]["comment"] == "私のコメント"
    assert data["issue_supports"][0]["issue"] == "共感した課題"
    assert data["follows"][0]["title"] == org.name
    assert "私へのお知らせ" in [n["subject"] for n in data["notifications"]]
    assert data["news"][0]["title"] == "私のお知らせ記事"
    assert data["email_settings"] == {"frequency": "immediate"}
    # Nothing about anyone else.
    assert "共感した課題" not in [i["title"] for i in data["local_issues"]]


def test_the_private_profile_stores_phone_and_postcode_in_one_form():
    from kyodo.accounts.forms import PrivateProfileForm

    form = PrivateProfileForm(
        data={
            "real_name": "川越 太郎",
            "real_name_kana": "かわごえ たろう",
            "phone": "０４９－２２４－８８１１",
            "postal_code": "３５０８６０１",
            "address": "川越市元町1-3-1",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "049-224-8811"
    assert form.cleaned_data["postal_code"] == "350-8601"
    bad = PrivateProfileForm(data={"phone": "電話", "postal_code": "12"})
    assert not bad.is_valid()
    assert set(bad.errors) >= {"phone", "postal_code"}
