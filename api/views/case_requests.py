"""Case requests: employer HR asks an agency for a case; the agency accepts (opening the case) or
declines with a reason; HR cancels its own while it waits. Seen by the asking employer's members
and the asked agency's only (404 for everyone else)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.idempotency import idempotent
from api.serializers.case_requests import (
    CaseRequestAcceptSerializer,
    CaseRequestCreateSerializer,
    CaseRequestDeclineSerializer,
    CaseRequestSerializer,
)
from api.serializers.common import refuse_body
from cases import services
from cases import tenancy as access

RELATED = ("employer", "agency", "applicant", "requested_by", "decided_by", "case")


@extend_schema(tags=["case requests"])
class CaseRequestViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Requests for a new case from employer HR to an agency, newest first."""

    serializer_class = CaseRequestSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return (
            access.visible_case_requests(self.request.user)
            .select_related(*RELATED)
            .order_by("-requested_at", "-id")
        )

    def _answer(self, pk, status_code=status.HTTP_200_OK) -> Response:
        case_request = access.access_case_request(self.request.user, pk)
        return Response(self.get_serializer(case_request).data, status=status_code)

    def retrieve(self, request, pk=None):
        return self._answer(pk)

    @extend_schema(request=CaseRequestCreateSerializer, responses={201: CaseRequestSerializer})
    @idempotent
    def create(self, request):
        """Ask an agency working your employees' cases to open one for an employee. The agency's
        admins and staff are emailed."""
        serializer = CaseRequestCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        case_request = services.case_request_create(actor=request.user, **serializer.validated_data)
        return self._answer(case_request.pk, status.HTTP_201_CREATED)

    @extend_schema(request=CaseRequestAcceptSerializer, responses={200: CaseRequestSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def accept(self, request, pk=None):
        """The agency asked opens the case (filed by the agency) and links it. A request already
        decided answers 409 `case_request_decided` and changes nothing."""
        case_request = access.access_case_request(request.user, pk)
        access.check_can_decide_case_request(request.user, case_request)  # 403 before 400
        serializer = CaseRequestAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.case_request_accept(
            case_request=case_request, actor=request.user, **serializer.validated_data
        )
        return self._answer(pk)

    @extend_schema(request=CaseRequestDeclineSerializer, responses={200: CaseRequestSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def decline(self, request, pk=None):
        """The agency asked declines, saying why (HR is emailed the reason)."""
        case_request = access.access_case_request(request.user, pk)
        access.check_can_decide_case_request(request.user, case_request)
        serializer = CaseRequestDeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.case_request_decline(
            case_request=case_request, actor=request.user, **serializer.validated_data
        )
        return self._answer(pk)

    @extend_schema(request=None, responses={200: CaseRequestSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def cancel(self, request, pk=None):
        """The HR person who asked withdraws the request while it waits."""
        case_request = access.access_case_request(request.user, pk)
        refuse_body(request.data)
        services.case_request_cancel(case_request=case_request, actor=request.user)
        return self._answer(pk)
