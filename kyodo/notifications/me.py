"""マイページ: what I follow (a fixed number of queries: the follows, then one per kind)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _

from kyodo.accounts.me import group, section
from kyodo.notifications.models import Follow
from kyodo.notifications.registry import followable

SHOWN = 30


def my_follows_section(request: Any) -> dict[str, Any] | None:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    follows = list(
        Follow.objects.filter(user=user)
        .order_by("-created_at", "-id")
        .values_list("target_type_id", "target_id")[:SHOWN]
    )
    wanted: dict[int, list[int]] = defaultdict(list)
    for type_id, target_id in follows:
        wanted[type_id].append(target_id)
    found: dict[tuple[int, int], tuple[str, str, str]] = {}
    for type_id, ids in wanted.items():
        ct = ContentType.objects.get_for_id(type_id)  # cached by Django after the first
        spec = followable(f"{ct.app_label}.{ct.model}")
        if spec is None:
            continue
        kind = str(spec.model._meta.verbose_name)
        for obj in spec.model._default_manager.filter(pk__in=ids):
            href = spec.url_of(obj)
            if href:
                found[(type_id, int(obj.pk))] = (str(obj), href, kind)
    items = [found[key] for key in follows if key in found]
    return section(
        "follows",
        _("What I follow"),
        [
            group(
                None,
                items,
                _(
                    "You follow nothing yet. Follow a group, a project, a district, a local issue "
                    "or a call to hear when it changes."
                ),
            )
        ],
        [
            (_("Notifications"), reverse("notifications:inbox")),
            (_("E-mail settings"), reverse("notifications:preferences")),
        ],
    )
