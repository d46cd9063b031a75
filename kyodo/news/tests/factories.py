from __future__ import annotations

import factory
from django.utils import timezone

from kyodo.accounts.tests.factories import UserFactory
from kyodo.news.models import NewsItem
from kyodo.organizations.tests.factories import OrganizationFactory


class NewsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsItem

    title = factory.Sequence(lambda n: f"防災訓練のお知らせ（{n}）")
    body = "11月に地域の防災訓練を行います。どなたでも参加できます。"
    organization = factory.SubFactory(OrganizationFactory)
    author = factory.SubFactory(UserFactory)
    published_at = factory.LazyFunction(timezone.now)
