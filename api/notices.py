"""API endpoints of the notice intake (issue 13). The same service as the mailbox poll, the pages
and `ingest_notice` (intake.services). Wired with `*notices.urlpatterns` in api/urls.py.

    GET  /api/v1/notices/                       notices of your organizations (?outcome=unmatched)
    POST /api/v1/notices/                       multipart: a `file` (.eml or .pdf), or the `text`;
                                                `organization` when you belong to several
    GET  /api/v1/notices/{id}/                  the fields read, each with where it came from
    GET  /api/v1/notices/{id}/original/         the original mail or PDF
    POST /api/v1/notices/{id}/attach/           `{"case": id}`: attach an unmatched notice
    POST /api/v1/supplements/{id}/confirm-notice/  confirm (or correct) what was read
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.client_ip import client_ip
from accounts.models import Organization
from api.serializers.common import ModelSerializer, Serializer
from api.views.parts import BinaryRenderer
from cases import services as case_services
from cases import tenancy
from cases.choices import DeadlineRule, RequestingBody
from cases.documents.storage import file_response
from cases.errors import InvalidInput
from intake import parser
from intake import services as intake
from intake.models import IncomingNotice, Source


class NoticeSerializer(ModelSerializer):
    supplement_deadline = serializers.DateField(
        source="supplement.deadline", allow_null=True, read_only=True, default=None
    )
    case_reference = serializers.CharField(
        source="case.reference", allow_null=True, read_only=True, default=None
    )

    class Meta:
        model = IncomingNotice
        fields = [
            "id",
            "organization",
            "source",
            "outcome",
            "reason",
            "message_id",
            "subject",
            "sender",
            "application_number",
            "notice_date",
            "fields",
            "comments",
            "case",
            "case_reference",
            "supplement",
            "supplement_deadline",
            "original_name",
            "content_type",
            "received_at",
            "attached_at",
        ]
        read_only_fields = fields


class NoticeCreateSerializer(Serializer):
    file = serializers.FileField(required=False, help_text="The notice: an .eml or a PDF.")
    text = serializers.CharField(required=False, help_text="Or the notice's text, pasted.")
    organization = serializers.IntegerField(
        required=False, help_text="The receiving organization (one you belong to)."
    )

    def validate(self, attrs):
        if not attrs.get("file") and not (attrs.get("text") or "").strip():
            raise serializers.ValidationError({"file": _("Send the notice as a file or as text.")})
        return attrs


class IntakeResultSerializer(Serializer):
    outcome = serializers.CharField(
        help_text="`matched`, `unmatched`, `duplicate` or `not_a_notice`."
    )
    reason = serializers.CharField()
    supplement = serializers.IntegerField(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    notice = NoticeSerializer(allow_null=True)


def _result(result: intake.IntakeResult) -> dict:
    return {
        "outcome": result.outcome,
        "reason": result.reason,
        "supplement": result.supplement.pk if result.supplement else None,
        "deadline": result.supplement.deadline if result.supplement else None,
        "notice": NoticeSerializer(result.notice).data if result.notice else None,
    }


def _organization(user, organization_id: int | None) -> Organization:
    scope = tenancy.scope_for(user)
    ids = sorted(scope.member_org_ids)
    if organization_id is None:
        if len(ids) != 1:
            raise InvalidInput(
                _("Say which organization received the notice."), field="organization"
            )
        organization_id = ids[0]
    if organization_id not in scope.member_org_ids and not scope.is_superuser:
        raise InvalidInput(_("No such organization."), field="organization")
    found = Organization.objects.filter(pk=organization_id).first()
    if found is None:
        raise InvalidInput(_("No such organization."), field="organization")
    return found


@extend_schema(tags=["notices"])
class NoticeListView(ListAPIView):
    """Notices the intake read for your organizations, newest first."""

    serializer_class = NoticeSerializer
    # Multipart, as every write that can carry a file (one body type: what generated clients send).
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        rows = intake.visible_notices(self.request.user).select_related("case", "supplement")
        outcome = self.request.query_params.get("outcome")
        return rows.filter(outcome=outcome) if outcome else rows

    @extend_schema(request=NoticeCreateSerializer, responses={201: IntakeResultSerializer})
    def post(self, request):
        """Read a notice: 201 with `outcome` matched (the supplement, to confirm, and its
        deadline), unmatched (in the inbox, with the reason), duplicate or not_a_notice. A file
        that cannot be read: 400 `unreadable_notice`, nothing created."""
        serializer = NoticeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organization = _organization(request.user, data.get("organization"))
        try:
            if data.get("file"):
                result = intake.notice_ingest(
                    data=data["file"].read(),
                    name=data["file"].name,
                    organization=organization,
                    actor=request.user,
                    source=Source.API,
                )
            else:
                result = intake.notice_ingest_text(
                    text=data["text"], organization=organization, actor=request.user
                )
        except parser.Unreadable as exc:
            raise InvalidInput(
                _("The notice cannot be read: %(why)s") % {"why": exc},
                field="file",
                code="unreadable_notice",
            ) from exc
        return Response(_result(result), status=status.HTTP_201_CREATED)


@extend_schema(tags=["notices"])
class NoticeDetailView(APIView):
    @extend_schema(responses={200: NoticeSerializer})
    def get(self, request, pk):
        return Response(NoticeSerializer(intake.access_notice(request.user, pk)).data)


@extend_schema(tags=["notices"])
class NoticeOriginalView(APIView):
    renderer_classes = [renderers.JSONRenderer, BinaryRenderer]

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The original mail or PDF."
            )
        }
    )
    def get(self, request, pk):
        notice = intake.access_notice(request.user, pk)
        intake.notice_record_download(
            notice=notice, actor=request.user, ip_address=client_ip(request)
        )
        return file_response(notice.file, notice.original_name, notice.content_type)


class AttachSerializer(Serializer):
    case = serializers.IntegerField()


@extend_schema(tags=["notices"])
class NoticeAttachView(APIView):
    @extend_schema(request=AttachSerializer, responses={200: IntakeResultSerializer})
    def post(self, request, pk):
        """Attach an unmatched notice to a case of the receiving organization: the supplement is
        created (to confirm) with the original as its notice."""
        notice = intake.access_notice(request.user, pk)
        serializer = AttachSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = tenancy.access_case(request.user, serializer.validated_data["case"])
        result = intake.notice_attach(notice=notice, case=case, actor=request.user)
        return Response(_result(result))


class ConfirmSerializer(Serializer):
    notice_date = serializers.DateField(required=False)
    rule = serializers.ChoiceField(choices=DeadlineRule.choices, required=False)
    requesting_body = serializers.ChoiceField(choices=RequestingBody.choices, required=False)
    deadline = serializers.DateField(required=False, help_text="The date printed in the notice.")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ConfirmedSerializer(Serializer):
    id = serializers.IntegerField()
    to_confirm = serializers.BooleanField()
    notice_date = serializers.DateField()
    rule = serializers.CharField()
    requesting_body = serializers.CharField()
    deadline = serializers.DateField()


@extend_schema(tags=["supplements"])
class SupplementConfirmNoticeView(APIView):
    @extend_schema(request=ConfirmSerializer, responses={200: ConfirmedSerializer})
    def post(self, request, supplement_pk):
        """Confirm what the intake read from the notice, correcting any field on the way; 400
        `invalid` on `to_confirm` when there is nothing to confirm."""
        supplement = tenancy.access_supplement(request.user, supplement_pk, for_write=True)
        serializer = ConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        supplement = case_services.supplement_confirm_notice(
            supplement=supplement, actor=request.user, **serializer.validated_data
        )
        return Response(ConfirmedSerializer(supplement).data)


urlpatterns = [
    path("notices/", NoticeListView.as_view(), name="notice-list"),
    path("notices/<int:pk>/", NoticeDetailView.as_view(), name="notice-detail"),
    path("notices/<int:pk>/original/", NoticeOriginalView.as_view(), name="notice-original"),
    path("notices/<int:pk>/attach/", NoticeAttachView.as_view(), name="notice-attach"),
    path(
        "supplements/<int:supplement_pk>/confirm-notice/",
        SupplementConfirmNoticeView.as_view(),
        name="supplement-confirm-notice",
    ),
]
