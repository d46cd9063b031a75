from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionConfig(AppConfig):
    name = "kyodo.promotion"
    label = "promotion"
    verbose_name = _("Promotion inside the city")

    def ready(self) -> None:
        from kyodo.core.hooks import NavItem, register_nav_item

        register_nav_item(
            NavItem("promotion:index", _("For city staff"), 95, perm="promotion.view_internal")
        )
