from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "kyodo.calls"
    label = "calls"
    verbose_name = _("Calls and subsidies")

    def ready(self) -> None:
        from kyodo.accounts.hooks import register_my_page_section
        from kyodo.accounts.me import ME_LIST_TEMPLATE
        from kyodo.calls.me import my_calls_section

        register_my_page_section("calls", 50, ME_LIST_TEMPLATE, my_calls_section)
        from kyodo.core.hooks import NavItem, register_nav_item

        register_nav_item(NavItem("calls:list", _("Calls and subsidies"), 40))

        from django.urls import reverse

        from kyodo.calls.models import Call
        from kyodo.notifications.registry import register_followable

        register_followable(
            Call,
            lambda user, obj: user.has_perm("calls.view_call", obj),
            url=lambda obj: reverse("calls:detail", args=[obj.pk]),
        )
