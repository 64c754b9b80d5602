"""What the intake keeps: the mailboxes it polls and every notice it read, with its outcome.

A matched notice's original is kept as the supplement's notice attachment (cases); the notice row
keeps its own private copy too, so an unmatched one can be read and attached later.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organization
from cases.models import Case, SupplementRequest


class Mailbox(models.Model):
    """An IMAP mailbox of an organization (an agency, usually) that Celery beat polls."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="notice_mailboxes"
    )
    host = models.CharField(_("IMAP server"), max_length=200)
    port = models.PositiveIntegerField(_("port"), default=993)
    use_ssl = models.BooleanField(_("TLS (IMAPS)"), default=True)
    username = models.CharField(_("login"), max_length=200)
    # Fernet token (intake.secrets); never the password itself.
    password_encrypted = models.TextField(editable=False)
    folder = models.CharField(_("folder to read"), max_length=200, default="INBOX")
    processed_folder = models.CharField(
        _("folder for processed mail"), max_length=200, default="Processed"
    )
    active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["password_encrypted", "last_polled_at"])

    class Meta:
        ordering = ["organization", "username", "id"]
        verbose_name = _("notice mailbox")
        verbose_name_plural = _("notice mailboxes")

    def __str__(self) -> str:
        return f"{self.username}@{self.host}/{self.folder}"


class Outcome(models.TextChoices):
    MATCHED = "matched", _("Matched: supplement created")
    UNMATCHED = "unmatched", _("Unmatched: to attach")
    NOT_A_NOTICE = "not_a_notice", _("Not a notice")


class Source(models.TextChoices):
    MAILBOX = "mailbox", _("Mailbox")
    UPLOAD = "upload", _("Uploaded on the pages")
    PASTE = "paste", _("Pasted text")
    COMMAND = "command", _("ingest_notice command")
    API = "api", _("API")


def notice_upload_to(instance: IncomingNotice, filename: str) -> str:
    return f"notices/{instance.organization_id or 0}/{uuid.uuid4().hex}"


class IncomingNotice(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="incoming_notices",
        verbose_name=_("received by"),
    )
    source = models.CharField(_("came in by"), max_length=10, choices=Source.choices)
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="notices"
    )
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    sender = models.CharField(_("from"), max_length=300, blank=True)
    application_number = models.CharField(
        _("application number (申請案號)"), max_length=12, blank=True
    )
    notice_date = models.DateField(_("notice date"), null=True, blank=True)
    # {"field": {"value": ..., "source": "the rule that found it"}}, and the comments per tab.
    fields = models.JSONField(_("what was read"), default=dict, blank=True)
    comments = models.JSONField(_("reviewer's comments read"), default=list, blank=True)
    text = models.TextField(_("text of the notice"), blank=True)
    file = models.FileField(upload_to=notice_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="incoming_notices"
    )
    supplement = models.ForeignKey(
        SupplementRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incoming_notices",
    )
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attached_at = models.DateTimeField(_("attached at"), null=True, blank=True)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("incoming notice")
        verbose_name_plural = _("incoming notices")
        constraints = [
            # A second copy of the same mail creates nothing (intake.services checks first; this
            # holds when two polls race).
            models.UniqueConstraint(
                fields=["organization", "message_id"],
                condition=~Q(message_id=""),
                name="incoming_notice_unique_message",
            ),
        ]
        indexes = [models.Index(fields=["organization", "outcome"])]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_outcome_display()})"


class NoticeDownload(models.Model):
    """Who downloaded an incoming notice's original, when (the supplement's notice attachment
    records its own, cases.DocumentDownload)."""

    notice = models.ForeignKey(IncomingNotice, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    username = models.CharField(_("user name"), max_length=150)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-downloaded_at", "-id"]
        verbose_name = _("notice download")
        verbose_name_plural = _("notice downloads")

    def __str__(self) -> str:
        return f"{self.username}: {self.notice_id}"
