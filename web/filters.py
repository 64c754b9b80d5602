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


def _search_filter() -> django_filters.CharFilter:
    return django_filters.CharFilter(
        method="search",
        label=_("Search"),
        help_text=_(
            "Application number (申請案號), reference GC-…, applicant name or passport number"
        ),
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class _ListFilter(django_filters.FilterSet):
    """What both lists share: the search, the employers and assignees to choose from, and what
    "me", "nobody" or a person means. `case_prefix` reaches a row's case."""

    case_prefix = ""

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
        return queryset.filter(queries.case_text_filter(value, prefix=self.case_prefix))

    def filter_assignee(self, queryset, name, value):
        if value == "none":
            return self.assigned(queryset, Q(assignee__isnull=True))
        who = self.request.user.pk if value == "me" else int(value)
        return self.assigned(queryset, Q(assignee_id=who))

    def assigned(self, queryset, condition: Q):
        """The rows whose supplement(s) meet `condition` on the assignee."""
        raise NotImplementedError


class SupplementFilter(_ListFilter):
    case_prefix = "case__"
    q = _search_filter()
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

    def assigned(self, queryset, condition: Q):
        return queryset.filter(condition)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(deadline__lt=self.today)
        return queryset.filter(overdue if value == "yes" else ~overdue)

    def filter_ready(self, queryset, name, value):
        return queryset.filter(is_ready=value == "yes")

    def filter_due_within(self, queryset, name, value):
        return queryset.filter(deadline__lte=self.today + dt.timedelta(days=int(value)))


class CaseListFilter(_ListFilter):
    """/cases/: every case in scope, narrowed by what a case handler asks of the list."""

    q = _search_filter()
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

    def assigned(self, queryset, condition: Q):
        """Cases with an open supplement whose assignee meets `condition`."""
        open_ = SupplementRequest.objects.filter(condition, state=SupplementState.OPEN)
        return queryset.filter(pk__in=open_.values("case_id"))

    def filter_card_expiring(self, queryset, name, value):
        last = self.today + dt.timedelta(days=int(value))
        return queryset.filter(card_valid_to__gte=self.today, card_valid_to__lte=last)
