"""Organizations (agencies and employers), who belongs to them in which role, and the people whose
cases are tracked. This app knows nothing of cases: `cases` builds its tenancy rule on top of it."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts import checks
from accounts.email_providers import is_mainland_china_provider

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class OrganizationKind(models.TextChoices):
    AGENCY = "agency", _("Licensed immigration agency (移民業務機構)")
    EMPLOYER = "employer", _("Employer (雇主)")


class Organization(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=OrganizationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    # Agencies must hold a licence (移民業務機構); employers do not have one.
    licence_number = models.CharField(_("licence number"), max_length=50, blank=True)
    tax_id = models.CharField(_("unified business number (統一編號)"), max_length=8, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organization_unique_name"),
            models.CheckConstraint(
                condition=Q(kind="employer") | ~Q(licence_number=""),
                name="organization_agency_has_licence",
                violation_error_message=_("An agency needs its licence number."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_agency(self) -> bool:
        return self.kind == OrganizationKind.AGENCY


class Role(models.TextChoices):
    AGENCY_ADMIN = "agency_admin", _("Agency admin")
    AGENCY_STAFF = "agency_staff", _("Agency staff")
    EMPLOYER_ADMIN = "employer_admin", _("Employer admin")
    EMPLOYER_HR = "employer_hr", _("Employer HR")


AGENCY_ROLES = frozenset({Role.AGENCY_ADMIN, Role.AGENCY_STAFF})
EMPLOYER_ROLES = frozenset({Role.EMPLOYER_ADMIN, Role.EMPLOYER_HR})
ADMIN_ROLES = frozenset({Role.AGENCY_ADMIN, Role.EMPLOYER_ADMIN})


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.organization_id is None:
            return  # the form already says the organization is missing or not allowed
        allowed = AGENCY_ROLES if self.organization.is_agency else EMPLOYER_ROLES
        if self.role not in allowed:
            raise ValidationError({"role": _("This role does not fit this kind of organization.")})


passport_validator = RegexValidator(
    r"^[A-Z0-9]{5,20}$", _("Passport numbers use capital letters and digits only (5-20).")
)


class Applicant(models.Model):
    """The foreign professional. May have their own login to follow their cases."""

    family_name_en = models.CharField(_("family name (英文姓氏)"), max_length=100)
    given_name_en = models.CharField(_("given names (英文名字)"), max_length=100, blank=True)
    name_zh = models.CharField(_("Chinese name (中文姓名)"), max_length=50, blank=True)
    passport_number = models.CharField(
        _("passport number (護照號碼)"), max_length=20, validators=[passport_validator]
    )
    passport_expiry = models.DateField(
        _("passport expiry"), null=True, blank=True, validators=[checks.validate_passport_expiry]
    )
    nationality = models.CharField(
        _("nationality (國籍)"),
        max_length=2,
        help_text="ISO 3166",
        validators=[checks.validate_nationality],
    )
    date_of_birth = models.DateField(
        _("date of birth (出生日期)"),
        null=True,
        blank=True,
        validators=[checks.validate_date_of_birth],
    )
    email = models.EmailField(_("email (電子郵件)"), blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Taipei", validators=[checks.validate_time_zone]
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applicant",
        verbose_name=_("own login"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name_en", "given_name_en"]
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        constraints = [
            models.UniqueConstraint(
                fields=["nationality", "passport_number"],
                name="applicant_unique_passport",
                violation_error_message=_(
                    "This passport number and nationality cannot be used for a new applicant."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_en} ({self.name_zh})" if self.name_zh else self.name_en

    @property
    def name_en(self) -> str:
        """ "Family, Given" as on the passport (either may be missing)."""
        return f"{self.family_name_en}, {self.given_name_en}".strip(", ")

    @property
    def email_may_be_blocked(self) -> bool:
        """NIA mail to mainland-China providers is partly blocked (platform notice)."""
        return is_mainland_china_provider(self.email)


class Employment(models.Model):
    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="employments")
    employer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="employments",
        limit_choices_to={"kind": OrganizationKind.EMPLOYER},
    )
    job_title = models.CharField(_("job title (現職)"), max_length=200, blank=True)
    monthly_salary_twd = models.PositiveIntegerField(
        _("monthly salary (NT$)"), null=True, blank=True
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="employment_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} at {self.employer}"


def authorisation_upload_path(instance: Authorisation, filename: str) -> str:
    """A random name in a private folder: the uploader's file name is never part of the path."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"authorisations/{uuid.uuid4().hex}.{extension[:5]}"


class Authorisation(models.Model):
    """The agency's written authorisation (委任書) from the applicant, with its scope and dates."""

    applicant = models.ForeignKey(
        Applicant, on_delete=models.CASCADE, related_name="authorisations"
    )
    agency = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="authorisations",
        limit_choices_to={"kind": OrganizationKind.AGENCY},
    )
    covers_filing = models.BooleanField(_("filing"), default=True)
    covers_supplement = models.BooleanField(_("supplement (補正)"), default=True)
    covers_pickup = models.BooleanField(_("card pickup"), default=False)
    signed_on = models.DateField(_("signed on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # The signed paper, private: it leaves only through web.applicants' download, after the check.
    signed_file = models.FileField(
        _("signed authorisation (委任書)"), upload_to=authorisation_upload_path, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("authorisation (委任書)")
        verbose_name_plural = _("authorisations (委任書)")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="authorisation_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(covers_filing=True) | Q(covers_supplement=True) | Q(covers_pickup=True),
                name="authorisation_has_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} for {self.applicant} from {self.valid_from}"

    def scope_labels(self) -> list[str]:
        labels = []
        if self.covers_filing:
            labels.append(str(_("filing")))
        if self.covers_supplement:
            labels.append(str(_("supplement")))
        if self.covers_pickup:
            labels.append(str(_("pickup")))
        return labels


class AgencyClient(models.Model):
    """An employer the agency works for (its client), with the contact person there. The employer
    row is shared: two agencies serving one company link the same organization."""

    agency = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="clients",
        limit_choices_to={"kind": OrganizationKind.AGENCY},
        verbose_name=_("agency"),
    )
    employer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="agencies_serving",
        limit_choices_to={"kind": OrganizationKind.EMPLOYER},
        verbose_name=_("employer (雇主)"),
    )
    contact_name = models.CharField(_("contact person (聯絡人)"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone (電話)"), max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["employer__name"]
        verbose_name = _("client employer")
        verbose_name_plural = _("client employers")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "employer"],
                name="agency_client_unique",
                violation_error_message=_("This employer is already your agency's client."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} (client of {self.agency})"


class Profile(models.Model):
    """Per-user preferences that every part of the product honours (pages, emails, API)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Taipei")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"


def profile_for(user) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


class Invitation(models.Model):
    """An expiring, single-use invitation to join as staff, HR or an applicant.

    The link carries a signed token (see accounts.invitations); the row records who invited whom
    and when it was used, so a token works once and only until `expires_at`.
    """

    email = models.EmailField(_("email"))
    # Staff and HR join an organization in a role; an applicant's invitation links their login.
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    applicant = models.ForeignKey(
        Applicant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("applicant"),
    )
    nonce = models.CharField(max_length=32, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # Exactly one target: a membership (organization and role) or an applicant's login.
            models.CheckConstraint(
                condition=(Q(organization__isnull=False, applicant__isnull=True) & ~Q(role=""))
                | Q(organization__isnull=True, applicant__isnull=False, role=""),
                name="invitation_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.role or 'applicant'})"

    @property
    def is_used(self) -> bool:
        return self.accepted_at is not None


def history_user(actor: AbstractBaseUser | None, *objects: models.Model) -> None:
    """Tell django-simple-history who made the change, where no request middleware can (token
    calls, commands, tasks): it reads the instance's dynamic `_history_user` when saving."""
    for obj in objects:
        setattr(obj, "_history_user", actor)  # noqa: B010 (an attribute models do not declare)
