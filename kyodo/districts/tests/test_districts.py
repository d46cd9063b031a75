from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pypdf import PdfReader

from kyodo.accounts.tests.factories import UserFactory
from kyodo.challenges.tests.factories import IssueFactory
from kyodo.core.models import AuditEvent
from kyodo.districts import services
from kyodo.districts.models import Council, Meeting
from kyodo.guideline.models import District, Field
from kyodo.notifications.models import Notification
from kyodo.notifications.services import follow
from kyodo.organizations.models import MembershipRole
from kyodo.organizations.tests.factories import OrganizationFactory, make_coordinator, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    district = District.objects.get(code="yoshino")
    jichikai, school = (
        OrganizationFactory(name="芳野第一自治会"),
        OrganizationFactory(name="芳野小学校PTA"),
    )
    chair = make_member(jichikai, MembershipRole.REPRESENTATIVE)
    officer = make_member(school, MembershipRole.OFFICER)
    plain = make_member(school, MembershipRole.MEMBER)
    c = Council.objects.create(district=district, name="芳野地区地域会議", chair=chair)
    c.members.create(organization=jichikai, role="会長団体")
    c.members.create(organization=school, role="構成団体")
    return {
        "council": c,
        "chair": chair,
        "officer": officer,
        "plain": plain,
        "jichikai": jichikai,
        "school": school,
        "resident": UserFactory(),
        "coordinator": make_coordinator(),
        "district": district,
    }


def test_members_draft_and_the_chair_publishes_the_record(council):
    c = council["council"]
    meeting = services.schedule_meeting(
        actor=council["officer"],
        council=c,
        title="定例会",
        held_at=timezone.now() - dt.timedelta(days=1),
        agenda="1. 防災訓練",
    )
    with pytest.raises(PermissionDenied):
        services.draft_record(actor=council["plain"], meeting=meeting, record="x")
    meeting = services.draft_record(
        actor=council["officer"], meeting=meeting, record="訓練を10月に実施", decisions="10月に実施"
    )
    assert meeting.status == "draft_record"
    with pytest.raises(PermissionDenied):
        services.publish_record(actor=council["officer"], meeting=meeting)
    follower = UserFactory()
    follow(user=follower, target=council["district"])
    meeting = services.publish_record(actor=council["chair"], meeting=meeting)
    assert meeting.status == "published" and meeting.published_at
    assert Notification.objects.filter(
        recipient=follower, kind="districts.record_published"
    ).exists()
    with pytest.raises(ValidationError):
        services.draft_record(actor=council["officer"], meeting=meeting, record="changed")
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="districts.meeting").values_list(
            "verb", "to_state"
        )
    )
    assert ("districts.meeting.publish", "published") in verbs


def test_draft_records_are_private_until_published(council, client):
    meeting = Meeting.objects.create(
        council=council["council"],
        title="定例会",
        held_at=timezone.now(),
        agenda="議題",
        record="下書き",
        status="draft_record",
    )
    assert client.get(f"/districts/meetings/{meeting.pk}/").status_code == 404
    client.force_login(council["resident"])
    assert client.get(f"/districts/meetings/{meeting.pk}/").status_code == 404
    client.force_login(council["officer"])
    assert client.get(f"/districts/meetings/{meeting.pk}/").status_code == 200
    meeting.status = "published"
    meeting.save()
    client.logout()
    assert "下書き" in client.get(f"/districts/meetings/{meeting.pk}/").content.decode()


def test_subcommittee_owns_issues_and_starts_a_project_and_an_event(council):
    c = council["council"]
    sub = services.add_subcommittee(
        actor=council["chair"],
        council=c,
        name="防災部会",
        theme="避難所運営",
        field=Field.objects.get(code="disaster"),
        lead=council["jichikai"],
    )
    issue = IssueFactory(district=council["district"], field=Field.objects.get(code="disaster"))
    other = IssueFactory(district=District.objects.get(code="furuya"))
    with pytest.raises(ValidationError):
        services.assign_issue(actor=council["chair"], subcommittee=sub, issue=other)
    with pytest.raises(PermissionDenied):
        services.assign_issue(actor=council["resident"], subcommittee=sub, issue=issue)
    services.assign_issue(actor=council["chair"], subcommittee=sub, issue=issue)
    project = services.start_project_from_issue(
        actor=council["chair"],
        subcommittee=sub,
        issue=issue,
        organization=council["jichikai"],
        title="避難所運営訓練",
        purpose="地区で避難所を運営できるようにする",
    )
    assert project.status == "draft" and list(project.issues.all()) == [issue]
    assert list(project.districts.values_list("code", flat=True)) == ["yoshino"]
    with pytest.raises(PermissionDenied):  # the officer does not manage the jichikai
        services.start_project_from_issue(
            actor=council["officer"],
            subcommittee=sub,
            issue=issue,
            organization=council["jichikai"],
            title="x",
            purpose="y",
        )
    start = timezone.now() + dt.timedelta(days=20)
    event = services.start_event_from_issue(
        actor=council["chair"],
        subcommittee=sub,
        issue=issue,
        organization=council["jichikai"],
        values={
            "title": "防災訓練",
            "summary": "地区の防災訓練",
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=2),
            "opens_at": timezone.now(),
            "closes_at": start - dt.timedelta(hours=1),
            "place_name": "芳野小学校",
            "capacity": 50,
        },
    )
    assert event.district == council["district"] and issue.title in event.description


@pytest.mark.parametrize("path", ["/districts/", "/districts/yoshino/", "/districts/nagusa/"])
def test_district_pages_are_public_and_bounded(
    council, client, path, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40):
        response = client.get(path)
    assert response.status_code == 200


def test_district_page_query_count_does_not_grow(council, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get("/districts/yoshino/")
    for i in range(15):
        IssueFactory(district=council["district"])
        Meeting.objects.create(
            council=council["council"],
            title=f"会議{i}",
            held_at=timezone.now(),
            agenda="a",
            status="published",
        )
    with CaptureQueriesContext(connection) as after:
        client.get("/districts/yoshino/")
    assert (
        len(after.captured_queries) <= len(before.captured_queries) + 2
    )  # has-perm checks on the capped meeting list


def test_council_management_permissions(council, client):
    path = "/districts/yoshino/council/"
    assert client.get(path).status_code == 302
    for user in (council["resident"], council["officer"]):
        client.force_login(user)
        assert client.get(path).status_code == 403
    for user in (council["chair"], council["coordinator"]):
        client.force_login(user)
        assert client.get(path).status_code == 200
    client.force_login(council["chair"])
    newcomer = OrganizationFactory(name="芳野老人クラブ")
    response = client.post(
        path, {"form": "member", "m-organization": newcomer.pk, "m-role": "構成団体"}
    )
    assert (
        response.status_code == 302
        and council["council"].members.filter(organization=newcomer).exists()
    )


def test_annual_report_page_and_pdf(council, client):
    Meeting.objects.create(
        council=council["council"],
        title="総会",
        held_at=timezone.make_aware(dt.datetime(2025, 5, 10, 19)),
        agenda="議題",
        record="記録",
        status="published",
    )
    html = client.get("/districts/yoshino/report/2025/").content.decode()
    assert "総会" in html
    pdf = client.get("/districts/yoshino/report/2025/report.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "芳野地区" in text and "総会" in text


def test_district_digest_goes_to_followers_once(council):
    follower = UserFactory()
    follow(user=follower, target=council["district"])
    IssueFactory(district=council["district"])
    assert services.send_district_digests() == 1
    assert Notification.objects.filter(recipient=follower, kind="districts.digest").count() == 1
    assert services.send_district_digests() == 0
