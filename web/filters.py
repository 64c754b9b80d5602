"""The lists' filters (django-filter). The dashboard: employer, requesting body, assignee, overdue,
ready, due within N days. The case list: status, holder, employer, field, kind, assignee, card
expiring within N days. Both search by application number, reference or name."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases import tenancy
from cases.choices import CaseKind, CaseStatus, HoldingBody, RequestingBody, SupplementState
from cases.clock import taipei_today
from cases.models import Case, FieldOfExpertise, SupplementRequest
from web import queries

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _user_label(user) -> str:
    return user.get_full_name() or user.get_username()


class SupplementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        help_text=_(
            "Application number (申請案號), reference GC-…, applicant name or passport number"
        ),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    employer = django_filters.ModelChoiceFilter(
        field_name="case__employer", label=_("Employer"), queryset=None, empty_label=_("All")
    )
    requesting_body = django_filters.ChoiceFilter(
        choices=RequestingBody.choices, label=_("Requesting body"), empty_label=_("All")
    )
    assignee = django_filters.ChoiceFilter(
        method="filter_assignee", label=_("Assigned to"), empty_label=_("Anyone")
    )
    overdue = django_filters.ChoiceFilter(
        method="filter_overdue", choices=YES_NO, label=_("Overdue"), empty_label=_("Any")
    )
    ready = django_filters.ChoiceFilter(
        method="filter_ready", choices=YES_NO, label=_("Ready to file"), empty_label=_("Any")
    )
    due_within = django_filters.ChoiceFilter(
        method="filter_due_within",
        choices=[
            ("3", _("3 days")),
            ("7", _("7 days")),
            ("14", _("14 days")),
            ("30", _("30 days")),
        ],
        label=_("Due within"),
        empty_label=_("Any time"),
    )

    class Meta:
        model = SupplementRequest
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, today: dt.date | None = None):
        super().__init__(data, queryset, request=request)
        self.today = today or taipei_today()
        user = request.user
        self.filters["employer"].queryset = tenancy.employers_for(user)
        self.filters["assignee"].extra["choices"] = [
            ("me", _("Me")),
            ("none", _("Nobody")),
            *[(str(u.pk), _user_label(u)) for u in tenancy.assignable_users(user)],
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(queries.case_text_filter(value, prefix="case__"))

    def filter_assignee(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assignee_id=self.request.user.pk)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=int(value))

    def filter_overdue(self, queryset, name, value):
        overdue = Q(deadline__lt=self.today)
        return queryset.filter(overdue if value == "yes" else ~overdue)

    def filter_ready(self, queryset, name, value):
        return queryset.filter(is_ready=value == "yes")

    def filter_due_within(self, queryset, name, value):
        return queryset.filter(deadline__lte=self.today + dt.timedelta(days=int(value)))


class CaseListFilter(django_filters.FilterSet):
    """/cases/: every case in scope, narrowed by what a case handler asks of the list."""

    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        help_text=_(
            "Application number (申請案號), reference GC-…, applicant name or passport number"
        ),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = django_filters.ChoiceFilter(
        choices=CaseStatus.choices, label=_("Status"), empty_label=_("All")
    )
    holding_body = django_filters.ChoiceFilter(
        choices=HoldingBody.choices, label=_("Held by"), empty_label=_("Anyone")
    )
    employer = django_filters.ModelChoiceFilter(
        field_name="employer", label=_("Employer"), queryset=None, empty_label=_("All")
    )
    field = django_filters.ModelChoiceFilter(
        field_name="field",
        label=_("Field of expertise (領域專長)"),
        queryset=FieldOfExpertise.objects.order_by("name_en"),
        empty_label=_("All"),
    )
    kind = django_filters.ChoiceFilter(
        choices=CaseKind.choices, label=_("Kind"), empty_label=_("All")
    )
    assignee = django_filters.ChoiceFilter(
        method="filter_assignee",
        label=_("Open supplement assigned to"),
        empty_label=_("Anyone"),
    )
    card_expiring = django_filters.ChoiceFilter(
        method="filter_card_expiring",
        choices=[
            ("30", _("30 days")),
            ("90", _("90 days")),
            ("180", _("180 days")),
            ("365", _("a year")),
        ],
        label=_("Card expiring within"),
        empty_label=_("Any time"),
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, today: dt.date | None = None):
        super().__init__(data, queryset, request=request)
        self.today = today or taipei_today()
        user = request.user
        self.filters["employer"].queryset = tenancy.employers_for(user)
        self.filters["assignee"].extra["choices"] = [
            ("me", _("Me")),
            ("none", _("Nobody")),
            *[(str(u.pk), _user_label(u)) for u in tenancy.assignable_users(user)],
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(queries.case_text_filter(value)) if value else queryset

    def filter_assignee(self, queryset, name, value):
        open_ = SupplementRequest.objects.filter(state=SupplementState.OPEN)
        if value == "none":
            unassigned = open_.filter(assignee__isnull=True)
            return queryset.filter(pk__in=unassigned.values("case_id"))
        who = self.request.user.pk if value == "me" else int(value)
        return queryset.filter(pk__in=open_.filter(assignee_id=who).values("case_id"))

    def filter_card_expiring(self, queryset, name, value):
        last = self.today + dt.timedelta(days=int(value))
        return queryset.filter(card_valid_to__gte=self.today, card_valid_to__lte=last)
