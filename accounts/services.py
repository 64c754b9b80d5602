"""Every write to organizations, memberships and applicants. The API and the pages call these;
each checks who may act (accounts.standing) before it changes anything.

Keyword-only arguments and the acting user, like `cases.services`; each change records who made it
in the change history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.checks import signed_file_name, validate_signed_file
from accounts.models import (
    ADMIN_ROLES,
    Applicant,
    Authorisation,
    Employment,
    Membership,
    Organization,
    history_user,
)
from accounts.standing import (
    admin_org_ids,
    check_can_add_applicant,
    check_can_authorise,
    check_can_change_applicant_email,
    check_can_change_organization,
    check_can_edit_applicant,
    check_can_manage_members,
    check_can_record_employment,
)

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import AbstractBaseUser, User
    from django.core.files import File
    from django_stubs_ext import StrOrPromise

ORGANIZATION_FIELDS = frozenset({"name", "name_zh", "licence_number", "tax_id", "email"})
APPLICANT_FIELDS = frozenset(
    {
        "family_name_en",
        "given_name_en",
        "name_zh",
        "passport_number",
        "passport_expiry",
        "nationality",
        "date_of_birth",
        "email",
        "time_zone",
    }
)


class AccountsError(Exception):
    """A refused change, with a machine-readable code and an HTTP status (like DomainError)."""

    code = "accounts_error"
    status = 400
    default_message = gettext_lazy("The request cannot be carried out.")

    def __init__(self, message: StrOrPromise | None = None, **params: Any) -> None:
        self.params = params
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class LastAdmin(AccountsError):
    code = "last_admin"
    status = 409
    default_message = gettext_lazy("An organization keeps at least one admin.")


class MissingLink(AccountsError):
    code = "link_required"
    status = 400


def _record(actor: AbstractBaseUser | None, *objects: models.Model) -> None:
    # django-simple-history takes the user from the request, which token calls do not carry.
    history_user(actor, *objects)


# --- Organizations and memberships --------------------------------------------------------------
@transaction.atomic
def organization_update(
    *, organization: Organization, actor: AbstractBaseUser | None, **changes: Any
) -> Organization:
    unknown = set(changes) - ORGANIZATION_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    check_can_change_organization(actor, organization)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    for name, value in changes.items():
        setattr(organization, name, value)
    organization.full_clean()
    _record(actor, organization)
    organization.save()
    return organization


# One sentence for "no such login" and "a login of another tenant": the answer tells nothing of
# who exists elsewhere (issue 12, no existence oracles).
CANNOT_ADD = gettext_lazy("This login cannot be added here. Invite the person by email instead.")


def attachable(actor: AbstractBaseUser, user: User) -> bool:
    """An admin adds an existing login only if it is theirs to move: a member of organizations
    the admin runs, or a login with no organization and no applicant record. Anyone else joins
    by an invitation to their own address."""
    if getattr(actor, "is_superuser", False):
        return True
    elsewhere = Membership.objects.filter(user=user).exclude(
        organization_id__in=admin_org_ids(actor)
    )
    return not elsewhere.exists() and not Applicant.objects.filter(user=user).exists()


@transaction.atomic
def membership_add(
    *, organization: Organization, actor: AbstractBaseUser | None, user: User, role: str
) -> Membership:
    check_can_manage_members(actor, organization)
    if actor is not None and not attachable(actor, user):
        raise ValidationError({"username": CANNOT_ADD})
    membership = Membership(organization=organization, user=user, role=role)
    membership.full_clean()  # the role must fit the kind; one membership per user and organization
    _record(actor, membership)
    membership.save()
    return membership


def _other_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(organization_id=membership.organization_id, role__in=ADMIN_ROLES)
        .exclude(pk=membership.pk)
        .exists()
    )


def is_last_admin(membership: Membership) -> bool:
    """Whether removing or demoting this membership would leave its organization without an admin."""
    return membership.role in ADMIN_ROLES and not _other_admins(membership)


@transaction.atomic
def membership_set_role(
    *, membership: Membership, actor: AbstractBaseUser | None, role: str
) -> Membership:
    check_can_manage_members(actor, membership.organization)
    # Lock the organization so two admins cannot demote each other at the same moment.
    Organization.objects.select_for_update().get(pk=membership.organization_id)
    membership = Membership.objects.select_related("organization").get(pk=membership.pk)
    if role not in ADMIN_ROLES and is_last_admin(membership):
        raise LastAdmin()
    membership.role = role
    membership.full_clean()
    _record(actor, membership)
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: AbstractBaseUser | None) -> None:
    check_can_manage_members(actor, membership.organization)
    Organization.objects.select_for_update().get(pk=membership.organization_id)
    membership = Membership.objects.get(pk=membership.pk)
    if is_last_admin(membership):
        raise LastAdmin()
    _record(actor, membership)
    membership.delete()


# --- Applicants -----------------------------------------------------------------------------------
@transaction.atomic
def applicant_create(
    *,
    actor: AbstractBaseUser | None,
    organization: Organization,
    authorisation: dict[str, Any] | None = None,
    employment: dict[str, Any] | None = None,
    **fields: Any,
) -> Applicant:
    """Add an applicant for an organization. An agency records the applicant's authorisation
    (委任書: scope and dates), which it must hold to act; an employer records the employment."""
    unknown = set(fields) - APPLICANT_FIELDS
    if unknown:
        raise ValueError(f"not applicant fields: {sorted(unknown)}")
    check_can_add_applicant(actor, organization)
    if organization.is_agency and not authorisation:
        raise MissingLink(
            _("An agency records the applicant's authorisation (委任書) with the applicant."),
            field="authorisation",
        )
    if not organization.is_agency and not employment:
        raise MissingLink(
            _("An employer records the applicant's employment with the applicant."),
            field="employment",
        )
    applicant = Applicant(**fields)
    record = job = None
    signed_file = None
    if authorisation:
        authorisation = dict(authorisation)
        signed_file = authorisation.pop("signed_file", None)
        if signed_file is not None:
            validate_signed_file(signed_file)
        record = Authorisation(applicant=applicant, agency=organization, **authorisation)
    if employment:
        employment = dict(employment)
        employer = employment.pop("employer", None) or organization
        job = Employment(applicant=applicant, employer=employer, **employment)
    # Every problem at once (the import lists them all): the applicant's, then the links'.
    _clean_all(applicant, record, job)
    _save_applicant(actor, applicant)
    for link in (record, job):
        if link is not None:
            link.applicant = applicant
            _record(actor, link)
            link.save()
    if record is not None and signed_file is not None:
        record.signed_file.save(signed_file_name(signed_file), signed_file)
    return applicant


@transaction.atomic
def applicant_update(
    *, applicant: Applicant, actor: AbstractBaseUser | None, **changes: Any
) -> Applicant:
    unknown = set(changes) - APPLICANT_FIELDS
    if unknown:
        raise ValueError(f"not applicant fields: {sorted(unknown)}")
    check_can_edit_applicant(actor)
    applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
    if "email" in changes and changes["email"] != applicant.email:
        check_can_change_applicant_email(actor)
    for name, value in changes.items():
        setattr(applicant, name, value)
    applicant.full_clean()
    _save_applicant(actor, applicant)
    return applicant


def _clean_all(*objects: models.Model | None) -> None:
    """full_clean each object and raise one ValidationError naming every field's problems (the
    links are checked before the applicant they belong to is saved, so without it)."""
    errors: dict[str, list[ValidationError]] = {}
    for index, obj in enumerate(objects):
        if obj is None:
            continue
        try:
            obj.full_clean(exclude=None if index == 0 else ["applicant"])
        except ValidationError as exc:
            for key, messages in exc.error_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _save_applicant(actor: AbstractBaseUser | None, applicant: Applicant) -> None:
    _record(actor, applicant)
    try:
        with transaction.atomic():
            applicant.save()
    except IntegrityError as exc:
        # full_clean checked uniqueness; someone saved the same passport in between. The database's
        # own message names tables and columns: never shown.
        raise ValidationError(
            _("This passport number and nationality cannot be used for a new applicant.")
        ) from exc


# --- Authorisations (委任書) and employments ---------------------------------------------------------
@transaction.atomic
def authorisation_add(
    *,
    applicant: Applicant,
    agency: Organization,
    actor: AbstractBaseUser | None,
    signed_file: File[Any] | None = None,
    **fields: Any,
) -> Authorisation:
    """Record the applicant's authorisation of the agency (scope, dates, and the signed paper)."""
    check_can_authorise(actor, agency)
    if signed_file is not None:
        validate_signed_file(signed_file)
    record = Authorisation(applicant=applicant, agency=agency, **fields)
    record.full_clean(exclude=["signed_file"])
    if signed_file is not None:
        record.signed_file.save(signed_file_name(signed_file), signed_file, save=False)
    _record(actor, record)
    record.save()
    return record


@transaction.atomic
def authorisation_attach(
    *, authorisation: Authorisation, actor: AbstractBaseUser | None, signed_file: File[Any]
) -> Authorisation:
    """Attach the signed paper to an authorisation recorded without it (a new scan replaces it)."""
    check_can_authorise(actor, authorisation.agency)
    validate_signed_file(signed_file)
    record = Authorisation.objects.select_for_update().get(pk=authorisation.pk)
    replaced = record.signed_file.name
    record.signed_file.save(signed_file_name(signed_file), signed_file, save=False)
    _record(actor, record)
    record.save(update_fields=["signed_file"])
    if replaced:
        transaction.on_commit(lambda: default_storage.delete(replaced))
    return record


@transaction.atomic
def authorisation_revoke(
    *, authorisation: Authorisation, actor: AbstractBaseUser | None
) -> Authorisation:
    check_can_authorise(actor, authorisation.agency)
    record = Authorisation.objects.select_for_update().get(pk=authorisation.pk)
    if record.revoked_at is not None:
        raise AccountsError(_("This authorisation (委任書) is already revoked."))
    record.revoked_at = timezone.now()
    _record(actor, record)
    record.save(update_fields=["revoked_at"])
    return record


@transaction.atomic
def employment_add(
    *, applicant: Applicant, employer: Organization, actor: AbstractBaseUser | None, **fields: Any
) -> Employment:
    check_can_record_employment(actor, employer)
    job = Employment(applicant=applicant, employer=employer, **fields)
    job.full_clean()
    _record(actor, job)
    job.save()
    return job


@transaction.atomic
def employment_end(
    *, employment: Employment, actor: AbstractBaseUser | None, end_date: dt.date
) -> Employment:
    check_can_record_employment(actor, employment.employer)
    job = Employment.objects.select_for_update().get(pk=employment.pk)
    if job.end_date is not None:
        raise AccountsError(_("This employment has already ended."))
    job.end_date = end_date
    job.full_clean()
    _record(actor, job)
    job.save(update_fields=["end_date"])
    return job
