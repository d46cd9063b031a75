"""Explicit hooks that let lower apps tell higher ones about changes without importing them.

- Content listeners: services call `content_changed(obj)` inside their transaction after a
  write to anything searchable or listed; the search app registers a listener in its
  AppConfig.ready() and keeps its index in the same transaction.
- Home blocks: apps register what the home page shows "now" (see kyodo.core.views.home).
- Navigation: apps register their main navigation entries.
- Periodic tasks: apps register work the scheduler runs on a timetable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from django.db import models

ContentListener = Callable[[models.Model, bool], None]
_content_listeners: list[ContentListener] = []


def register_content_listener(listener: ContentListener) -> None:
    if listener not in _content_listeners:
        _content_listeners.append(listener)


def content_changed(instance: models.Model, *, deleted: bool = False) -> None:
    for listener in list(_content_listeners):
        listener(instance, deleted)


@dataclass(frozen=True)
class HomeBlock:
    key: str
    order: int
    # Returns the context for the block's template, or None to hide the block.
    context: Callable[[Any], dict[str, Any] | None]
    template: str


_home_blocks: dict[str, HomeBlock] = {}


def register_home_block(block: HomeBlock) -> None:
    _home_blocks[block.key] = block


def home_blocks() -> list[HomeBlock]:
    return sorted(_home_blocks.values(), key=lambda b: b.order)


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any  # a lazy translation
    order: int
    perm: str | None = None  # shown only to people who have this permission


_nav_items: dict[str, NavItem] = {}


def register_nav_item(item: NavItem) -> None:
    _nav_items[item.url_name] = item


def nav_items() -> list[NavItem]:
    return sorted(_nav_items.values(), key=lambda n: n.order)


@dataclass(frozen=True)
class PeriodicTask:
    """Background work that runs on a schedule (digests, reminders, the open-data build …).

    Apps register one in their AppConfig.ready(); the scheduler started beside the task worker
    (`make run`) enqueues `task` (a django-tasks Task taking no arguments) every `every`, or once a
    day at `at` (Japan time) when `at` is given."""

    key: str
    task: Any
    every: timedelta = timedelta(days=1)
    at: time | None = None


_periodic_tasks: dict[str, PeriodicTask] = {}


def register_periodic_task(periodic: PeriodicTask) -> None:
    _periodic_tasks[periodic.key] = periodic


def periodic_tasks() -> list[PeriodicTask]:
    return sorted(_periodic_tasks.values(), key=lambda p: p.key)
