"""Organizations (read by members, changed by their admins), memberships (managed by the
organization's admins) and applicants."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from accounts import clients, services
from accounts.models import Membership
from api.filters import ApplicantFilter, MembershipFilter, OrganizationFilter, Search
from api.idempotency import idempotent
from api.serializers.accounts import (
    ApplicantCreateSerializer,
    ApplicantSerializer,
    ApplicantWriteSerializer,
    ClientCreateSerializer,
    MembershipCreateSerializer,
    MembershipSerializer,
    MembershipUpdateSerializer,
    OrganizationSerializer,
    OrganizationUpdateSerializer,
)
from cases import tenancy as access

READ_AND_PATCH = ["get", "post", "patch", "delete", "head", "options"]


@extend_schema(tags=["organizations"])
class OrganizationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your organizations, those on the cases you see and your agency's clients. Admins change
    their own; agency admins add client employers."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    filter_backends = [*viewsets.GenericViewSet.filter_backends, Search]
    search_fields = ["name", "name_zh"]
    http_method_names = READ_AND_PATCH

    def get_queryset(self):
        return access.visible_organizations(self.request.user).order_by("name", "id")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["my_roles"] = dict(
            Membership.objects.filter(user=self.request.user).values_list("organization_id", "role")
        )
        return context

    def retrieve(self, request, pk=None):
        organization = access.access_organization(request.user, pk)
        return Response(self.get_serializer(organization).data)

    @extend_schema(request=ClientCreateSerializer, responses={201: OrganizationSerializer})
    @idempotent
    def create(self, request):
        """Add a client employer to your agency (agency admins)."""
        serializer = ClientCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        client = clients.client_add(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(client.employer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OrganizationUpdateSerializer, responses={200: OrganizationSerializer})
    def partial_update(self, request, pk=None):
        organization = access.access_organization(request.user, pk, for_write=True)
        serializer = OrganizationUpdateSerializer(organization, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        organization = services.organization_update(
            organization=organization, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(organization).data)


@extend_schema(tags=["organizations"])
class MembershipViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Who belongs to your organizations, in which role. Admins add, change and remove members."""

    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    http_method_names = READ_AND_PATCH

    def get_queryset(self):
        return (
            access.visible_memberships(self.request.user)
            .select_related("organization", "user")
            .order_by("organization__name", "user__username", "id")
        )

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(access.access_membership(request.user, pk)).data)

    @extend_schema(request=MembershipCreateSerializer, responses={201: MembershipSerializer})
    @idempotent
    def create(self, request):
        serializer = MembershipCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        membership = services.membership_add(
            organization=data["organization"],
            actor=request.user,
            user=data["username"],
            role=data["role"],
        )
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MembershipUpdateSerializer, responses={200: MembershipSerializer})
    def partial_update(self, request, pk=None):
        membership = access.access_membership(request.user, pk, for_write=True)
        serializer = MembershipUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_set_role(
            membership=membership, actor=request.user, role=serializer.validated_data["role"]
        )
        return Response(self.get_serializer(membership).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        membership = access.access_membership(request.user, pk, for_write=True)
        services.membership_remove(membership=membership, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["applicants"])
class ApplicantViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The foreign professionals whose cases are tracked."""

    serializer_class = ApplicantSerializer
    filterset_class = ApplicantFilter
    filter_backends = [*viewsets.GenericViewSet.filter_backends, Search]
    search_fields = ["family_name_en", "given_name_en", "name_zh", "passport_number"]
    http_method_names = READ_AND_PATCH

    def get_queryset(self):
        return access.visible_applicants(self.request.user).order_by(
            "family_name_en", "given_name_en", "id"
        )

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(access.access_applicant(request.user, pk)).data)

    @extend_schema(request=ApplicantCreateSerializer, responses={201: ApplicantSerializer})
    @idempotent
    def create(self, request):
        """Add an applicant for your organization: an agency with the applicant's authorisation
        (委任書), an employer with the employment."""
        serializer = ApplicantCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        applicant = services.applicant_create(
            actor=request.user,
            organization=data.pop("organization"),
            authorisation=data.pop("authorisation", None),
            employment=data.pop("employment", None),
            **data,
        )
        return Response(self.get_serializer(applicant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ApplicantWriteSerializer, responses={200: ApplicantSerializer})
    def partial_update(self, request, pk=None):
        applicant = access.access_applicant(request.user, pk, for_write=True)
        serializer = ApplicantWriteSerializer(applicant, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        applicant = services.applicant_update(
            applicant=applicant, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(applicant).data)
