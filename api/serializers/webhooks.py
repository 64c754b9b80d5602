"""Webhook endpoints, their deliveries, and what creating or changing one takes."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.common import ModelSerializer, OrganizationSummarySerializer, Serializer
from notifications.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint


class WebhookEndpointSerializer(ModelSerializer):
    organization = OrganizationSummarySerializer()
    events = serializers.ListField(child=serializers.ChoiceField(EventType.choices))

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "organization",
            "url",
            "description",
            "events",
            "is_active",
            "disabled_reason",
            "failing_since",
            "created_at",
            "secret_rotated_at",
        ]
        read_only_fields = fields


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        help_text="The signing secret (`whsec_…`): shown once, now, never again."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointCreateSerializer(Serializer):
    url = serializers.CharField(max_length=500, help_text="https:// on a public host.")
    events = serializers.ListField(
        child=serializers.ChoiceField(EventType.choices), allow_empty=False
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    organization = serializers.IntegerField(
        required=False,
        help_text="The organization (one you administer); needed only if you administer several.",
    )


class WebhookEndpointUpdateSerializer(Serializer):
    requires_a_field = True

    url = serializers.CharField(max_length=500, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(EventType.choices), allow_empty=False, required=False
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class WebhookSecretSerializer(Serializer):
    secret = serializers.CharField(help_text="The new signing secret: shown once.")


class WebhookDeliverySerializer(ModelSerializer):
    webhook_id = serializers.CharField(source="message_id")
    attempts = serializers.IntegerField()

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook_id",
            "event_type",
            "resource",
            "resource_id",
            "occurred_at",
            "status",
            "reason",
            "response_code",
            "attempts",
            "last_attempt_at",
            "send_after",
            "sent_at",
            "error",
            "replay_of",
        ]
        read_only_fields = fields
