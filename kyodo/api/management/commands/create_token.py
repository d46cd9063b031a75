"""manage.py create_token EMAIL [--name NAME]: print a new personal access token."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyodo.accounts.models import User
from kyodo.api.services import create_token


class Command(BaseCommand):
    help = (
        "Create a personal access token for the person with this e-mail and print it (shown once)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--name", default="command line", help="A name to recognise the token by."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"No account with the e-mail {options['email']}.")
        try:
            new = create_token(actor=user, name=options["name"])
        except PermissionDenied as exc:
            raise CommandError("This account cannot use the API (inactive?).") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stderr.write(
            f'Token "{new.token.name}" for {user.public_name} (store it now: it is not shown again):'
        )
        self.stdout.write(new.raw)
