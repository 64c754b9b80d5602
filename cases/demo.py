"""Demo data: the journeys' agency, the employers Acme and Globex, applicants, cases in every status
and open supplements with different readiness and deadlines; around them (cases/demo_portfolio.py)
a second agency, a dozen client employers, ~40 open supplements and the tutorial's case
112551035430. Built through the services, like real data.

Deadlines are placed relative to today (Taipei) so the demo always shows an overdue supplement, one
due in 3 days, one due in 20 days and a submitted one.
"""

from __future__ import annotations

import datetime as dt
import os

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Applicant, Membership, Organization, OrganizationKind, Role
from cases import demo_journeys, demo_portfolio
from cases.clock import taipei_today

DEMO_AGENCY = "Formosa Talent Partners"
DEMO_EMPLOYERS = ("Acme", "Globex")
DEMO_USERNAMES = (
    "admin",
    "agency-admin",
    "agency-staff",
    "agency2-admin",
    "hr-acme",
    "hr-globex",
    "applicant",
)
DEMO_ORGANIZATIONS = frozenset(
    {
        DEMO_AGENCY,
        *DEMO_EMPLOYERS,
        demo_portfolio.SECOND_AGENCY,
        *(name for name, _zh, _tax_id in demo_portfolio.EMPLOYERS),
    }
)
DEFAULT_PASSWORD = "tracker-demo"


class NonDemoData(Exception):
    """The database holds data that is not the demo's; seeding could mix the two."""


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


def foreign_data() -> list[str]:
    """What in the database is not demo data (empty: safe to seed)."""
    user_model = get_user_model()
    found = []
    users = user_model.objects.exclude(username__in=DEMO_USERNAMES).count()
    if users:
        found.append(f"{users} other user(s)")
    orgs = Organization.objects.exclude(name__in=DEMO_ORGANIZATIONS).count()
    if orgs:
        found.append(f"{orgs} other organization(s)")
    applicants = (
        Applicant.objects.exclude(passport_number__startswith="DEMO")
        .exclude(passport_number=demo_portfolio.TUTORIAL_PASSPORT)
        .count()
    )
    if applicants:
        found.append(f"{applicants} other applicant(s)")
    return found


def is_seeded() -> bool:
    return Organization.objects.filter(name=DEMO_AGENCY, kind=OrganizationKind.AGENCY).exists()


def _user(username: str, *, email: str, first: str, last: str, superuser=False):
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(
        username=username,
        defaults={"email": email, "first_name": first, "last_name": last},
    )
    user.is_staff = superuser
    user.is_superuser = superuser
    user.set_password(demo_password())
    user.save()
    return user


def ensure_users() -> dict:
    users = {
        "admin": _user(
            "admin", email="admin@example.com", first="Site", last="Admin", superuser=True
        ),
        "agency-admin": _user(
            "agency-admin", email="mei@formosa-talent.example", first="Mei", last="Chang"
        ),
        "agency-staff": _user(
            "agency-staff", email="lin@formosa-talent.example", first="Lin", last="Hsu"
        ),
        "agency2-admin": _user(
            "agency2-admin", email="kai@harbour-mobility.example", first="Kai", last="Lin"
        ),
        "hr-acme": _user("hr-acme", email="chen@acme.example", first="Chen", last="Wang"),
        "hr-globex": _user("hr-globex", email="ana@globex.example", first="Ana", last="Lopez"),
        "applicant": _user("applicant", email="priya@example.in", first="Priya", last="Sharma"),
    }
    # The admin is the operators' (here the superuser's): agency and employer people work in the
    # tracker's pages, and a tenant's grant there once let it change every tenant's closure days.
    # A database seeded before keeps no grant from then.
    for name, user in users.items():
        if name != "admin":
            user.user_permissions.clear()
    return users


@transaction.atomic
def seed(*, today: dt.date | None = None) -> dict:
    today = today or taipei_today()
    users = ensure_users()
    if is_seeded():
        return {"created": False, "users": users}

    agency = Organization.objects.create(
        kind=OrganizationKind.AGENCY,
        name=DEMO_AGENCY,
        name_zh="福爾摩沙人才顧問有限公司",
        licence_number="移字第000123號",
        email="desk@formosa-talent.example",
    )
    acme = Organization.objects.create(
        kind=OrganizationKind.EMPLOYER,
        name="Acme",
        name_zh="艾克米科技股份有限公司",
        tax_id="24719360",  # passes the 統一編號 checksum
        email="hr@acme.example",
    )
    globex = Organization.objects.create(
        kind=OrganizationKind.EMPLOYER,
        name="Globex",
        name_zh="環球數位股份有限公司",
        tax_id="24720731",
        email="hr@globex.example",
    )
    Membership.objects.create(
        user=users["agency-admin"], organization=agency, role=Role.AGENCY_ADMIN
    )
    Membership.objects.create(
        user=users["agency-staff"], organization=agency, role=Role.AGENCY_STAFF
    )
    Membership.objects.create(user=users["hr-acme"], organization=acme, role=Role.EMPLOYER_HR)
    Membership.objects.create(user=users["hr-globex"], organization=globex, role=Role.EMPLOYER_HR)
    supplements = demo_journeys.add(
        today=today, users=users, agency=agency, acme=acme, globex=globex
    )
    portfolio = demo_portfolio.add(
        today=today, users=users, agency=agency, acme=acme, globex=globex
    )
    return {
        "created": True,
        "users": users,
        "supplements": supplements,
        "portfolio": portfolio,
    }
