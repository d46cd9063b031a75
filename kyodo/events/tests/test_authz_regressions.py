"""Regressions found by the authorization matrix (tests/security/test_authz_matrix.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from kyodo.accounts.tests.factories import UserFactory
from kyodo.events import services
from kyodo.events.models import Feedback
from kyodo.events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_who_did_not_take_part_cannot_rate_an_event(client):
    """Superusers pass every rule; satisfaction (笑) must still come from participants."""
    event = EventFactory()
    admin = UserFactory(is_staff=True, is_superuser=True)
    participant = UserFactory()
    services.register_for_event(actor=participant, event=event)
    with time_machine.travel(event.ends_at + dt.timedelta(hours=1)):
        with pytest.raises(PermissionDenied):
            services.give_feedback(actor=admin, event=event, rating=1)
        client.force_login(admin)
        response = client.post(f"/events/{event.pk}/feedback/", {"rating": "1"})
        assert response.status_code == 403
        services.give_feedback(actor=participant, event=event, rating=5)
    assert list(Feedback.objects.values_list("user_id", "rating")) == [(participant.pk, 5)]
