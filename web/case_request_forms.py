"""Forms for case requests (employer HR asks an agency for a case). They parse and validate input
only; the rules live in cases.services.case_requests."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Employment
from cases import tenancy
from cases.choices import CaseKind
from cases.models import FieldOfExpertise


def employees_of(user):
    """The applicants HR may ask a case for: those it sees (the tenancy rule) who work now at one
    of the user's employers."""
    employer_ids = tenancy.scope_for(user).employer_ids
    current = Employment.objects.filter(employer_id__in=employer_ids).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())
    )
    return tenancy.visible_applicants(user).filter(pk__in=current.values("applicant_id"))


class CaseRequestForm(forms.Form):
    applicant = forms.ModelChoiceField(queryset=None, label=_("Employee"))
    kind = forms.ChoiceField(choices=CaseKind.choices, label=_("Kind of case"))
    agency = forms.ModelChoiceField(queryset=None, label=_("Agency to ask"))
    note = forms.CharField(
        label=_("Note for the agency"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.employer_ids = tenancy.scope_for(user).employer_ids
        self.fields["applicant"].queryset = employees_of(user).order_by(
            "family_name_en", "given_name_en"
        )
        agencies = tenancy.requestable_agencies(self.employer_ids)
        self.fields["agency"].queryset = agencies
        # An employer working with a single agency has nothing to choose.
        only = list(agencies[:2])
        if len(only) == 1:
            self.fields["agency"].initial = only[0].pk
            self.fields["agency"].empty_label = None

    def clean(self):
        data = super().clean()
        if data.get("applicant") is not None:
            data["employer"] = tenancy.asking_employer(self.user, data["applicant"])
            if data["employer"] is None:
                self.add_error("applicant", _("This person is not one of your employees."))
        return data


class CaseRequestAcceptForm(forms.Form):
    field = forms.ModelChoiceField(
        queryset=FieldOfExpertise.objects.filter(active=True),
        required=False,
        label=_("Field of expertise (領域專長)"),
        empty_label=_("Decide later"),
    )


class CaseRequestDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Say why the request is declined.")},
    )
