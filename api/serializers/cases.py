"""Cases and their status history."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Applicant, Organization, OrganizationKind
from api.serializers.common import (
    ApplicantSummarySerializer,
    ChoiceLabelField,
    ModelSerializer,
    OrganizationSummarySerializer,
    ScopedPrimaryKeyRelatedField,
    Serializer,
    SlugRelatedField,
    UserSummarySerializer,
    applicant_summary,
    iso_date,
    iso_datetime,
    label_of,
    organization_summary,
)
from cases import lifecycle
from cases.choices import CaseStatus, HoldingBody
from cases.editable import CASE_EDITABLE_FIELDS
from cases.models import Case, CaseStatusChange, FieldOfExpertise
from cases.tenancy import (
    can_see_internal_notes,
    visible_applicants,
    visible_cases,
    visible_organizations,
)


def _agencies(user):
    return visible_organizations(user).filter(kind=OrganizationKind.AGENCY)


def _employers(user):
    return visible_organizations(user).filter(kind=OrganizationKind.EMPLOYER)


class FieldOfExpertiseSerializer(ModelSerializer):
    class Meta:
        model = FieldOfExpertise
        fields = ["code", "name_en", "name_zh", "authority_code"]


class CaseSummarySerializer(ModelSerializer):
    """What a supplement shows of its case."""

    applicant = ApplicantSummarySerializer()
    agency = OrganizationSummarySerializer(allow_null=True)
    employer = OrganizationSummarySerializer(allow_null=True)
    reference = serializers.CharField()
    status_label = ChoiceLabelField(CaseStatus, source="status")

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "application_number",
            "kind",
            "channel",
            "status",
            "status_label",
            "applicant",
            "agency",
            "employer",
        ]


def case_summary(case) -> dict:
    """CaseSummarySerializer's rendering, by hand (see api.serializers.common)."""
    return {
        "id": case.pk,
        "reference": case.reference,
        "application_number": case.application_number,
        "kind": case.kind,
        "channel": case.channel,
        "status": case.status,
        "status_label": label_of(CaseStatus, case.status),
        "applicant": applicant_summary(case.applicant),
        "agency": organization_summary(case.agency),
        "employer": organization_summary(case.employer),
    }


class CaseSerializer(CaseSummarySerializer):
    field = FieldOfExpertiseSerializer(allow_null=True)
    holding_body_label = ChoiceLabelField(HoldingBody, source="holding_body")
    internal_notes = serializers.CharField(
        required=False, help_text="Agency-internal notes: present only for the agency's members."
    )
    allowed_transitions = serializers.SerializerMethodField(
        help_text="The statuses the case may move to next (POST them to /transition/)."
    )

    class Meta:
        model = Case
        fields = [
            *CaseSummarySerializer.Meta.fields,
            "field",
            "holding_body",
            "holding_body_label",
            "status_changed_at",
            "applied_on",
            "applying_from",
            "collection_station",
            "validity_years",
            "card_valid_from",
            "card_valid_to",
            "previous_case",
            "allowed_transitions",
            "internal_notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(CaseStatus.choices)))
    def get_allowed_transitions(self, case) -> list[str]:
        return lifecycle.allowed_next(case.status)

    def to_representation(self, case) -> dict:
        # By hand (see api.serializers.common): a page renders 50 of these.
        field = case.field
        data = {
            **case_summary(case),
            "field": None
            if field is None
            else {
                "code": field.code,
                "name_en": field.name_en,
                "name_zh": field.name_zh,
                "authority_code": field.authority_code,
            },
            "holding_body": case.holding_body,
            "holding_body_label": label_of(HoldingBody, case.holding_body),
            "status_changed_at": iso_datetime(case.status_changed_at),
            "applied_on": iso_date(case.applied_on),
            "applying_from": case.applying_from,
            "collection_station": case.collection_station,
            "validity_years": case.validity_years,
            "card_valid_from": iso_date(case.card_valid_from),
            "card_valid_to": iso_date(case.card_valid_to),
            "previous_case": case.previous_case_id,
            "allowed_transitions": self.get_allowed_transitions(case),
            "internal_notes": case.internal_notes,
            "created_at": iso_datetime(case.created_at),
            "updated_at": iso_datetime(case.updated_at),
        }
        if not can_see_internal_notes(self.context["request"].user, case):
            data.pop("internal_notes")
        return data


class CaseWriteSerializer(ModelSerializer):
    """Details of a case that its filing party may set (status only through transitions)."""

    field = SlugRelatedField(
        slug_field="code",
        queryset=FieldOfExpertise.objects.filter(active=True),
        allow_null=True,
        required=False,
        help_text="The field of expertise (領域專長) by its code, e.g. `digital`.",
    )
    previous_case = ScopedPrimaryKeyRelatedField(
        scope=visible_cases, model=Case, allow_null=True, required=False
    )

    class Meta:
        model = Case
        fields = list(CASE_EDITABLE_FIELDS)  # what case_update accepts, declared once
        extra_kwargs = {
            "application_number": {"allow_blank": True},
            "validity_years": {"min_value": 1, "max_value": 3},
        }


class CaseCreateSerializer(CaseWriteSerializer):
    applicant = ScopedPrimaryKeyRelatedField(scope=visible_applicants, model=Applicant)
    agency = ScopedPrimaryKeyRelatedField(
        scope=_agencies, model=Organization, allow_null=True, required=False
    )
    employer = ScopedPrimaryKeyRelatedField(
        scope=_employers, model=Organization, allow_null=True, required=False
    )
    status = serializers.ChoiceField(
        choices=CaseStatus.choices,
        default=CaseStatus.DRAFT,
        help_text="Where the case stands when it enters the tracker (default draft).",
    )

    class Meta(CaseWriteSerializer.Meta):
        fields = [
            "applicant",
            "channel",
            "agency",
            "employer",
            "status",
            *CaseWriteSerializer.Meta.fields,
        ]
        extra_kwargs = {**CaseWriteSerializer.Meta.extra_kwargs, "kind": {"required": True}}


class StatusChangeSerializer(ModelSerializer):
    status_label = ChoiceLabelField(CaseStatus, source="status")
    holding_body_label = ChoiceLabelField(HoldingBody, source="holding_body")
    recorded_by = UserSummarySerializer(allow_null=True)

    class Meta:
        model = CaseStatusChange
        fields = [
            "id",
            "case",
            "from_status",
            "status",
            "status_label",
            "holding_body",
            "holding_body_label",
            "happened_on",
            "note",
            "recorded_at",
            "recorded_by",
        ]


class TransitionSerializer(Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    happened_on = serializers.DateField(
        required=False, help_text="When it happened (Taipei date); default today."
    )
    holding_body = serializers.ChoiceField(
        choices=HoldingBody.choices,
        required=False,
        help_text="Who holds the case now; default the usual holder of the new status.",
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
