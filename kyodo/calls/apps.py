from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "kyodo.calls"
    label = "calls"
    verbose_name = _("Calls and subsidies")

    def ready(self) -> None:
        from kyodo.core.hooks import NavItem, register_nav_item

        register_nav_item(NavItem("calls:list", _("Calls and subsidies"), 40))
