from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kyodo.organizations import services


class Command(BaseCommand):
    help = "Mark organization registrations past their expiry date (fiscal-year end) as expired."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.expire_registrations(today=options["today"])
        self.stdout.write(self.style.SUCCESS(f"{count} registrations expired."))
