"""Every write to local issues: raise, support, comment, triage, status, official answer."""

from __future__ import annotations

import datetime as dt
import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.challenges import geo
from kyodo.challenges.home import invalidate_block
from kyodo.challenges.models import (
    Issue,
    IssueComment,
    IssueOfferLink,
    IssueSupport,
    Theme,
    ThemeMap,
)
from kyodo.challenges.rules import manages_offer_organization
from kyodo.challenges.themes import METHOD as THEME_METHOD
from kyodo.challenges.themes import Doc, compute_themes
from kyodo.challenges.workflow import CLOSED_STATUSES, IssueStatus, can_transition, targets_for
from kyodo.core.audit import record_event
from kyodo.core.hooks import content_changed
from kyodo.core.uploads import clean_image
from kyodo.guideline.models import District, Field, Tier
from kyodo.notifications.services import follow, followers_of, notify
from kyodo.organizations.models import Membership, MembershipStatus, OfferNeed, Organization

HOME_BLOCK_KEY = "challenges.new_issues"
MAX_THEMES = 16


def _required(value: str, message: str, code: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, code=code)
    return value


def raise_issue(
    *,
    actor: User,
    title: str,
    description: str,
    district: District,
    field: Field,
    place_description: str = "",
    photo: UploadedFile | None = None,
    photo_alt: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    near_home: bool = False,
) -> Issue:
    """A resident raises a local issue; they follow it automatically. A point is optional;
    when the author says it is near a home, the public sees it rounded to ~200 m."""
    if not actor.has_perm("challenges.add_issue"):
        raise PermissionDenied
    title = _required(title, _("Enter a short title for the issue."), "title_required")
    description = _required(description, _("Describe the issue."), "description_required")
    clean = clean_image(photo) if photo else None
    if clean is not None and not photo_alt.strip():
        raise ValidationError(
            _("Describe what the photo shows, for people who cannot see it."),
            code="photo_alt_required",
        )
    point = checked_point(latitude, longitude)
    public = geo.coarsen(*point) if point and near_home else point
    with transaction.atomic():
        issue = Issue(
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
            public_latitude=public[0] if public else None,
            public_longitude=public[1] if public else None,
            location_coarsened=bool(point and near_home),
            title=title[:120],
            description=description,
            district=district,
            field=field,
            author=actor,
            place_description=place_description.strip()[:200],
            photo_alt=photo_alt.strip()[:200] if clean else "",
        )
        if clean is not None:
            issue.photo.save(clean.content.name or "photo", clean.content, save=False)
        issue.save()
        record_event(
            actor=actor, verb="challenges.issue.raise", target=issue, to_state=issue.status
        )
        follow(user=actor, target=issue)
        notify(
            recipients=followers_of(district),
            kind="challenges.issue_raised",
            subject=_("New local issue in %(district)s: %(title)s")
            % {"district": district.name, "title": issue.title},
            url=issue.get_absolute_url(),
            exclude=actor,
        )
        content_changed(issue)
        invalidate_block(HOME_BLOCK_KEY)
    return issue


def checked_point(latitude: float | None, longitude: float | None) -> tuple[float, float] | None:
    """Both coordinates or neither, finite, and inside the city's map area."""
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        raise ValidationError(
            _("Give both the latitude and the longitude, or neither."), code="point_incomplete"
        )
    lat, lon = float(latitude), float(longitude)
    if not (math.isfinite(lat) and math.isfinite(lon)) or not (
        -90 <= lat <= 90 and -180 <= lon <= 180
    ):
        raise ValidationError(
            _("The latitude must be between -90 and 90 and the longitude between -180 and 180."),
            code="point_out_of_range",
        )
    if not geo.city_map().contains(lat, lon):
        raise ValidationError(
            _("The point is outside the city's area. Place it inside the city."),
            code="point_outside_city",
        )
    return (round(lat, 6), round(lon, 6))


def support_issue(*, actor: User, issue: Issue) -> bool:
    """共感: once per person. True if this call added the support. Safe under concurrency:
    the unique constraint decides, and the counter moves with F() only when a row was made."""
    if not actor.has_perm("challenges.support_issue", issue):
        raise PermissionDenied
    if issue.is_hidden or issue.status in CLOSED_STATUSES:
        # Superusers pass every rule: the issue's state still decides.
        raise PermissionDenied
    try:
        with transaction.atomic():
            IssueSupport.objects.create(issue=issue, user=actor)
            Issue.objects.filter(pk=issue.pk).update(support_count=F("support_count") + 1)
    except IntegrityError:
        return False
    issue.refresh_from_db(fields=["support_count"])
    return True


def withdraw_support(*, actor: User, issue: Issue) -> bool:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    with transaction.atomic():
        deleted, _rows = IssueSupport.objects.filter(issue=issue, user=actor).delete()
        if deleted:
            Issue.objects.filter(pk=issue.pk, support_count__gt=0).update(
                support_count=F("support_count") - 1
            )
    issue.refresh_from_db(fields=["support_count"])
    return bool(deleted)


def comment_on_issue(*, actor: User, issue: Issue, body: str) -> IssueComment:
    if not actor.has_perm("challenges.comment_issue", issue) or issue.is_hidden:
        raise PermissionDenied
    body = _required(body, _("Write your comment."), "comment_required")
    if len(body) > 4000:
        raise ValidationError(
            _("A comment can be up to 4,000 characters."), code="comment_too_long"
        )
    with transaction.atomic():
        comment = IssueComment.objects.create(issue=issue, author=actor, body=body)
        Issue.objects.filter(pk=issue.pk).update(comment_count=F("comment_count") + 1)
        record_event(actor=actor, verb="challenges.comment.create", target=comment)
        follow(user=actor, target=issue)
        notify(
            recipients=followers_of(issue),
            kind="challenges.comment",
            subject=_("New comment on “%(title)s”") % {"title": issue.title},
            body=body[:200],
            url=comment.get_absolute_url(),
            exclude=actor,
        )
        content_changed(comment)
    return comment


def _department_staff(department: Organization | None) -> list[User]:
    if department is None:
        return []
    return [
        m.user
        for m in Membership.objects.filter(
            organization=department, status=MembershipStatus.ACTIVE
        ).select_related("user")
    ]


def triage_issue(
    *,
    actor: User,
    issue: Issue,
    tier: Tier | None,
    tier_explanation: str,
    responsible_department: Organization | None,
) -> Issue:
    """Decide who should act (自助・共助・公助, with why) and the responsible department."""
    if not actor.has_perm("challenges.triage_issue", issue):
        raise PermissionDenied
    tier_explanation = (tier_explanation or "").strip()
    if tier is not None and not tier_explanation:
        raise ValidationError(
            _("Explain why this is for %(tier)s.") % {"tier": tier.name},
            code="explanation_required",
        )
    if responsible_department is not None and not responsible_department.is_department:
        raise ValidationError(
            _("The responsible department must be a city department."), code="not_department"
        )
    with transaction.atomic():
        locked = Issue.objects.select_for_update().get(pk=issue.pk)
        before = {
            "tier": locked.tier.code if locked.tier else "",
            "department": locked.responsible_department_id,
        }
        department_changed = locked.responsible_department_id != (
            responsible_department.pk if responsible_department else None
        )
        locked.tier = tier
        locked.tier_explanation = tier_explanation
        locked.responsible_department = responsible_department
        locked.triaged_at = timezone.now()
        locked.save(
            update_fields=[
                "tier",
                "tier_explanation",
                "responsible_department",
                "triaged_at",
                "updated_at",
            ]
        )
        record_event(
            actor=actor,
            verb="challenges.issue.triage",
            target=locked,
            data={
                "before": before,
                "tier": tier.code if tier else "",
                "department": responsible_department.pk if responsible_department else None,
            },
        )
        if department_changed and responsible_department is not None:
            notify(
                recipients=_department_staff(responsible_department),
                kind="challenges.issue_assigned",
                subject=_("A local issue was assigned to %(department)s: %(title)s")
                % {"department": responsible_department.name, "title": locked.title},
                url=locked.get_absolute_url(),
                exclude=actor,
            )
        content_changed(locked)
    return locked


def _status_subject(status: str, title: str) -> str:
    if status == IssueStatus.REVIEWING:
        return _("“%(title)s” is now under review") % {"title": title}
    if status == IssueStatus.IN_PROGRESS:
        return _("Work has started on “%(title)s”") % {"title": title}
    if status == IssueStatus.RESOLVED:
        return _("“%(title)s” was resolved") % {"title": title}
    return _("“%(title)s” will not be taken up") % {"title": title}


def _transition(*, actor: User, issue: Issue, to_status: str, reason: str = "") -> Issue:
    if not actor.has_perm("challenges.change_status_issue", issue):
        raise PermissionDenied
    with transaction.atomic():
        locked = Issue.objects.select_for_update().get(pk=issue.pk)
        from_status = locked.status
        if not can_transition(from_status, to_status):
            raise ValidationError(
                _("An issue that is “%(from)s” cannot become “%(to)s”.")
                % {"from": IssueStatus(from_status).label, "to": IssueStatus(to_status).label},
                code="invalid_transition",
            )
        if to_status not in targets_for(from_status, answered=locked.answered_at is not None):
            raise ValidationError(
                _("Publish the official answer before marking the issue resolved."),
                code="answer_required",
            )
        locked.status = to_status
        locked.status_changed_at = timezone.now()
        fields = ["status", "status_changed_at", "updated_at"]
        if to_status == IssueStatus.DECLINED:
            locked.decline_reason = reason
            fields.append("decline_reason")
        locked.save(update_fields=fields)
        record_event(
            actor=actor,
            verb=f"challenges.issue.{to_status}",
            target=locked,
            from_state=from_status,
            to_state=to_status,
            data={"reason": reason} if reason else None,
        )
        notify(
            recipients=followers_of(locked),
            kind="challenges.status_changed",
            subject=_status_subject(to_status, locked.title),
            body=reason,
            url=locked.get_absolute_url(),
            exclude=actor,
        )
        content_changed(locked)
        invalidate_block(HOME_BLOCK_KEY)
    return locked


def start_review(*, actor: User, issue: Issue) -> Issue:
    """受付 → 検討中."""
    return _transition(actor=actor, issue=issue, to_status=IssueStatus.REVIEWING)


def start_work(*, actor: User, issue: Issue) -> Issue:
    """検討中 → 対応中."""
    return _transition(actor=actor, issue=issue, to_status=IssueStatus.IN_PROGRESS)


def resolve_issue(*, actor: User, issue: Issue) -> Issue:
    """検討中/対応中 → 解決."""
    return _transition(actor=actor, issue=issue, to_status=IssueStatus.RESOLVED)


def decline_issue(*, actor: User, issue: Issue, reason: str) -> Issue:
    """→ 見送り, always with a reason that is shown in public."""
    reason = _required(
        reason,
        _("Give the reason for not taking this issue up; it is shown in public."),
        "reason_required",
    )
    return _transition(actor=actor, issue=issue, to_status=IssueStatus.DECLINED, reason=reason)


TRANSITION_SERVICES = {
    IssueStatus.REVIEWING: start_review,
    IssueStatus.IN_PROGRESS: start_work,
    IssueStatus.RESOLVED: resolve_issue,
}


def publish_official_answer(*, actor: User, issue: Issue, answer: str) -> Issue:
    """公式回答: published at once with today's date; publishing again replaces it (audited)."""
    if not actor.has_perm("challenges.answer_issue", issue):
        raise PermissionDenied
    answer = _required(answer, _("Write the official answer."), "answer_required")
    with transaction.atomic():
        locked = Issue.objects.select_for_update().get(pk=issue.pk)
        verb = "challenges.issue.answer_update" if locked.answered_at else "challenges.issue.answer"
        locked.official_answer = answer
        locked.answered_at = timezone.now()
        locked.answered_by = actor
        locked.save(update_fields=["official_answer", "answered_at", "answered_by", "updated_at"])
        record_event(actor=actor, verb=verb, target=locked, data={"length": len(answer)})
        notify(
            recipients=followers_of(locked),
            kind="challenges.official_answer",
            subject=_("The city answered “%(title)s”") % {"title": locked.title},
            body=answer[:300],
            url=locked.get_absolute_url() + "#official-answer",
            exclude=actor,
        )
        content_changed(locked)
    return locked


def build_theme_maps(
    *,
    district_codes: list[str] | None = None,
    include_city: bool = True,
    months: int = 24,
    keep: int = 3,
) -> list[ThemeMap]:
    """Recompute and store the theme maps (city-wide and per district) from the visible
    issues of the last `months` months. Run by `manage.py build_theme_map` / its task."""
    now = timezone.now()
    today = timezone.localdate(now)
    since = now - dt.timedelta(days=31 * months)
    rows = (
        Issue.objects.filter(hidden_at__isnull=True, created_at__gte=since)
        .order_by("id")
        .values_list("id", "title", "description", "created_at", "field_id", "district_id")
    )
    docs_by_district: dict[int, list[Doc]] = {}
    all_docs: list[Doc] = []
    for pk, title, description, created_at, field_id, district_id in rows.iterator(chunk_size=5000):
        doc = Doc(
            id=pk,
            title=title,
            text=description[:300],
            created_at=timezone.localdate(created_at),
            field_id=field_id,
        )
        all_docs.append(doc)
        docs_by_district.setdefault(district_id, []).append(doc)
    scopes: list[tuple[District | None, list[Doc]]] = []
    if include_city and not district_codes:
        scopes.append((None, all_docs))
    districts = District.objects.order_by("order")
    if district_codes:
        districts = districts.filter(code__in=district_codes)
    for d in districts:
        scopes.append((d, docs_by_district.get(d.pk, [])))
    built: list[ThemeMap] = []
    for district, docs in scopes:
        results = compute_themes(docs, today=today)
        with transaction.atomic():
            theme_map = ThemeMap.objects.create(
                district=district, built_at=now, issue_count=len(docs), method=THEME_METHOD
            )
            Theme.objects.bulk_create(
                [
                    Theme(
                        theme_map=theme_map,
                        rank=rank,
                        label=r.label,
                        keywords=r.keywords,
                        size=r.size,
                        representative_ids=r.representative_ids,
                        trend=[list(t) for t in r.trend],
                        top_field_id=r.top_field_id,
                    )
                    for rank, r in enumerate(results[:MAX_THEMES], 1)
                ]
            )
            old = list(
                ThemeMap.objects.filter(district=district)
                .order_by("-built_at", "-id")
                .values_list("id", flat=True)[keep:]
            )
            if old:
                ThemeMap.objects.filter(pk__in=old).delete()
            record_event(
                actor=None,
                verb="challenges.theme_map.build",
                target=theme_map,
                data={"issues": len(docs), "themes": min(len(results), MAX_THEMES)},
            )
        built.append(theme_map)
    return built


def _may_link(actor: User, issue: Issue, offer: OfferNeed) -> bool:
    """The offer's group managers, on an issue they may comment on; or staff who may triage
    this issue. (Staff of another department may not attach or remove a group's offer.)"""
    if not actor.has_perm("challenges.link_offer", offer):
        return False
    if actor.has_perm("challenges.triage_issue", issue):
        return True
    return bool(manages_offer_organization(actor, offer)) and actor.has_perm(
        "challenges.comment_issue", issue
    )


def link_offer(*, actor: User, issue: Issue, offer: OfferNeed) -> bool:
    """Show an offer/need of a group on the issue page ("what is being done about it").
    The offer's group managers may link their own offers; triaging staff any open offer."""
    if not _may_link(actor, issue, offer):
        raise PermissionDenied
    if not offer.is_open:
        raise ValidationError(_("This offer is closed."), code="offer_closed")
    try:
        with transaction.atomic():
            link = IssueOfferLink.objects.create(issue=issue, offer=offer, linked_by=actor)
            record_event(
                actor=actor,
                verb="challenges.issue.link_offer",
                target=issue,
                data={"offer": offer.pk},
            )
            notify(
                recipients=followers_of(issue),
                kind="challenges.offer_linked",
                subject=_("An offer was linked to “%(title)s”: %(offer)s")
                % {"title": issue.title, "offer": offer.title},
                url=issue.get_absolute_url(),
                exclude=actor,
            )
            content_changed(issue)
    except IntegrityError:
        return False
    return link.pk is not None


def unlink_offer(*, actor: User, issue: Issue, offer: OfferNeed) -> bool:
    if not _may_link(actor, issue, offer):
        raise PermissionDenied
    with transaction.atomic():
        deleted, _rows = IssueOfferLink.objects.filter(issue=issue, offer=offer).delete()
        if deleted:
            record_event(
                actor=actor,
                verb="challenges.issue.unlink_offer",
                target=issue,
                data={"offer": offer.pk},
            )
            content_changed(issue)
    return bool(deleted)
