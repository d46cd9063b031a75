from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kyodo.projects.services import send_evaluation_reminders


class Command(BaseCommand):
    help = "E-mail the partners whose final evaluation of a project is overdue (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_evaluation_reminders()
        self.stdout.write(f"{sent} reminder(s) sent")
