from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "kyodo.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from kyodo.core.hooks import register_content_listener
        from kyodo.search import providers  # noqa: F401  (registers the providers)
        from kyodo.search.services import on_content_changed

        register_content_listener(on_content_changed)
