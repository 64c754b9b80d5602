"""Forms of the case pages: opening a case, moving it along its lifecycle, its details and the
agency's internal notes. They parse input only; cases.services and cases.lifecycle decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrganizationKind
from cases import lifecycle, tenancy
from cases.choices import ApplyingFrom, CaseKind, CaseStatus, Channel, HoldingBody
from cases.clock import taipei_today
from cases.editable import CASE_EDITABLE_FIELDS
from cases.models import Case, FieldOfExpertise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FieldChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name_en} ({obj.name_zh})"


class CaseCreateForm(forms.Form):
    applicant = forms.ModelChoiceField(queryset=None, label=_("Applicant"))
    agency = forms.ModelChoiceField(queryset=None, label=_("Agency"), required=False)
    employer = forms.ModelChoiceField(queryset=None, label=_("Employer"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices)
    channel = forms.ChoiceField(
        label=_("Filing channel"), choices=Channel.choices, initial=Channel.AGENCY
    )
    field = FieldChoice(
        queryset=FieldOfExpertise.objects.filter(active=True),
        label=_("Field of expertise (領域專長)"),
        required=False,
    )
    application_number = forms.CharField(
        label=_("Application number (申請案號)"),
        required=False,
        max_length=12,
        help_text=_("12 digits, when the platform has given one."),
    )
    applied_on = forms.DateField(
        label=_("Application date (申請日期)"), required=False, widget=DATE
    )
    applying_from = forms.ChoiceField(
        label=_("Applying from"), choices=ApplyingFrom.choices, initial=ApplyingFrom.DOMESTIC
    )
    collection_station = forms.CharField(
        label=_("Collection station (領證地點)"), required=False, max_length=100
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].queryset = tenancy.visible_applicants(user).order_by(
            "family_name_en", "given_name_en"
        )
        agencies = tenancy.own_agencies(user).order_by("name")
        self.fields["agency"].queryset = agencies
        if len(agencies) == 1:
            self.fields["agency"].initial = agencies[0].pk
        self.fields["employer"].queryset = (
            tenancy.visible_organizations(user)
            .filter(kind=OrganizationKind.EMPLOYER)
            .order_by("name")
        )


class CaseTransitionForm(forms.Form):
    """Only the statuses the lifecycle allows next are offered; the service checks again."""

    status = forms.ChoiceField(label=_("New status"))
    happened_on = forms.DateField(label=_("On"), widget=DATE)
    holding_body = forms.ChoiceField(
        label=_("Held by"),
        choices=[("", _("Who usually holds it then")), *HoldingBody.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("initial", {"happened_on": taipei_today()})
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (status, CaseStatus(status).label) for status in lifecycle.allowed_next(case.status)
        ]

    def clean_happened_on(self):
        happened_on = self.cleaned_data["happened_on"]
        if happened_on > taipei_today():
            raise forms.ValidationError(_("A change cannot be recorded for a future date."))
        return happened_on


class CaseDetailsForm(forms.ModelForm):
    """The case's details as cases.editable declares them; internal notes have their own form
    (only the agency writes them)."""

    class Meta:
        model = Case
        fields = [name for name in CASE_EDITABLE_FIELDS if name != "internal_notes"]
        widgets = {
            "applied_on": DATE,
            "card_valid_from": DATE,
            "card_valid_to": DATE,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.instance
        self.fields["field"] = FieldChoice(
            queryset=FieldOfExpertise.objects.filter(active=True) | _current_field(case),
            label=_("Field of expertise (領域專長)"),
            required=False,
        )
        self.fields["previous_case"].queryset = (
            tenancy.visible_cases(user).filter(applicant_id=case.applicant_id).exclude(pk=case.pk)
        )


def _current_field(case: Case):
    """A field no longer active stays choosable on the case that already names it."""
    return FieldOfExpertise.objects.filter(pk=case.field_id)


class NotesForm(forms.Form):
    internal_notes = forms.CharField(
        label=_("Agency-internal notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
