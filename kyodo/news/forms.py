from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyodo.core.text import KyodoForm
from kyodo.guideline.models import District
from kyodo.organizations.models import Organization


class NewsForm(KyodoForm):
    organization = forms.ModelChoiceField(
        label=_("Published by"), queryset=Organization.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=150)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}))
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.order_by("order"),
        required=False,
        empty_label=_("The whole city"),
    )

    def __init__(
        self, *args: Any, organizations: Any = None, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["organization"]
        else:
            cast(Any, self.fields["organization"]).queryset = (
                organizations if organizations is not None else Organization.objects.none()
            )


class NewsFilterForm(KyodoForm):
    district = forms.ChoiceField(label=_("District"), required=False)
    source = forms.ChoiceField(
        label=pgettext_lazy("sender", "From"),
        required=False,
        choices=[("", _("Everyone")), ("city", _("The city")), ("groups", _("Groups"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(Any, self.fields["district"]).choices = [("", _("All"))] + [
            (d.code, str(d)) for d in District.objects.order_by("order")
        ]
