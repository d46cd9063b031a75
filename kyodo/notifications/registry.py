"""What can be followed, and who may see it. Apps register their models in
AppConfig.ready(); the generic follow view refuses anything not registered or not visible."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Followable:
    model: type[models.Model]
    # visible(user, obj) -> may this person see obj (and so follow it)?
    visible: Callable[[Any, Any], bool]
    # url(obj) -> its page (for マイページ's list of what a person follows)
    url: Callable[[Any], str] | None = None

    def url_of(self, obj: Any) -> str:
        if self.url is not None:
            return self.url(obj)
        return str(obj.get_absolute_url()) if hasattr(obj, "get_absolute_url") else ""

    @property
    def key(self) -> str:
        return self.model._meta.label_lower


_followables: dict[str, Followable] = {}


def register_followable(
    model: type[models.Model],
    visible: Callable[[Any, Any], bool],
    url: Callable[[Any], str] | None = None,
) -> None:
    item = Followable(model=model, visible=visible, url=url)
    _followables[item.key] = item


def followable(key: str) -> Followable | None:
    return _followables.get(key)


def follow_key(obj: models.Model) -> str:
    """The value for the follow form's `target` field."""
    return obj._meta.label_lower


def followables() -> list[Followable]:
    return list(_followables.values())
