"""Cases, their status history, supplement requests and what each request asks for.

Writes go through `cases.services` (which records who and when, locks rows and keeps submitted
supplements frozen); reads that cross tenants go through `cases.tenancy`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Applicant, Organization
from accounts.models import history_user as history_user  # cases.services imports it from here
from cases.choices import (
    ApplyingFrom,
    AttachmentKind,
    CaseKind,
    CaseStatus,
    Channel,
    DeadlineRule,
    DocumentReview,
    HoldingBody,
    ItemKind,
    ItemState,
    Party,
    PlatformTab,
    RequestingBody,
    SupplementOutcome,
    SupplementState,
    Visibility,
)

application_number_validator = RegexValidator(
    r"^[0-9]{12}$", _("An application number (申請案號) has exactly 12 digits.")
)


class FieldOfExpertise(models.Model):
    """A field (領域專長) and its competent authority. Data, not an enum: the 2025 amendment brought
    the list to 12 and criteria keep changing."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("English name"), max_length=100)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    authority_code = models.CharField(_("competent authority"), max_length=20)
    authority_name_en = models.CharField(_("authority (English)"), max_length=200)
    authority_name_zh = models.CharField(_("authority (Chinese)"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("field of expertise (領域專長)")
        verbose_name_plural = _("fields of expertise (領域專長)")

    def __str__(self) -> str:
        return f"{self.name_en} ({self.name_zh})"


class ClosureDay(models.Model):
    """A day government offices closed although the calendar says otherwise (typhoon 停班停課).
    Deadlines falling on it roll to the next working day."""

    date = models.DateField(_("date"), unique=True)
    reason = models.CharField(_("reason"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("closure day (停班日)")
        verbose_name_plural = _("closure days (停班日)")

    def __str__(self) -> str:
        return f"{self.date}: {self.reason}"


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.exclude(
            status__in=[CaseStatus.COLLECTED, CaseStatus.WITHDRAWN, CaseStatus.REFUSED]
        )


class Case(models.Model):
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="cases")
    agency = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agency_cases",
        limit_choices_to={"kind": "agency"},
        verbose_name=_("agency"),
    )
    employer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employer_cases",
        limit_choices_to={"kind": "employer"},
        verbose_name=_("employer"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    channel = models.CharField(_("filing channel"), max_length=10, choices=Channel.choices)
    field = models.ForeignKey(
        FieldOfExpertise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("field of expertise"),
    )
    application_number = models.CharField(
        _("application number (申請案號)"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[application_number_validator],
        # Whose case holds a number is not the asker's to learn: the same words as any refusal.
        error_messages={"unique": _("This application number (申請案號) cannot be used.")},
    )
    applied_on = models.DateField(_("application date (申請日期)"), null=True, blank=True)
    applying_from = models.CharField(
        _("applying from"), max_length=10, choices=ApplyingFrom.choices, default="domestic"
    )
    collection_station = models.CharField(
        _("collection station (領證地點)"), max_length=100, blank=True
    )
    status = models.CharField(
        _("status"), max_length=30, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    holding_body = models.CharField(
        _("held by"), max_length=30, choices=HoldingBody.choices, default="applicant_side"
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    validity_years = models.PositiveSmallIntegerField(_("validity (years)"), null=True, blank=True)
    card_valid_from = models.DateField(_("card valid from"), null=True, blank=True)
    card_valid_to = models.DateField(_("card valid to"), null=True, blank=True)
    previous_case = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="following_cases",
        verbose_name=_("previous card's case"),
    )
    internal_notes = models.TextField(_("agency-internal notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(application_number__isnull=True)
                | Q(application_number__regex=r"^[0-9]{12}$"),
                name="case_application_number_12_digits",
                violation_error_message=_(
                    "An application number (申請案號) has exactly 12 digits."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(channel="agency") | Q(agency__isnull=False),
                name="case_agency_channel_has_agency",
                violation_error_message=_("A case filed by an agency needs the agency."),
            ),
            models.CheckConstraint(
                condition=~Q(channel="employer") | Q(employer__isnull=False),
                name="case_employer_channel_has_employer",
                violation_error_message=_("A case filed by the employer needs the employer."),
            ),
            models.CheckConstraint(
                condition=Q(card_valid_to__isnull=True)
                | Q(card_valid_from__isnull=True)
                | Q(card_valid_to__gt=models.F("card_valid_from")),
                name="case_card_validity_ordered",
            ),
            models.CheckConstraint(
                condition=Q(validity_years__isnull=True) | Q(validity_years__range=(1, 3)),
                name="case_validity_1_to_3_years",
            ),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.applicant}"

    @property
    def reference(self) -> str:
        """A reference without personal data, for calendar titles and email subjects."""
        return f"GC-{self.pk:06d}" if self.pk else "GC-new"


class CaseStatusChange(models.Model):
    """One row per status change: the lifecycle timeline with the body holding the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=30, choices=CaseStatus.choices, blank=True)
    status = models.CharField(_("status"), max_length=30, choices=CaseStatus.choices)
    holding_body = models.CharField(_("held by"), max_length=30, choices=HoldingBody.choices)
    happened_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["happened_on", "recorded_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.get_status_display()} on {self.happened_on}"


class SupplementQuerySet(models.QuerySet["SupplementRequest"]):
    def open(self) -> SupplementQuerySet:
        return self.filter(state=SupplementState.OPEN)

    def with_triage(self, today: dt.date) -> SupplementQuerySet:
        """Order as staff triage: overdue first, then not ready, each by the closest deadline."""
        bucket = models.Case(
            models.When(deadline__lt=today, then=models.Value(0)),
            models.When(is_ready=False, then=models.Value(1)),
            default=models.Value(2),
            output_field=models.IntegerField(),
        )
        return self.annotate(triage_bucket=bucket).order_by("triage_bucket", "deadline", "id")


class SupplementRequest(models.Model):
    """One round of 補正/補件 on a case. Once submitted its content is frozen (services enforce it);
    only the outcome can still be recorded."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="supplements")
    round = models.PositiveSmallIntegerField(_("round"))
    requesting_body = models.CharField(
        _("requesting body"), max_length=30, choices=RequestingBody.choices
    )
    authority_code = models.CharField(
        _("authority"), max_length=20, blank=True, help_text=_("e.g. NSTC, MOEA, or the mission")
    )
    notice_date = models.DateField(_("notice date"))
    received_at = models.DateTimeField(_("notice received at"))
    rule = models.CharField(_("deadline rule"), max_length=10, choices=DeadlineRule.choices)
    proposed_deadline = models.DateField(_("proposed deadline"), null=True, blank=True)
    deadline_override = models.DateField(_("deadline set by staff"), null=True, blank=True)
    override_reason = models.CharField(_("reason for the override"), max_length=500, blank=True)
    # The effective deadline (the override, else the proposal), stored so lists sort and filter in SQL.
    deadline = models.DateField(_("deadline"), db_index=True)
    state = models.CharField(
        _("state"), max_length=12, choices=SupplementState.choices, default=SupplementState.OPEN
    )
    reply = models.TextField(_("reply to the reviewer (審核意見回覆)"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_supplements",
        verbose_name=_("assigned to"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=SupplementOutcome.choices,
        default=SupplementOutcome.PENDING,
    )
    outcome_recorded_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    # Readiness as last computed by cases.readiness (refreshed by every service that changes an
    # input), so triage can sort 40,000 rows in SQL. The function stays the one source of truth.
    is_ready = models.BooleanField(_("ready"), default=False)
    missing = models.JSONField(_("what is missing"), default=list, blank=True)
    # Bumped by every content change; writers may pass the version they saw to detect lost updates.
    version = models.PositiveIntegerField(default=1)
    # The reply's own version: a save is refused only when the reply itself changed meanwhile,
    # not when a colleague approved a document (issue 11).
    reply_version = models.PositiveIntegerField(default=1)
    # Read from a notice by the intake (issue 13): its fields are a machine's reading until staff
    # confirm or correct them; the deadline counts (and alerts run) from the start all the same.
    to_confirm = models.BooleanField(_("from a notice: to confirm"), default=False)
    confirmed_at = models.DateTimeField(_("notice reading confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("notice reading confirmed by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = SupplementQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("supplement request (補正)")
        verbose_name_plural = _("supplement requests (補正)")
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="supplement_unique_round"),
            models.CheckConstraint(
                condition=Q(deadline_override__isnull=True) | ~Q(override_reason=""),
                name="supplement_override_has_reason",
                violation_error_message=_("A deadline override needs its reason."),
            ),
            models.CheckConstraint(
                condition=~Q(rule="custom") | Q(deadline_override__isnull=False),
                name="supplement_custom_rule_has_date",
                violation_error_message=_("A custom rule needs the date printed in the notice."),
            ),
            models.CheckConstraint(
                condition=~Q(state="submitted") | Q(submitted_at__isnull=False),
                name="supplement_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("notice_date")),
                name="supplement_deadline_after_notice",
                violation_error_message=_("The deadline cannot be before the notice date."),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"], name="supplement_state_deadline"),
            models.Index(fields=["state", "is_ready", "deadline"], name="supplement_triage"),
            # Reports select a period by the notice date (cases.reports.in_period).
            models.Index(fields=["notice_date"], name="supplement_notice_date"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} round {self.round} (due {self.deadline})"

    @property
    def is_submitted(self) -> bool:
        return self.state == SupplementState.SUBMITTED

    @property
    def is_editable(self) -> bool:
        return self.state == SupplementState.OPEN


class ReviewerComment(models.Model):
    """A reviewer's comment (審核意見) on one of the platform's seven tabs, and how it was resolved."""

    supplement = models.ForeignKey(
        SupplementRequest, on_delete=models.CASCADE, related_name="comments"
    )
    tab = models.CharField(_("platform tab"), max_length=12, choices=PlatformTab.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("reviewer's comment (審核意見)"))
    field_label = models.CharField(
        _("field to correct"), max_length=100, blank=True, help_text=_("e.g. 英文姓氏")
    )
    corrected_value = models.TextField(_("corrected value"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    version = models.PositiveIntegerField(default=1)  # this comment's own, see cases.versions
    history = HistoricalRecords()

    class Meta:
        ordering = ["supplement", "position", "id"]
        verbose_name = _("reviewer's comment (審核意見)")
        verbose_name_plural = _("reviewer's comments (審核意見)")
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution="") | ~Q(corrected_value=""),
                name="comment_resolved_has_resolution",
                violation_error_message=_("A resolved comment needs a resolution or a value."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tab_display()}: {self.text[:60]}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class RequestedItem(models.Model):
    """Something a supplement asks for: a document to supply or a data correction."""

    supplement = models.ForeignKey(
        SupplementRequest, on_delete=models.CASCADE, related_name="items"
    )
    comment = models.ForeignKey(
        ReviewerComment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("answers comment"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    description = models.CharField(_("description"), max_length=300)
    waits_on = models.CharField(
        _("waits on"), max_length=10, choices=Party.choices, default=Party.AGENCY
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ItemState.choices, default=ItemState.PENDING
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1)  # this item's own, see cases.versions
    # The catalogue entry it was added from (cases.templates_catalogue): the same entry is asked
    # for once per supplement, even after the entry is renamed.
    template = models.ForeignKey(
        "cases.ItemTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the catalogue entry"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["supplement", "position", "id"]
        verbose_name = _("requested item")
        verbose_name_plural = _("requested items")

    def __str__(self) -> str:
        return self.description


def document_upload_to(instance: Document, filename: str) -> str:
    # Random names: the original file name is kept in a column, never in the storage path.
    import uuid

    return f"documents/{instance.supplement.case_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    supplement = models.ForeignKey(
        SupplementRequest, on_delete=models.CASCADE, related_name="documents"
    )
    item = models.ForeignKey(
        RequestedItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("answers item"),
    )
    comment = models.ForeignKey(
        ReviewerComment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("answers comment"),
    )
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    encrypted = models.BooleanField(_("encrypted"), default=False)
    sha256 = models.CharField(_("checksum (SHA-256)"), max_length=64, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    # Staff keep it in a packed file of its own (the packer never merges it with others).
    pinned = models.BooleanField(_("in its own packed file"), default=False)
    # Pages staff turned upright, {"page number": 90 | 180 | 270} clockwise: the stored file is
    # never changed; the packer turns those pages of the upload set.
    rotations = models.JSONField(_("rotated pages"), default=dict, blank=True)
    visibility = models.CharField(
        _("visible to"), max_length=14, choices=Visibility.choices, default=Visibility.ALL
    )
    review_state = models.CharField(
        _("review"), max_length=10, choices=DocumentReview.choices, default=DocumentReview.UPLOADED
    )
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["supplement", "position", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=~Q(review_state="rejected") | ~Q(review_note=""),
                name="document_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


def attachment_upload_to(instance: SupplementAttachment, filename: str) -> str:
    # Private and random like documents' (the original name is a column), in a folder of their own.
    import uuid

    return f"attachments/{instance.supplement.case_id}/{uuid.uuid4().hex}"


class SupplementAttachment(models.Model):
    """The notice a supplement came from (the NIA or ministry e-mail, or its PDF or image) and the
    proof it was sent (the platform's 補正完成 screenshot or receipt). Kept apart from Document on
    purpose: the packer reads Document rows only, so these never reach the upload set."""

    supplement = models.ForeignKey(
        SupplementRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["supplement", "kind", "uploaded_at", "id"]
        verbose_name = _("notice or proof")
        verbose_name_plural = _("notices and proofs")

    def __str__(self) -> str:
        return self.original_name


# The documents capability's own models (packing jobs, packed files, downloads) live in their
# package, and case requests from employer HR in their module; importing them here is how Django
# finds them for the `cases` app.
from cases.case_requests import CaseRequest, CaseRequestState  # noqa: E402, F401
from cases.documents.models import DocumentDownload, PackedFile, PackJob  # noqa: E402, F401

# The templates people reuse (usual requested items, replies): their own module too.
from cases.templates_catalogue import ItemTemplate, ReplyTemplate  # noqa: E402, F401
