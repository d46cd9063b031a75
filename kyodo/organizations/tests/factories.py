from __future__ import annotations

import factory

from kyodo.accounts.tests.factories import UserFactory
from kyodo.guideline.models import OrganizationType
from kyodo.organizations.models import Membership, MembershipRole, Organization, RegistrationStatus


class OrganizationFactory(factory.django.DjangoModelFactory):
    """A verified NPO by default. Needs the guideline loaded (it is, in every test DB)."""

    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"川越まちづくり会{n}")
    kana = factory.Sequence(lambda n: f"かわごえまちづくりかい{n:05d}")
    org_type = factory.LazyFunction(
        lambda: (
            OrganizationType.objects.filter(code="npo").first()
            or OrganizationType.objects.filter(actor_type__is_government=False).first()
        )
    )
    registration_status = RegistrationStatus.VERIFIED
    member_count = 12
    description = "地域の課題に取り組む団体です。"


class DepartmentFactory(OrganizationFactory):
    """A city department (所管課)."""

    name = factory.Sequence(lambda n: f"市民部第{n}課")
    kana = factory.Sequence(lambda n: f"しみんぶだい{n:05d}か")
    org_type = factory.LazyFunction(
        lambda: (
            OrganizationType.objects.filter(code="department").first()
            or OrganizationType.objects.filter(actor_type__is_government=True).first()
        )
    )


class CoordinatingDepartmentFactory(DepartmentFactory):
    name = "地域づくり推進課"
    kana = "ちいきづくりすいしんか"
    is_coordinating_department = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = MembershipRole.MEMBER
    status = "active"


def make_member(
    org: Organization, role: str = MembershipRole.MEMBER, **user_kwargs: object
) -> object:
    """A new user who is an active member of `org` with `role`; returns the user."""
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, organization=org, role=role)
    return user


def make_coordinator(**user_kwargs: object) -> object:
    dept = (
        Organization.objects.filter(is_coordinating_department=True).first()
        or CoordinatingDepartmentFactory()
    )
    return make_member(dept, MembershipRole.MEMBER, **user_kwargs)


def make_staff(department: Organization | None = None, **user_kwargs: object) -> object:
    return make_member(department or DepartmentFactory(), MembershipRole.MEMBER, **user_kwargs)
