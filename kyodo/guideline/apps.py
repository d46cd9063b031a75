from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidelineConfig(AppConfig):
    name = "kyodo.guideline"
    label = "guideline"
    verbose_name = _("Guideline")

    def ready(self) -> None:
        from kyodo.core.hooks import NavItem, register_nav_item

        register_nav_item(NavItem("guideline:about", _("About collaboration"), 90))
