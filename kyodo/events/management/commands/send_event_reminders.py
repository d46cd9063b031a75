from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kyodo.events.services import send_event_reminders


class Command(BaseCommand):
    help = "Remind confirmed registrants of tomorrow's events (run once a day; safe to repeat)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_event_reminders()
        self.stdout.write(f"{sent} reminders sent")
