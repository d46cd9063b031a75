from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kyodo.core.text import KyodoForm


class TokenForm(KyodoForm):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. 「イベント集計スクリプト」. Only you see it."),
    )
