"""Project-wide pytest fixtures.

The test environment variables are set by tests/pytest_env.py (loaded before settings).
Every test database gets the municipality's guideline loaded once, right after migration,
so tests see the real reference data (principles, districts, fields …). Tests that use
`transactional_db` or `live_server` get it reloaded by the `guideline` fixture.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():  # type: ignore[no-untyped-def]
    """Compile the .po catalogs to .mo before any test renders a page (they are not in git)."""
    from django.utils.translation import trans_real

    from kyodo.core.i18n import compile_all

    compile_all()
    # A catalogue read while the tests were collected (a gettext at import time) holds the .mo
    # as it was before: read them again.
    trans_real._translations = {}
    trans_real._default = None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from django.conf import settings

    from kyodo.guideline.loader import load_guideline

    with django_db_blocker.unblock():
        load_guideline(settings.KYODO_GUIDELINE_FILE)


@pytest.fixture
def guideline(db):  # type: ignore[no-untyped-def]
    """Make sure the guideline is present (needed after a transactional test flushed it)."""
    from django.conf import settings

    from kyodo.guideline.loader import load_guideline
    from kyodo.guideline.models import Municipality

    if not Municipality.objects.exists():
        load_guideline(settings.KYODO_GUIDELINE_FILE)


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
