"""The form that attaches a notice or a proof of submission (web.attachments). It parses input
only; the content checks and the rules are cases.services.attachment_add's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.choices import AttachmentKind
from cases.documents.attachments import MAX_ATTACHMENT_BYTES


def check_size(upload):
    """Refuse an oversized file before reading it (the service checks again, by content)."""
    if upload is not None and upload.size > MAX_ATTACHMENT_BYTES:
        raise forms.ValidationError(
            _("“%(name)s” is larger than 10 MB, the most a notice or proof may be.")
            % {"name": upload.name}
        )
    return upload


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(choices=AttachmentKind.choices, widget=forms.HiddenInput)
    file = forms.FileField(label=_("File"))

    def clean_file(self):
        return check_size(self.cleaned_data["file"])
