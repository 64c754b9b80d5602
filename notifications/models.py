"""Deadline alerts: the rules per organization, people's preferences, the dated obligations the
model has no column for, and the record of every alert (saved before it is sent, never twice).

A *subject* is what an alert is about: a supplement request, an obligation row, a card's extension
window (a case) or a passport's validity (an applicant). `(subject_kind, subject_id)` names it;
the alert's uniqueness includes the due date, so an extended deadline moves every alert.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organization
from cases.choices import Party
from cases.models import Case, SupplementRequest
from notifications.outbox import OutboxMessage, OutboxStatus, Reason
from notifications.rules import DEFAULT_ESCALATE_DAYS, DEFAULT_OFFSETS


class SubjectKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Supplement request (補正)")
    OBLIGATION = "obligation", _("Dated obligation")
    EXTENSION = "extension", _("Extension window (延期申請期間)")
    PASSPORT = "passport", _("Passport validity (護照效期)")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")


# The outbox's vocabulary (notifications.outbox), under the names the rest of the code knows.
AlertStatus = OutboxStatus
AlertReason = Reason
ReminderStatus = OutboxStatus


class AlertRole(models.TextChoices):
    WAITING = "waiting", _("The work waits on them")
    ASSIGNEE = "assignee", _("Assigned")
    RESPONSIBLE = "responsible", _("Agency admin (unassigned)")
    ESCALATION = "escalation", _("Escalation (nobody acknowledged)")
    INFORMED = "informed", _("Employer HR, informed")


class ObligationKind(models.TextChoices):
    """Dated duties whose start the case model does not hold (domain.md, "other dated obligations")."""

    CARD_PICKUP = (
        "card_pickup",
        _("Collect the card within 30 days of entry (入境後30日內領取就業金卡)"),
    )
    ADDRESS_CHANGE = (
        "address_change",
        _("Report a change of address within 30 days of moving (居留地址變更登記)"),
    )
    APPEAL = "appeal", _("Appeal within 30 days of a refusal (訴願)")


def default_offsets() -> list[int]:
    return list(DEFAULT_OFFSETS)


class AlertPolicy(models.Model):
    """An organization's alert offsets (days before the deadline; negative: days overdue)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="alert_policy"
    )
    offsets = models.JSONField(
        _("alert offsets (days before the deadline)"),
        default=default_offsets,
        help_text=_("Whole days, e.g. 14, 7, 3, 1, 0 (on the day), -1 (overdue)."),
    )
    escalate_days = models.PositiveSmallIntegerField(
        _("escalate to the agency admin from (days left)"),
        default=DEFAULT_ESCALATE_DAYS,
        validators=[MaxValueValidator(365)],
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("alert policy")
        verbose_name_plural = _("alert policies")

    def __str__(self) -> str:
        return f"{self.organization}: {', '.join(str(o) for o in self.offsets)}"


class AlertPreference(models.Model):
    """When a person wants their digest and when not to be disturbed, in their own time zone
    (accounts.Profile holds the language and the time zone)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preference"
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("daily digest at (hour)"), default=8, validators=[MaxValueValidator(23)]
    )
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    # Off: only due tomorrow, due today and overdue are emailed (the "unsubscribe" of the mail
    # client's button; the urgent ones are never silenced, a missed deadline means refusal).
    early_alerts = models.BooleanField(_("early reminders by email"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("alert preference")
        verbose_name_plural = _("alert preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_hour__lte=23), name="alert_preference_digest_hour"
            ),
            models.CheckConstraint(
                condition=Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | Q(quiet_start__isnull=False, quiet_end__isnull=False),
                name="alert_preference_quiet_pair",
                violation_error_message=_("Give both ends of the quiet hours, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: digest {self.digest_hour:02d}:00"


class Obligation(models.Model):
    """A dated duty on a case: card pickup after entry, address change after a move, an appeal after
    a refusal. The due date is counted by the deadline engine from `starts_on` with `rule`."""

    kind = models.CharField(_("kind"), max_length=20, choices=ObligationKind.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="obligations")
    starts_on = models.DateField(
        _("counted from"), help_text=_("Entry date, moving date, or the day the refusal arrived.")
    )
    rule = models.CharField(_("period"), max_length=10, default="30d")
    due_on = models.DateField(_("due on"), db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_obligations",
        verbose_name=_("assigned to"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    fulfilled_at = models.DateTimeField(_("done at"), null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("dated obligation")
        verbose_name_plural = _("dated obligations")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("starts_on")), name="obligation_due_after_start"
            ),
        ]
        indexes = [models.Index(fields=["fulfilled_at", "due_on"], name="obligation_open_due")]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.get_kind_display()} by {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.fulfilled_at is None


class AlertResponse(models.Model):
    """A person's answer to the alerts about one subject: acknowledged (stops escalation to the
    agency admins) and/or snoozed (nothing more until the date, never past the day before the
    deadline, so "due tomorrow", "due today" and "overdue" always arrive)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_responses"
    )
    subject_kind = models.CharField(max_length=12, choices=SubjectKind.choices)
    subject_id = models.PositiveBigIntegerField()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "subject_kind", "subject_id"], name="alert_response_unique"
            ),
        ]
        indexes = [models.Index(fields=["subject_kind", "subject_id"], name="alert_response_subj")]

    def __str__(self) -> str:
        return f"{self.user} on {self.subject_kind} {self.subject_id}"


class UsedAlertLink(models.Model):
    """An email's acknowledge/snooze link that has done its work (notifications.links): each
    works once. Bookkeeping, not a record anyone edits: no change history."""

    nonce = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("used alert link")
        verbose_name_plural = _("used alert links")

    def __str__(self) -> str:
        return f"alert link used by {self.user_id} at {self.used_at:%Y-%m-%d %H:%M}"


class PlannedStage(models.Model):
    """One stage of one subject whose recipients have been worked out: the sweep looks only at
    subjects whose current stage has no row here, so a second sweep finds nothing to do."""

    subject_kind = models.CharField(max_length=12, choices=SubjectKind.choices)
    subject_id = models.PositiveBigIntegerField()
    due_on = models.DateField()
    offset = models.SmallIntegerField()
    recipients = models.PositiveSmallIntegerField(default=0)
    planned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("planned alert stage")
        verbose_name_plural = _("planned alert stages")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_kind", "subject_id", "due_on", "offset"],
                name="planned_stage_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_kind} {self.subject_id} due {self.due_on} at {self.offset:+d}"


class Alert(OutboxMessage):
    """One alert to one person about one subject at one stage, on one channel: an outbox message
    (notifications.outbox) recorded before it is sent, claimed by one sweep, then sent, failed or
    skipped. The unique constraint is what makes a second sweep, or two at once, record nothing
    twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    subject_kind = models.CharField(_("about"), max_length=12, choices=SubjectKind.choices)
    subject_id = models.PositiveBigIntegerField()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    supplement = models.ForeignKey(
        SupplementRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    due_on = models.DateField(_("deadline"))
    offset = models.SmallIntegerField(_("stage (days before)"))
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    role = models.CharField(_("why"), max_length=12, choices=AlertRole.choices)
    urgent = models.BooleanField(_("immediate"), default=False)
    # The snooze that held the alert back (the response itself may change later).
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "subject_kind", "subject_id", "due_on", "offset", "channel"],
                name="alert_once",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="alert_sent_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "send_after"], name="alert_due"),
            models.Index(fields=["claim"], name="alert_claim"),
            models.Index(fields=["recipient", "-created_at"], name="alert_recipient_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_kind_display()} {self.subject_id} → {self.recipient} ({self.offset:+d})"

    @property
    def reason_text(self) -> str:
        """Why it was skipped, failed or waits for a retry, in the active language, with its
        detail (the snooze date, the attempts); "" when the reason does not apply to the status
        (a failed alert queued again keeps its old reason until the next try)."""
        if not self.reason:
            return ""
        if self.status == AlertStatus.PENDING and self.reason != AlertReason.SMTP_TEMPORARY:
            return ""
        if self.status in (AlertStatus.SENT, AlertStatus.SENDING):
            return ""
        if self.reason == AlertReason.SNOOZED and self.snoozed_until is not None:
            return gettext("Snoozed until %(until)s") % {"until": self.snoozed_until.isoformat()}
        if self.reason == AlertReason.GAVE_UP and self.attempts:
            return ngettext(
                "Gave up after %(attempts)d attempt.",
                "Gave up after %(attempts)d attempts.",
                self.attempts,
            ) % {"attempts": self.attempts}
        return str(self.get_reason_display())


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A private iCal URL for one person. The token is the only credential a calendar client can
    carry, so it is long and random; revoking deletes it, rotating issues a new one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    # What the feed last served, so a calendar client polling it gets 304 Not Modified cheaply
    # (ETag, Last-Modified) and each event its SEQUENCE and LAST-MODIFIED (RFC 5545): uid →
    # [fingerprint of what the event says, sequence, when it last changed (ISO 8601)].
    etag = models.CharField(max_length=64, blank=True, default="", editable=False)
    changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    revisions = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} ({self.token[:6]}…)"


class Reminder(OutboxMessage):
    """A person's request to the applicant or the employer's HR for what a supplement still needs
    from them (催件), sent at once by email: an outbox message (notifications.outbox). Recorded
    before it is sent; a row never changes except its delivery state."""

    supplement = models.ForeignKey(
        SupplementRequest, on_delete=models.CASCADE, related_name="reminders"
    )
    party = models.CharField(_("to"), max_length=10, choices=Party.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders_received",
        help_text=_("Empty for an applicant without a login: the applicant's email is used."),
    )
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=10)
    time_zone = models.CharField(_("time zone"), max_length=64)
    # What was asked, as written when the reminder was made (the items may change later).
    asked = models.JSONField(_("what was asked"), default=list)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="reminders_sent",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder (催件)")
        verbose_name_plural = _("reminders (催件)")
        indexes = [
            models.Index(fields=["supplement", "party", "created_at"]),
            # What the sweep's re-queue looks for (notifications.outbox.Sender.stranded).
            models.Index(fields=["status", "send_after"], name="reminder_due"),
        ]

    def __str__(self) -> str:
        return f"{self.supplement} → {self.email}"


# Models kept in modules of their own (webhooks, the team calendar), registered with the app here.
from notifications.team_feeds import TeamCalendarFeed  # noqa: E402, F401
from notifications.webhooks.models import WebhookDelivery, WebhookEndpoint  # noqa: E402, F401
