"""An agency's client employers: adding one (linking the employer already known by its Tax ID
(統一編號) rather than a second row for the same company) and changing its data and contact.

Only the agency's admins write here (accounts.standing); the Tax ID's checksum is checked here and
not by the model, so rows recorded before the check (the demo's) stay readable and editable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.checks import clean_tax_id, validate_tax_id
from accounts.models import AgencyClient, Organization, OrganizationKind, history_user
from accounts.standing import check_can_manage_clients

if TYPE_CHECKING:
    from django.contrib.auth.models import User

EMPLOYER_FIELDS = frozenset({"name", "name_zh", "tax_id", "email"})
CONTACT_FIELDS = frozenset({"contact_name", "contact_email", "contact_phone", "note"})


def _checked_tax_id(value: str) -> str:
    tax_id = clean_tax_id(value)
    try:
        validate_tax_id(tax_id)
    except ValidationError as exc:
        raise ValidationError({"tax_id": exc.error_list}) from exc
    return tax_id


def _name_taken(name: str, *, exclude: int | None = None) -> None:
    """Employer names are unique; a namesake with another Tax ID is a different company."""
    namesake = Organization.objects.filter(kind=OrganizationKind.EMPLOYER, name=name)
    if exclude is not None:
        namesake = namesake.exclude(pk=exclude)
    if namesake.exists():
        raise ValidationError(
            {
                "name": _(
                    "Another employer is recorded under this name with another Tax ID (統一編號): "
                    "check the number, or tell the two apart in the name."
                )
            }
        )


def _employer_for(*, actor: User | None, name: str, tax_id: str, **data: Any) -> Organization:
    """The employer with this Tax ID, else the one of this name without a Tax ID, else a new one."""
    employers = Organization.objects.filter(kind=OrganizationKind.EMPLOYER)
    if tax_id:
        known = employers.filter(tax_id=tax_id).first()
        if known is not None:
            return known
    unnumbered = employers.filter(name=name).first()
    if unnumbered is not None and (not tax_id or not unnumbered.tax_id):
        if tax_id:  # the company we knew by name only: now it has its number
            unnumbered.tax_id = tax_id
            history_user(actor, unnumbered)
            unnumbered.save(update_fields=["tax_id"])
        return unnumbered
    _name_taken(name)
    employer = Organization(kind=OrganizationKind.EMPLOYER, name=name, tax_id=tax_id, **data)
    employer.full_clean()
    history_user(actor, employer)
    employer.save()
    return employer


@transaction.atomic
def client_add(
    *,
    actor: User | None,
    agency: Organization,
    name: str,
    name_zh: str = "",
    tax_id: str = "",
    email: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    note: str = "",
) -> AgencyClient:
    """Make an employer the agency's client. An employer already known by its Tax ID is linked as
    it is (its data belongs to everyone who works with it), not copied."""
    check_can_manage_clients(actor, agency)
    if not agency.is_agency:
        raise ValidationError(_("Only an agency has client employers."))
    tax_id = _checked_tax_id(tax_id)
    employer = _employer_for(
        actor=actor, name=name.strip(), tax_id=tax_id, name_zh=name_zh, email=email
    )
    client = AgencyClient(
        agency=agency,
        employer=employer,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        note=note,
        created_by=actor,
    )
    client.full_clean()
    history_user(actor, client)
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError as exc:  # added by another admin a moment ago
        raise ValidationError(_("This employer is already your agency's client.")) from exc
    return client


@transaction.atomic
def client_update(*, client: AgencyClient, actor: User | None, **changes: Any) -> AgencyClient:
    """Change the contact at the client, and the employer's own data (name, Tax ID, email)."""
    unknown = set(changes) - EMPLOYER_FIELDS - CONTACT_FIELDS
    if unknown:
        raise ValueError(f"not client fields: {sorted(unknown)}")
    check_can_manage_clients(actor, client.agency)
    client = AgencyClient.objects.select_for_update().select_related("employer").get(pk=client.pk)
    employer = client.employer
    employer_changes = {
        key: value
        for key, value in changes.items()
        if key in EMPLOYER_FIELDS and value != getattr(employer, key)
    }
    if "tax_id" in employer_changes:
        # Checked only when changed: an old row with a number from before the check stays editable.
        tax_id = _checked_tax_id(employer_changes["tax_id"])
        employer_changes["tax_id"] = tax_id
        if tax_id and (
            Organization.objects.filter(kind=OrganizationKind.EMPLOYER, tax_id=tax_id)
            .exclude(pk=employer.pk)
            .exists()
        ):
            raise ValidationError(
                {"tax_id": _("Another employer already has this Tax ID (統一編號).")}
            )
    if "name" in employer_changes:
        _name_taken(employer_changes["name"], exclude=employer.pk)
    if employer_changes:
        for key, value in employer_changes.items():
            setattr(employer, key, value)
        employer.full_clean()
        history_user(actor, employer)
        employer.save()
    contact_changes = {key: value for key, value in changes.items() if key in CONTACT_FIELDS}
    if contact_changes:
        for key, value in contact_changes.items():
            setattr(client, key, value)
        client.full_clean()
        history_user(actor, client)
        client.save()
    return client
