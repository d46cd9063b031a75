from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kyodo.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from kyodo.accounts import services
        from kyodo.accounts.personal_data import register_personal_data_exporter

        register_personal_data_exporter("profile", services.profile_export)
        register_personal_data_exporter("private_profile", services.private_profile_export)
        register_personal_data_exporter("private_data_views", services.private_data_views_export)
