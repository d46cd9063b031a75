from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kyodo.districts.services import send_district_digests


class Command(BaseCommand):
    help = "Send each district's followers a summary of what is new since the last digest."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_district_digests()
        self.stdout.write(self.style.SUCCESS(f"district digests sent: {sent}"))
