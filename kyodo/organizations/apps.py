from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "kyodo.organizations"
    label = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from kyodo.accounts.hooks import register_my_page_section
        from kyodo.accounts.personal_data import (
            register_account_deletion_handler,
            register_personal_data_exporter,
            register_private_data_grant,
        )
        from kyodo.core.hooks import NavItem, register_nav_item
        from kyodo.organizations import services
        from kyodo.organizations.me import manages_group_of, my_organizations_section

        register_nav_item(NavItem("organizations:directory", _("Organizations"), 20))
        register_nav_item(NavItem("organizations:offer-list", _("Offers and needs"), 25))
        register_nav_item(
            NavItem(
                "organizations:city-setup",
                _("The city's set-up"),
                95,
                perm="organizations.manage_city_setup",
            )
        )
        register_personal_data_exporter("memberships", services.memberships_export)
        register_personal_data_exporter("contact_messages", services.contact_requests_export)
        register_account_deletion_handler(
            "organizations",
            services.end_memberships_on_deletion,
            check=services.check_account_deletion,
        )
        register_private_data_grant("organizations.roster", manages_group_of)
        from kyodo.guideline.loader import guideline_loaded
        from kyodo.organizations.city_setup import departments_from_guideline

        guideline_loaded.connect(departments_from_guideline, dispatch_uid="org-departments")
        register_my_page_section(
            "organizations", 10, "organizations/me_section.html", my_organizations_section
        )
        _register_followable()
        _register_periodic_tasks()


def _register_periodic_tasks() -> None:
    import datetime as dt

    from kyodo.core.hooks import PeriodicTask, register_periodic_task
    from kyodo.organizations import tasks

    register_periodic_task(
        PeriodicTask(
            "organizations.expire_registrations", tasks.expire_registrations, at=dt.time(1, 0)
        )
    )


def _register_followable() -> None:
    from django.urls import reverse

    from kyodo.notifications.registry import register_followable
    from kyodo.organizations.models import Organization

    # Followers hear of the group's news (kyodo.news.services.publish_news).
    register_followable(
        Organization,
        lambda user, obj: user.has_perm("organizations.view_organization", obj),
        url=lambda obj: reverse("organizations:detail", args=[obj.pk]),
    )
