"""Forms of the alert pages: parse input only; the rules are in notifications.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import ObligationKind
from notifications.rules import parse_offsets
from notifications.services import MAX_SNOOZE_DAYS


class SnoozeForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Snooze for"),
        coerce=int,
        choices=[(1, _("1 day")), (3, _("3 days")), (7, _("7 days"))],
        initial=1,
    )

    def clean_days(self):
        days = self.cleaned_data["days"]
        return min(days, MAX_SNOOZE_DAYS)


class PreferenceForm(forms.Form):
    digest_hour = forms.TypedChoiceField(
        label=_("Daily digest at"),
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        help_text=_("In your time zone. Due tomorrow, due today and overdue alerts come at once."),
    )
    quiet_start = forms.TimeField(
        label=_("Quiet hours from"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    early_alerts = forms.BooleanField(
        label=_("Early reminders by email"),
        required=False,
        help_text=_(
            "14, 7 and 3 days before a deadline. Due tomorrow, due today and overdue alerts "
            "always come."
        ),
    )

    def clean(self):
        data = super().clean()
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            raise forms.ValidationError(_("Give both ends of the quiet hours, or neither."))
        return data


class PolicyForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=None)
    offsets = forms.CharField(
        label=_("Alert offsets (days before the deadline)"),
        help_text=_("Comma-separated whole days: 0 is the day itself, -1 the day after (overdue)."),
    )
    escalate_days = forms.IntegerField(
        label=_("Escalate to the agency admin from (days left)"), min_value=0, max_value=365
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean_offsets(self):
        try:
            return list(parse_offsets(self.cleaned_data["offsets"]))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class ObligationForm(forms.Form):
    case = forms.ModelChoiceField(label=_("Case"), queryset=None)
    kind = forms.ChoiceField(label=_("Obligation"), choices=ObligationKind.choices)
    starts_on = forms.DateField(
        label=_("Counted from"),
        help_text=_("Entry date, moving date, or the day the refusal arrived."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda case: (
            f"{case.reference} {case.application_number or ''}".strip()
        )
