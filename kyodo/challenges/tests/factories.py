from __future__ import annotations

import factory
from django.utils import timezone

from kyodo.accounts.tests.factories import UserFactory
from kyodo.challenges.models import Issue, IssueComment
from kyodo.challenges.workflow import IssueStatus
from kyodo.guideline.tests import codes


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    title = factory.Sequence(lambda n: f"小仙波公園の街灯が切れていて夜道が暗い（{n}）")
    description = "夜になると公園の北側が真っ暗で、通学路として使う子どもが心配です。"
    district = factory.LazyFunction(lambda: codes.district(0, "honcho"))
    field = factory.LazyFunction(lambda: codes.field(0, "crime-prevention"))
    author = factory.SubFactory(UserFactory)
    # A status past 受付 comes with what the invariants require of it (see
    # docs/challenges.md): the date of the change, a reason for 見送り, an answer for 解決.
    status = IssueStatus.RECEIVED
    tier = None
    tier_explanation = factory.LazyAttribute(
        lambda o: "" if o.tier is None else "地域で協力して取り組む内容です。"
    )
    status_changed_at = factory.LazyAttribute(
        lambda o: None if o.status == IssueStatus.RECEIVED else timezone.now()
    )
    decline_reason = factory.LazyAttribute(
        lambda o: "私有地のため市では対応できません。" if o.status == IssueStatus.DECLINED else ""
    )
    official_answer = factory.LazyAttribute(
        lambda o: "街灯を交換しました。" if o.status == IssueStatus.RESOLVED else ""
    )
    answered_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == IssueStatus.RESOLVED else None
    )


class IssueCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IssueComment

    issue = factory.SubFactory(IssueFactory)
    author = factory.SubFactory(UserFactory)
    body = "私も同じことを感じていました。"
