"""The emails about case requests (employer HR asks an agency for a case): the agency's admins and
staff hear of a new request, the HR person who asked hears that it was accepted or declined. One
email to one person, in their language (accounts Profile.language), sent by a Celery task the
service queues by name after commit (cases.queue.CASE_REQUEST_MAIL), as invitations are sent: a
plain Django email, nothing to sweep."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Profile
from cases.models import CaseRequest
from cases.services.case_requests import ACCEPTED, DECLINED, REQUESTED
from cases.tenancy import case_request_party
from notifications.channels import TrackerEmail


def _name(user) -> str:
    if user is None:
        return _("someone")
    return user.get_full_name() or user.get_username()


def render_case_request_mail(case_request: CaseRequest, event: str, user) -> tuple[str, str]:
    """(subject, plain text) for `user`, in their language."""
    language = (
        Profile.objects.filter(user=user).values_list("language", flat=True).first()
        or settings.LANGUAGE_CODE
    )
    with translation.override(language):
        if event == ACCEPTED and case_request.case_id:
            link = reverse("web:case", args=[case_request.case_id])
        elif event == REQUESTED:
            link = reverse("web:case_request", args=[case_request.pk])
        else:
            link = reverse("web:hr")
        context = {
            "event": event,
            "name": _name(user),
            "employer": case_request.employer.name,
            "agency": case_request.agency.name,
            "employee": str(case_request.applicant),
            "kind": case_request.get_kind_display(),
            "note": case_request.note,
            "reason": case_request.decline_reason,
            "who": _name(
                case_request.decided_by if event != REQUESTED else case_request.requested_by
            ),
            "reference": case_request.case.reference if case_request.case else "",
            "link": settings.SITE_URL + link,
        }
        subject = {
            REQUESTED: _("%(employer)s asks for a case for %(employee)s"),
            ACCEPTED: _("Case request accepted: %(employee)s"),
            DECLINED: _("Case request declined: %(employee)s"),
        }[event] % context
        text = render_to_string("notifications/email/case_request.txt", context)
        prefix = "[" + _("Gold Card") + "] "
    return prefix + " ".join(subject.split()), text


def send_case_request_mail(request_id: int, event: str, user_id: int) -> bool:
    """Send one email; False when there is nobody to tell any more (gone, inactive, no address,
    or no longer on either side of the request)."""
    case_request = (
        CaseRequest.objects.select_related(
            "employer", "agency", "applicant", "requested_by", "decided_by", "case"
        )
        .filter(pk=request_id)
        .first()
    )
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if case_request is None or user is None or not user.email:
        return False
    if case_request_party(user, case_request) is None:
        return False
    subject, text = render_case_request_mail(case_request, event, user)
    TrackerEmail(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email]).send()
    return True
