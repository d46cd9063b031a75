from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def org_projects_section(request: Any, org: Any) -> dict[str, Any] | None:
    """The organization page's "Collaboration projects" section: its public projects."""
    from kyodo.projects.workflow import PUBLIC_STATUSES

    projects = list(
        org.projects.filter(status__in=PUBLIC_STATUSES)
        .distinct()
        .order_by("-fiscal_year", "-id")[:20]
    )
    if not projects:
        return None
    return {"org_projects": projects}


class ProjectsConfig(AppConfig):
    name = "kyodo.projects"
    label = "projects"
    verbose_name = _("Collaboration projects")

    def ready(self) -> None:
        from kyodo.accounts.hooks import register_my_page_section
        from kyodo.accounts.me import ME_LIST_TEMPLATE
        from kyodo.projects.me import my_projects_section

        register_my_page_section("projects", 40, ME_LIST_TEMPLATE, my_projects_section)
        from kyodo.core.hooks import NavItem, register_nav_item
        from kyodo.organizations.hooks import register_org_section

        register_nav_item(NavItem("projects:list", _("Projects"), 30))
        register_org_section("projects", 30, "projects/org_section.html", org_projects_section)
        from kyodo.notifications.registry import register_followable
        from kyodo.projects.models import Project

        # Following a project is a 輪 step of the journey (kyodo.events).
        register_followable(Project, lambda user, obj: user.has_perm("projects.view_project", obj))
        _register_periodic_tasks()


def _register_periodic_tasks() -> None:
    import datetime as dt

    from kyodo.core.hooks import PeriodicTask, register_periodic_task
    from kyodo.projects import tasks

    register_periodic_task(
        PeriodicTask(
            "projects.evaluation_reminders", tasks.send_evaluation_reminders, at=dt.time(9, 30)
        )
    )
