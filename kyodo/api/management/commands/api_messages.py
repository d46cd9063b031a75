"""Write kyodo/api/openapi_messages.py: every summary and description of the OpenAPI document
as a msgid, so `translations extract api` puts them in the api catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

HEADER = '''"""Every summary and description of the OpenAPI document, as msgids of the api catalogue.

Written by `manage.py api_messages` (do not edit by hand); translated in
kyodo/api/locale/ja/LC_MESSAGES/django.po; used by kyodo.api.openapi_i18n."""

from django.utils.translation import gettext_noop

MESSAGES = [
'''


def document_texts() -> list[str]:
    from kyodo.api.openapi_i18n import schema_texts
    from kyodo.api.v1 import api

    with translation.override("en"):
        return sorted(schema_texts(api.get_openapi_schema(path_prefix="/api/v1/")))


class Command(BaseCommand):
    help = "Write kyodo/api/openapi_messages.py from the OpenAPI document (then extract api)."

    def handle(self, *args: Any, **options: Any) -> None:
        texts = document_texts()
        body = "".join(f"    gettext_noop({text!r}),\n" for text in texts)
        path = Path(__file__).resolve().parents[2] / "openapi_messages.py"
        path.write_text(HEADER + body + "]\n", encoding="utf-8")
        self.stdout.write(f"{path}: {len(texts)} messages")
