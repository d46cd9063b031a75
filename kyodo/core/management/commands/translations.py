from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyodo.core import i18n


class Command(BaseCommand):
    help = (
        "extract: update .po files from Python and Jinja2; compile: write .mo; check: fail on gaps."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["extract", "compile", "check"])
        parser.add_argument(
            "apps", nargs="*", help="app labels to extract (default: all; 'config' for config/)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "extract":
            dirs = [d for d in i18n.app_dirs() if not options["apps"] or d.name in options["apps"]]
            for path, total, missing in i18n.extract(dirs):
                self.stdout.write(f"{path}: {total} messages, {missing} untranslated")
        elif action == "compile":
            written = i18n.compile_all()
            self.stdout.write(f"compiled {len(written)} catalogs")
        else:
            problems = i18n.check()
            for p in problems:
                self.stdout.write(p)
            if problems:
                raise CommandError(f"{len(problems)} translation problems")
            self.stdout.write(self.style.SUCCESS("every message has a Japanese translation"))
