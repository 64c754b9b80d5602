"""Packing jobs, the packed upload-set files they produce, and the record of every download.

Imported at the bottom of cases/models.py, so they belong to the `cases` app. Writes go through
cases.services.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PackState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Packing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE_STATES = (PackState.QUEUED, PackState.RUNNING)


class PackJob(models.Model):
    """One run of the packer over a supplement's documents as they were (`fingerprint`).

    A done job is reused while the documents keep the same fingerprint; a job left running by a
    killed worker is claimed again once its heartbeat is stale (services.pack_recover_stale)."""

    supplement = models.ForeignKey(
        "cases.SupplementRequest", on_delete=models.CASCADE, related_name="pack_jobs"
    )
    fingerprint = models.CharField(_("documents fingerprint"), max_length=64)
    state = models.CharField(
        _("state"), max_length=10, choices=PackState.choices, default=PackState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error = models.TextField(_("error"), blank=True)
    error_params = models.JSONField(_("error details"), default=dict, blank=True)
    quality_dpi = models.PositiveSmallIntegerField(_("resolution (dpi)"), null=True, blank=True)
    plan = models.CharField(_("how pages were combined"), max_length=20, blank=True)
    # Each claim increments it; only the current claimant may report progress or finish.
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("upload-set packing")
        verbose_name_plural = _("upload-set packings")
        constraints = [
            models.UniqueConstraint(
                fields=["supplement", "fingerprint"],
                condition=Q(state__in=["queued", "running"]),
                name="packjob_one_active_per_fingerprint",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="packjob_progress_0_100"),
            models.CheckConstraint(
                condition=~Q(state="failed") | ~Q(error_code=""),
                name="packjob_failure_has_code",
            ),
        ]
        indexes = [
            models.Index(fields=["supplement", "fingerprint", "state"], name="packjob_lookup"),
            models.Index(fields=["state", "heartbeat_at"], name="packjob_stale"),
        ]

    def __str__(self) -> str:
        return f"pack {self.pk} of supplement {self.supplement_id}: {self.state}"


def packed_upload_to(instance: PackedFile, filename: str) -> str:
    # Random folder per file; the readable name is the last part so downloads keep it.
    return f"packs/{instance.job.supplement_id}/{uuid.uuid4().hex}/{filename}"


class PackedFile(models.Model):
    """One file of a packed upload set, stored privately; `documents` are the sources of its pages
    (a download needs the right to see every one of them)."""

    job = models.ForeignKey(PackJob, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("file name"), max_length=120)
    file = models.FileField(upload_to=packed_upload_to, max_length=300)
    size = models.PositiveIntegerField(_("size (bytes)"))
    pages = models.PositiveIntegerField(_("pages"))
    sha256 = models.CharField(max_length=64)
    documents = models.ManyToManyField(
        "cases.Document", related_name="packed_files", verbose_name=_("source documents")
    )
    # What is inside, in file order, so people can check it: [{"document": id, "label": str,
    # "source_pages": [first, last], "file_pages": [first, last]}] (cases.documents.packer.Part).
    contents = models.JSONField(_("contents"), default=list, blank=True)

    class Meta:
        ordering = ["job", "position"]
        verbose_name = _("packed file")
        verbose_name_plural = _("packed files")
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="packedfile_unique_position"),
        ]

    def __str__(self) -> str:
        return self.name


class DocumentDownload(models.Model):
    """Who downloaded which file, when: every download through the private view is recorded."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="document_downloads",
    )
    username = models.CharField(_("user name"), max_length=150)
    document = models.ForeignKey(
        "cases.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="downloads",
    )
    packed_file = models.ForeignKey(
        PackedFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="downloads"
    )
    # The notice or the proof (issue 13: the original notice's downloads are recorded too).
    attachment = models.ForeignKey(
        "cases.SupplementAttachment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="downloads",
    )
    supplement = models.ForeignKey(
        "cases.SupplementRequest",
        on_delete=models.SET_NULL,
        null=True,
        related_name="document_downloads",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-downloaded_at", "-id"]
        verbose_name = _("document download")
        verbose_name_plural = _("document downloads")
        constraints = [
            models.CheckConstraint(
                condition=(Q(document__isnull=True) | Q(packed_file__isnull=True))
                & (
                    Q(attachment__isnull=True)
                    | (Q(document__isnull=True) & Q(packed_file__isnull=True))
                ),
                name="download_one_kind_of_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username} downloaded {self.file_name} at {self.downloaded_at}"
