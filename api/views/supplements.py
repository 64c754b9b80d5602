"""Supplement requests (補正): list in triage order, open one from a notice (with its proposed
deadline and how it was counted), write the reply, assign, override the deadline, submit."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from api import queries
from api.filters import Search, SupplementFilter
from api.idempotency import idempotent
from api.serializers.common import refuse_body
from api.serializers.reminders import ReminderCreateSerializer, ReminderSerializer
from api.serializers.supplements import (
    DeadlineComputationSerializer,
    DeadlineOverrideSerializer,
    DeadlinePreviewQuerySerializer,
    OutcomeSerializer,
    ReadinessSerializer,
    SubmitSerializer,
    SupplementCreateSerializer,
    SupplementDetailSerializer,
    SupplementSerializer,
    SupplementUpdateSerializer,
    deadline_computation,
    readiness_data,
)
from api.views.accounts import READ_AND_PATCH
from cases import services
from cases.clock import taipei_today
from cases.tenancy import access_supplement, allowed_visibilities
from notifications import reminders as reminder_services


@extend_schema(tags=["supplements"])
class SupplementViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Supplement requests (補正/補件) on the cases you may see."""

    serializer_class = SupplementSerializer
    filterset_class = SupplementFilter
    filter_backends = [*viewsets.GenericViewSet.filter_backends, Search]
    search_fields = [
        "case__application_number",
        "case__applicant__family_name_en",
        "case__applicant__given_name_en",
        "case__applicant__name_zh",
        "case__applicant__passport_number",
    ]
    http_method_names = READ_AND_PATCH

    def get_queryset(self):
        return queries.supplement_list(self.request.user, today=self.today)

    @property
    def today(self):
        if not hasattr(self, "_today"):
            self._today = taipei_today()
        return self._today

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": self.today}

    def list(self, request):
        filtered = self.filter_queryset(self.get_queryset())
        ids = queries.supplement_page_ids(filtered)
        page = self.paginate_queryset(queries.PageSource(ids=ids, filtered=filtered))
        rows = queries.supplement_rows(request.user, page)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def _detail(self, pk, status_code=status.HTTP_200_OK) -> Response:
        supplement = queries.supplement_detail(self.request.user, pk)
        data = SupplementDetailSerializer(supplement, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    @extend_schema(responses={200: SupplementDetailSerializer})
    def retrieve(self, request, pk=None):
        """One supplement with its comments, items, documents (those you may see), readiness and
        how its deadline was counted."""
        return self._detail(pk)

    @extend_schema(request=SupplementCreateSerializer, responses={201: SupplementDetailSerializer})
    @idempotent
    def create(self, request):
        """Record a supplement request from a notice: the tracker proposes the deadline from the
        rule (and says how it counted, in the request's language); `deadline_override` with
        `override_reason` records the date printed in the notice when it differs."""
        serializer = SupplementCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        # Who may record one on the case: the service's check.
        supplement = services.supplement_create(actor=request.user, **serializer.validated_data)
        return self._detail(supplement.pk, status.HTTP_201_CREATED)

    @extend_schema(request=SupplementUpdateSerializer, responses={200: SupplementDetailSerializer})
    def partial_update(self, request, pk=None):
        """Write the reply to the reviewer (審核意見回覆) and/or assign the supplement. Pass the
        `version` you read to refuse the change if someone changed it meanwhile."""
        supplement = access_supplement(request.user, pk, for_write=True)
        serializer = SupplementUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changes = {
            "reply": data.get("reply"),
            "expected_version": data.get("version"),
            "expected_reply_version": data.get("reply_version"),
        }
        if "assignee" in data:
            changes["assignee"] = data["assignee"]
        supplement = services.supplement_update(
            supplement=supplement, actor=request.user, **changes
        )
        return self._detail(supplement.pk)

    @extend_schema(responses={200: ReadinessSerializer})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def readiness(self, request, pk=None):
        """Ready to file, or what is still missing (each with a code, its values and a sentence)."""
        supplement = access_supplement(request.user, pk)
        seen = allowed_visibilities(request.user, supplement.case)
        return Response(ReadinessSerializer(readiness_data(supplement.missing, seen)).data)

    @extend_schema(request=DeadlineOverrideSerializer, responses={200: SupplementDetailSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def deadline(self, request, pk=None):
        """Set the deadline printed in the notice, with the reason it differs; null clears it."""
        supplement = access_supplement(request.user, pk, for_write=True)
        serializer = DeadlineOverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        supplement = services.supplement_override_deadline(
            supplement=supplement, actor=request.user, **serializer.validated_data
        )
        return self._detail(supplement.pk)

    @extend_schema(request=SubmitSerializer, responses={200: SupplementDetailSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def submit(self, request, pk=None):
        """Record that the supplement was sent (送出) on the platform. It becomes read-only: every
        later write to it answers 409 `supplement_submitted`. Not ready: 409
        `supplement_not_ready` with what is missing, unless `force`."""
        supplement = access_supplement(request.user, pk, for_write=True)
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        supplement = services.supplement_submit(
            supplement=supplement, actor=request.user, **serializer.validated_data
        )
        return self._detail(supplement.pk)

    @extend_schema(responses={200: ReminderSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def reminders(self, request, pk=None):
        """The reminders (催件) sent on this supplement, newest first, with their delivery status."""
        supplement = access_supplement(request.user, pk, for_write=True)
        rows = supplement.reminders.select_related("sent_by")
        return Response(ReminderSerializer(rows, many=True).data)

    @extend_schema(request=ReminderCreateSerializer, responses={202: ReminderSerializer(many=True)})
    @reminders.mapping.post
    @idempotent
    def remind(self, request, pk=None):
        """Email the applicant or the employer's HR what still waits on them, in their language
        (催件). Answers 202: the email goes out from the worker. 409 `nothing_asked` when nothing
        waits on them, `reminded_recently` within REMINDER_MIN_HOURS of the last reminder,
        `no_recipient` when nobody there has an email address."""
        supplement = access_supplement(request.user, pk, for_write=True)
        serializer = ReminderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = reminder_services.remind(
            supplement=supplement, actor=request.user, **serializer.validated_data
        )
        return Response(ReminderSerializer(rows, many=True).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: SupplementDetailSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def withdraw(self, request, pk=None):
        """Withdraw an open supplement (no longer needed)."""
        supplement = access_supplement(request.user, pk, for_write=True)
        refuse_body(request.data)
        supplement = services.supplement_withdraw(supplement=supplement, actor=request.user)
        return self._detail(supplement.pk)

    @extend_schema(request=None, responses={200: SupplementDetailSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def reopen(self, request, pk=None):
        """Reopen a supplement withdrawn by mistake (a submitted one never reopens)."""
        supplement = access_supplement(request.user, pk, for_write=True)
        refuse_body(request.data)
        supplement = services.supplement_reopen(supplement=supplement, actor=request.user)
        return self._detail(supplement.pk)

    @extend_schema(request=OutcomeSerializer, responses={200: SupplementDetailSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def outcome(self, request, pk=None):
        """Record the reviewer's outcome of a submitted supplement (the one change it accepts)."""
        supplement = access_supplement(request.user, pk, for_write=True)
        serializer = OutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        supplement = services.supplement_record_outcome(
            supplement=supplement, actor=request.user, **serializer.validated_data
        )
        return self._detail(supplement.pk)


class DeadlinePreviewView(APIView):
    """What deadline a rule gives for a notice, and how it is counted, without recording it."""

    @extend_schema(
        tags=["supplements"],
        operation_id="deadline_preview",
        parameters=[DeadlinePreviewQuerySerializer],
        responses={200: DeadlineComputationSerializer},
    )
    def get(self, request):
        serializer = DeadlinePreviewQuerySerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        result = services.propose_deadline(**serializer.validated_data)
        return Response(DeadlineComputationSerializer(deadline_computation(result)).data)
