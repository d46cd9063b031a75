"""`manage.py anonymise_expired`: anonymise personal data past its retention period.

Run it daily (cron or a systemd timer), or `--enqueue` it for the db_worker."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kyodo.privacy.retention import registered_policies, retention_days


class Command(BaseCommand):
    help = "Anonymise personal data whose retention period (KYODO_RETENTION_DAYS) has passed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the task for the worker instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from kyodo.privacy.tasks import anonymise_expired_data

        if options["enqueue"]:
            result = anonymise_expired_data.enqueue()
            self.stdout.write(f"queued task {result.id}")
            return
        results = anonymise_expired_data.call()
        for data_class in registered_policies():
            days = retention_days(data_class)
            self.stdout.write(
                f"{data_class:<32} kept {days:>5} days  anonymised {results.get(data_class, 0):>6}"
            )
