"""The reports pages' filters: the supplement list's (api.filters.SupplementFilter) under the same
parameter names and meanings (employer, agency and assignee ids, requesting body, field code),
plus the period `from`/`to` on the notice date, so a page's query string asks the API
(GET /api/v1/reports/supplements/) for the very same figures. Choices come from what the person
may see."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from cases import tenancy
from cases.choices import RequestingBody
from cases.models import FieldOfExpertise, SupplementRequest


def _user_label(user) -> str:
    return user.get_full_name() or user.get_username()


class ReportFilter(django_filters.FilterSet):
    employer = django_filters.ModelChoiceFilter(
        field_name="case__employer", label=_("Employer"), queryset=None, empty_label=_("All")
    )
    agency = django_filters.ModelChoiceFilter(
        field_name="case__agency", label=_("Agency"), queryset=None, empty_label=_("All")
    )
    requesting_body = django_filters.ChoiceFilter(
        choices=RequestingBody.choices, label=_("Requesting body"), empty_label=_("All")
    )
    field = django_filters.ModelChoiceFilter(
        field_name="case__field",
        to_field_name="code",
        label=_("Field of expertise (領域專長)"),
        queryset=FieldOfExpertise.objects.order_by("name_en"),
        empty_label=_("All"),
    )
    assignee = django_filters.ChoiceFilter(
        field_name="assignee_id", label=_("Assigned to"), empty_label=_("Anyone")
    )

    class Meta:
        model = SupplementRequest
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None):
        super().__init__(data, queryset, request=request)
        user = request.user
        self.filters["employer"].queryset = tenancy.employers_for(user)
        agencies = tenancy.visible_cases(user).filter(agency__isnull=False).values("agency_id")
        self.filters["agency"].queryset = Organization.objects.filter(pk__in=agencies).order_by(
            "name"
        )
        self.filters["assignee"].extra["choices"] = [
            (str(u.pk), _user_label(u)) for u in tenancy.assignable_users(user)
        ]

    def is_valid(self) -> bool:
        """The API's rule too (api.serializers.reports): a period that ends before it starts is
        refused, not counted as nothing."""
        valid = super().is_valid()
        if valid:
            data = self.form.cleaned_data
            start, end = data.get("from"), data.get("to")
            if start and end and end < start:
                self.form.add_error("to", _("`to` is before `from`."))
                return False
        return valid


# `from` is a Python keyword, so the period's filters are added under their names here.
ReportFilter.base_filters["from"] = django_filters.DateFilter(
    field_name="notice_date",
    lookup_expr="gte",
    label=_("Notices from"),
    widget=forms.DateInput(attrs={"type": "date"}),
)
ReportFilter.base_filters["to"] = django_filters.DateFilter(
    field_name="notice_date",
    lookup_expr="lte",
    label=_("Notices to"),
    widget=forms.DateInput(attrs={"type": "date"}),
)
