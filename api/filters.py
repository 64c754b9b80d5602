"""Query parameters of the lists: the filters people use, search and ordering."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import SearchFilter

from accounts.models import Applicant, Membership, Organization, OrganizationKind, Role
from cases.choices import (
    CaseKind,
    CaseStatus,
    Channel,
    RequestingBody,
    SupplementOutcome,
    SupplementState,
)
from cases.clock import taipei_today
from cases.models import Case, SupplementRequest


class IdField(forms.IntegerField):
    """A row id: a whole number the database can hold (a float or a 170-digit number is a 400,
    never a database overflow)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)  # an id is an integer (NumberFilter would say "number")
class IdFilter(django_filters.NumberFilter):
    field_class = IdField


class Search(SearchFilter):
    search_description = _(
        "Application number (申請案號), applicant's names (English or Chinese) or passport number."
    )


class SupplementFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=SupplementState.choices, help_text=_("open, submitted or withdrawn")
    )
    case_status = django_filters.ChoiceFilter(
        field_name="case__status", choices=CaseStatus.choices, help_text=_("The case's status.")
    )
    requesting_body = django_filters.ChoiceFilter(choices=RequestingBody.choices)
    outcome = django_filters.ChoiceFilter(choices=SupplementOutcome.choices)
    deadline_before = django_filters.DateFilter(
        field_name="deadline", lookup_expr="lte", help_text=_("Deadline on or before (YYYY-MM-DD).")
    )
    deadline_after = django_filters.DateFilter(
        field_name="deadline", lookup_expr="gte", help_text=_("Deadline on or after (YYYY-MM-DD).")
    )
    ready = django_filters.BooleanFilter(field_name="is_ready", help_text=_("Ready to file."))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", help_text=_("Open and past its deadline (Taipei today).")
    )
    case = IdFilter(field_name="case_id")
    agency = IdFilter(field_name="case__agency_id")
    employer = IdFilter(field_name="case__employer_id")
    applicant = IdFilter(field_name="case__applicant_id")
    assignee = IdFilter(field_name="assignee_id", help_text=_("Assigned staff (a user id)."))
    field = django_filters.CharFilter(
        field_name="case__field__code", max_length=40, help_text=_("The case's field code.")
    )
    notice_after = django_filters.DateFilter(
        field_name="notice_date",
        lookup_expr="gte",
        help_text=_("Notice dated on or after (YYYY-MM-DD); the report's `from`."),
    )
    notice_before = django_filters.DateFilter(
        field_name="notice_date",
        lookup_expr="lte",
        help_text=_("Notice dated on or before (YYYY-MM-DD); the report's `to`."),
    )
    unassigned = django_filters.BooleanFilter(field_name="assignee", lookup_expr="isnull")
    ordering = django_filters.ChoiceFilter(
        method="order",
        choices=[
            ("triage", _("Triage: open first, overdue, then not ready, by deadline (default)")),
            ("deadline", _("Deadline, closest first")),
            ("-deadline", _("Deadline, furthest first")),
            ("days_left", _("Days left, fewest first")),
            ("-days_left", _("Days left, most first")),
            ("updated", _("Least recently updated first")),
            ("-updated", _("Most recently updated first")),
        ],
        help_text=_("Order of the results; default triage."),
    )

    ORDERINGS = {
        "deadline": ("deadline", "id"),
        "-deadline": ("-deadline", "-id"),
        "days_left": ("deadline", "id"),
        "-days_left": ("-deadline", "-id"),
        "updated": ("updated_at", "id"),
        "-updated": ("-updated_at", "-id"),
    }

    class Meta:
        model = SupplementRequest
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        overdue = Q(state=SupplementState.OPEN, deadline__lt=taipei_today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def order(self, queryset, name, value):
        return queryset.order_by(*self.ORDERINGS[value]) if value in self.ORDERINGS else queryset


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    agency = IdFilter(field_name="agency_id")
    employer = IdFilter(field_name="employer_id")
    applicant = IdFilter(field_name="applicant_id")
    field = django_filters.CharFilter(
        field_name="field__code", max_length=40, help_text=_("Field code.")
    )
    application_number = django_filters.CharFilter(max_length=12)
    ordering = django_filters.OrderingFilter(
        fields=(
            ("updated_at", "updated"),
            ("created_at", "created"),
            ("application_number", "application_number"),
        ),
        help_text=_("Default: most recently updated first."),
    )

    class Meta:
        model = Case
        fields: list[str] = []


class ApplicantFilter(django_filters.FilterSet):
    nationality = django_filters.CharFilter(max_length=2)
    passport_number = django_filters.CharFilter(max_length=20)

    class Meta:
        model = Applicant
        fields: list[str] = []


class OrganizationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices)

    class Meta:
        model = Organization
        fields: list[str] = []


class MembershipFilter(django_filters.FilterSet):
    organization = IdFilter(field_name="organization_id")
    role = django_filters.ChoiceFilter(choices=Role.choices)

    class Meta:
        model = Membership
        fields: list[str] = []
