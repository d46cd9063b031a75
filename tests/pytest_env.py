"""Loaded by pytest before Django reads its settings (see `-p tests.pytest_env` in
pyproject.toml): the test environment, as environment variables like any other."""

import os

for key, value in {
    "KYODO_FAST_HASHER": "1",
    "KYODO_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    "AXES_ENABLED": "0",
    "SECURE_COOKIES": "0",
    # Off in tests (each test's data differs; the cache's own tests turn it on).
    "KYODO_PAGE_CACHE_SECONDS": "0",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    # A page that prints None fails the test that renders it (config/jinja2.py finalize).
    "KYODO_TEMPLATE_NONE_IS_ERROR": "1",
}.items():
    os.environ.setdefault(key, value)
