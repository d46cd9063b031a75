"""State-dependent authorization cases that one matrix row per URL name cannot express
(events, challenges, news, districts, promotion). The matrix rows themselves are in
tests/security/authz_rows/; these tests reuse its World and object builders."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.security import authz_table as t
from tests.security.authz_rows import challenges as ch
from tests.security.authz_rows import districts as di
from tests.security.authz_rows import events as ev
from tests.security.authz_rows import promotion as pr

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path) -> t.World:
    settings.MEDIA_ROOT = tmp_path
    return t.build_world()


def _status(client, user, url: str, method: str = "get", data: dict | None = None) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url, data or {}).status_code


def _by_role(client, world, url: str, method: str = "get", data=None) -> dict[str, int]:
    return {role: _status(client, user, url, method, data) for role, user in world.users.items()}


# --- events ---------------------------------------------------------------------------


def test_a_published_event_and_its_calendar_entry_are_public(client, world):
    event = ev._event(world)
    for name in ("events:detail", "events:ical-event"):
        got = _by_role(client, world, reverse(name, args=[event.pk]))
        assert set(got.values()) == {200}, (name, got)
    # …but its registrants' answers stay with the organiser.
    detail = reverse("events:detail", args=[event.pk])
    for role in ("anonymous", "member", "other_staff"):
        client.logout()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        assert "そばアレルギー" not in client.get(detail).content.decode()
    client.force_login(world.users["representative"])
    manage = client.get(reverse("events:manage", args=[event.pk])).content.decode()
    assert "そばアレルギー" in manage


def test_the_organisers_export_holds_only_the_shared_real_name(client, world):
    from kyodo.accounts.models import PrivateProfile

    registrant = ev._registrant(world)
    PrivateProfile.objects.update_or_create(user=registrant, defaults={"real_name": "川越太郎"})
    PrivateProfile.objects.update_or_create(
        user=world.users["resident"], defaults={"real_name": "秘密花子"}
    )
    event = ev._event(world)
    client.force_login(world.users["representative"])
    response = client.get(reverse("events:export", args=[event.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "川越太郎" in body  # agreed to share
    assert "秘密花子" not in body  # did not


def test_a_cancelled_event_can_no_longer_be_edited_even_by_its_organiser(client, world):
    from kyodo.events import services

    event = ev._event(world)
    services.cancel_event(actor=world.users["representative"], event=event, reason="雨天のため")
    url = reverse("events:edit", args=[event.pk])
    assert _status(client, world.users["representative"], url) == 403
    assert (
        _status(client, world.users["representative"], reverse("events:manage", args=[event.pk]))
        == 200
    )
    # Nobody can register any more (the API says so too).
    api = f"/api/v1/events/{event.pk}/registration"
    client.force_login(world.users["other_rep"])
    assert client.post(api, "{}", content_type="application/json").status_code == 403


def test_a_registrant_cannot_check_in_or_cancel_someone_else(client, world):
    event = ev._event(world)
    registration = world.objects["event_registration"]
    url = reverse("events:check-in", args=[event.pk, registration.pk])
    assert _status(client, world.users["resident"], url, "post") == 403
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert registration.status == "confirmed"


def test_a_booking_is_decided_by_the_staff_of_the_base_it_belongs_to(client, world):
    from kyodo.organizations.tests.factories import make_staff

    booking = ev._booking(world)
    base_staff = make_staff(world.department)
    url = reverse("events:booking-decide", args=[booking.pk, "confirm"])
    assert _status(client, world.users["other_staff"], url, "post") == 404
    assert _status(client, base_staff, url, "post") == 302
    booking.refresh_from_db()
    assert booking.status == "confirmed"


# --- challenges -----------------------------------------------------------------------


def test_the_photo_of_a_visible_issue_is_public(client, world):
    issue = ch._issue(world)
    got = _by_role(client, world, reverse("challenges:issue_photo", args=[issue.pk]))
    assert set(got.values()) == {200}, got


def test_a_hidden_issue_takes_no_support_or_comment_from_anyone(client, world):
    from kyodo.challenges.models import IssueComment, IssueSupport

    issue = ch._hidden_issue(world)
    for name, data in (
        ("challenges:issue_support", {}),
        ("challenges:issue_comment", {"body": "見えますか"}),
    ):
        got = _by_role(client, world, reverse(name, args=[issue.pk]), "post", data)
        assert got.pop("anonymous") == 302
        assert set(got.values()) == {403}, (name, got)
    assert not IssueSupport.objects.filter(issue=issue).exists()
    assert not IssueComment.objects.filter(issue=issue).exists()
    # Its page and the API show a placeholder, not the text; nobody triages it while hidden.
    client.logout()
    page = client.get(issue.get_absolute_url())
    assert page.status_code == 200
    assert issue.description not in page.content.decode()
    api = client.get(f"/api/v1/issues/{issue.pk}").json()
    assert api["hidden"] is True and api["title"] == "" and api["description"] == ""
    manage = reverse("challenges:issue_manage", args=[issue.pk])
    assert _status(client, world.users["coordinator"], manage) == 403


def test_triage_is_for_the_responsible_department_or_any_staff_while_unassigned(client, world):
    from kyodo.challenges.tests.factories import IssueFactory
    from kyodo.organizations.tests.factories import make_staff

    issue = ch._issue(world)
    url = reverse("challenges:issue_manage", args=[issue.pk])
    assert _status(client, make_staff(world.department), url) == 200
    assert _status(client, world.users["other_staff"], url) == 403
    unassigned = IssueFactory(author=world.users["member"])
    url = reverse("challenges:issue_manage", args=[unassigned.pk])
    assert _status(client, world.users["other_staff"], url) == 200
    assert _status(client, world.users["representative"], url) == 403
    assert _status(client, world.users["member"], url) == 403  # the author


# --- news -----------------------------------------------------------------------------


def test_department_news_is_edited_by_its_staff_and_coordinators_only(client, world):
    from kyodo.news import services
    from kyodo.organizations.tests.factories import make_staff

    staff = make_staff(world.department)
    item = services.publish_news(
        actor=staff, organization=world.department, title="窓口時間の変更", body="12月から"
    )
    assert item.is_from_city
    url = reverse("news:item_edit", args=[item.pk])
    got = _by_role(client, world, url)
    assert got["coordinator"] == 200 and got["admin"] == 200
    for role in ("resident", "member", "representative", "other_rep", "other_staff"):
        assert got[role] == 403, role
    assert _status(client, staff, url) == 200


# --- districts ------------------------------------------------------------------------


def test_the_chair_publishes_and_then_everyone_reads_the_record(client, world):
    meeting = di._draft_meeting(world)
    chair = di._council(world).chair
    code = meeting.council.district.code
    assert _status(client, chair, reverse("districts:council-manage", args=[code])) == 200
    publish = reverse("districts:meeting-publish", args=[meeting.pk])
    assert _status(client, chair, publish, "post") == 302
    meeting.refresh_from_db()
    assert meeting.status == "published"
    got = _by_role(client, world, reverse("districts:meeting-detail", args=[meeting.pk]))
    assert set(got.values()) == {200}, got
    attachment = world.objects["meeting_attachment"]
    assert _status(client, None, reverse("districts:attachment", args=[attachment.pk])) == 200
    # A published record can no longer be changed, not even by the council.
    assert (
        _status(
            client,
            world.users["representative"],
            reverse("districts:meeting-detail", args=[meeting.pk]),
            "post",
            {"record": "書き換え"},
        )
        == 403
    )


def test_a_plain_member_of_a_council_organization_does_not_draft(client, world):
    code = di._council(world).district.code
    url = reverse("districts:meeting-create", args=[code])
    assert _status(client, world.users["member"], url) == 403
    assert _status(client, world.users["representative"], url) == 200


# --- promotion ------------------------------------------------------------------------


def test_a_coordination_request_is_read_by_both_departments_and_answered_by_one(client, world):
    from kyodo.organizations.tests.factories import make_staff

    req = pr._coordination_request(world)
    url = reverse("promotion:request-detail", args=[req.pk])
    asking = pr._dept_staff(world)
    asked = make_staff(req.to_department)
    assert _status(client, asking, url) == 200
    assert _status(client, asked, url) == 200
    assert _status(client, world.users["other_staff"], url) == 403
    answer = {"decision": "accept", "answer": "伺います"}
    assert _status(client, asking, url, "post", answer) == 403
    assert _status(client, world.users["coordinator"], url, "post", answer) == 403
    assert _status(client, asked, url, "post", answer) == 302
    req.refresh_from_db()
    assert req.status == "accepted"


def test_survey_records_are_deleted_by_their_own_department(client, world):
    from kyodo.promotion.models import SurveyRecord

    pr._fiscal_year(world)
    record = world.objects["survey_record"]
    url = reverse("promotion:record-delete", args=[record.pk])
    assert _status(client, world.users["other_staff"], url, "post") == 403
    assert SurveyRecord.objects.filter(pk=record.pk).exists()
    assert _status(client, pr._dept_staff(world), url, "post") == 302
    assert not SurveyRecord.objects.filter(pk=record.pk).exists()
