"""API endpoints of the documents capability (issue 5), kept apart from the API package's own
views: the upload set (pack, progress, files), document review, document order, and the packed
files' download. Wire them with `*documents.urlpatterns` in api/urls.py, before the
catch-all.

    GET  /api/v1/supplements/{id}/upload-set/        the packing for the current documents
    POST /api/v1/supplements/{id}/upload-set/        pack (202 queued/running, 200 done: reused)
    POST /api/v1/supplements/{id}/documents/order/   {"order": [document ids]}
    POST /api/v1/documents/{id}/pin/                 {"pinned": true|false}: a file of its own
    POST /api/v1/documents/{id}/rotate/              {"page": n, "degrees": 90}: turn a page
    POST /api/v1/documents/{id}/review/              {"decision": "checked"|"approved"|"rejected",
                                                      "note": "..."} (a reason to reject)
    GET  /api/v1/packed-files/{id}/download/         the file, recorded like every download
    GET  /api/v1/supplements/{id}/upload-set/download/  the whole packed set as one zip

A packed file holding a document the reader may not see is left out of what they are shown
(cases.tenancy.visible_upload_set): neither its name nor its documents' appear.
"""

from __future__ import annotations

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.client_ip import client_ip
from api.serializers.common import ModelSerializer, Serializer, refuse_body
from cases import services as document_services
from cases.choices import DocumentReview
from cases.documents.models import PackedFile, PackJob, PackState
from cases.documents.selectors import UploadSetStatus
from cases.documents.storage import file_response, zip_response
from cases.tenancy import (
    access_document,
    access_packed_file,
    access_supplement,
    visible_upload_set,
)


# --- Serializers ------------------------------------------------------------------------------
class PackedPartSerializer(Serializer):
    document = serializers.IntegerField(source="document_id")
    name = serializers.CharField(help_text="The document's file name as uploaded.")
    label = serializers.CharField(help_text="What it answers (the requested item, the comment).")
    source_pages = serializers.ListField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="First and last page of the document inside this file.",
    )
    file_pages = serializers.ListField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="Where those pages are in the packed file (first, last).",
    )


class PackedFileSerializer(ModelSerializer):
    download_url = serializers.SerializerMethodField()
    documents = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    contents = PackedPartSerializer(
        many=True, source="parts", help_text="The documents and pages inside, in file order."
    )

    class Meta:
        model = PackedFile
        fields = [
            "id",
            "position",
            "name",
            "size",
            "pages",
            "sha256",
            "documents",
            "contents",
            "download_url",
        ]

    def get_download_url(self, packed: PackedFile) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:packed-file-download", kwargs={"pk": packed.pk})
        )


class PackJobSerializer(ModelSerializer):
    class Meta:
        model = PackJob
        fields = [
            "id",
            "state",
            "progress",
            "error_code",
            "error",
            "error_params",
            "quality_dpi",
            "plan",
            "created_at",
            "started_at",
            "finished_at",
        ]


class UploadSetSerializer(Serializer):
    job = PackJobSerializer(allow_null=True, help_text="The packing shown (null: never packed).")
    is_current = serializers.BooleanField(
        help_text="Whether `job` packed the documents as they are now."
    )
    ready = serializers.BooleanField(help_text="Packed, current and done: the files to upload.")
    files = PackedFileSerializer(many=True)
    hidden_files = serializers.IntegerField(
        help_text="Files left out: they hold documents you may not see (0: the set is whole)."
    )
    download_url = serializers.CharField(
        allow_null=True, help_text="The whole set as one zip (null until it is ready and whole)."
    )


class ReviewSerializer(Serializer):
    decision = serializers.ChoiceField(
        choices=[DocumentReview.CHECKED, DocumentReview.APPROVED, DocumentReview.REJECTED]
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text="Required to reject."
    )


class ReviewedDocumentSerializer(Serializer):
    id = serializers.IntegerField()
    review_state = serializers.CharField()
    review_note = serializers.CharField()
    reviewed_at = serializers.DateTimeField()
    reviewed_by = serializers.IntegerField(source="reviewed_by_id")


class PinSerializer(Serializer):
    pinned = serializers.BooleanField(
        help_text="True: the document keeps a packed file of its own (never merged)."
    )


class RotateSerializer(Serializer):
    page = serializers.IntegerField(min_value=1, help_text="The page to turn, from 1.")
    degrees = serializers.ChoiceField(
        choices=[90, 180, 270], default=90, help_text="Clockwise; turns add up (four make none)."
    )


class RotationsSerializer(Serializer):
    rotations = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Page number → degrees clockwise, turned pages only.",
    )


class OrderSerializer(Serializer):
    order = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


def _status_data(status_: UploadSetStatus, request, supplement_pk: int) -> dict:
    return UploadSetSerializer(
        {
            "job": status_.job,
            "is_current": status_.is_current,
            "ready": status_.ready,
            "files": status_.files,
            "hidden_files": status_.hidden_files,
            "download_url": request.build_absolute_uri(
                reverse(
                    "api:supplement-upload-set-download", kwargs={"supplement_pk": supplement_pk}
                )
            )
            if status_.ready and status_.files and status_.whole
            else None,
        },
        context={"request": request},
    ).data


# --- Views ---------------------------------------------------------------------------------------
@extend_schema(tags=["documents"])
class UploadSetView(APIView):
    """The upload set of a supplement as the platform will take it (at most 5 PDFs of at most
    1,000,000 bytes), packed in the background after every document change."""

    @extend_schema(responses={200: UploadSetSerializer})
    def get(self, request, supplement_pk):
        supplement = access_supplement(request.user, supplement_pk)
        status_ = visible_upload_set(request.user, supplement)
        return Response(_status_data(status_, request, supplement.pk))

    @extend_schema(request=None, responses={200: UploadSetSerializer, 202: UploadSetSerializer})
    def post(self, request, supplement_pk):
        """Pack now: answers the done packing when the documents have not changed (200), else
        the queued or running one (202); poll GET for progress."""
        supplement = access_supplement(request.user, supplement_pk)
        refuse_body(request.data)
        # Who may pack on demand: the service's check (the filing party).
        job = document_services.pack_request(supplement=supplement, actor=request.user)
        current = visible_upload_set(request.user, supplement)
        code = status.HTTP_200_OK if job.state == PackState.DONE else status.HTTP_202_ACCEPTED
        return Response(_status_data(current, request, supplement.pk), status=code)


@extend_schema(tags=["documents"])
class UploadSetDownloadView(APIView):
    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="Every packed file, under the names the upload set lists.",
            )
        }
    )
    def get(self, request, supplement_pk):
        """The whole packed upload set as one zip: 404 while it is not packed for the current
        documents, or when it holds a document you may not see. Each file is recorded."""
        supplement = access_supplement(request.user, supplement_pk)
        name, data = document_services.upload_set_zip(
            actor=request.user, supplement=supplement, ip_address=client_ip(request)
        )
        return zip_response(data, name)


@extend_schema(tags=["documents"])
class DocumentOrderView(APIView):
    @extend_schema(request=OrderSerializer, responses={204: None})
    def post(self, request, supplement_pk):
        """Set the documents' order: every document id of the supplement, once each."""
        supplement = access_supplement(request.user, supplement_pk, for_write=True)
        serializer = OrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document_services.document_reorder(
            supplement=supplement, actor=request.user, order=serializer.validated_data["order"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["documents"])
class DocumentReviewView(APIView):
    @extend_schema(request=ReviewSerializer, responses={200: ReviewedDocumentSerializer})
    def post(self, request, pk):
        """Mark a document checked, approve it, or reject it with a reason. Approving and
        rejecting is the agency's (403 `review_not_allowed` for others)."""
        document = access_document(request.user, pk)
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = serializer.validated_data["decision"]
        note = serializer.validated_data.get("note", "")
        if decision == DocumentReview.CHECKED:
            document = document_services.document_mark_checked(
                document=document, actor=request.user, note=note
            )
        elif decision == DocumentReview.APPROVED:
            document = document_services.document_approve(
                document=document, actor=request.user, note=note
            )
        else:
            document = document_services.document_reject(
                document=document, actor=request.user, reason=note
            )
        return Response(ReviewedDocumentSerializer(document).data)


@extend_schema(tags=["documents"])
class DocumentRotateView(APIView):
    @extend_schema(request=RotateSerializer, responses={200: RotationsSerializer})
    def post(self, request, pk):
        """Turn one page upright in the upload set (the stored file stays as uploaded; the filing
        party's choice, 403 for others); the set is packed again."""
        document = access_document(request.user, pk)
        serializer = RotateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = document_services.document_rotate(
            document=document, actor=request.user, **serializer.validated_data
        )
        return Response({"rotations": document.rotations})


@extend_schema(tags=["documents"])
class DocumentPinView(APIView):
    @extend_schema(request=PinSerializer, responses={200: PinSerializer})
    def post(self, request, pk):
        """Keep a document in a packed file of its own, or let it share one again (the filing
        party's choice, 403 for others); the set is packed again."""
        document = access_document(request.user, pk)
        serializer = PinSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = document_services.document_pin(
            document=document, actor=request.user, pinned=serializer.validated_data["pinned"]
        )
        return Response({"pinned": document.pinned})


@extend_schema(tags=["documents"])
class PackedFileDownloadView(APIView):
    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The packed PDF, as an attachment."
            )
        }
    )
    def get(self, request, pk):
        """Download a packed file (PDF) of the upload set. Needs the right to see every document
        with pages in the file; each download is recorded."""
        packed = access_packed_file(request.user, pk)
        document_services.record_download(
            actor=request.user, packed_file=packed, ip_address=client_ip(request)
        )
        return file_response(packed.file, packed.name, "application/pdf")


urlpatterns = [
    path(
        "supplements/<int:supplement_pk>/upload-set/",
        UploadSetView.as_view(),
        name="supplement-upload-set",
    ),
    path(
        "supplements/<int:supplement_pk>/upload-set/download/",
        UploadSetDownloadView.as_view(),
        name="supplement-upload-set-download",
    ),
    path(
        "supplements/<int:supplement_pk>/documents/order/",
        DocumentOrderView.as_view(),
        name="supplement-document-order",
    ),
    path("documents/<int:pk>/review/", DocumentReviewView.as_view(), name="document-review"),
    path("documents/<int:pk>/pin/", DocumentPinView.as_view(), name="document-pin"),
    path("documents/<int:pk>/rotate/", DocumentRotateView.as_view(), name="document-rotate"),
    path(
        "packed-files/<int:pk>/download/",
        PackedFileDownloadView.as_view(),
        name="packed-file-download",
    ),
]
