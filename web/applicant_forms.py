"""The forms of the applicant pages (web.applicants). The field checks come from the model
(accounts.checks); who may do what is the services' to say."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.checks import validate_signed_file
from accounts.models import Applicant, Authorisation, Employment, Organization

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ApplicantForm(forms.ModelForm):
    """The fields accounts.services.APPLICANT_FIELDS names: what the services take, no more."""

    class Meta:
        model = Applicant
        fields = [
            "family_name_en",
            "given_name_en",
            "name_zh",
            "passport_number",
            "passport_expiry",
            "nationality",
            "date_of_birth",
            "email",
            "time_zone",
        ]
        widgets = {"passport_expiry": DATE, "date_of_birth": DATE}
        help_texts = {
            "nationality": _("The ISO 3166 two-letter code, such as IN or US."),
            "time_zone": _("Where the applicant reads their mail, such as Asia/Kolkata."),
        }

    def __init__(self, *args, may_change_email: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_change_email:
            # HR keeps the other data; the email is the agency's (see accounts.standing).
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _("Only the agency can change the email.")

    def clean_passport_number(self) -> str:
        return self.cleaned_data["passport_number"].strip().upper()

    def clean_nationality(self) -> str:
        return self.cleaned_data["nationality"].strip().upper()

    def validate_unique(self) -> None:
        """The service checks uniqueness in its transaction, with its own wording."""


class AuthorisationForm(forms.ModelForm):
    agency = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Agency"))
    signed_file = forms.FileField(
        label=_("Signed authorisation (委任書), PDF or image"),
        required=False,
        validators=[validate_signed_file],
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        help_text=_("At most 10 MB."),
    )

    class Meta:
        model = Authorisation
        fields = [
            "agency",
            "covers_filing",
            "covers_supplement",
            "covers_pickup",
            "signed_on",
            "valid_from",
            "valid_until",
        ]
        widgets = {"signed_on": DATE, "valid_from": DATE, "valid_until": DATE}

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        if len(agencies) == 1:  # nothing to choose: not asked
            self.fields["agency"].required = False
            self.fields["agency"].widget = forms.HiddenInput()
            self.only_agency = agencies[0]

    only_agency = None

    def clean_agency(self):
        return self.cleaned_data.get("agency") or self.only_agency

    def clean(self):
        data = super().clean()
        if not any(data.get(f) for f in ("covers_filing", "covers_supplement", "covers_pickup")):
            raise forms.ValidationError(_("Tick at least one thing the authorisation covers."))
        return data

    def _post_clean(self) -> None:
        """The applicant is not known yet on a new applicant: the service runs the model checks."""

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("agency")
        data.pop("signed_file", None)
        return data


class SignedFileForm(forms.Form):
    signed_file = forms.FileField(
        label=_("Signed authorisation (委任書), PDF or image"), validators=[validate_signed_file]
    )


class EmploymentForm(forms.ModelForm):
    class Meta:
        model = Employment
        fields = ["employer", "job_title", "monthly_salary_twd", "start_date"]
        widgets = {"start_date": DATE}

    def __init__(self, *args, employers, optional: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers
        self.fields["employer"].label = _("Employer (雇主)")
        if len(employers) == 1:
            self.fields["employer"].initial = employers[0]
        self.optional = optional
        if optional:  # a new applicant's employment may be recorded later
            for field in self.fields.values():
                field.required = False

    def is_blank(self) -> bool:
        return self.optional and not (self.data.get(self.add_prefix("employer")) or "").strip()

    def clean(self):
        data = super().clean()
        if self.optional and data.get("employer") and not data.get("start_date"):
            self.add_error("start_date", _("When did the employment start?"))
        return data

    def _post_clean(self) -> None:
        """As for the authorisation: the service runs the model checks once it has the applicant."""

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class EmploymentEndForm(forms.Form):
    end_date = forms.DateField(label=_("End date"), widget=DATE)
