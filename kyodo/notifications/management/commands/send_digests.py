from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kyodo.notifications.tasks import send_digests, send_digests_task


class Command(BaseCommand):
    help = "Send the daily or weekly notification digests (run daily and weekly from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("frequency", choices=["daily", "weekly"])
        parser.add_argument(
            "--enqueue", action="store_true", help="queue a task for the db_worker instead"
        )
        parser.add_argument(
            "--force", action="store_true", help="send even if a digest went out recently"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = send_digests_task.enqueue(options["frequency"])
            self.stdout.write(f"queued task {result.id}")
            return
        sent = send_digests(options["frequency"], force=options["force"])
        self.stdout.write(self.style.SUCCESS(f"{sent} digest e-mails sent"))
