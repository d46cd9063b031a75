from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kyodo.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from kyodo.core import pagecache

        pagecache.connect_signals()
