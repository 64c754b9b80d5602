"""Tokens, the signed-in user, organizations, memberships and applicants."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import checks
from accounts.models import (
    Applicant,
    Authorisation,
    Employment,
    Membership,
    Organization,
    OrganizationKind,
    Role,
)
from accounts.services import CANNOT_ADD
from api.serializers.common import (
    ModelSerializer,
    OrganizationSummarySerializer,
    ScopedPrimaryKeyRelatedField,
    Serializer,
    UserSummarySerializer,
)
from cases.tenancy import member_org_ids, visible_organizations
from integrations.models import ApiToken

User = get_user_model()


# --- Tokens ---------------------------------------------------------------------------------------
class TokenObtainSerializer(Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    name = serializers.CharField(
        max_length=100, required=False, default="", allow_blank=True, help_text="A label for it."
    )
    otp = serializers.CharField(
        max_length=16,
        required=False,
        default="",
        allow_blank=True,
        help_text="The current two-factor code, for logins that use two-factor authentication.",
    )


class TokenObtainedSerializer(Serializer):
    token = serializers.CharField(help_text="The key: shown once, send it as `Token <key>`.")
    id = serializers.IntegerField()
    name = serializers.CharField()


class ApiTokenSerializer(ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]


class ApiTokenCreateSerializer(Serializer):
    name = serializers.CharField(max_length=100, help_text="A label, e.g. the system using it.")


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(help_text="The key: shown once, never again.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]


# --- Me, organizations, memberships ---------------------------------------------------------------
class MyMembershipSerializer(ModelSerializer):
    organization = OrganizationSummarySerializer()

    class Meta:
        model = Membership
        fields = ["id", "organization", "role"]


class MeSerializer(Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    is_superuser = serializers.BooleanField()
    language = serializers.CharField(help_text="The language of this answer.")
    memberships = MyMembershipSerializer(many=True)
    applicant = serializers.IntegerField(
        allow_null=True, help_text="The applicant record of this login, if any."
    )


class OrganizationSerializer(ModelSerializer):
    my_role = serializers.SerializerMethodField(help_text="Your role in it, if you belong to it.")

    class Meta:
        model = Organization
        fields = [
            "id",
            "kind",
            "name",
            "name_zh",
            "licence_number",
            "tax_id",
            "email",
            "created_at",
            "my_role",
        ]

    # Said explicitly: from the `Role | None` hint drf-spectacular's OpenAPI 3.1 drops the None.
    @extend_schema_field(serializers.ChoiceField(choices=Role.choices, allow_null=True))
    def get_my_role(self, organization) -> Role | None:
        return self.context.get("my_roles", {}).get(organization.pk)


class OrganizationUpdateSerializer(ModelSerializer):
    class Meta:
        model = Organization
        fields = ["name", "name_zh", "licence_number", "tax_id", "email"]

    def validate_tax_id(self, value: str) -> str:
        tax_id = checks.clean_tax_id(value)
        # Checked when it changes: a number recorded before the check stays as it is.
        if self.instance is None or tax_id != self.instance.tax_id:
            checks.validate_tax_id(tax_id)
        return tax_id


def _my_agencies(user):
    return Organization.objects.filter(pk__in=member_org_ids(user), kind=OrganizationKind.AGENCY)


class ClientCreateSerializer(Serializer):
    """A client employer of your agency (agency admins). An employer already known by its Tax ID
    (統一編號) is linked, not created twice."""

    agency = ScopedPrimaryKeyRelatedField(
        scope=_my_agencies,
        model=Organization,
        required=False,
        help_text="Your agency; may be left out when you belong to one agency only.",
    )
    name = serializers.CharField(max_length=200)
    name_zh = serializers.CharField(max_length=200, required=False, allow_blank=True)
    tax_id = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text="統一編號: eight digits with their check digit.",
    )
    email = serializers.EmailField(required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)

    def validate_tax_id(self, value: str) -> str:
        tax_id = checks.clean_tax_id(value)
        checks.validate_tax_id(tax_id)
        return tax_id

    def validate(self, attrs):
        if "agency" not in attrs:
            agencies = list(_my_agencies(self.context["request"].user)[:2])
            if len(agencies) != 1:
                raise serializers.ValidationError({"agency": _("Name the agency.")})
            attrs["agency"] = agencies[0]
        return attrs


class MembershipSerializer(ModelSerializer):
    organization = OrganizationSummarySerializer()
    user = UserSummarySerializer()

    class Meta:
        model = Membership
        fields = ["id", "organization", "user", "role", "created_at"]


def _my_organizations(user):
    return Organization.objects.filter(pk__in=member_org_ids(user))


class MembershipCreateSerializer(Serializer):
    organization = ScopedPrimaryKeyRelatedField(scope=_my_organizations, model=Organization)
    username = serializers.CharField(
        max_length=150,
        help_text="An existing login of your own organizations (or one with no organization); "
        "anyone else is invited by email from the pages.",
    )
    role = serializers.ChoiceField(choices=Role.choices)

    def validate_username(self, value: str) -> User:
        # The same sentence as the service's for another tenant's login: no existence oracle.
        user = User.objects.filter(is_active=True, username=value).first()
        if user is None:
            raise serializers.ValidationError(str(CANNOT_ADD))
        return user


class MembershipUpdateSerializer(Serializer):
    requires_a_field = True

    role = serializers.ChoiceField(choices=Role.choices)


# --- Applicants -----------------------------------------------------------------------------------
class ApplicantSerializer(ModelSerializer):
    has_login = serializers.SerializerMethodField()
    email_may_be_blocked = serializers.BooleanField(
        help_text="The NIA's mail to mainland-China providers is partly blocked: use another."
    )

    class Meta:
        model = Applicant
        fields = [
            "id",
            "family_name_en",
            "given_name_en",
            "name_zh",
            "passport_number",
            "passport_expiry",
            "nationality",
            "date_of_birth",
            "email",
            "time_zone",
            "has_login",
            "email_may_be_blocked",
            "created_at",
        ]

    def get_has_login(self, applicant) -> bool:
        return applicant.user_id is not None


class ApplicantWriteSerializer(ModelSerializer):
    time_zone = serializers.CharField(
        max_length=64,
        required=False,
        validators=[checks.validate_time_zone],
        help_text="e.g. Asia/Taipei",
    )

    class Meta:
        model = Applicant
        fields = [
            "family_name_en",
            "given_name_en",
            "name_zh",
            "passport_number",
            "passport_expiry",
            "nationality",
            "date_of_birth",
            "email",
            "time_zone",
        ]
        # Uniqueness (nationality + passport) is checked by the service, once, in its transaction.
        validators: list = []


class AuthorisationInputSerializer(ModelSerializer):
    class Meta:
        model = Authorisation
        fields = [
            "signed_on",
            "valid_from",
            "valid_until",
            "covers_filing",
            "covers_supplement",
            "covers_pickup",
        ]


def _employers(user):
    return visible_organizations(user).filter(kind=OrganizationKind.EMPLOYER)


class EmploymentInputSerializer(ModelSerializer):
    employer = ScopedPrimaryKeyRelatedField(
        scope=_employers,
        model=Organization,
        required=False,
        help_text="Default: the organization adding the applicant (an employer).",
    )

    class Meta:
        model = Employment
        fields = ["employer", "job_title", "monthly_salary_twd", "start_date", "end_date"]


class ApplicantCreateSerializer(ApplicantWriteSerializer):
    organization = ScopedPrimaryKeyRelatedField(
        scope=_my_organizations,
        model=Organization,
        help_text="Your agency or employer, adding the applicant.",
    )
    authorisation = AuthorisationInputSerializer(
        required=False, help_text="Required for an agency: the applicant's authorisation (委任書)."
    )
    employment = EmploymentInputSerializer(
        required=False, help_text="Required for an employer: the applicant's employment."
    )

    class Meta(ApplicantWriteSerializer.Meta):
        fields = [
            "organization",
            *ApplicantWriteSerializer.Meta.fields,
            "authorisation",
            "employment",
        ]
