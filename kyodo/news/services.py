"""Every write to news: publish and edit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.challenges.home import invalidate_block
from kyodo.core.audit import record_event
from kyodo.core.hooks import content_changed
from kyodo.guideline.models import District
from kyodo.news.models import NewsItem
from kyodo.notifications.services import followers_of, notify
from kyodo.organizations.models import MembershipStatus, Organization

HOME_BLOCK_KEY = "news.latest"


def _clean(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise ValidationError(_("Enter a title."), code="title_required")
    if not body:
        raise ValidationError(_("Write the text of the news."), code="body_required")
    return title[:150], body


def _followers_and_members(organization: Organization) -> list[User]:
    """Who hears of a group's news: its followers and its active members (once each)."""
    followers = list(followers_of(organization))
    members = User.objects.filter(
        memberships__organization=organization,
        memberships__status=MembershipStatus.ACTIVE,
        is_active=True,
    )
    seen = {u.pk for u in followers}
    return followers + [u for u in members if u.pk not in seen]


def publish_news(
    *,
    actor: User,
    organization: Organization,
    title: str,
    body: str,
    district: District | None = None,
) -> NewsItem:
    """Publish news for `organization` at once; its followers and members are told."""
    if not actor.has_perm("news.publish_for_organization", organization):
        raise PermissionDenied
    title, body = _clean(title, body)
    with transaction.atomic():
        item = NewsItem.objects.create(
            title=title,
            body=body,
            organization=organization,
            is_from_city=organization.is_department,
            district=district,
            author=actor,
            published_at=timezone.now(),
        )
        record_event(actor=actor, verb="news.item.publish", target=item, to_state="published")
        notify(
            recipients=_followers_and_members(organization),
            kind="news.published",
            subject=_("News from %(org)s: %(title)s") % {"org": organization.name, "title": title},
            body=body[:200],
            url=item.get_absolute_url(),
            exclude=actor,
        )
        content_changed(item)
        invalidate_block(HOME_BLOCK_KEY)
    return item


def update_news(
    *, actor: User, item: NewsItem, title: str, body: str, district: District | None
) -> NewsItem:
    if not actor.has_perm("news.change_newsitem", item):
        raise PermissionDenied
    title, body = _clean(title, body)
    with transaction.atomic():
        locked = NewsItem.objects.select_for_update().get(pk=item.pk)
        locked.title, locked.body, locked.district = title, body, district
        locked.save(update_fields=["title", "body", "district", "updated_at"])
        record_event(actor=actor, verb="news.item.update", target=locked)
        content_changed(locked)
        invalidate_block(HOME_BLOCK_KEY)
    return locked
