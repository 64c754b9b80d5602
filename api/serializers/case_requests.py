"""Case requests: employer HR asks an agency for a case for an employee."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Applicant, Organization
from api.serializers.common import (
    ApplicantSummarySerializer,
    ModelSerializer,
    OrganizationSummarySerializer,
    ScopedPrimaryKeyRelatedField,
    Serializer,
    SlugRelatedField,
    UserSummarySerializer,
)
from cases.case_requests import CaseRequest
from cases.choices import CaseKind
from cases.models import FieldOfExpertise
from cases.tenancy import asking_employer, requestable_agencies, scope_for, visible_applicants


def _requestable(user):
    return requestable_agencies(scope_for(user).employer_ids)


class CaseRequestSerializer(ModelSerializer):
    employer = OrganizationSummarySerializer()
    agency = OrganizationSummarySerializer()
    applicant = ApplicantSummarySerializer()
    kind_label = serializers.CharField(source="get_kind_display")
    state_label = serializers.CharField(source="get_state_display")
    requested_by = UserSummarySerializer(allow_null=True)
    decided_by = UserSummarySerializer(allow_null=True)
    case_reference = serializers.SerializerMethodField(
        help_text="The case opened on acceptance (GC-…), else null."
    )

    class Meta:
        model = CaseRequest
        fields = [
            "id",
            "state",
            "state_label",
            "kind",
            "kind_label",
            "note",
            "decline_reason",
            "employer",
            "agency",
            "applicant",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "case",
            "case_reference",
        ]
        read_only_fields = fields

    def get_case_reference(self, case_request) -> str | None:
        return case_request.case.reference if case_request.case else None


class CaseRequestCreateSerializer(Serializer):
    applicant = ScopedPrimaryKeyRelatedField(
        scope=visible_applicants, model=Applicant, help_text="One of your employees."
    )
    agency = ScopedPrimaryKeyRelatedField(
        scope=_requestable,
        model=Organization,
        help_text="An agency working your employees' cases.",
    )
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    def validate(self, attrs):
        employer = asking_employer(self.context["request"].user, attrs["applicant"])
        if employer is None:
            raise serializers.ValidationError(
                {"applicant": _("This person is not one of your employees.")}
            )
        return {**attrs, "employer": employer}


class CaseRequestAcceptSerializer(Serializer):
    field = SlugRelatedField(
        slug_field="code",
        queryset=FieldOfExpertise.objects.filter(active=True),
        allow_null=True,
        required=False,
        help_text="The field of expertise (領域專長) by its code, if known now.",
    )


class CaseRequestDeclineSerializer(Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Why: HR is told.")
