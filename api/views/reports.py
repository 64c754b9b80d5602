"""GET /api/v1/reports/supplements/: the supplement report (cases.reports) for the list's filters
and a period, over the very scope and FilterSet of GET /api/v1/supplements/."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import SupplementFilter
from api.serializers.reports import ReportQuerySerializer, SupplementReportSerializer
from cases import reports
from cases.clock import taipei_today

# The list's filters that change which supplements are counted (ordering does not).
_TYPES = {
    "DateFilter": OpenApiTypes.DATE,
    "IdFilter": OpenApiTypes.INT,
    "BooleanFilter": OpenApiTypes.BOOL,
}


def _filter_parameters() -> list[OpenApiParameter]:
    parameters = []
    for name, spec in SupplementFilter.base_filters.items():
        if name == "ordering":
            continue
        choices = spec.extra.get("choices")
        parameters.append(
            OpenApiParameter(
                name,
                _TYPES.get(type(spec).__name__, OpenApiTypes.STR),
                description=str(spec.extra.get("help_text") or ""),
                enum=[value for value, _label in choices] if choices else None,
            )
        )
    return parameters


class SupplementReportView(APIView):
    """Figures on the supplements you may see: open, overdue, submitted on time and late, time to
    file and to the outcome, outcomes, rounds per case, and the same by requesting body, field,
    assignee and month. Takes every filter of GET /api/v1/supplements/ (the figures agree with it),
    plus `from`/`to` on the notice date (the list's `notice_after`/`notice_before`)."""

    @extend_schema(
        tags=["reports"],
        operation_id="reports_supplements",
        parameters=[ReportQuerySerializer, *_filter_parameters()],
        responses={200: SupplementReportSerializer},
    )
    def get(self, request):
        period = ReportQuerySerializer(data=request.query_params)
        period.is_valid(raise_exception=True)
        today = taipei_today()
        filterset = SupplementFilter(
            request.query_params, queryset=reports.reportable(request.user), request=request
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        figures = reports.supplement_report(
            filterset.qs,
            today=today,
            date_from=period.validated_data.get("from"),
            date_to=period.validated_data.get("to"),
        )
        return Response(SupplementReportSerializer(figures).data)
