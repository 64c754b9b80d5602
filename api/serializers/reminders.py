"""Reminders (催件) to the applicant or the employer's HR, as the API shows and takes them."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.common import ModelSerializer, Serializer, UserSummarySerializer
from cases.choices import Party
from notifications.models import Reminder, ReminderStatus
from notifications.reminders import REMINDABLE

# The API has called a reminder waiting to be sent "queued" since reminders shipped; the outbox
# (notifications.outbox) stores "pending". The other states read the same.
WIRE_STATUS = {ReminderStatus.PENDING: "queued"}


class ReminderCreateSerializer(Serializer):
    party = serializers.ChoiceField(
        choices=[(party.value, party.label) for party in REMINDABLE],
        help_text="Whom to remind: the applicant (申請人) or the employer's HR (雇主).",
    )


class AskedSerializer(Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    description = serializers.CharField()


class ReminderStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs) -> None:
        choices = [
            (WIRE_STATUS.get(value, value), label)
            for value, label in ReminderStatus.choices
            if value != ReminderStatus.SKIPPED  # never a reminder's
        ]
        super().__init__(choices=choices, read_only=True, **kwargs)

    def to_representation(self, value: str) -> str:
        return WIRE_STATUS.get(value, value)


class ReminderSerializer(ModelSerializer):
    party = serializers.ChoiceField(choices=Party.choices)
    status = ReminderStatusField()
    sent_by = UserSummarySerializer(allow_null=True)
    asked = AskedSerializer(many=True)
    reason_text = serializers.SerializerMethodField()

    class Meta:
        model = Reminder
        fields = [
            "id",
            "party",
            "email",
            "language",
            "asked",
            "sent_by",
            "created_at",
            "status",
            "reason",
            "reason_text",
            "attempts",
            "sent_at",
        ]

    def get_reason_text(self, reminder) -> str:
        return str(reminder.get_reason_display()) if reminder.reason else ""
