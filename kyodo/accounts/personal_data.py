"""The personal-data export (開示請求への対応): every app adds what it holds about a person.

Apps register an exporter in their AppConfig.ready():

    from kyodo.accounts.personal_data import register_personal_data_exporter
    register_personal_data_exporter("event_registrations", my_exporter)

An exporter takes the user and returns JSON-serialisable data (a list or a dict).
`collect_personal_data(user)` runs them all; the download view serves the result as JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], list[Any] | dict[str, Any]]
_exporters: dict[str, Exporter] = {}


def register_personal_data_exporter(label: str, fn: Exporter) -> None:
    """Register (or replace) the exporter for `label`; labels are the JSON keys."""
    _exporters[label] = fn


def registered_exporters() -> dict[str, Exporter]:
    return dict(sorted(_exporters.items()))


def collect_personal_data(user: Any) -> dict[str, Any]:
    return {label: fn(user) for label, fn in registered_exporters().items()}


# Account deletion: apps that hold links to a person (memberships, registrations …) tidy up
# when the account is deleted. A handler may refuse by raising ValidationError (e.g. the
# person is still the representative of a group and must hand the role over first).
DeletionHandler = Callable[[Any], None]
_deletion_checks: dict[str, DeletionHandler] = {}
_deletion_handlers: dict[str, DeletionHandler] = {}


def register_account_deletion_handler(
    label: str, handler: DeletionHandler, *, check: DeletionHandler | None = None
) -> None:
    """`check(user)` runs before anything is changed and may raise ValidationError;
    `handler(user)` runs inside the deletion transaction."""
    _deletion_handlers[label] = handler
    if check is not None:
        _deletion_checks[label] = check


def run_deletion_checks(user: Any) -> None:
    for _label, check in sorted(_deletion_checks.items()):
        check(user)


def run_deletion_handlers(user: Any) -> None:
    for _label, handler in sorted(_deletion_handlers.items()):
        handler(user)


# Private-data grants: a higher app states when an actor may see a subject's private
# profile, e.g. events: "the actor organises an event the subject registered for and agreed
# to share their contact details with". Checked by the `accounts.view_private_profile` rule.
PrivateDataGrant = Callable[[Any, Any], bool]
_grants: dict[str, PrivateDataGrant] = {}


def register_private_data_grant(label: str, grant: PrivateDataGrant) -> None:
    _grants[label] = grant


def private_data_granted(actor: Any, subject: Any) -> bool:
    return any(grant(actor, subject) for _label, grant in sorted(_grants.items()))
