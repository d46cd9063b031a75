"""Generic moderation: anyone signed in reports content (content type + id), coordinators
hide it with a reason, the author is told, and the page keeps a public placeholder
「この投稿は非表示になりました（理由: …）」.

Any app can make its content reportable in AppConfig.ready():

    register_moderated(NewsItem, author=lambda item: item.author, title=lambda item: item.title)

A registered model should have `hidden_at` (DateTimeField, null) and `hidden_reason`
(CharField) so lists can show the placeholder without another query; hide_content sets them
together with the HiddenContent record. Show the placeholder with the macro
`hidden_placeholder(obj)` from "challenges/moderation.html".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.challenges.models import ContentReport, HiddenContent, ReportStatus
from kyodo.core.audit import record_event
from kyodo.core.hooks import content_changed
from kyodo.notifications.services import notify


@dataclass(frozen=True)
class Moderated:
    model: type[models.Model]
    author: Callable[[Any], Any]
    title: Callable[[Any], str]

    @property
    def key(self) -> str:
        return self.model._meta.label_lower


_moderated: dict[str, Moderated] = {}


def register_moderated(
    model: type[models.Model],
    *,
    author: Callable[[Any], Any],
    title: Callable[[Any], str] = str,
) -> None:
    item = Moderated(model=model, author=author, title=title)
    _moderated[item.key] = item


def moderated_for(obj: models.Model) -> Moderated:
    spec = _moderated.get(obj._meta.label_lower)
    if spec is None:
        raise ValueError(f"{obj._meta.label_lower} is not registered for moderation")
    return spec


def get_reportable(key: str, pk: int) -> models.Model:
    """The registered object `key` ("app.model") with this id, or 404."""
    spec = _moderated.get(key)
    if spec is None:
        raise Http404
    try:
        return spec.model._default_manager.get(pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _ct_id(obj: models.Model) -> tuple[ContentType, int]:
    return ContentType.objects.get_for_model(obj), int(obj.pk)


def report_content(*, actor: User, target: models.Model, reason: str) -> ContentReport:
    if not actor.has_perm("challenges.report_content", target):
        raise PermissionDenied
    moderated_for(target)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tell us what is wrong with this content."), code="reason_required")
    ct, pk = _ct_id(target)
    with transaction.atomic():
        report = ContentReport.objects.create(
            content_type=ct, object_id=pk, reporter=actor, reason=reason[:2000]
        )
        record_event(
            actor=actor, verb="challenges.report.create", target=report, to_state=ReportStatus.OPEN
        )
    return report


def hide_content(*, actor: User, target: models.Model, reason: str) -> HiddenContent:
    """Hide `target` with a public reason; close its open reports; tell the author."""
    if not actor.has_perm("challenges.moderate_content", target):
        raise PermissionDenied
    spec = moderated_for(target)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Give the reason for hiding; it is shown in public."), code="reason_required"
        )
    ct, pk = _ct_id(target)
    now = timezone.now()
    with transaction.atomic():
        locked = type(target)._default_manager.select_for_update().get(pk=pk)
        if HiddenContent.objects.filter(content_type=ct, object_id=pk).exists():
            raise ValidationError(_("This content is already hidden."), code="already_hidden")
        hidden = HiddenContent.objects.create(
            content_type=ct, object_id=pk, reason=reason[:300], hidden_by=actor
        )
        if hasattr(locked, "hidden_at"):
            type(target)._default_manager.filter(pk=pk).update(
                hidden_at=now, hidden_reason=reason[:300]
            )
            setattr(locked, "hidden_at", now)  # noqa: B010 - any registered model
            setattr(locked, "hidden_reason", reason[:300])  # noqa: B010
        ContentReport.objects.filter(
            content_type=ct, object_id=pk, status=ReportStatus.OPEN
        ).update(status=ReportStatus.HIDDEN, decided_at=now, decided_by=actor)
        record_event(
            actor=actor,
            verb="moderation.content.hide",
            target=locked,
            to_state="hidden",
            data={"reason": reason},
        )
        author = spec.author(locked)
        if author is not None:
            url = locked.get_absolute_url() if hasattr(locked, "get_absolute_url") else ""
            notify(
                recipients=[author],
                kind="moderation.hidden",
                subject=_("Your post was hidden: %(title)s") % {"title": spec.title(locked)[:120]},
                body=_(
                    "A coordinator hid your post. Reason: %(reason)s\nIf you think this is a mistake, please contact the city."
                )
                % {"reason": reason},
                url=url,
            )
        content_changed(locked)
    return hidden


def unhide_content(*, actor: User, target: models.Model) -> None:
    """Show hidden content again (a coordinator's mistake or a successful appeal)."""
    if not actor.has_perm("challenges.moderate_content", target):
        raise PermissionDenied
    moderated_for(target)
    ct, pk = _ct_id(target)
    with transaction.atomic():
        locked = type(target)._default_manager.select_for_update().get(pk=pk)
        deleted, _rows = HiddenContent.objects.filter(content_type=ct, object_id=pk).delete()
        if not deleted:
            raise ValidationError(_("This content is not hidden."), code="not_hidden")
        if hasattr(locked, "hidden_at"):
            type(target)._default_manager.filter(pk=pk).update(hidden_at=None, hidden_reason="")
            setattr(locked, "hidden_at", None)  # noqa: B010 - any registered model
            setattr(locked, "hidden_reason", "")  # noqa: B010
        record_event(
            actor=actor,
            verb="moderation.content.unhide",
            from_state="hidden",
            to_state="visible",
            target=locked,
        )
        content_changed(locked)


def dismiss_report(*, actor: User, report: ContentReport) -> ContentReport:
    if not actor.has_perm("challenges.moderate_content", report):
        raise PermissionDenied
    with transaction.atomic():
        locked = ContentReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.OPEN:
            raise ValidationError(_("This report was already decided."), code="already_decided")
        locked.status = ReportStatus.DISMISSED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        record_event(
            actor=actor,
            verb="moderation.report.dismiss",
            target=locked,
            from_state=ReportStatus.OPEN,
            to_state=ReportStatus.DISMISSED,
        )
    return locked


def open_reports() -> list[dict[str, Any]]:
    """Open reports grouped by content, oldest first, with the content loaded (one query
    per content type, not per report)."""
    reports = list(
        ContentReport.objects.filter(status=ReportStatus.OPEN)
        .select_related("reporter", "content_type")
        .order_by("created_at", "id")[:500]
    )
    by_type: dict[int, set[int]] = {}
    for r in reports:
        by_type.setdefault(r.content_type_id, set()).add(r.object_id)
    objects: dict[tuple[int, int], Any] = {}
    for ct_id, ids in by_type.items():
        ct = ContentType.objects.get_for_id(ct_id)
        model = ct.model_class()
        if model is None:
            continue
        for obj in model._default_manager.filter(pk__in=ids):
            objects[(ct_id, int(obj.pk))] = obj
    groups: dict[tuple[int, int], dict[str, Any]] = {}
    for r in reports:
        key = (r.content_type_id, r.object_id)
        found = objects.get(key)
        if found is None:
            continue
        group = groups.setdefault(
            key,
            {
                "target": obj,
                "key": obj._meta.label_lower,
                "kind": obj._meta.verbose_name,
                "reports": [],
            },
        )
        group["reports"].append(r)
    return list(groups.values())
