"""The demo's journeys (guide: journeys.md): Formosa's applicants at Acme and Globex, a case in
every status, and the supplements the journeys start from: overdue, due in 3 days, due in 20 days,
six months for documents from abroad, and one already submitted."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Applicant, Authorisation, Employment, Organization
from cases import services
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
from cases.demo_tools import pdf, supplement_due, walk
from cases.models import Case, FieldOfExpertise


def add(
    *, today: dt.date, users: dict, agency: Organization, acme: Organization, globex: Organization
) -> list[int]:
    """The journeys' rows; returns the five supplements' ids."""
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
        walk(case, status, actor, today - dt.timedelta(days=90))
        return case

    # The four supplements the journeys start from.
    overdue = new_case(0, CaseStatus.NIA_INITIAL_REVIEW)
    s1 = supplement_due(
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
    s2 = supplement_due(
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
    s3 = supplement_due(
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
        data=pdf("New passport data page"),
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
    s4 = supplement_due(
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

    return [s1.pk, s2.pk, s3.pk, s4.pk, s5.pk]
