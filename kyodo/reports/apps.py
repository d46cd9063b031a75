from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kyodo.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from kyodo.core.hooks import NavItem, register_nav_item

        register_nav_item(NavItem("reports:index", _("Reports and statistics"), 70))
        register_nav_item(
            NavItem("reports:dashboard", _("Staff dashboard"), 96, perm="reports.view_dashboard")
        )
