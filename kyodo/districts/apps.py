from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictsConfig(AppConfig):
    name = "kyodo.districts"
    label = "districts"
    verbose_name = _("Districts")

    def ready(self) -> None:
        from kyodo.core.hooks import NavItem, register_nav_item

        register_nav_item(NavItem("districts:list", _("Districts"), 15))
        from kyodo.districts.services import councils_from_guideline
        from kyodo.guideline.loader import guideline_loaded

        guideline_loaded.connect(councils_from_guideline, dispatch_uid="district-councils")
        _register_periodic_tasks()


def _register_periodic_tasks() -> None:
    import datetime as dt

    from kyodo.core.hooks import PeriodicTask, register_periodic_task
    from kyodo.districts import tasks

    register_periodic_task(
        PeriodicTask("districts.digests", tasks.send_district_digests_task, at=dt.time(7, 30))
    )
