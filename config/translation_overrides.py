"""Words Kyodo's apps use that Django's own catalogues translate otherwise.

Django looks a message up in LOCALE_PATHS (kyodo/locale: config/'s catalogue) first, then in
the installed apps in order: django.contrib.admin and auth come before Kyodo's apps, so their
translations win ("Save" is 保存, "All" is 全て, and "None" is left as "None"). Listing a word
here puts it in config's catalogue, where Kyodo's translation wins on every page.
kyodo/core/tests/test_catalogues.py finds any new one (test_every_page_shows_…)."""

from django.utils.translation import gettext_noop

OVERRIDDEN = [
    gettext_noop("Add"),
    gettext_noop("All"),
    gettext_noop("Home"),
    gettext_noop("Remove"),
    gettext_noop("Save"),
    gettext_noop("Show all"),
    gettext_noop("Skip to main content"),
    gettext_noop("content type"),
    gettext_noop("group"),
    gettext_noop("name"),
    gettext_noop("object id"),
    gettext_noop("user"),
    gettext_noop("users"),
    gettext_noop("version"),
]
