from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyodo.events.models import Facility
from kyodo.events.services import run_booking_lottery, run_due_booking_lotteries


class Command(BaseCommand):
    help = (
        "Draw the room-booking lotteries of opening days that are over. With --facility and "
        "--day, draw that one (optionally with --seed to repeat a recorded draw)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--facility", type=int)
        parser.add_argument("--day", type=dt.date.fromisoformat)
        parser.add_argument("--seed")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["facility"] or options["day"]:
            if not (options["facility"] and options["day"]):
                raise CommandError("--facility and --day go together")
            try:
                facility = Facility.objects.get(pk=options["facility"])
                lottery = run_booking_lottery(
                    actor=None, facility=facility, opening_day=options["day"], seed=options["seed"]
                )
            except (Facility.DoesNotExist, ValidationError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"{facility}: {len(lottery.results)} slots drawn (seed {lottery.seed})"
            )
            return
        for lottery in run_due_booking_lotteries():
            self.stdout.write(
                f"{lottery.facility}: {len(lottery.results)} slots drawn (seed {lottery.seed})"
            )
