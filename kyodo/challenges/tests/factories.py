from __future__ import annotations

import factory

from kyodo.accounts.tests.factories import UserFactory
from kyodo.challenges.models import Issue, IssueComment
from kyodo.guideline.models import District, Field


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    title = factory.Sequence(lambda n: f"小仙波公園の街灯が切れていて夜道が暗い（{n}）")
    description = "夜になると公園の北側が真っ暗で、通学路として使う子どもが心配です。"
    district = factory.LazyFunction(lambda: District.objects.get(code="honcho"))
    field = factory.LazyFunction(lambda: Field.objects.get(code="crime-prevention"))
    author = factory.SubFactory(UserFactory)


class IssueCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IssueComment

    issue = factory.SubFactory(IssueFactory)
    author = factory.SubFactory(UserFactory)
    body = "私も同じことを感じていました。"
