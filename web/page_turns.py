"""Turning a page of a document upright for the upload set (a scan fed sideways): the stored file
stays as uploaded; the packer applies the turn (cases.services.document_rotate)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import services
from cases.errors import DomainError
from web import feedback
from web.workspace import document_of, done, failed, render_workspace


class TurnForm(forms.Form):
    page = forms.IntegerField(min_value=1)
    degrees = forms.TypedChoiceField(coerce=int, choices=[(90, "90"), (180, "180"), (270, "270")])


@login_required
@require_POST
def rotate_document(request, pk: int, document_id: int):
    supplement, document = document_of(request, pk, document_id)
    form = TurnForm(request.POST)
    if not form.is_valid():
        feedback.error(request, _("Choose the page and the turn."), "document", document.pk)
        return render_workspace(request, supplement, status=400)
    try:
        services.document_rotate(document=document, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        return failed(request, supplement, exc, f"document-{document.pk}")
    text = _("Page %(page)d turned; the upload set is packed again.") % {
        "page": form.cleaned_data["page"]
    }
    return done(request, supplement, text, "document", document.pk)
