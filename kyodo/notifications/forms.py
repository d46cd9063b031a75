from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kyodo.core.text import KyodoForm
from kyodo.notifications.models import Frequency


class DeliveryPreferenceForm(KyodoForm):
    frequency = forms.ChoiceField(
        label=_("How often do you want e-mail about your notifications?"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Confirmations of events you registered for are always sent by e-mail, whatever you choose."
        ),
    )


class FollowForm(KyodoForm):
    target = forms.CharField(max_length=100)
    id = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(choices=[("follow", "follow"), ("unfollow", "unfollow")])
    next = forms.CharField(max_length=500, required=False)
