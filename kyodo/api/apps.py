from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "kyodo.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from kyodo.accounts.hooks import register_password_change_handler
        from kyodo.api.services import revoke_all_tokens

        register_password_change_handler("api_tokens", revoke_all_tokens)
