"""The scheduler beside the worker: each registered periodic task is enqueued when due, once,
even across restarts (the last run is stored in the database), and `make run`'s supervisor
points SITE_URL at the host and port it serves."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from kyodo.core import hooks
from kyodo.core.models import ScheduledTaskRun
from kyodo.core.scheduler import enqueue_due, is_due, next_due

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
RUNS: list[str] = []


@task()
def remember_run() -> int:
    RUNS.append("ran")
    return len(RUNS)


@pytest.fixture
def tick(monkeypatch, django_capture_on_commit_callbacks):
    registry: dict[str, hooks.PeriodicTask] = {}
    monkeypatch.setattr(hooks, "_periodic_tasks", registry)
    RUNS.clear()

    def tick(now: dt.datetime) -> list[str]:
        # The immediate queue of the tests runs a task when its transaction commits.
        with django_capture_on_commit_callbacks(execute=True):
            return enqueue_due(now=now)

    return tick


def at(hour: int, minute: int = 0, day: int = 8) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=JST)


def test_the_apps_register_digests_reminders_and_lotteries():
    keys = {p.key for p in hooks.periodic_tasks()}
    assert {
        "notifications.daily_digest",
        "notifications.weekly_digest",
        "events.reminders",
        "events.booking_lotteries",
        "projects.evaluation_reminders",
        "districts.digests",
        "organizations.expire_registrations",
        "privacy.anonymise_expired",
    } <= keys
    for periodic in hooks.periodic_tasks():
        assert hasattr(periodic.task, "enqueue"), periodic.key


def test_a_daily_task_runs_once_a_day_at_its_japan_time(tick):
    hooks.register_periodic_task(hooks.PeriodicTask("t.daily", remember_run, at=dt.time(7, 0)))
    assert tick(at(6, 59)) == []
    assert tick(at(7, 0)) == ["t.daily"]
    assert tick(at(7, 1)) == []
    assert tick(at(23, 59)) == []
    assert tick(at(6, 59, day=9)) == []
    assert tick(at(7, 5, day=9)) == ["t.daily"]
    assert RUNS == ["ran", "ran"]
    run = ScheduledTaskRun.objects.get(key="t.daily")
    assert run.last_enqueued_at == at(7, 5, day=9)


def test_started_after_the_time_it_runs_today_and_a_restart_does_not_run_it_again(
    tick,
):
    hooks.register_periodic_task(hooks.PeriodicTask("t.daily", remember_run, at=dt.time(7, 0)))
    assert tick(at(15, 0)) == ["t.daily"]
    # A restarted scheduler process reads the last run from the database.
    call_command("scheduler", "--once")  # the real clock: already ran today or due later
    assert tick(at(16, 0)) == []
    assert len(RUNS) <= 2


def test_an_interval_task_runs_every_period(tick):
    hooks.register_periodic_task(
        hooks.PeriodicTask("t.hourly", remember_run, every=dt.timedelta(hours=1))
    )
    assert tick(at(10, 0)) == ["t.hourly"]
    assert tick(at(10, 59)) == []
    assert tick(at(11, 0)) == ["t.hourly"]
    assert RUNS == ["ran", "ran"]


def test_next_due_for_the_console():
    daily = hooks.PeriodicTask("t", remember_run, at=dt.time(7, 0))
    assert next_due(daily, last=None, now=at(6, 0)) == at(7, 0)
    assert next_due(daily, last=at(7, 0), now=at(8, 0)) == at(7, 0, day=9)
    assert is_due(daily, last=at(7, 0, day=7), now=at(8, 0))


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_with_the_database_queue_the_worker_finds_the_task(tick):
    hooks.register_periodic_task(hooks.PeriodicTask("t.daily", remember_run, at=dt.time(7, 0)))
    tick(at(8, 0))
    tick(at(9, 0))
    # One row for the worker (`db_worker` picks up READY rows), not two.
    queued = DBTaskResult.objects.filter(task_path=remember_run.module_path)
    assert queued.count() == 1
    assert queued.get().status == "READY"


def _run_script():
    path = Path(__file__).resolve().parents[3] / "scripts" / "run.py"
    spec = importlib.util.spec_from_file_location("kyodo_run_script", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["kyodo_run_script"] = module
    spec.loader.exec_module(module)
    return module


def test_run_starts_web_worker_and_scheduler_with_site_url_from_host_and_port(monkeypatch):
    run = _run_script()
    for name in ("SITE_URL", "EMAIL_BACKEND", "EMAIL_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "8123")
    env = run.environment()
    assert env["SITE_URL"] == "http://127.0.0.1:8123"
    assert env["EMAIL_BACKEND"] == "kyodo.notifications.mailbox.MailboxBackend"
    cmds = run.commands(env)
    assert set(cmds) == {"web", "worker", "scheduler"}
    assert "127.0.0.1:8123" in cmds["web"]
    assert cmds["worker"][1:3] == ["manage.py", "db_worker"]
    assert cmds["scheduler"][1:] == ["manage.py", "scheduler"]

    monkeypatch.setenv("SITE_URL", "https://kyodo.city.example.jp")
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.jp")
    env = run.environment()
    assert env["SITE_URL"] == "https://kyodo.city.example.jp"
    assert "EMAIL_BACKEND" not in env
