"""Demo data: the journeys' agency, the employers Acme and Globex, applicants, cases in every status
and open supplements with different readiness and deadlines; around them (cases/demo_portfolio.py)
a second agency, a dozen client employers, ~40 open supplements and the tutorial's case
112551035430. Built through the services, like real data.

Deadlines are placed relative to today (Taipei) so the demo always shows an overdue supplement, one
due in 3 days, one due in 20 days and a submitted one.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections import deque

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import (
    Applicant,
    Authorisation,
    Employment,
    Membership,
    Organization,
    OrganizationKind,
    Role,
)
from cases import demo_portfolio, lifecycle, services
from cases.choices import (
    CaseKind,
    CaseStatus,
    Channel,
    DeadlineRule,
    ItemKind,
    Party,
    PlatformTab,
    RequestingBody,
)
from cases.clock import taipei_today
from cases.models import Case, FieldOfExpertise

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


def _pdf(title: str, pages: int = 1) -> bytes:
    """A small real PDF with legible text, standing in for a scan."""
    images = []
    for page in range(pages):
        image = Image.new("RGB", (620, 877), "white")
        draw = ImageDraw.Draw(image)
        draw.text((40, 40), f"{title} - page {page + 1}", fill="black")
        draw.rectangle((40, 80, 580, 820), outline="black")
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=72)
    return buffer.getvalue()


def _path_to(status: str) -> list[str]:
    """The shortest lifecycle path from draft to a status."""
    queue = deque([[CaseStatus.DRAFT.value]])
    seen = {CaseStatus.DRAFT.value}
    while queue:
        path = queue.popleft()
        if path[-1] == status:
            return path[1:]
        for nxt in lifecycle.allowed_next(path[-1]):
            if nxt not in seen:
                seen.add(nxt)
                queue.append([*path, nxt])
    raise ValueError(status)


def _walk(case: Case, status: str, actor, start: dt.date) -> None:
    for offset, step in enumerate(_path_to(status)):
        services.case_transition(
            case=case, actor=actor, status=step, happened_on=start + dt.timedelta(days=offset * 7)
        )


def _supplement_due(case: Case, actor, *, due: dt.date, rule: str, **details):
    """A supplement whose deadline is exactly `due`: the rule's own count where a notice date gives
    it, otherwise the date printed in the notice (an override, as staff would record it)."""
    approx = {"30d": 30, "15d": 15, "6m": 183, "3m": 91}[rule]
    for back in range(approx - 10, approx + 10):
        notice = due - dt.timedelta(days=back)
        proposed = services.propose_deadline(notice_date=notice, rule=rule)
        if proposed is not None and proposed.last_day == due:
            return services.supplement_create(
                case=case, actor=actor, notice_date=notice, rule=rule, **details
            )
    return services.supplement_create(
        case=case,
        actor=actor,
        notice_date=due - dt.timedelta(days=approx),
        rule=rule,
        deadline_override=due,
        override_reason="Date printed in the notice",
        **details,
    )


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
        tax_id="12345678",
        email="hr@acme.example",
    )
    globex = Organization.objects.create(
        kind=OrganizationKind.EMPLOYER,
        name="Globex",
        name_zh="環球數位股份有限公司",
        tax_id="87654321",
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

    people = [
        # family, given, zh, passport, nationality, email, employer, user
        ("Sharma", "Priya", "夏瑪", "DEMO1001", "IN", "priya@example.in", acme, users["applicant"]),
        ("Miller", "John", "米勒", "DEMO1002", "US", "john.miller@example.com", acme, None),
        ("Tanaka", "Akiko", "田中明子", "DEMO1003", "JP", "akiko@example.jp", globex, None),
        ("Becker", "Lukas", "貝克", "DEMO1004", "DE", "lukas@example.de", globex, None),
        ("Dubois", "Marie", "杜波娃", "DEMO1005", "FR", "marie@example.fr", None, None),
        ("Tan", "Wei Ming", "陳偉明", "DEMO1006", "MY", "weiming@qq.com", acme, None),
    ]
    applicants = []
    for family, given, zh, passport, nationality, email, employer, user in people:
        applicant = Applicant.objects.create(
            family_name_en=family,
            given_name_en=given,
            name_zh=zh,
            passport_number=passport,
            nationality=nationality,
            email=email,
            user=user,
            passport_expiry=today + dt.timedelta(days=900),
            date_of_birth=dt.date(1988, 5, 17),
            time_zone={
                "IN": "Asia/Kolkata",
                "US": "America/Los_Angeles",
                "DE": "Europe/Berlin",
                "FR": "Europe/Paris",
                "JP": "Asia/Tokyo",
            }.get(nationality, "Asia/Taipei"),
        )
        if employer:
            Employment.objects.create(
                applicant=applicant,
                employer=employer,
                job_title="Senior engineer",
                monthly_salary_twd=180_000,
                start_date=today - dt.timedelta(days=400),
            )
        Authorisation.objects.create(
            applicant=applicant,
            agency=agency,
            covers_pickup=True,
            signed_on=today - dt.timedelta(days=120),
            valid_from=today - dt.timedelta(days=120),
            valid_until=today + dt.timedelta(days=600),
        )
        applicants.append((applicant, employer))

    fields = {field.code: field for field in FieldOfExpertise.objects.all()}
    actor = users["agency-staff"]
    number = iter(range(115551035401, 115551035499))

    def new_case(index: int, status: str, kind=CaseKind.NEW, field="science-technology") -> Case:
        applicant, employer = applicants[index % len(applicants)]
        case = services.case_create(
            actor=actor,
            applicant=applicant,
            kind=kind,
            channel=Channel.AGENCY,
            agency=agency,
            employer=employer,
            field=fields[field],
            application_number=None if status == CaseStatus.DRAFT else str(next(number)),
            applied_on=today - dt.timedelta(days=90),
            collection_station="臺北市服務站",
        )
        _walk(case, status, actor, today - dt.timedelta(days=90))
        return case

    # The four supplements the journeys start from.
    overdue = new_case(0, CaseStatus.NIA_INITIAL_REVIEW)
    s1 = _supplement_due(
        overdue,
        actor,
        due=today - dt.timedelta(days=2),
        rule=DeadlineRule.DAYS_30,
        requesting_body=RequestingBody.NIA_INITIAL,
        assignee=actor,
    )
    c1 = services.comment_add(
        supplement=s1,
        actor=actor,
        tab=PlatformTab.BASIC,
        text="英文姓名與護照不符，請更正。",
        field_label="英文名字",
    )
    services.comment_add(
        supplement=s1,
        actor=actor,
        tab=PlatformTab.FIELD,
        text="請補充專業能力證明文件（推薦信或獲獎證明）。",
    )
    services.item_add(
        supplement=s1,
        actor=actor,
        kind=ItemKind.DOCUMENT,
        description="Passport data page (護照資料頁)",
        waits_on=Party.APPLICANT,
    )
    services.item_add(
        supplement=s1,
        actor=actor,
        kind=ItemKind.CORRECTION,
        comment=c1,
        description="English given name as in the passport",
        waits_on=Party.AGENCY,
    )

    soon = new_case(1, CaseStatus.QUALIFICATION_REVIEW, field="economy")
    s2 = _supplement_due(
        soon,
        actor,
        due=today + dt.timedelta(days=3),
        rule=DeadlineRule.DAYS_30,
        requesting_body=RequestingBody.WDA,
        assignee=users["agency-admin"],
    )
    c2 = services.comment_add(
        supplement=s2, actor=actor, tab=PlatformTab.UPLOAD, text="請補附在職證明及近一年薪資證明。"
    )
    services.comment_resolve(
        comment=c2, actor=actor, resolution="Employment certificate and salary proof requested"
    )
    services.item_add(
        supplement=s2,
        actor=actor,
        kind=ItemKind.DOCUMENT,
        comment=c2,
        description="Employment certificate (在職證明)",
        waits_on=Party.EMPLOYER,
    )
    services.item_add(
        supplement=s2,
        actor=actor,
        kind=ItemKind.DOCUMENT,
        comment=c2,
        description="Salary proof, last 12 months (薪資證明)",
        waits_on=Party.EMPLOYER,
    )
    services.supplement_set_reply(
        supplement=s2, actor=actor, reply="敬啟者：茲補附在職證明及薪資證明，請惠予審查。"
    )

    later = new_case(2, CaseStatus.NIA_INITIAL_REVIEW, field="digital")
    s3 = _supplement_due(
        later,
        actor,
        due=today + dt.timedelta(days=20),
        rule=DeadlineRule.DAYS_30,
        requesting_body=RequestingBody.NIA_INITIAL,
        assignee=actor,
    )
    c3 = services.comment_add(
        supplement=s3,
        actor=actor,
        tab=PlatformTab.PASSPORT,
        text="護照效期不足六個月，請上傳新護照資料頁。",
    )
    item3 = services.item_add(
        supplement=s3,
        actor=actor,
        kind=ItemKind.DOCUMENT,
        comment=c3,
        description="New passport data page (新護照資料頁)",
        waits_on=Party.APPLICANT,
    )
    passport3 = services.document_add(
        supplement=s3,
        actor=actor,
        item=item3,
        comment=c3,
        data=_pdf("New passport data page"),
        name="passport-new.pdf",
    )
    services.document_approve(document=passport3, actor=actor)  # done once approved
    services.comment_resolve(
        comment=c3,
        actor=actor,
        corrected_value="TK9876543",
        resolution="New passport uploaded; number corrected",
    )
    services.supplement_set_reply(
        supplement=s3, actor=actor, reply="您好：已更新護照資料並上傳新護照資料頁，謝謝。"
    )

    done = new_case(3, CaseStatus.NIA_INITIAL_REVIEW, field="finance")
    s4 = _supplement_due(
        done,
        actor,
        due=today + dt.timedelta(days=10),
        rule=DeadlineRule.DAYS_30,
        requesting_body=RequestingBody.NIA_INITIAL,
        assignee=actor,
    )
    c4 = services.comment_add(
        supplement=s4,
        actor=actor,
        tab=PlatformTab.BASIC,
        text="請更正出生地點(市/州)。",
        field_label="出生地點(市/州)",
    )
    services.comment_resolve(comment=c4, actor=actor, corrected_value="Hamburg")
    services.supplement_set_reply(supplement=s4, actor=actor, reply="已更正出生地點，謝謝。")
    services.supplement_submit(
        supplement=s4, actor=actor, submitted_at=timezone.now() - dt.timedelta(days=1)
    )

    # Documents from abroad: six months, on the employer-less applicant.
    abroad = new_case(4, CaseStatus.QUALIFICATION_REVIEW, field="culture-arts")
    s5 = services.supplement_create(
        case=abroad,
        actor=actor,
        requesting_body=RequestingBody.COMPETENT_AUTHORITY,
        authority_code="MOC",
        notice_date=today - dt.timedelta(days=10),
        rule=DeadlineRule.MONTHS_6,
    )
    services.item_add(
        supplement=s5,
        actor=actor,
        kind=ItemKind.DOCUMENT,
        description="Award certificate, apostilled (得獎證明)",
        waits_on=Party.APPLICANT,
    )

    # A case in every other status of the lifecycle.
    covered = {CaseStatus.SUPPLEMENT_REQUESTED}
    for index, status in enumerate(CaseStatus.values):
        if status in covered:
            continue
        new_case(index, status, kind=CaseKind.EXTENSION if status == "approved" else CaseKind.NEW)

    portfolio = demo_portfolio.add(
        today=today,
        users=users,
        agency=agency,
        acme=acme,
        globex=globex,
        tools=demo_portfolio.Tools(walk=_walk, supplement_due=_supplement_due, pdf=_pdf),
    )
    return {
        "created": True,
        "users": users,
        "supplements": [s1.pk, s2.pk, s3.pk, s4.pk, s5.pk],
        "portfolio": portfolio,
    }
