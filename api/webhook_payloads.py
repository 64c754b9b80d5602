"""What a webhook's `data` is: the resource exactly as the API returns it to the endpoint's
organization (read through the tenancy rule as the endpoint's registering admin). Named by the
WEBHOOK_PAYLOAD_RENDERER setting: the webhooks live below the API and cannot import it."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404

from api import queries
from api.attachments import AttachmentSerializer
from api.documents import _status_data
from api.serializers.cases import CaseSerializer
from api.serializers.supplements import DocumentSerializer, SupplementDetailSerializer
from cases.clock import taipei_today
from cases.tenancy import (
    access_attachment,
    access_case,
    access_document,
    access_supplement,
    visible_upload_set,
)


class ReaderRequest:
    """What the serializers read of a request: who reads, and absolute links on SITE_URL."""

    def __init__(self, user) -> None:
        self.user = user

    def build_absolute_uri(self, location: str) -> str:
        return settings.SITE_URL + location


def _supplement(pk: int, request: ReaderRequest) -> dict:
    supplement = queries.supplement_detail(request.user, pk)
    context = {"request": request, "today": taipei_today()}
    return dict(SupplementDetailSerializer(supplement, context=context).data)


def _case(pk: int, request: ReaderRequest) -> dict:
    case = access_case(request.user, pk)
    return dict(CaseSerializer(case, context={"request": request}).data)


def _document(pk: int, request: ReaderRequest) -> dict:
    document = access_document(request.user, pk)
    return dict(DocumentSerializer(document, context={"request": request}).data)


def _upload_set(pk: int, request: ReaderRequest) -> dict:
    supplement = access_supplement(request.user, pk)
    status_ = visible_upload_set(request.user, supplement)
    return {"supplement": supplement.pk, **_status_data(status_, request, supplement.pk)}


def _notice(pk: int, request: ReaderRequest) -> dict:
    attachment = access_attachment(request.user, pk)
    return dict(AttachmentSerializer(attachment, context={"request": request}).data)


RENDERERS = {
    "supplement": _supplement,
    "case": _case,
    "document": _document,
    "upload_set": _upload_set,
    "notice": _notice,
}


def render(resource: str, pk: int, reader) -> dict | None:
    """The API's representation, or None when the reader may not see it (or it is gone)."""
    try:
        return RENDERERS[resource](pk, ReaderRequest(reader))
    except Http404:
        return None
