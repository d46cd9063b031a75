from __future__ import annotations

import factory
from django.utils import timezone

from kyodo.accounts.models import PrivateProfile, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    display_name = factory.Sequence(lambda n: f"利用者{n}")
    password = factory.django.Password("correct-horse-battery")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    residency = "lives"


class PrivateProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrivateProfile

    user = factory.SubFactory(UserFactory)
    real_name = "川越 太郎"
    phone = "049-000-0000"
    address = "川越市元町1-1-1"
