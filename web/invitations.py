"""Inviting people (agency admins): staff into the agency, HR into a client employer, applicants to
their own login. The choices come from the tenancy rule (web.queries); accounts.invitations
records the invitation, signs the link and sends it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import invitations
from accounts.models import Role
from web import queries
from web.common import agency_admin_required
from web.forms import InvitationForm


def _link(request, invitation) -> str:
    return request.build_absolute_uri(
        reverse("invitation_accept", args=[invitations.invitation_token(invitation)])
    )


@agency_admin_required
def invite(request):
    # "Invite HR" on a client's page opens this form with the employer chosen.
    initial = {}
    if request.GET.get("organization"):
        initial = {"organization": request.GET["organization"], "role": Role.EMPLOYER_HR}
    form = InvitationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = invitations.invitation_create(
                actor=request.user,
                email=data["email"],
                organization=data["organization"],
                role=data["role"] if data["organization"] else "",
                applicant=data["applicant"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            invitations.invitation_send(invitation=invitation, link=_link(request, invitation))
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link works once, for %(days)d days.")
                % {"email": invitation.email, "days": invitations.max_age().days},
            )
            return redirect("web:invite")
    sent = queries.recent_invitations(request.user)
    for invitation in sent:
        invitation.link = _link(request, invitation) if invitation.accepted_at is None else ""
    context = {
        "form": form,
        "sent": sent,
        "days": invitations.max_age().days,
        "now": timezone.now(),
    }
    return render(request, "cases/invite.html", context, status=400 if form.errors else 200)
