"""Invitations by expiring link: create one, turn it into a signed token, accept it once.

The token is signed with the project's SECRET_KEY (django.core.signing, timestamped), names the
invitation and carries its random nonce, so a token cannot be forged, guessed or reused: accepting
claims the row with a conditional UPDATE and only one request can win.
Who may invite whom is decided by the caller (the pages know the cases an agency works); this module
checks that the invitation itself is consistent.
"""

from __future__ import annotations

import datetime as dt
import secrets
from email.utils import make_msgid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import (
    AGENCY_ROLES,
    EMPLOYER_ROLES,
    Applicant,
    Invitation,
    Membership,
    Organization,
    history_user,
    profile_for,
)

SALT = "accounts.invitation"


class InvitationInvalid(Exception):
    """The link cannot be used; `reason` is one of "bad", "expired", "used"."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)

    @property
    def message(self) -> str:
        return {
            "bad": _("This invitation link is not valid. Ask for a new one."),
            "expired": _("This invitation link has expired. Ask for a new one."),
            "used": _("This invitation link was already used. Log in instead."),
        }[self.reason]


def max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.INVITATION_MAX_AGE_DAYS)


@transaction.atomic
def invitation_create(
    *,
    actor,
    email: str,
    organization: Organization | None = None,
    role: str = "",
    applicant: Applicant | None = None,
) -> Invitation:
    """Record an invitation to a membership (organization + role) or to an applicant's own login."""
    if (organization is None) == (applicant is None):
        raise ValidationError(_("Invite either to an organization or as an applicant."))
    if organization is not None:
        allowed = AGENCY_ROLES if organization.is_agency else EMPLOYER_ROLES
        if role not in allowed:
            raise ValidationError({"role": _("This role does not fit this kind of organization.")})
    else:
        assert applicant is not None  # exactly one of the two, checked above
        role = ""
        if applicant.user_id is not None:
            raise ValidationError(_("This applicant already has a login."))
    return Invitation.objects.create(
        email=email.strip(),
        organization=organization,
        role=role,
        applicant=applicant,
        nonce=secrets.token_hex(16),
        invited_by=actor,
        expires_at=timezone.now() + max_age(),
    )


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT, compress=True)


def invitation_from_token(token: str) -> Invitation:
    """The invitation a token names, if it can still be accepted; InvitationInvalid otherwise."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired as exc:
        raise InvitationInvalid("expired") from exc
    except signing.BadSignature as exc:
        raise InvitationInvalid("bad") from exc
    invitation = (
        Invitation.objects.select_related("organization", "applicant", "invited_by")
        .filter(pk=payload.get("i"), nonce=payload.get("n"))
        .first()
    )
    if invitation is None:
        raise InvitationInvalid("bad")
    if invitation.accepted_at is not None:
        raise InvitationInvalid("used")
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid("expired")
    return invitation


def invitation_send(*, invitation: Invitation, link: str) -> None:
    """Email the link once the invitation is committed."""
    context = {"invitation": invitation, "link": link, "days": max_age().days}
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation.txt", context)
    # The Message-ID on the site's domain, as the alert emails' (Django's names the machine).
    domain = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    message = EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
        headers={"Message-ID": make_msgid(domain=domain or "localhost")},
    )
    transaction.on_commit(message.send)


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user=None,
    username: str = "",
    password: str = "",
    first_name: str = "",
    last_name: str = "",
    language: str = "",
):
    """Use the invitation: create the user (or take the logged-in `user`), then the membership or
    the applicant's link. Returns the user. Works once; a second attempt raises InvitationInvalid.
    The invitation is bound to the address it was sent to: a logged-in user whose email differs
    cannot take it (a forwarded link must not join someone else's login to the tenant)."""
    if user is not None and (user.email or "").strip().lower() != invitation.email.lower():
        raise ValidationError(
            _(
                "This invitation was sent to another email address. Log out and open the link "
                "again to create your own login, or ask for an invitation to your address."
            )
        )
    now = timezone.now()
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now)
    if claimed != 1:
        raise InvitationInvalid("used")
    if user is None:
        user_model = get_user_model()
        candidate = user_model(
            username=username.strip(),
            email=invitation.email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        validate_password(password, candidate)
        candidate.set_password(password)
        try:
            with transaction.atomic():
                # Uniqueness is the database's to decide, so the answer is ours, below: Django's
                # own "A user with that username already exists" would be an existence oracle.
                candidate.full_clean(exclude=["password"], validate_unique=False)
                candidate.save()
        except IntegrityError as exc:
            raise ValidationError(
                {"username": _("That username cannot be used; choose another.")}
            ) from exc
        user = candidate
    if invitation.organization_id is not None:
        Membership.objects.get_or_create(
            user=user, organization=invitation.organization, defaults={"role": invitation.role}
        )
    else:
        assert invitation.applicant_id is not None  # the invitation_one_target constraint
        applicant = Applicant.objects.select_for_update().get(pk=invitation.applicant_id)
        if applicant.user_id not in (None, user.pk):
            raise ValidationError(_("This applicant already has a login."))
        applicant.user = user
        history_user(user, applicant)
        applicant.save(update_fields=["user"])
        profile = profile_for(user)
        if profile.time_zone != applicant.time_zone:
            profile.time_zone = applicant.time_zone
            profile.save(update_fields=["time_zone"])
    if language:
        profile = profile_for(user)
        profile.language = language
        profile.save(update_fields=["language"])
    Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
    return user
