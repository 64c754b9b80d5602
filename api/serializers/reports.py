"""The supplement report's shape (cases.reports.supplement_report), for the schema and the body."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers


class ReportQuerySerializer(serializers.Serializer):
    """The period; every other parameter is the supplement list's filter."""

    def get_fields(self):
        # `from` is a Python keyword, so the period's fields are named here.
        return {
            "from": serializers.DateField(
                required=False, help_text="Notices dated on or after this day (YYYY-MM-DD)."
            ),
            "to": serializers.DateField(
                required=False, help_text="Notices dated on or before this day (YYYY-MM-DD)."
            ),
        }

    def validate(self, attrs):
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": _("`to` is before `from`.")})
        return attrs


class CountsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Supplements (notices) in the group.")
    open = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="Open and past the deadline (Taipei today).")
    submitted = serializers.IntegerField()
    submitted_on_time = serializers.IntegerField(
        help_text="Submitted on or before the deadline's Taipei date."
    )
    submitted_late = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    on_time_rate = serializers.FloatField(
        allow_null=True, help_text="submitted_on_time / submitted; null when none was submitted."
    )


class SpreadSerializer(serializers.Serializer):
    median = serializers.FloatField(allow_null=True)
    p90 = serializers.FloatField(allow_null=True, help_text="90th percentile.")


class OutcomesSerializer(serializers.Serializer):
    pending = serializers.IntegerField()
    accepted = serializers.IntegerField()
    further_request = serializers.IntegerField(help_text="Another supplement requested.")
    refused = serializers.IntegerField()


class RoundsSerializer(serializers.Serializer):
    rounds = serializers.IntegerField(help_text="A case's highest round among the supplements.")
    cases = serializers.IntegerField()


class ByBodySerializer(CountsSerializer):
    requesting_body = serializers.CharField()
    label = serializers.CharField(help_text="In the request's language.")


class ByFieldSerializer(CountsSerializer):
    field = serializers.CharField(allow_null=True, help_text="Field code; null: not recorded.")
    name_en = serializers.CharField(allow_null=True)
    name_zh = serializers.CharField(allow_null=True)


class ByAssigneeSerializer(CountsSerializer):
    assignee = serializers.IntegerField(allow_null=True, help_text="User id; null: nobody.")
    name = serializers.CharField(allow_null=True)


class ByMonthSerializer(CountsSerializer):
    month = serializers.CharField(help_text="YYYY-MM of the notice date.")


class PeriodSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "from": serializers.DateField(allow_null=True),
            "to": serializers.DateField(allow_null=True),
        }


class SupplementReportSerializer(CountsSerializer):
    cases = serializers.IntegerField(help_text="Cases with at least one of the supplements.")
    overridden = serializers.IntegerField(help_text="Deadlines set by staff (override).")
    supplements_per_case = serializers.FloatField(allow_null=True)
    days_to_file = SpreadSerializer(help_text="Days from the notice to the submission.")
    days_to_outcome = SpreadSerializer(help_text="Days from the submission to the outcome.")
    outcomes = OutcomesSerializer(help_text="Submitted supplements by the reviewer's outcome.")
    rounds_per_case = RoundsSerializer(many=True)
    by_requesting_body = ByBodySerializer(many=True)
    by_field = ByFieldSerializer(many=True)
    by_assignee = ByAssigneeSerializer(many=True)
    by_month = ByMonthSerializer(many=True, help_text="By the notice's month, gaps as zeros.")
    period = PeriodSerializer()
    today = serializers.DateField(help_text="Taipei today, against which overdue is counted.")
