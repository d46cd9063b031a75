"""`manage.py scheduler`: enqueue the registered periodic tasks when they are due, in a loop
(`make run` starts it beside gunicorn and `db_worker`); `--once` checks once and exits."""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from kyodo.core.hooks import periodic_tasks
from kyodo.core.models import ScheduledTaskRun
from kyodo.core.scheduler import enqueue_due, next_due


class Command(BaseCommand):
    help = "Enqueue the periodic tasks (digests, reminders, lotteries …) when they are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="check once, then exit")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="seconds between checks (default 30)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._stop = False

        def stop(signum: int, frame: FrameType | None) -> None:
            self._stop = True

        if not options["once"]:
            signal.signal(signal.SIGINT, stop)
            signal.signal(signal.SIGTERM, stop)
            self._describe()
        while True:
            for key in enqueue_due():
                self.stdout.write(f"scheduler: enqueued {key}")
            if options["once"]:
                return
            close_old_connections()  # a long-running loop: drop broken or expired connections
            deadline = time.monotonic() + options["interval"]
            while not self._stop and time.monotonic() < deadline:
                time.sleep(0.5)
            if self._stop:
                self.stdout.write("scheduler: stopped")
                return

    def _describe(self) -> None:
        now = timezone.now()
        last = dict(ScheduledTaskRun.objects.values_list("key", "last_enqueued_at"))
        for periodic in periodic_tasks():
            when = next_due(periodic, last=last.get(periodic.key), now=now)
            shown = "now" if when <= now else f"{timezone.localtime(when):%Y-%m-%d %H:%M}"
            self.stdout.write(f"scheduler: {periodic.key} due {shown}")
