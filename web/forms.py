"""Forms for the pages. They parse and validate input only; the rules live in cases.services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from cases import tenancy
from cases.choices import (
    DeadlineRule,
    ItemKind,
    ItemState,
    Party,
    PlatformTab,
    RequestingBody,
    SupplementOutcome,
    Visibility,
)
from web.attachment_forms import check_size


def _user_label(user) -> str:
    return user.get_full_name() or user.get_username()


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _user_label(obj)


class BulkAssignForm(forms.Form):
    supplements = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Supplements"), widget=forms.CheckboxSelectMultiple
    )
    assignee = UserChoiceField(
        queryset=None, required=False, label=_("Assign to"), empty_label=_("Nobody (unassign)")
    )

    def __init__(self, *args, user, supplements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplements"].queryset = supplements
        self.fields["assignee"].queryset = tenancy.assignable_users(user)


class AssignForm(forms.Form):
    assignee = UserChoiceField(
        queryset=None, required=False, label=_("Assigned to"), empty_label=_("Nobody")
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = tenancy.assignable_on(case)


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply to the reviewer (審核意見回覆)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "lang": "zh-Hant"}),
        help_text=_(
            "Replies in Chinese are processed faster (為加速審核時間，請以中文輸入回覆意見)."
        ),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CommentForm(forms.Form):
    tab = forms.ChoiceField(label=_("Platform tab"), choices=PlatformTab.choices)
    text = forms.CharField(
        label=_("Reviewer's comment (審核意見), as the platform shows it"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    field_label = forms.CharField(
        label=_("Field to correct"),
        required=False,
        max_length=100,
        help_text=_("The platform's field name, e.g. 英文姓氏 or 出生地點(市/州)"),
    )


class ResolveForm(forms.Form):
    corrected_value = forms.CharField(
        label=_("Corrected value (to type on the platform)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How the comment is answered: corrected data, a document, an explanation."),
    )
    # The comment's own version, read with the page: refused only if this comment changed.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("corrected_value", "").strip() and not data.get("resolution", "").strip():
            raise forms.ValidationError(_("Give the corrected value or say how it is resolved."))
        return data


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    description = forms.CharField(label=_("What is asked"), max_length=300)
    waits_on = forms.ChoiceField(label=_("Waits on"), choices=Party.choices, initial=Party.AGENCY)
    comment = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Answers comment"), empty_label=_("(none)")
    )

    def __init__(self, *args, supplement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].queryset = supplement.comments.all()


class ItemStateForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=ItemState.choices)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


VISIBILITY_FOR_PARTY = {
    Party.AGENCY: Visibility.choices,
    Party.EMPLOYER: [
        (Visibility.ALL, Visibility.ALL.label),
        (Visibility.NO_APPLICANT, Visibility.NO_APPLICANT.label),
    ],
    Party.APPLICANT: [(Visibility.ALL, Visibility.ALL.label)],
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "PDF or a photo (JPEG, PNG, HEIC). Large scans and photos are fine: packing makes "
            "an upload set that meets the platform's limits."
        ),
    )
    item = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Answers item"), empty_label=_("(none)")
    )
    visibility = forms.ChoiceField(label=_("Visible to"), initial=Visibility.ALL)

    def __init__(self, *args, supplement, party, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items if items is not None else supplement.items.all()
        self.fields["visibility"].choices = VISIBILITY_FOR_PARTY.get(party, [])
        if party == Party.APPLICANT:
            self.fields["visibility"].widget = forms.HiddenInput()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)d MB; the most we take is %(limit)d MB.")
                % {
                    "size": upload.size // (1024 * 1024),
                    "limit": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
                }
            )
        return upload


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("check", _("Checked")), ("approve", _("Approve")), ("reject", _("Reject"))]
    )
    note = forms.CharField(label=_("Why (for a rejection)"), required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject" and not data.get("note", "").strip():
            self.add_error("note", _("Say why the document is rejected."))
        return data


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I pressed 送出 (submit) on the platform and saw 補正完成 (supplement complete)."),
        required=True,
    )
    submitted_at = forms.DateTimeField(
        label=_("Submitted at (Taipei time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    force = forms.BooleanField(
        label=_("Record it although the tracker says something is missing (the platform took it)"),
        required=False,
    )
    proof = forms.FileField(
        label=_("Proof (optional): the 補正完成 (supplement complete) screenshot or the receipt"),
        help_text=_("PNG, JPEG or PDF, at most 10 MB. Kept for the record, never packed."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault(
            "submitted_at", timezone.localtime().replace(second=0, microsecond=0)
        )
        super().__init__(*args, **kwargs)

    def clean_proof(self):
        return check_size(self.cleaned_data.get("proof"))

    def clean_submitted_at(self):
        value = self.cleaned_data["submitted_at"]
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(_("That time is in the future."))
        return value


class SupplementCreateForm(forms.Form):
    requesting_body = forms.ChoiceField(label=_("Requesting body"), choices=RequestingBody.choices)
    authority_code = forms.CharField(
        label=_("Authority"),
        required=False,
        max_length=20,
        help_text=_("e.g. NSTC, MOEA, or the mission"),
    )
    notice_date = forms.DateField(
        label=_("Notice date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    rule = forms.ChoiceField(label=_("Deadline rule"), choices=DeadlineRule.choices)
    deadline_override = forms.DateField(
        label=_("Deadline printed in the notice (if it differs)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    override_reason = forms.CharField(
        label=_("Why the deadline differs"), required=False, max_length=500
    )
    assignee = UserChoiceField(
        queryset=None, required=False, label=_("Assigned to"), empty_label=_("Nobody")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = tenancy.assignable_users(user)


class OverrideDeadlineForm(forms.Form):
    deadline = forms.DateField(
        label=_("Deadline printed in the notice"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to go back to the proposed deadline."),
    )
    reason = forms.CharField(label=_("Why the deadline differs"), required=False, max_length=500)


INVITE_ROLES = [
    (Role.AGENCY_STAFF, Role.AGENCY_STAFF.label),
    (Role.AGENCY_ADMIN, Role.AGENCY_ADMIN.label),
    (Role.EMPLOYER_HR, Role.EMPLOYER_HR.label),
    (Role.EMPLOYER_ADMIN, Role.EMPLOYER_ADMIN.label),
]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    organization = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Organization (staff and HR)"),
        empty_label=_("(an applicant instead)"),
    )
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *INVITE_ROLES], required=False)
    applicant = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Applicant (their own login)"),
        empty_label=_("(staff or HR instead)"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = tenancy.invitable_organizations(user)
        self.fields["applicant"].queryset = tenancy.invitable_applicants(user)

    def clean(self):
        data = super().clean()
        organization, applicant = data.get("organization"), data.get("applicant")
        if bool(organization) == bool(applicant):
            raise forms.ValidationError(
                _("Choose an organization and a role, or an applicant — one of the two.")
            )
        if organization and not data.get("role"):
            self.add_error("role", _("Choose the role in the organization."))
        return data


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Reviewer's outcome"),
        choices=[c for c in SupplementOutcome.choices if c[0] != SupplementOutcome.PENDING],
    )
