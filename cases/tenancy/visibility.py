"""Visibility on top of case scope: a document (and a packed file made of documents) carries who may
see it (everyone on the case, not the applicant, the agency only). What a person may not see is
absent, so every reader of documents comes through here."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from cases.choices import Party, Visibility
from cases.documents.models import PackedFile
from cases.models import Case, Document
from cases.tenancy.checks import check_can_remove_document
from cases.tenancy.scope import case_filter, party_for, scope_for

# What each party may see of a case's documents.
SEEN_BY: dict[str, frozenset[str]] = {
    Party.AGENCY: frozenset(Visibility.values),
    Party.EMPLOYER: frozenset({Visibility.ALL, Visibility.NO_APPLICANT}),
    Party.APPLICANT: frozenset({Visibility.ALL}),
}


def visible_documents(user, case: Case) -> QuerySet[Document]:
    """Documents of a case the user may see, honouring each document's visibility."""
    seen = SEEN_BY.get(party_for(user, case) or "", frozenset())
    return Document.objects.filter(supplement__case=case, visibility__in=seen)


def allowed_visibilities(user, case: Case) -> frozenset[str]:
    """Who may be shown a document a party uploads: never narrower than the uploader can see."""
    return SEEN_BY.get(party_for(user, case) or "", frozenset({Visibility.ALL}))


def access_document(user, document_id, *, for_write: bool = False) -> Document:
    """A document the user may see (case scope and the document's own visibility). Its uploader
    and whoever manages the supplement may remove it."""
    try:
        document = (
            Document.objects.filter(case_filter(scope_for(user), prefix="supplement__case__"))
            .select_related("supplement__case__applicant", "uploaded_by")
            .get(pk=document_id)
        )
    except (Document.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such document.")) from exc
    case = document.supplement.case
    if document.visibility not in SEEN_BY.get(party_for(user, case) or "", frozenset()):
        raise Http404(_("No such document."))
    if for_write:
        check_can_remove_document(user, document)
    return document


def access_packed_file(user, file_id) -> PackedFile:
    """A packed file holds pages of several documents: the user must be allowed to see every one
    of them (an agency-only document packed with the rest keeps the file agency-only)."""
    try:
        packed = (
            PackedFile.objects.filter(
                case_filter(scope_for(user), prefix="job__supplement__case__")
            )
            .select_related("job__supplement__case__applicant")
            .get(pk=file_id)
        )
    except (PackedFile.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such file.")) from exc
    case = packed.job.supplement.case
    if party_for(user, case) is None:
        raise Http404(_("No such file."))
    sources = set(packed.documents.values_list("pk", flat=True))
    visible = set(visible_documents(user, case).filter(pk__in=sources).values_list("pk", flat=True))
    if sources - visible:
        raise Http404(_("No such file."))
    return packed
