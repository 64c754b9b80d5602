"""The forms of the client employer pages (web.clients): they parse; accounts.clients decides."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.checks import clean_tax_id, validate_tax_id
from accounts.models import Organization


class ClientForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Agency"))
    name = forms.CharField(label=_("Company name (英文名稱)"), max_length=200)
    name_zh = forms.CharField(label=_("Chinese name (中文名稱)"), max_length=200, required=False)
    tax_id = forms.CharField(
        label=_("Tax ID (統一編號)"),
        max_length=12,
        required=False,
        help_text=_(
            "Eight digits. An employer already known by this number is linked, not copied."
        ),
    )
    email = forms.EmailField(label=_("Company email"), required=False)
    contact_name = forms.CharField(
        label=_("Contact person (聯絡人)"), max_length=100, required=False
    )
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone (電話)"), max_length=30, required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is None:  # editing: the client's agency does not change
            del self.fields["agency"]
            return
        self.fields["agency"].queryset = agencies
        if len(agencies) == 1:  # nothing to choose: not asked
            self.fields["agency"].required = False
            self.fields["agency"].widget = forms.HiddenInput()
            self.only_agency = agencies[0]

    only_agency = None

    def clean_agency(self):
        return self.cleaned_data.get("agency") or self.only_agency

    def clean_tax_id(self) -> str:
        # The service checks again; here the mistake is shown beside the field at once.
        tax_id = clean_tax_id(self.cleaned_data["tax_id"])
        if tax_id != self.initial.get("tax_id"):  # an old number from before the check may stay
            try:
                validate_tax_id(tax_id)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return tax_id
