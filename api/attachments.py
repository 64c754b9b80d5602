"""API endpoints for a supplement's notice and proof of submission (issue 11, item 8). Kept apart
from the documents: they are never part of the upload set. Wire them with
`*attachments.urlpatterns` in api/urls.py, before the catch-all.

    GET    /api/v1/supplements/{id}/attachments/   the notice and proof you may see
    POST   /api/v1/supplements/{id}/attachments/   multipart `kind` ("notice"|"proof") and `file`
    GET    /api/v1/attachments/{id}/download/      the file, as an attachment
    DELETE /api/v1/attachments/{id}/               remove (see cases.services.attachment_remove)
"""

from __future__ import annotations

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.client_ip import client_ip
from api.idempotency import idempotent
from api.serializers.common import ModelSerializer, Serializer, UserSummarySerializer
from api.views.parts import MULTIPART_SLACK, BinaryRenderer
from cases import services
from cases.choices import AttachmentKind
from cases.documents.attachments import MAX_ATTACHMENT_BYTES
from cases.documents.storage import file_response
from cases.errors import FileTooLarge
from cases.models import SupplementAttachment
from cases.tenancy import access_attachment, access_supplement, visible_attachments


class AttachmentSerializer(ModelSerializer):
    uploaded_by = UserSummarySerializer(allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = SupplementAttachment
        fields = [
            "id",
            "supplement",
            "kind",
            "original_name",
            "size",
            "content_type",
            "sha256",
            "uploaded_at",
            "uploaded_by",
            "download_url",
        ]

    def get_download_url(self, attachment: SupplementAttachment) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:attachment-download", kwargs={"pk": attachment.pk})
        )


class AttachmentUploadSerializer(Serializer):
    kind = serializers.ChoiceField(
        choices=AttachmentKind.choices,
        help_text="`notice`: the NIA or ministry e-mail (.eml) or the notice as PDF/PNG/JPEG; "
        "`proof`: the platform's 補正完成 screenshot (PNG/JPEG) or receipt (PDF), once submitted.",
    )
    file = serializers.FileField(help_text="The file (multipart field `file`), at most 10 MB.")


@extend_schema(tags=["supplements"])
class SupplementAttachmentsView(APIView):
    """A supplement's notice and proof of submission: never part of the upload set. The notice is
    the agency's and the employer's (and a self-filing applicant's); the proof everyone's on the
    case."""

    parser_classes = [MultiPartParser]

    @extend_schema(responses={200: AttachmentSerializer(many=True)})
    def get(self, request, supplement_pk):
        supplement = access_supplement(request.user, supplement_pk)
        found = visible_attachments(request.user, supplement)
        return Response(AttachmentSerializer(found, many=True, context={"request": request}).data)

    @extend_schema(request=AttachmentUploadSerializer, responses={201: AttachmentSerializer})
    def post(self, request, supplement_pk):
        """Attach the notice (open or not) or the proof (once submitted). PDF, PNG, JPEG, or an
        .eml for the notice; at most 10 MB (413 `file_too_large`); encrypted PDFs and programs
        are refused with the documents' codes."""
        supplement = access_supplement(request.user, supplement_pk)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > MAX_ATTACHMENT_BYTES + MULTIPART_SLACK:  # refused before reading the body
            raise FileTooLarge(field="file", limit_bytes=MAX_ATTACHMENT_BYTES)
        return self._upload(request, supplement)

    post.idempotent = True
    post.accepts_upload = True

    @idempotent
    def _upload(self, request, supplement):
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        # Who may attach which kind, and the content checks: the service's.
        attachment = services.attachment_add(
            supplement=supplement,
            actor=request.user,
            kind=serializer.validated_data["kind"],
            data=upload.read(),
            name=upload.name,
        )
        return Response(
            AttachmentSerializer(attachment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["supplements"])
class AttachmentView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        """The notice: its uploader or the filing party, while the supplement is open; the proof:
        the filing party, at any time."""
        attachment = access_attachment(request.user, pk, for_write=True)
        services.attachment_remove(attachment=attachment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["supplements"])
class AttachmentDownloadView(APIView):
    renderer_classes = [renderers.JSONRenderer, BinaryRenderer]

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file as attached, as an attachment."
            )
        }
    )
    def get(self, request, pk):
        attachment = access_attachment(request.user, pk)
        services.record_download(
            actor=request.user, attachment=attachment, ip_address=client_ip(request)
        )
        return file_response(attachment.file, attachment.original_name, attachment.content_type)


urlpatterns = [
    path(
        "supplements/<int:supplement_pk>/attachments/",
        SupplementAttachmentsView.as_view(),
        name="supplement-attachments",
    ),
    path("attachments/<int:pk>/", AttachmentView.as_view(), name="attachment-detail"),
    path(
        "attachments/<int:pk>/download/",
        AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
]
