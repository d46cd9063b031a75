import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "kyodo.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from kyodo.api import tasks
        from kyodo.core.hooks import PeriodicTask, register_periodic_task

        register_periodic_task(
            PeriodicTask(
                key="api.build_open_data_package",
                task=tasks.build_open_data_package,
                at=dt.time(4, 0),
            )
        )
        register_periodic_task(
            PeriodicTask(
                key="api.refresh_open_data_after_publication",
                task=tasks.refresh_open_data_after_publication,
                every=dt.timedelta(minutes=10),
            )
        )
        from kyodo.accounts.hooks import register_password_change_handler
        from kyodo.api.services import revoke_all_tokens

        register_password_change_handler("api_tokens", revoke_all_tokens)
