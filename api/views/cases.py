"""Cases: list, open, change details, move along the lifecycle (with its history)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api import queries
from api.filters import CaseFilter, Search
from api.idempotency import idempotent
from api.serializers.cases import (
    CaseCreateSerializer,
    CaseSerializer,
    CaseWriteSerializer,
    StatusChangeSerializer,
    TransitionSerializer,
)
from api.views.accounts import READ_AND_PATCH
from cases import services
from cases import tenancy as access
from cases.models import CaseStatusChange
from cases.tenancy import access_case


@extend_schema(tags=["cases"])
class CaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Gold Card cases you may see. The filing party (the agency on an agency case, the employer's
    HR on an employer case, the applicant on a self-filed one) changes them."""

    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    filter_backends = [*viewsets.GenericViewSet.filter_backends, Search]
    search_fields = [
        "application_number",
        "applicant__family_name_en",
        "applicant__given_name_en",
        "applicant__name_zh",
        "applicant__passport_number",
    ]
    http_method_names = READ_AND_PATCH

    def get_queryset(self):
        return queries.case_list(self.request.user)

    def retrieve(self, request, pk=None):
        case = access_case(request.user, pk)
        return Response(self.get_serializer(case).data)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseSerializer})
    @idempotent
    def create(self, request):
        """Open a case. Agency staff open agency cases for their agency; HR employer cases for their
        employer; an applicant their own self-filed case."""
        serializer = CaseCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        # Who may open a case on its channel (and write notes on it): the service's check.
        case = services.case_create(actor=request.user, **serializer.validated_data)
        case = access_case(request.user, case.pk)
        return Response(self.get_serializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CaseWriteSerializer, responses={200: CaseSerializer})
    def partial_update(self, request, pk=None):
        case = access_case(request.user, pk)
        access.check_can_edit_case(request.user, case)  # 403 before 400; the service checks too
        serializer = CaseWriteSerializer(
            case, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        services.case_update(case=case, actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(access_case(request.user, pk)).data)

    @extend_schema(request=TransitionSerializer, responses={201: StatusChangeSerializer})
    @action(detail=True, methods=["post"])
    @idempotent
    def transition(self, request, pk=None):
        """Move the case to its next status and record the history row (date, status, who holds
        the case). A move the lifecycle does not allow answers 409 `invalid_transition`, with the
        allowed statuses in `params.allowed`."""
        case = access_case(request.user, pk)
        access.check_can_edit_case(request.user, case)  # 403 before 400; the service checks too
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = services.case_transition(
            case=case, actor=request.user, **serializer.validated_data
        )
        change = CaseStatusChange.objects.select_related("recorded_by").get(pk=change.pk)
        return Response(StatusChangeSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: StatusChangeSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="status-changes", filter_backends=[])
    def status_changes(self, request, pk=None):
        """The case's status history, oldest first."""
        case = access_case(request.user, pk)
        changes = case.status_changes.select_related("recorded_by").order_by(
            "happened_on", "recorded_at", "id"
        )
        page = self.paginate_queryset(changes)
        return self.get_paginated_response(StatusChangeSerializer(page, many=True).data)
