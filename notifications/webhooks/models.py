"""An organization's webhook endpoints and the deliveries recorded for them (outbox messages)."""

from __future__ import annotations

import base64
import copy
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organization
from accounts.standing import narrowed_to, scope_for
from notifications.outbox import OutboxMessage


class EventType(models.TextChoices):
    SUPPLEMENT_CREATED = "supplement.created", _("Supplement (補正) created")
    SUPPLEMENT_UPDATED = "supplement.updated", _("Supplement (補正) deadline or assignee changed")
    SUPPLEMENT_DUE_SOON = "supplement.due_soon", _("Supplement (補正) due soon")
    SUPPLEMENT_OVERDUE = "supplement.overdue", _("Supplement (補正) overdue")
    SUPPLEMENT_SUBMITTED = "supplement.submitted", _("Supplement (補正) submitted")
    SUPPLEMENT_OUTCOME = "supplement.outcome_recorded", _("Supplement (補正) outcome recorded")
    CASE_CREATED = "case.created", _("Case created")
    CASE_STATUS_CHANGED = "case.status_changed", _("Case status changed")
    DOCUMENT_UPLOADED = "document.uploaded", _("Document uploaded")
    DOCUMENT_REVIEWED = "document.reviewed", _("Document reviewed")
    UPLOAD_SET_PACKED = "upload_set.packed", _("Upload set packed")
    NOTICE_RECEIVED = "notice.received", _("Notice (補正通知) received")


class DeliveryReason(models.TextChoices):
    """Why a delivery was skipped, failed or waits to be tried again (the technical detail, the
    receiver's answer, stays in `error`)."""

    NO_ACCESS = "no_access", _("The organization can no longer see this.")
    DISABLED = "disabled", _("The endpoint is disabled.")
    RETRYING = "retrying", _("The receiver did not accept it; it will be tried again.")
    GAVE_UP = "gave_up", _("Gave up after repeated failures.")
    INTERNAL = "internal", _("An error in the tracker stopped this delivery; see the server log.")


def new_secret() -> str:
    """`whsec_` and 32 random bytes in base64, the form Standard Webhooks libraries accept."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def new_message_id() -> str:
    return "msg_" + secrets.token_hex(16)


class WebhookEndpoint(models.Model):
    """A URL of an organization's that hears of the events it subscribed to, on the cases the
    organization can see. The secret is stored (the signature needs it) and shown once."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why it was disabled"), max_length=200, blank=True)
    # The admin who registered it: events are rendered as the API shows them to this person.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    secret_rotated_at = models.DateTimeField(_("secret rotated at"), null=True, blank=True)
    # Since when deliveries keep failing (None: the last one succeeded); days of it disable it.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["organization", "-created_at", "-id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def reader(self):
        """Whose eyes the endpoint sees through: its registering admin, while still an active
        member of the endpoint's organization (an admin who left takes the endpoint's view with
        them), and only as that organization (`narrowed_to`: the payloads show what the
        organization may see, not what else the admin may); None otherwise."""
        user = self.created_by
        if user is None or not user.is_active:
            return None
        if not user.memberships.filter(organization_id=self.organization_id).exists():
            return None
        reader = copy.copy(user)  # the narrowed standing must not stick to the admin's own object
        reader._tracker_scope = narrowed_to(scope_for(user), self.organization_id)
        return reader


class WebhookDelivery(OutboxMessage):
    """One event for one endpoint. `message_id` is the stable `webhook-id` (a replay keeps it, so
    receivers deduplicate); `payload` is rendered once, right after the change commits, so every
    retry signs the same body. `event_key` makes an event derived by a sweep (due soon, overdue) happen once."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    reason = models.CharField(
        _("reason"), max_length=20, choices=DeliveryReason.choices, blank=True, default=""
    )
    event_type = models.CharField(_("event"), max_length=40, choices=EventType.choices)
    resource = models.CharField(max_length=20)
    resource_id = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField(_("occurred at"))
    event_key = models.CharField(max_length=120, blank=True)
    payload = models.JSONField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    replay_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_key"],
                condition=~Q(event_key=""),
                name="webhookdelivery_once_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["status", "send_after"], name="webhookdelivery_due"),
            models.Index(fields=["endpoint", "-occurred_at"], name="webhookdelivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"
