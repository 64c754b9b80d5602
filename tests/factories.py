"""Factories for the suite: one place that knows how to build valid objects."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Applicant, Membership, Organization, OrganizationKind, Role
from cases.choices import CaseKind, CaseStatus, Channel, DeadlineRule, RequestingBody
from cases.models import Case, SupplementRequest


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = OrganizationKind.AGENCY
    name = factory.Sequence(lambda n: f"Agency {n}")
    licence_number = factory.Sequence(lambda n: f"移字第{n:06d}號")


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = OrganizationKind.EMPLOYER
    name = factory.Sequence(lambda n: f"Employer {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(AgencyFactory)
    role = Role.AGENCY_STAFF


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicant

    family_name_en = factory.Faker("last_name")
    given_name_en = factory.Faker("first_name")
    passport_number = factory.Sequence(lambda n: f"P{n:08d}")
    nationality = "US"
    email = factory.LazyAttribute(lambda o: f"{o.passport_number.lower()}@example.com")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    applicant = factory.SubFactory(ApplicantFactory)
    agency = factory.SubFactory(AgencyFactory)
    employer = factory.SubFactory(EmployerFactory)
    kind = CaseKind.NEW
    channel = Channel.AGENCY
    status = CaseStatus.NIA_INITIAL_REVIEW
    application_number = factory.Sequence(lambda n: f"{115000000000 + n}")


class SupplementFactory(factory.django.DjangoModelFactory):
    """A bare row; tests of behaviour create supplements through services.supplement_create."""

    class Meta:
        model = SupplementRequest

    case = factory.SubFactory(CaseFactory)
    round = factory.Sequence(lambda n: n + 1)
    requesting_body = RequestingBody.NIA_INITIAL
    notice_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=5))
    received_at = factory.LazyFunction(timezone.now)
    rule = DeadlineRule.DAYS_30
    deadline = factory.LazyAttribute(lambda o: o.notice_date + dt.timedelta(days=30))
    proposed_deadline = factory.LazyAttribute(lambda o: o.deadline)
