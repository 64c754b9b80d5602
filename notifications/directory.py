"""The people a sweep needs, read in bulk once per sweep: each organization's admins and HR, each
recipient's account, language, time zone and alert preferences, and whether they may see a case
(cases.tenancy decides that; nobody is told about a case they cannot see)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser

from accounts.models import Membership, Profile, Role
from cases.models import Case
from cases.tenancy import party_for
from notifications.models import AlertPreference
from notifications.rules import People, Timing


class Directory:
    def __init__(self) -> None:
        self._agency_admins: dict[int, tuple[int, ...]] = {}
        self._employer_hr: dict[int, tuple[int, ...]] = {}
        self._users: dict[int, AbstractBaseUser | None] = {}
        self._timing: dict[int, Timing] = {}
        self._language: dict[int, str] = {}

    # --- organizations ---------------------------------------------------------------------------
    def load_organizations(self, cases: Iterable[Case]) -> None:
        wanted = set()
        for case in cases:
            if case.agency_id and case.agency_id not in self._agency_admins:
                wanted.add(case.agency_id)
            if case.employer_id and case.employer_id not in self._employer_hr:
                wanted.add(case.employer_id)
        if not wanted:
            return
        by_role: dict[tuple[int, str], list[int]] = defaultdict(list)
        rows = (
            Membership.objects.filter(
                organization_id__in=wanted,
                role__in=[Role.AGENCY_ADMIN, Role.EMPLOYER_HR, Role.EMPLOYER_ADMIN],
                user__is_active=True,
            )
            # Someone without an address cannot be told: the employer's admins stand in then.
            .exclude(user__email="")
            .order_by("user_id")
            .values_list("organization_id", "role", "user_id")
        )
        for org_id, role, user_id in rows:
            by_role[(org_id, role)].append(user_id)
        for org_id in wanted:
            self._agency_admins.setdefault(org_id, tuple(by_role[(org_id, Role.AGENCY_ADMIN)]))
            # The employer's HR; an employer without HR members is reached through its admins.
            hr = by_role[(org_id, Role.EMPLOYER_HR)] or by_role[(org_id, Role.EMPLOYER_ADMIN)]
            self._employer_hr.setdefault(org_id, tuple(hr))

    def people(self, case: Case, assignee_id: int | None) -> People:
        return People(
            assignee=assignee_id,
            agency_admins=self._agency_admins.get(case.agency_id, ()) if case.agency_id else (),
            employer_hr=self._employer_hr.get(case.employer_id, ()) if case.employer_id else (),
            applicant_user=case.applicant.user_id,
            has_agency=case.agency_id is not None,
            channel=case.channel,
        )

    # --- users -------------------------------------------------------------------------------------
    def load_users(self, user_ids: Iterable[int]) -> None:
        wanted = {user_id for user_id in user_ids if user_id not in self._users}
        if not wanted:
            return
        for user_id in wanted:
            self._users[user_id] = None
        for user in get_user_model().objects.filter(pk__in=wanted, is_active=True):
            self._users[user.pk] = user
        profiles = {
            user_id: (language, zone)
            for user_id, language, zone in Profile.objects.filter(user_id__in=wanted).values_list(
                "user_id", "language", "time_zone"
            )
        }
        preferences = {
            pref.user_id: pref for pref in AlertPreference.objects.filter(user_id__in=wanted)
        }
        default_hour = getattr(settings, "ALERT_DIGEST_HOUR", 8)
        for user_id in wanted:
            language, zone = profiles.get(user_id, (settings.LANGUAGE_CODE, settings.TIME_ZONE))
            pref = preferences.get(user_id)
            self._language[user_id] = language
            self._timing[user_id] = Timing(
                time_zone=zone,
                digest_hour=pref.digest_hour if pref else default_hour,
                quiet_start=pref.quiet_start if pref else None,
                quiet_end=pref.quiet_end if pref else None,
                early_alerts=pref.early_alerts if pref else True,
            )

    def user(self, user_id: int):
        return self._users.get(user_id)

    def timing(self, user_id: int) -> Timing:
        return self._timing[user_id]

    def language(self, user_id: int) -> str:
        return self._language.get(user_id, settings.LANGUAGE_CODE)

    def party(self, user_id: int, case: Case) -> str | None:
        """The side the recipient stands on for the case; None: they may not see it
        (the tenancy rule, cases.tenancy.party_for)."""
        user = self._users.get(user_id)
        return None if user is None else party_for(user, case)

    def can_see(self, user_id: int, case: Case) -> bool:
        return self.party(user_id, case) is not None
