"""The demo's practice around the journeys (cases/demo.py): a second agency working some of Acme's
cases, a dozen client employers, ~40 open supplements in every state of readiness with deadlines
from overdue to months away, and the tutorial's own case (申請案號 112551035430, waiting for the
notice of journey 2). Deterministic: the same data on every machine, dated relative to today.
"""

from __future__ import annotations

import datetime as dt

from accounts.models import (
    AgencyClient,
    Applicant,
    Authorisation,
    Employment,
    Membership,
    Organization,
    OrganizationKind,
    Role,
)
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
from cases.models import Case, FieldOfExpertise, SupplementRequest

SECOND_AGENCY = "Harbour Mobility Consultants"
TUTORIAL_NUMBER = "112551035430"
TUTORIAL_PASSPORT = "A12345678"

# Client employers (English, Chinese, a unified business number with a valid checksum).
EMPLOYERS = (
    ("Lumen Optics", "流明光學股份有限公司", "24510968"),
    ("Nordwind Energy", "北風能源股份有限公司", "24546614"),
    ("Kestrel Robotics", "紅隼機器人股份有限公司", "24564437"),
    ("Saffron Biotech", "番紅花生技股份有限公司", "24617906"),
    ("Tidewater Finance", "潮汐金融股份有限公司", "24628874"),
    ("Cobalt Games", "鈷藍遊戲股份有限公司", "24638471"),
    ("Jade Mountain Design", "玉山設計有限公司", "24656294"),
    ("Orchid Semiconductor", "蘭花半導體股份有限公司", "24663149"),
    ("Pinecone Education", "松果教育股份有限公司", "24709763"),
    ("Vermilion Architecture", "朱紅建築師事務所", "24716618"),
)

# Applicants of the client employers: (family, given, Chinese, nationality, time zone).
PEOPLE = (
    ("Novak", "Tomas", "諾瓦克", "CZ", "Europe/Prague"),
    ("Silva", "Ana", "席爾瓦", "BR", "America/Sao_Paulo"),
    ("Kim", "Minji", "金敏智", "KR", "Asia/Seoul"),
    ("Okafor", "Chidi", "奧卡佛", "NG", "Africa/Lagos"),
    ("Larsen", "Ingrid", "拉森", "NO", "Europe/Oslo"),
    ("Nguyen", "Thi Lan", "阮氏蘭", "VN", "Asia/Ho_Chi_Minh"),
    ("Rossi", "Marco", "羅西", "IT", "Europe/Rome"),
    ("Haddad", "Layla", "哈達德", "LB", "Asia/Beirut"),
    ("O'Brien", "Siobhan", "歐布萊恩", "IE", "Europe/Dublin"),
    ("Santos", "Miguel", "桑托斯", "PH", "Asia/Manila"),
    ("Kowalski", "Piotr", "柯瓦斯基", "PL", "Europe/Warsaw"),
    ("Yamamoto", "Ren", "山本蓮", "JP", "Asia/Tokyo"),
    ("Fischer", "Anna", "費雪", "AT", "Europe/Vienna"),
    ("Ahmed", "Omar", "艾哈邁德", "EG", "Africa/Cairo"),
    ("Walker", "Emily", "沃克", "AU", "Australia/Sydney"),
    ("Petrov", "Ivan", "彼得羅夫", "BG", "Europe/Sofia"),
    ("Chandra", "Dewi", "禪德拉", "ID", "Asia/Jakarta"),
    ("Moreau", "Julien", "莫羅", "FR", "Europe/Paris"),
    ("Singh", "Arjun", "辛格", "IN", "Asia/Kolkata"),
    ("Garcia", "Lucia", "賈西亞", "ES", "Europe/Madrid"),
    ("Brown", "Oliver", "布朗", "GB", "Europe/London"),
    ("Tanaka", "Hiro", "田中廣", "JP", "Asia/Tokyo"),
    ("Mensah", "Kwame", "門薩", "GH", "Africa/Accra"),
    ("Ivanova", "Elena", "伊凡諾娃", "BG", "Europe/Sofia"),
    ("Lee", "Daniel", "李丹尼", "CA", "America/Toronto"),
    ("Schmidt", "Paul", "施密特", "DE", "Europe/Berlin"),
    ("Ali", "Sara", "阿里", "PK", "Asia/Karachi"),
    ("Costa", "Beatriz", "科斯塔", "PT", "Europe/Lisbon"),
    ("Wong", "Kelvin", "黃凱文", "MY", "Asia/Kuala_Lumpur"),
    ("Berg", "Johan", "貝里", "SE", "Europe/Stockholm"),
    ("Reyes", "Camila", "雷耶斯", "MX", "America/Mexico_City"),
    ("Adeyemi", "Tola", "阿德耶米", "NG", "Africa/Lagos"),
    ("Murphy", "Sean", "墨菲", "US", "America/New_York"),
    ("Sato", "Yui", "佐藤結衣", "JP", "Asia/Tokyo"),
)

# Days from today to each open supplement's deadline: a few overdue, a busy fortnight, a long tail
# of six-month rounds (documents from abroad).
DUE_IN = (
    -4, -1, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 18,
    20, 22, 24, 26, 27, 28, 29, 30, 45, 70, 95, 120, 150, 170,
)  # fmt: skip

COMMENTS = (
    (
        PlatformTab.BASIC,
        "英文姓名與護照不符，請更正。",
        "英文名字",
        "Given name as in the passport",
    ),
    (PlatformTab.PASSPORT, "護照影本模糊，請重新上傳清晰之護照資料頁。", "", ""),
    (PlatformTab.FIELD, "請補充專業能力證明文件（推薦信或獲獎證明）。", "", ""),
    (PlatformTab.UPLOAD, "請補附在職證明及近一年薪資證明。", "", ""),
    (PlatformTab.RESIDENCE, "居留地址不完整，請補正。", "居留地址", "Full residence address"),
    (PlatformTab.VISA, "繳驗護照資料有誤，請確認。", "護照效期", "Passport expiry date"),
)
DOCUMENTS = (
    ("Passport data page (護照資料頁)", Party.APPLICANT),
    ("Employment certificate (在職證明)", Party.EMPLOYER),
    ("Recommendation letter (推薦信)", Party.APPLICANT),
    ("Salary proof, last 12 months (薪資證明)", Party.EMPLOYER),
    ("Degree certificate (學歷證明)", Party.APPLICANT),
)
REVIEW_STAGES = (
    (CaseStatus.NIA_INITIAL_REVIEW, RequestingBody.NIA_INITIAL),
    (CaseStatus.QUALIFICATION_REVIEW, RequestingBody.WDA),
    (CaseStatus.NIA_FINAL_REVIEW, RequestingBody.NIA_FINAL),
    (CaseStatus.QUALIFICATION_REVIEW, RequestingBody.COMPETENT_AUTHORITY),
)
FIELD_CODES = ("science-technology", "economy", "digital", "finance", "education", "culture-arts")


def add(
    *, today: dt.date, users: dict, agency: Organization, acme: Organization, globex: Organization
) -> dict:
    second = Organization.objects.create(
        kind=OrganizationKind.AGENCY,
        name=SECOND_AGENCY,
        name_zh="港灣移民顧問有限公司",
        licence_number="移字第000456號",
        email="desk@harbour-mobility.example",
    )
    Membership.objects.create(
        user=users["agency2-admin"], organization=second, role=Role.AGENCY_ADMIN
    )
    employers = [acme, globex] + [
        Organization.objects.create(
            kind=OrganizationKind.EMPLOYER,
            name=name,
            name_zh=name_zh,
            tax_id=tax_id,
            email=f"hr@{name.split()[0].lower()}.example",
        )
        for name, name_zh, tax_id in EMPLOYERS
    ]
    fields = {field.code: field for field in FieldOfExpertise.objects.all()}
    staff = {agency.pk: users["agency-staff"], second.pk: users["agency2-admin"]}
    numbers = iter(range(115551036001, 115551036999))

    def open_case(applicant, employer, firm, index: int, status: str) -> Case:
        case = services.case_create(
            actor=staff[firm.pk],
            applicant=applicant,
            kind=CaseKind.NEW if index % 5 else CaseKind.EXTENSION,
            channel=Channel.AGENCY,
            agency=firm,
            employer=employer,
            field=fields.get(FIELD_CODES[index % len(FIELD_CODES)]),
            application_number=str(next(numbers)),
            applied_on=today - dt.timedelta(days=60 + index),
            collection_station="臺北市服務站",
        )
        walk(case, status, staff[firm.pk], today - dt.timedelta(days=60 + index))
        return case

    supplements = []
    for index, (family, given, name_zh, nationality, zone) in enumerate(PEOPLE):
        employer = employers[index % len(employers)]
        # Harbour works some of Acme's cases (journey 4: HR sees both agencies) and a few others.
        firm = second if employer == acme or index % 7 == 3 else agency
        applicant = _applicant(index, family, given, name_zh, nationality, zone, today)
        Employment.objects.create(
            applicant=applicant,
            employer=employer,
            job_title="Engineer",
            monthly_salary_twd=160_000 + 5_000 * (index % 6),
            start_date=today - dt.timedelta(days=200 + 10 * index),
        )
        _authorise(applicant, firm, today)
        status, body = REVIEW_STAGES[index % len(REVIEW_STAGES)]
        case = open_case(applicant, employer, firm, index, status)
        due = today + dt.timedelta(days=DUE_IN[index % len(DUE_IN)])
        rule = (
            DeadlineRule.DAYS_30 if due - today <= dt.timedelta(days=30) else DeadlineRule.MONTHS_6
        )
        supplement = supplement_due(case, staff[firm.pk], due=due, rule=rule, requesting_body=body)
        _fill(supplement, staff[firm.pk], index)
        supplements.append(supplement.pk)

    tutorial = _tutorial_case(agency, users["agency-staff"], fields, today)
    _clients(agency, second, employers, users)
    request = _hr_request(users["hr-acme"], acme, agency)
    return {
        "agency": second,
        "supplements": supplements,
        "tutorial_case": tutorial,
        "case_request": request,
    }


def _clients(agency, second, employers, users) -> None:
    """Each agency's client employers: those its cases are for (Acme is a client of both)."""
    for firm, creator in ((agency, users["agency-admin"]), (second, users["agency2-admin"])):
        served = Organization.objects.filter(employer_cases__agency=firm).distinct()
        for employer in served:
            AgencyClient.objects.create(
                agency=firm,
                employer=employer,
                contact_name=f"HR desk, {employer.name}",
                contact_email=employer.email,
                contact_phone="+886 2 2345 6789",
                created_by=creator,
            )


def _hr_request(hr, acme: Organization, agency: Organization):
    """Acme's HR asks the agency for an extension (延期) for an employee: it waits on the agency."""
    employee = Applicant.objects.filter(employments__employer=acme, user__isnull=True).order_by(
        "passport_number"
    )[0]
    return services.case_request_create(
        actor=hr,
        employer=acme,
        agency=agency,
        applicant=employee,
        kind=CaseKind.EXTENSION,
        note="The card expires in March; please prepare the extension (延期).",
    )


def _applicant(index, family, given, name_zh, nationality, zone, today) -> Applicant:
    return Applicant.objects.create(
        family_name_en=family,
        given_name_en=given,
        name_zh=name_zh,
        passport_number=f"DEMO{2001 + index}",
        nationality=nationality,
        email=f"{given.split()[0].lower()}.{family.lower().replace(chr(39), '')}@example.com",
        passport_expiry=today + dt.timedelta(days=150 + 40 * index),
        date_of_birth=dt.date(1980 + index % 15, 1 + index % 12, 1 + index % 27),
        time_zone=zone,
    )


def _authorise(applicant: Applicant, firm: Organization, today: dt.date) -> None:
    Authorisation.objects.create(
        applicant=applicant,
        agency=firm,
        signed_on=today - dt.timedelta(days=90),
        valid_from=today - dt.timedelta(days=90),
        valid_until=today + dt.timedelta(days=640),
    )


def _fill(supplement: SupplementRequest, actor, index: int) -> None:
    """Vary readiness: 0 nothing done, 1 ready to file, 2 waiting on HR, 3 only the reply left."""
    tab, text, field_label, corrected = COMMENTS[index % len(COMMENTS)]
    description, waits_on = DOCUMENTS[index % len(DOCUMENTS)]
    comment = services.comment_add(
        supplement=supplement, actor=actor, tab=tab, text=text, field_label=field_label
    )
    item = services.item_add(
        supplement=supplement,
        actor=actor,
        kind=ItemKind.DOCUMENT,
        comment=comment,
        description=description,
        waits_on=waits_on,
    )
    variant = index % 4
    if variant == 2:
        services.item_add(
            supplement=supplement,
            actor=actor,
            kind=ItemKind.DOCUMENT,
            description="Employment certificate (在職證明)",
            waits_on=Party.EMPLOYER,
        )
    if variant in (1, 3):
        document = services.document_add(
            supplement=supplement,
            actor=actor,
            item=item,
            comment=comment,
            data=pdf(description),
            name=f"{description.split(' (')[0].lower().replace(' ', '-').replace(',', '')}.pdf",
        )
        services.document_approve(document=document, actor=actor)  # done once approved
        services.comment_resolve(
            comment=comment,
            actor=actor,
            corrected_value=corrected,
            resolution="" if corrected else "Document uploaded",
        )
    if variant == 1:
        services.supplement_set_reply(
            supplement=supplement, actor=actor, reply="您好：已依審核意見補正並上傳文件，謝謝。"
        )


def _tutorial_case(agency, actor, fields, today: dt.date) -> Case:
    """Ethan Hunt's case from the NIA's tutorial, at the initial review, with no supplement yet:
    journey 2 starts when its notice arrives."""
    applicant = Applicant.objects.create(
        family_name_en="HUNT",
        given_name_en="ETHANOOOO",
        name_zh="呂建毅",
        passport_number=TUTORIAL_PASSPORT,
        nationality="ID",
        email="ethan.hunt@example.com",
        date_of_birth=dt.date(1992, 5, 3),
        passport_expiry=today + dt.timedelta(days=1200),
        time_zone="Asia/Jakarta",
    )
    _authorise(applicant, agency, today)
    case = services.case_create(
        actor=actor,
        applicant=applicant,
        kind=CaseKind.NEW,
        channel=Channel.AGENCY,
        agency=agency,
        field=fields.get("science-technology"),
        application_number=TUTORIAL_NUMBER,
        applied_on=today - dt.timedelta(days=40),
        collection_station="彰化縣服務站",
    )
    walk(case, CaseStatus.NIA_INITIAL_REVIEW, actor, today - dt.timedelta(days=40))
    return case
