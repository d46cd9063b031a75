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

    @property
    def key(self) -> str:
        return self.model._meta.label_lower


_followables: dict[str, Followable] = {}


def register_followable(model: type[models.Model], visible: Callable[[Any, Any], bool]) -> None:
    item = Followable(model=model, visible=visible)
    _followables[item.key] = item


def followable(key: str) -> Followable | None:
    return _followables.get(key)


def follow_key(obj: models.Model) -> str:
    """The value for the follow form's `target` field."""
    return obj._meta.label_lower
