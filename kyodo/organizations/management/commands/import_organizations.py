from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyodo.organizations.csv_import import import_organizations, parse_organizations_csv


class Command(BaseCommand):
    help = "Import organizations from a CSV file (UTF-8 or Shift_JIS). Lists every row's problems."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument(
            "--valid-only", action="store_true", help="import the valid rows, skip the others"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        parsed = parse_organizations_csv(path.read_bytes())
        for message in parsed.file_errors:
            self.stderr.write(message)
        for row in parsed.invalid_rows:
            for column, message in row.errors:
                self.stderr.write(f"{row.number}行目 {column}: {message}")
        self.stdout.write(
            f"{parsed.encoding}: {len(parsed.valid_rows)} valid rows, {len(parsed.invalid_rows)} rows with problems"
        )
        if options["dry_run"]:
            return
        width = 30

        def progress(i: int, total: int) -> None:
            done = int(width * i / max(total, 1))
            self.stdout.write(f"\r  [{'#' * done}{'.' * (width - done)}] {i}/{total}", ending="")
            if i == total:
                self.stdout.write("")

        try:
            created = import_organizations(
                actor=None, parsed=parsed, valid_only=options["valid_only"], progress=progress
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"{len(created)} organizations imported."))
