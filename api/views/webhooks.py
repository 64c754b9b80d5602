"""/api/v1/webhooks/: an organization admin's webhook endpoints (create with `url` and `events`,
list, change, disable or enable, delete, rotate the secret) and each one's delivery log, with
replay. The secret is answered once, at creation and at rotation."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.serializers.common import refuse_body
from api.serializers.webhooks import (
    WebhookDeliverySerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
    WebhookSecretSerializer,
)
from cases.errors import InvalidInput
from notifications.webhooks import services as webhooks
from notifications.webhooks.models import WebhookEndpoint


def organization_for(user, organization_id: int | None):
    """The organization an admin registers for: the one named (among those they administer),
    or their only one."""
    administered = webhooks.administered_organizations(user=user)
    if organization_id is not None:
        organization = administered.filter(pk=organization_id).first()
        if organization is None:
            raise InvalidInput(_("Choose an organization you administer."), field="organization")
        return organization
    choices = list(administered[:2])
    if not choices:
        raise webhooks.NotAnAdmin()
    if len(choices) > 1:
        raise InvalidInput(_("Choose the organization."), field="organization")
    return choices[0]


@extend_schema(tags=["webhooks"])
class WebhookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = WebhookEndpointSerializer
    queryset = WebhookEndpoint.objects.none()  # for the schema
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return webhooks.endpoints_for_user(user=self.request.user).order_by("-created_at", "-id")

    def get_object(self):
        return webhooks.access_endpoint(user=self.request.user, endpoint_id=self.kwargs["pk"])

    @extend_schema(
        request=WebhookEndpointCreateSerializer, responses={201: WebhookEndpointCreatedSerializer}
    )
    def create(self, request):
        """Register an endpoint for your organization. The answer carries its signing secret
        (`whsec_…`), shown this once."""
        serializer = WebhookEndpointCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organization = organization_for(request.user, data.get("organization"))
        endpoint = webhooks.endpoint_create(
            actor=request.user,
            organization=organization,
            url=data["url"],
            events=data["events"],
            description=data.get("description", ""),
        )
        return Response(
            WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=WebhookEndpointUpdateSerializer, responses={200: WebhookEndpointSerializer}
    )
    def partial_update(self, request, pk=None):
        """Change the URL, the events, the description, or enable/disable (`is_active`)."""
        endpoint = self.get_object()
        serializer = WebhookEndpointUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = webhooks.endpoint_update(
            actor=request.user, endpoint=endpoint, **serializer.validated_data
        )
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        webhooks.endpoint_delete(actor=request.user, endpoint=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: WebhookEndpointSerializer})
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        endpoint = self.get_object()
        refuse_body(request.data)
        endpoint = webhooks.endpoint_disable(actor=request.user, endpoint=endpoint)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(request=None, responses={200: WebhookEndpointSerializer})
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        endpoint = self.get_object()
        refuse_body(request.data)
        endpoint = webhooks.endpoint_enable(actor=request.user, endpoint=endpoint)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(request=None, responses={200: WebhookSecretSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new signing secret, at once (the old one stops): shown this once."""
        endpoint = self.get_object()
        refuse_body(request.data)
        endpoint = webhooks.endpoint_rotate_secret(actor=request.user, endpoint=endpoint)
        return Response({"secret": endpoint.secret})

    @extend_schema(responses={200: WebhookDeliverySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """The endpoint's delivery log, newest first."""
        endpoint = self.get_object()
        page = self.paginate_queryset(webhooks.deliveries_of(endpoint=endpoint))
        data = WebhookDeliverySerializer(page, many=True).data
        return self.get_paginated_response(data)

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="deliveries/<int:delivery_pk>/replay",
        url_name="delivery-replay",
    )
    def replay(self, request, pk=None, delivery_pk=None):
        """Send a delivery again (the same `webhook-id` and body), as a new row in the log."""
        endpoint = self.get_object()
        delivery = webhooks.access_delivery(endpoint=endpoint, delivery_id=delivery_pk)
        refuse_body(request.data)
        replay = webhooks.delivery_replay(actor=request.user, delivery=delivery)
        return Response(WebhookDeliverySerializer(replay).data, status=status.HTTP_202_ACCEPTED)
