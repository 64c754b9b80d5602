"""Case requests: employer HR asks an agency to open a case for an employee (issue 10).

The agency accepts (which opens the case through cases.services.case_create and links it here) or
declines with a reason; HR may cancel while it waits. Imported at the bottom of cases/models.py,
so the model belongs to the `cases` app. Writes go through cases.services (case_request_*).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.choices import CaseKind


class CaseRequestState(models.TextChoices):
    WAITING = "waiting", _("Waiting for the agency")
    ACCEPTED = "accepted", _("Accepted: case opened")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled by HR")


class CaseRequest(models.Model):
    employer = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="case_requests_made",
        verbose_name=_("employer"),
    )
    agency = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="case_requests_received",
        verbose_name=_("agency"),
    )
    applicant = models.ForeignKey(
        "accounts.Applicant",
        on_delete=models.PROTECT,
        related_name="case_requests",
        verbose_name=_("employee"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=CaseRequestState.choices,
        default=CaseRequestState.WAITING,
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # Who accepted, declined or cancelled it, and when.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_request",
        verbose_name=_("case"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("case request")
        verbose_name_plural = _("case requests")
        constraints = [
            # The database keeps the decisions whole, whatever writes them.
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""),
                name="case_request_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(state="accepted", case__isnull=False)
                | (~Q(state="accepted") & Q(case__isnull=True)),
                name="case_request_case_iff_accepted",
            ),
            models.CheckConstraint(
                condition=Q(state="waiting", decided_at__isnull=True)
                | (~Q(state="waiting") & Q(decided_at__isnull=False)),
                name="case_request_decided_when_not_waiting",
            ),
        ]
        indexes = [models.Index(fields=["agency", "state"])]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.agency} ({self.get_state_display()})"

    @property
    def is_waiting(self) -> bool:
        return self.state == CaseRequestState.WAITING
