"""What a supplement holds: reviewer comments (審核意見), requested items and documents."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from accounts.client_ip import client_ip
from api import queries
from api.idempotency import idempotent
from api.serializers.supplements import (
    CommentCreateSerializer,
    CommentReopenSerializer,
    CommentResolveSerializer,
    CommentSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    ItemCreateSerializer,
    ItemSerializer,
    ItemUpdateSerializer,
)
from cases import services
from cases import tenancy as access
from cases.documents.storage import file_response
from cases.errors import FileTooLarge, InvalidInput, SupplementClosed, SupplementLocked
from cases.services import record_download
from cases.tenancy import access_supplement

# Room for the multipart envelope and the small fields beside the file.
MULTIPART_SLACK = 64 * 1024


class _SupplementChildList(generics.GenericAPIView):
    """GET lists, POST adds, under /supplements/{supplement_pk}/..."""

    filter_backends: list = []

    def supplement(self, *, for_write: bool = False):
        return access_supplement(
            self.request.user, self.kwargs["supplement_pk"], for_write=for_write
        )

    def list_response(self, queryset) -> Response:
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(tags=["supplements"])
class SupplementCommentsView(_SupplementChildList):
    """The reviewer's comments (審核意見) on a supplement, tab by tab as the platform shows them."""

    serializer_class = CommentSerializer

    @extend_schema(responses={200: CommentSerializer(many=True)})
    def get(self, request, supplement_pk):
        return self.list_response(queries.comments_of(request.user, self.supplement()))

    @extend_schema(request=CommentCreateSerializer, responses={201: CommentSerializer})
    @idempotent
    def post(self, request, supplement_pk):
        supplement = self.supplement(for_write=True)
        serializer = CommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.comment_add(
            supplement=supplement, actor=request.user, **serializer.validated_data
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["supplements"])
class SupplementItemsView(_SupplementChildList):
    """What the supplement asks for: documents to supply and data corrections, and whom each
    waits on."""

    serializer_class = ItemSerializer

    @extend_schema(responses={200: ItemSerializer(many=True)})
    def get(self, request, supplement_pk):
        return self.list_response(queries.items_of(request.user, self.supplement()))

    @extend_schema(request=ItemCreateSerializer, responses={201: ItemSerializer})
    @idempotent
    def post(self, request, supplement_pk):
        supplement = self.supplement(for_write=True)
        serializer = ItemCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        item = services.item_add(
            supplement=supplement, actor=request.user, **serializer.validated_data
        )
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["documents"])
class SupplementDocumentsView(_SupplementChildList):
    """Documents of a supplement (those you may see), and the upload (multipart field `file`)."""

    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(responses={200: DocumentSerializer(many=True)})
    def get(self, request, supplement_pk):
        return self.list_response(queries.documents_of(request.user, self.supplement()))

    @extend_schema(request=DocumentUploadSerializer, responses={201: DocumentSerializer})
    def post(self, request, supplement_pk):
        """Upload a document. Every party on the case may upload (HR the employer's documents,
        the applicant their own); files over the upload limit answer 413 `file_too_large`; the
        documents module's checks answer with their own codes."""
        supplement = self.supplement()
        access.check_can_upload(request.user, supplement.case)  # before reading the body
        # Refuse before reading the body: a frozen supplement (the service says so again under
        # its lock), or an oversized body.
        if supplement.is_submitted:
            raise SupplementLocked()
        if not supplement.is_editable:
            raise SupplementClosed()
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads no body then; the serializer reports the missing file
        if declared > settings.UPLOAD_MAX_BYTES + MULTIPART_SLACK:
            raise FileTooLarge(field="file", limit_bytes=settings.UPLOAD_MAX_BYTES)
        return self._upload(request, supplement)

    post.idempotent = True
    post.accepts_upload = True

    @idempotent
    def _upload(self, request, supplement):
        serializer = DocumentUploadSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise FileTooLarge(
                field="file", name=upload.name, limit_bytes=settings.UPLOAD_MAX_BYTES
            )
        if data["visibility"] not in access.allowed_visibilities(request.user, supplement.case):
            raise InvalidInput(
                _("You cannot hide a document from yourself."),
                field="visibility",
                code="visibility_not_allowed",
            )
        document = services.document_add(
            supplement=supplement,
            actor=request.user,
            data=upload.read(),
            name=upload.name,
            item=data.get("item"),
            comment=data.get("comment"),
            visibility=data["visibility"],
        )
        document = access.access_document(request.user, document.pk)
        return Response(
            DocumentSerializer(document, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["supplements"])
class CommentViewSet(viewsets.GenericViewSet):
    serializer_class = CommentSerializer
    filter_backends: list = []
    pagination_class = None

    def retrieve(self, request, pk=None):
        return Response(CommentSerializer(access.access_comment(request.user, pk)).data)

    @extend_schema(request=CommentResolveSerializer, responses={200: CommentSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Mark the comment resolved, saying how (a resolution, a corrected value, or both)."""
        comment = access.access_comment(request.user, pk, for_write=True)
        serializer = CommentResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.comment_resolve(
            comment=comment, actor=request.user, **serializer.validated_data
        )
        return Response(CommentSerializer(access.access_comment(request.user, pk)).data)

    @extend_schema(request=CommentReopenSerializer, responses={200: CommentSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        comment = access.access_comment(request.user, pk, for_write=True)
        serializer = CommentReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.comment_reopen(comment=comment, actor=request.user, **serializer.validated_data)
        return Response(CommentSerializer(access.access_comment(request.user, pk)).data)


@extend_schema(tags=["supplements"])
class ItemViewSet(viewsets.GenericViewSet):
    serializer_class = ItemSerializer
    filter_backends: list = []
    pagination_class = None
    http_method_names = ["get", "patch", "head", "options"]

    def retrieve(self, request, pk=None):
        return Response(ItemSerializer(access.access_item(request.user, pk)).data)

    @extend_schema(request=ItemUpdateSerializer, responses={200: ItemSerializer})
    def partial_update(self, request, pk=None):
        """Mark an item done, pending or no longer needed."""
        item = access.access_item(request.user, pk, for_write=True)
        serializer = ItemUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.item_set_state(item=item, actor=request.user, **serializer.validated_data)
        return Response(ItemSerializer(item).data)


class BinaryRenderer(renderers.BaseRenderer):
    """Lets a download be asked for with `Accept: application/octet-stream`; errors still go out
    as JSON."""

    media_type = "application/octet-stream"
    format = "bin"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response.content_type = "application/json"
        return renderers.JSONRenderer().render(data)


@extend_schema(tags=["documents"])
class DocumentViewSet(viewsets.GenericViewSet):
    serializer_class = DocumentSerializer
    filter_backends: list = []
    pagination_class = None
    http_method_names = ["get", "delete", "head", "options"]

    def retrieve(self, request, pk=None):
        document = access.access_document(request.user, pk)
        return Response(DocumentSerializer(document, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """Remove a document from an open supplement (its uploader, or whoever files)."""
        document = access.access_document(request.user, pk, for_write=True)
        services.document_remove(document=document, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file as uploaded, as an attachment."
            )
        }
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[renderers.JSONRenderer, BinaryRenderer],
    )
    def download(self, request, pk=None):
        document = access.access_document(request.user, pk)
        # Same as the page download: recorded (who, when, which file), safe headers.
        record_download(actor=request.user, document=document, ip_address=client_ip(request))
        return file_response(document.file, document.original_name, "application/octet-stream")
