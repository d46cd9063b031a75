"""Authorization rows for kyodo.districts (district spaces, councils, meetings).

`w.org` is a member organization of the council, so its representative (a manager) drafts
records; a plain member does not. The chair is someone else (no role of the matrix): only the
chair, coordinators and administrators publish records and manage the council.
Rules: kyodo/districts/rules.py.
"""

from __future__ import annotations

from typing import Any

from tests.security.authz_table import FORBIDDEN, NOT_FOUND, Row, World, only, public


def _council(w: World) -> Any:
    if "council" not in w.objects:
        from kyodo.accounts.tests.factories import UserFactory
        from kyodo.districts import services
        from kyodo.guideline.models import District

        district = District.objects.filter(council__isnull=True).order_by("-order", "id").first()
        council = services.create_council(
            actor=w.users["admin"],
            district=district,
            name=f"{district.name}地区まちづくり協議会",
            chair=UserFactory(),
        )
        services.add_member(actor=w.users["admin"], council=council, organization=w.org)
        w.objects["council"] = council
        w.objects["subcommittee"] = services.add_subcommittee(
            actor=w.users["admin"], council=council, name="防災部会", theme="避難所運営"
        )
    return w.objects["council"]


def _draft_meeting(w: World) -> Any:
    """A meeting whose record is drafted but not published, with an attachment."""
    if "draft_meeting" not in w.objects:
        import datetime as dt

        from django.core.files.base import ContentFile
        from django.utils import timezone

        from kyodo.districts import services
        from kyodo.districts.models import MeetingAttachment

        council = _council(w)
        meeting = services.schedule_meeting(
            actor=w.users["admin"],
            council=council,
            title="第3回定例会",
            held_at=timezone.now() - dt.timedelta(days=2),
            agenda="防災訓練について",
        )
        meeting = services.draft_record(
            actor=w.users["representative"], meeting=meeting, record="（案）訓練は11月に行う"
        )
        attachment = MeetingAttachment(
            meeting=meeting, original_name="資料.pdf", uploaded_by=w.users["representative"]
        )
        attachment.file.save("authz-meeting.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        attachment.save()
        w.objects["draft_meeting"] = meeting
        w.objects["meeting_attachment"] = attachment
    return w.objects["draft_meeting"]


CODE = lambda w: {"code": _council(w).district.code}  # noqa: E731
MEETING = lambda w: {"pk": _draft_meeting(w).pk}  # noqa: E731
# A record not yet published: its council and the coordinators know of it, nobody else.
COUNCIL_ONLY = only(
    "representative", "coordinator", "admin", refused=NOT_FOUND, anonymous=NOT_FOUND
)

ROWS: dict[str, Row] = {
    "districts:list": Row(public()),
    "districts:detail": Row(public(), kwargs=CODE),
    "districts:annual-report": Row(
        public(), kwargs=lambda w: {**CODE(w), "fiscal_year": _fiscal_year()}
    ),
    "districts:annual-report-pdf": Row(
        public(), kwargs=lambda w: {**CODE(w), "fiscal_year": _fiscal_year()}
    ),
    "districts:meeting-detail": Row(
        COUNCIL_ONLY, kwargs=MEETING, note="a drafted record; published ones are public"
    ),
    "districts:attachment": Row(
        COUNCIL_ONLY,
        kwargs=lambda w: {"pk": (_draft_meeting(w), w.objects["meeting_attachment"])[1].pk},
    ),
    # Publishing: the chair (not a member organization's manager), coordinators, admins.
    "districts:meeting-publish": Row(
        {**only("coordinator", "admin", refused=NOT_FOUND), "representative": FORBIDDEN},
        method="POST",
        kwargs=MEETING,
    ),
    "districts:meeting-create": Row(only("representative", "coordinator", "admin"), kwargs=CODE),
    "districts:council-manage": Row(only("coordinator", "admin"), kwargs=CODE),
    # Everyone reads a subcommittee; only the council works on its issues (POST).
    "districts:subcommittee-detail": Row(
        {**only("representative", "coordinator", "admin"), "anonymous": FORBIDDEN},
        method="POST",
        kwargs=lambda w: {"pk": (_council(w), w.objects["subcommittee"])[1].pk},
        data=lambda w: {"form": "assign", "a-issue": ""},
        note="the page has no login step: an anonymous POST is refused outright",
    ),
}


def _fiscal_year() -> int:
    from kyodo.core.formatting import current_fiscal_year

    return current_fiscal_year()
