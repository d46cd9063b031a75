from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "kyodo.privacy"
    label = "privacy"
    verbose_name = _("Privacy and audit")

    def ready(self) -> None:
        # Registers the built-in retention policies (accounts, audit log).
        from kyodo.accounts.personal_data import register_personal_data_exporter
        from kyodo.privacy import services

        register_personal_data_exporter("privacy_requests", services.privacy_requests_export)
        _register_periodic_tasks()


def _register_periodic_tasks() -> None:
    import datetime as dt

    from kyodo.core.hooks import PeriodicTask, register_periodic_task
    from kyodo.privacy import tasks

    register_periodic_task(
        PeriodicTask("privacy.anonymise_expired", tasks.anonymise_expired_data, at=dt.time(3, 0))
    )
