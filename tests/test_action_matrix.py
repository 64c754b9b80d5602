"""Every write action × persona × case, through the page and through the API.

Each cell (`test_same_answer[<action>-<persona>-<case>]`) builds a small world with factories,
runs the action once through the page (Django test client, a logged-in session, the form POST the
page sends) and once through the API (DRF, a real API token), each inside a transaction that is
rolled back afterwards so both surfaces start from the same rows, and asserts:

(a) both surfaces give the same outcome;
(b) the outcome is the one the rule table below gives (allowed / 403 / 404), computed from the
    persona's standing on the case and the case's channel, never typed in by hand;
(c) a refused action (403 or 404) changed nothing: the case, its supplements, comments, items,
    documents, status history, reminders and pack jobs are the same rows before and after.

An action reported "allowed" must also have changed the rows it is about (TOUCHES): a 2xx/3xx
that did not is reported as "<status> (no change)", e.g. a form quietly rejected.

Actions with one surface only are listed in ONLY_ON_ONE_SURFACE and tested on that surface;
test_every_write_route_is_in_the_matrix fails when a page or API write route is added without a
row here (or a reason it is not a write on a case).

The rule table (the intended behaviour):

- Seeing a case: its agency's members, its employer's HR, its applicant. Everyone else: 404.
- Managing a supplement's content, adding a supplement, changing the case's details or status,
  packing: the FILING party only (the agency when the case has one; the employer's HR on an
  employer-channel case; the applicant on a self-filed case). Others who see: 403.
- Assigning: the filing party except an applicant.
- Writing internal notes: agency members only.
- Uploading: everyone who sees the case.
- Removing a document: its uploader or the filing party.
- Reminders (催件): the filing party (to a party other than its own).
- Reviewing a document: cases.documents.review.may_review.
- Attaching the notice: the agency, the employer's HR, and the applicant only when filing; removing
  the proof of submission: the filing party (issue 11 item 8).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from cases import services
from cases.choices import (
    AttachmentKind,
    CaseKind,
    Channel,
    DeadlineRule,
    DocumentReview,
    ItemKind,
    ItemState,
    Party,
    PlatformTab,
    RequestingBody,
    SupplementOutcome,
    Visibility,
)
from cases.documents.models import PackJob
from cases.documents.review import may_review
from cases.models import (
    Case,
    CaseStatusChange,
    Document,
    RequestedItem,
    ReviewerComment,
    SupplementAttachment,
    SupplementRequest,
)
from integrations.services import token_create
from notifications.models import Reminder
from tests.cases.attachment_files import screenshot_png
from tests.cases.files import pdf_bytes
from tests.factories import (
    AgencyFactory,
    ApplicantFactory,
    EmployerFactory,
    MembershipFactory,
    UserFactory,
)

ALLOWED = "allowed"
FORBIDDEN = "403"
NOT_FOUND = "404"

# --- The world, as the rule table sees it -----------------------------------------------------
# Which organisation each persona belongs to (None: the applicant, who has no organisation).
PERSONAS: dict[str, tuple[str, str] | None] = {
    "agency_staff": ("agency", "A"),
    "agency_admin": ("agency", "A"),
    "hr": ("employer", "Acme"),
    "applicant": None,
    "other_agency": ("agency", "B"),
    "other_hr": ("employer", "Globex"),
}


@dataclass(frozen=True)
class CaseSpec:
    channel: str
    agency: str | None
    employer: str | None


CASES: dict[str, CaseSpec] = {
    "agency_case": CaseSpec(Channel.AGENCY, agency="A", employer="Acme"),
    "employer_case": CaseSpec(Channel.EMPLOYER, agency="A", employer="Acme"),
    # Self-filed, no agency; the applicant works at Acme, so Acme's HR sees it without filing it.
    "self_case": CaseSpec(Channel.SELF, agency=None, employer="Acme"),
}


def party_of(persona: str, case: str) -> str | None:
    """The persona's side on the case by the rule table (None: they do not see it)."""
    spec = CASES[case]
    membership = PERSONAS[persona]
    if membership is None:
        return Party.APPLICANT  # the applicant of every case in this world
    kind, org = membership
    if kind == "agency" and org == spec.agency:
        return Party.AGENCY
    if kind == "employer" and org == spec.employer:
        return Party.EMPLOYER
    return None


def files_case(persona: str, case: str) -> bool:
    """The filing party: the agency (always, when the case has one), the employer's HR on an
    employer-channel case, the applicant on a self-filed case."""
    party = party_of(persona, case)
    channel = CASES[case].channel
    return (
        party == Party.AGENCY
        or (party == Party.EMPLOYER and channel == Channel.EMPLOYER)
        or (party == Party.APPLICANT and channel == Channel.SELF)
    )


def seen(rule: Callable[[str, str], bool]) -> Callable[[str, str], str]:
    """Expected outcome: 404 for who cannot see the case, else allowed/403 by `rule`."""

    def expected(persona: str, case: str) -> str:
        if party_of(persona, case) is None:
            return NOT_FOUND
        return ALLOWED if rule(persona, case) else FORBIDDEN

    return expected


MANAGE = seen(files_case)
ASSIGN = seen(lambda p, c: files_case(p, c) and party_of(p, c) != Party.APPLICANT)
INTERNAL_NOTES = seen(lambda p, c: party_of(p, c) == Party.AGENCY)
UPLOAD = seen(lambda p, c: True)
# The document removed was uploaded by the applicant (see `build`).
REMOVE = seen(lambda p, c: files_case(p, c) or p == "applicant")
# The notice reaches the filing party's mailbox: the applicant attaches it only on their own filing.
NOTICE = seen(lambda p, c: party_of(p, c) in (Party.AGENCY, Party.EMPLOYER) or files_case(p, c))


def review_rule(target: str) -> Callable[[str, str], str]:
    return seen(
        lambda p, c: may_review(
            party=party_of(p, c),
            manages=files_case(p, c),
            case_has_agency=CASES[c].agency is not None,
            target=target,
        )
    )


def remind_target(case: str) -> str:
    """Whom the filing party reminds: the applicant, or on a self-filed case the employer's HR."""
    return Party.EMPLOYER if CASES[case].channel == Channel.SELF else Party.APPLICANT


# --- The world, as rows ---------------------------------------------------------------------
@dataclass
class World:
    users: dict
    case: Case
    supplement: SupplementRequest  # open, with everything below
    submitted: SupplementRequest  # submitted (for recording an outcome)
    open_comment: ReviewerComment
    resolved_comment: ReviewerComment
    item: RequestedItem  # pending, waits on the applicant
    applicants_document: Document  # uploaded by the applicant
    filers_document: Document  # uploaded after it by the filing party
    extra: dict = field(default_factory=dict)


def _supplement(case, actor, days_ago=3):
    return services.supplement_create(
        case=case,
        actor=actor,
        requesting_body=RequestingBody.NIA_INITIAL,
        notice_date=timezone.localdate() - dt.timedelta(days=days_ago),
        rule=DeadlineRule.DAYS_30,
    )


def build(case_name: str) -> World:
    agency_a = AgencyFactory(name="A")
    agency_b = AgencyFactory(name="B")
    acme = EmployerFactory(name="Acme")
    globex = EmployerFactory(name="Globex")
    orgs = {"A": agency_a, "B": agency_b, "Acme": acme, "Globex": globex}
    users = {
        "agency_staff": MembershipFactory(organization=agency_a, role=Role.AGENCY_STAFF).user,
        "agency_admin": MembershipFactory(organization=agency_a, role=Role.AGENCY_ADMIN).user,
        "hr": MembershipFactory(organization=acme, role=Role.EMPLOYER_HR).user,
        "applicant": UserFactory(username="priya"),
        "other_agency": MembershipFactory(organization=agency_b, role=Role.AGENCY_STAFF).user,
        "other_hr": MembershipFactory(organization=globex, role=Role.EMPLOYER_HR).user,
    }
    applicant = ApplicantFactory(user=users["applicant"])
    spec = CASES[case_name]
    filer = {
        Channel.AGENCY: users["agency_staff"],
        Channel.EMPLOYER: users["hr"],
        Channel.SELF: users["applicant"],
    }[spec.channel]
    case = services.case_create(
        actor=None,  # set up by the system: an employer case worked by an agency has no one opener
        applicant=applicant,
        kind=CaseKind.NEW,
        channel=spec.channel,
        agency=orgs[spec.agency] if spec.agency else None,
        employer=orgs[spec.employer] if spec.employer else None,
        application_number="115551035401",
        status="nia_initial_review",
    )
    submitted = _supplement(case, filer, days_ago=20)
    services.supplement_submit(supplement=submitted, actor=filer, force=True)
    proof = services.attachment_add(
        supplement=submitted,
        actor=filer,
        kind=AttachmentKind.PROOF,
        data=screenshot_png(),
        name="done.png",
    )
    withdrawn = _supplement(case, filer, days_ago=10)
    services.supplement_withdraw(supplement=withdrawn, actor=filer)
    supplement = _supplement(case, filer)
    open_comment = services.comment_add(
        supplement=supplement, actor=filer, tab=PlatformTab.PASSPORT, text="護照影本不清楚。"
    )
    resolved_comment = services.comment_add(
        supplement=supplement, actor=filer, tab=PlatformTab.BASIC, text="英文姓名與護照不符。"
    )
    services.comment_resolve(comment=resolved_comment, actor=filer, resolution="Corrected.")
    item = services.item_add(
        supplement=supplement,
        actor=filer,
        kind=ItemKind.DOCUMENT,
        description="A clear passport copy",
        waits_on=Party.APPLICANT,
    )
    services.item_add(
        supplement=supplement,
        actor=filer,
        kind=ItemKind.DOCUMENT,
        description="Employment certificate",
        waits_on=Party.EMPLOYER,
    )
    applicants_document = services.document_add(
        supplement=supplement,
        actor=users["applicant"],
        data=pdf_bytes("applicant"),
        name="diploma.pdf",
        visibility=Visibility.ALL,
    )
    filers_document = services.document_add(
        supplement=supplement,
        actor=filer,
        data=pdf_bytes("filer"),
        name="letter.pdf",
        visibility=Visibility.ALL,
    )
    # Read from a notice by the intake (issue 13): staff confirm it.
    SupplementRequest.objects.filter(pk=supplement.pk).update(to_confirm=True)
    return World(
        users=users,
        case=case,
        supplement=SupplementRequest.objects.get(pk=supplement.pk),
        submitted=submitted,
        open_comment=open_comment,
        resolved_comment=resolved_comment,
        item=item,
        applicants_document=applicants_document,
        filers_document=filers_document,
        extra={"withdrawn": withdrawn, "proof": proof},
    )


def snapshot(world: World) -> dict:
    """Every row the actions may touch, as plain values."""
    case = world.case
    return {
        "case": list(Case.objects.filter(pk=case.pk).values()),
        "status_changes": list(CaseStatusChange.objects.filter(case=case).values()),
        "supplements": list(SupplementRequest.objects.filter(case=case).order_by("pk").values()),
        "comments": list(
            ReviewerComment.objects.filter(supplement__case=case).order_by("pk").values()
        ),
        "items": list(RequestedItem.objects.filter(supplement__case=case).order_by("pk").values()),
        "documents": list(Document.objects.filter(supplement__case=case).order_by("pk").values()),
        "reminders": list(Reminder.objects.filter(supplement__case=case).order_by("pk").values()),
        "pack_jobs": list(PackJob.objects.filter(supplement__case=case).order_by("pk").values()),
        "attachments": list(
            SupplementAttachment.objects.filter(supplement__case=case).order_by("pk").values()
        ),
    }


# --- The actions --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Request:
    method: str
    url: str
    data: dict | None = None
    multipart: bool = False  # API only; page POSTs are always form-encoded/multipart


RequestFor = Callable[[World, str], Request]


@dataclass(frozen=True)
class Action:
    name: str
    expected: Callable[[str, str], str]
    page: RequestFor | None
    api: RequestFor | None
    cases: tuple[str, ...] = tuple(CASES)


def ws(world: World, suffix: str = "") -> str:
    return f"/supplements/{world.supplement.pk}/{suffix}"


def api(path: str) -> str:
    return f"/api/v1/{path}"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(name), content_type="application/pdf")


def _assignee(world: World):
    """Someone the supplement may be assigned to: the agency's staff, or HR without an agency."""
    return world.users["agency_staff" if world.case.agency_id else "hr"]


def _catalogue_entry(world: World):
    """The first usual item of the case's agency (its default catalogue, read the first time)."""
    return services.item_catalogue(world.case.agency)[0]


def _taipei_now() -> str:
    return timezone.localtime().strftime("%Y-%m-%d %H:%M")


ACTIONS: list[Action] = [
    Action(
        "reply",
        MANAGE,
        page=lambda w, p: Request(
            "post",
            ws(w, "reply/"),
            {"reply": "回覆", "expected_version": w.supplement.reply_version},
        ),
        api=lambda w, p: Request(
            "patch",
            api(f"supplements/{w.supplement.pk}/"),
            {"reply": "回覆", "version": w.supplement.version},
        ),
    ),
    Action(
        "comment_add",
        MANAGE,
        page=lambda w, p: Request(
            "post", ws(w, "comments/"), {"tab": PlatformTab.VISA, "text": "請補簽證資料。"}
        ),
        api=lambda w, p: Request(
            "post",
            api(f"supplements/{w.supplement.pk}/comments/"),
            {"tab": PlatformTab.VISA, "text": "請補簽證資料。"},
        ),
    ),
    Action(
        "comment_resolve",
        MANAGE,
        page=lambda w, p: Request(
            "post",
            ws(w, f"comments/{w.open_comment.pk}/resolve/"),
            {"resolution": "Uploaded a new copy."},
        ),
        api=lambda w, p: Request(
            "post",
            api(f"comments/{w.open_comment.pk}/resolve/"),
            {"resolution": "Uploaded a new copy."},
        ),
    ),
    Action(
        "comment_reopen",
        MANAGE,
        page=lambda w, p: Request("post", ws(w, f"comments/{w.resolved_comment.pk}/reopen/")),
        api=lambda w, p: Request("post", api(f"comments/{w.resolved_comment.pk}/reopen/")),
    ),
    Action(
        "item_add",
        MANAGE,
        page=lambda w, p: Request(
            "post",
            ws(w, "items/"),
            {"kind": ItemKind.CORRECTION, "description": "Fix the name", "waits_on": "agency"},
        ),
        api=lambda w, p: Request(
            "post",
            api(f"supplements/{w.supplement.pk}/items/"),
            {"kind": ItemKind.CORRECTION, "description": "Fix the name", "waits_on": "agency"},
        ),
    ),
    # One click from the agency's catalogue of usual items (page only). A case without an agency
    # has no catalogue, so the self-filed case is not a cell here.
    Action(
        "catalogue_item_add",
        MANAGE,
        page=lambda w, p: Request(
            "post", ws(w, "items/catalogue/"), {"template": _catalogue_entry(w).pk}
        ),
        api=None,
        cases=("agency_case", "employer_case"),
    ),
    Action(
        "item_state",
        MANAGE,
        page=lambda w, p: Request(
            "post", ws(w, f"items/{w.item.pk}/state/"), {"state": ItemState.NOT_NEEDED}
        ),
        api=lambda w, p: Request(
            "patch", api(f"items/{w.item.pk}/"), {"state": ItemState.NOT_NEEDED}
        ),
    ),
    Action(
        "override_deadline",
        MANAGE,
        page=lambda w, p: Request(
            "post",
            ws(w, "deadline/"),
            {
                "deadline": (w.supplement.deadline + dt.timedelta(days=7)).isoformat(),
                "reason": "The notice prints a later date.",
            },
        ),
        api=lambda w, p: Request(
            "post",
            api(f"supplements/{w.supplement.pk}/deadline/"),
            {
                "deadline": (w.supplement.deadline + dt.timedelta(days=7)).isoformat(),
                "reason": "The notice prints a later date.",
            },
        ),
    ),
    Action(
        "submit",
        MANAGE,
        page=lambda w, p: Request(
            "post",
            ws(w, "submit/"),
            {"confirm": "on", "submitted_at": _taipei_now(), "force": "on"},
        ),
        api=lambda w, p: Request(
            "post", api(f"supplements/{w.supplement.pk}/submit/"), {"force": True}
        ),
    ),
    Action(
        "confirm_notice",
        MANAGE,
        page=lambda w, p: Request("post", ws(w, "confirm-notice/")),
        api=lambda w, p: Request("post", api(f"supplements/{w.supplement.pk}/confirm-notice/"), {}),
    ),
    Action(
        "withdraw",
        MANAGE,
        page=lambda w, p: Request("post", ws(w, "withdraw/")),
        api=lambda w, p: Request("post", api(f"supplements/{w.supplement.pk}/withdraw/")),
    ),
    Action(
        "reopen",
        MANAGE,
        page=lambda w, p: Request("post", f"/supplements/{w.extra['withdrawn'].pk}/reopen/"),
        api=lambda w, p: Request("post", api(f"supplements/{w.extra['withdrawn'].pk}/reopen/")),
    ),
    Action(
        "record_outcome",
        MANAGE,
        page=lambda w, p: Request(
            "post",
            f"/supplements/{w.submitted.pk}/outcome/",
            {"outcome": SupplementOutcome.ACCEPTED},
        ),
        api=lambda w, p: Request(
            "post",
            api(f"supplements/{w.submitted.pk}/outcome/"),
            {"outcome": SupplementOutcome.ACCEPTED},
        ),
    ),
    Action(
        "reorder_documents",
        MANAGE,
        page=lambda w, p: Request(
            "post", ws(w, f"documents/{w.filers_document.pk}/move/"), {"direction": "up"}
        ),
        api=lambda w, p: Request(
            "post",
            api(f"supplements/{w.supplement.pk}/documents/order/"),
            {"order": [w.filers_document.pk, w.applicants_document.pk]},
        ),
    ),
    Action(
        "supplement_add",
        MANAGE,
        page=lambda w, p: Request(
            "post",
            f"/cases/{w.case.pk}/supplements/new/",
            {
                "requesting_body": RequestingBody.NIA_FINAL,
                "notice_date": timezone.localdate().isoformat(),
                "rule": DeadlineRule.DAYS_30,
            },
        ),
        api=lambda w, p: Request(
            "post",
            api("supplements/"),
            {
                "case": w.case.pk,
                "requesting_body": RequestingBody.NIA_FINAL,
                "notice_date": timezone.localdate().isoformat(),
                "rule": DeadlineRule.DAYS_30,
            },
        ),
    ),
    Action(
        "case_details",
        MANAGE,
        page=lambda w, p: Request(
            "post",
            f"/cases/{w.case.pk}/details/",
            {"kind": CaseKind.NEW, "applying_from": "domestic", "collection_station": "Taipei"},
        ),
        api=lambda w, p: Request(
            "patch", api(f"cases/{w.case.pk}/"), {"collection_station": "Taipei"}
        ),
    ),
    Action(
        "case_status",
        MANAGE,
        page=lambda w, p: Request(
            "post",
            f"/cases/{w.case.pk}/status/",
            {"status": "qualification_review", "happened_on": timezone.localdate().isoformat()},
        ),
        api=lambda w, p: Request(
            "post", api(f"cases/{w.case.pk}/transition/"), {"status": "qualification_review"}
        ),
    ),
    Action(
        "internal_notes",
        INTERNAL_NOTES,
        page=lambda w, p: Request(
            "post", f"/cases/{w.case.pk}/notes/", {"internal_notes": "Call the client Monday."}
        ),
        api=lambda w, p: Request(
            "patch", api(f"cases/{w.case.pk}/"), {"internal_notes": "Call the client Monday."}
        ),
    ),
    Action(
        "pack",
        MANAGE,
        page=lambda w, p: Request("post", ws(w, "pack/")),
        api=lambda w, p: Request("post", api(f"supplements/{w.supplement.pk}/upload-set/")),
    ),
    Action(
        "pin_document",
        MANAGE,  # the packing party's choice, like packing (cases.tenancy.check_can_pack)
        page=lambda w, p: Request(
            "post", ws(w, f"documents/{w.applicants_document.pk}/pin/"), {"pinned": "1"}
        ),
        api=lambda w, p: Request(
            "post", api(f"documents/{w.applicants_document.pk}/pin/"), {"pinned": True}
        ),
    ),
    Action(
        "rotate_page",
        MANAGE,  # the packing party's choice, like pinning
        page=lambda w, p: Request(
            "post",
            ws(w, f"documents/{w.applicants_document.pk}/rotate/"),
            {"page": 1, "degrees": 90},
        ),
        api=lambda w, p: Request(
            "post", api(f"documents/{w.applicants_document.pk}/rotate/"), {"page": 1}
        ),
    ),
    Action(
        "assign",
        ASSIGN,
        page=lambda w, p: Request("post", ws(w, "assign/"), {"assignee": _assignee(w).pk}),
        api=lambda w, p: Request(
            "patch", api(f"supplements/{w.supplement.pk}/"), {"assignee": _assignee(w).pk}
        ),
    ),
    Action(
        "upload",
        UPLOAD,
        page=lambda w, p: Request(
            "post",
            ws(w, "documents/"),
            {"file": _pdf(f"page-{p}.pdf"), "visibility": Visibility.ALL},
        ),
        api=lambda w, p: Request(
            "post",
            api(f"supplements/{w.supplement.pk}/documents/"),
            {"file": _pdf(f"api-{p}.pdf"), "visibility": Visibility.ALL},
            multipart=True,
        ),
    ),
    Action(
        "remove_document",
        REMOVE,
        page=lambda w, p: Request("post", ws(w, f"documents/{w.applicants_document.pk}/remove/")),
        api=lambda w, p: Request("delete", api(f"documents/{w.applicants_document.pk}/")),
    ),
    Action(
        "remind",
        MANAGE,
        page=lambda w, p: Request(
            "post", ws(w, "remind/"), {"party": remind_target(w.extra["case_name"])}
        ),
        api=lambda w, p: Request(
            "post",
            api(f"supplements/{w.supplement.pk}/reminders/"),
            {"party": remind_target(w.extra["case_name"])},
        ),
    ),
    Action(
        "attachment_add",
        NOTICE,
        page=lambda w, p: Request(
            "post", ws(w, "attachments/"), {"kind": AttachmentKind.NOTICE, "file": _pdf("n.pdf")}
        ),
        api=lambda w, p: Request(
            "post",
            api(f"supplements/{w.supplement.pk}/attachments/"),
            {"kind": AttachmentKind.NOTICE, "file": _pdf("n.pdf")},
            multipart=True,
        ),
    ),
    Action(
        "attachment_remove",
        MANAGE,  # the proof, on the submitted supplement: the filing party, at any time
        page=lambda w, p: Request(
            "post", f"/supplements/{w.submitted.pk}/attachments/{w.extra['proof'].pk}/remove/"
        ),
        api=lambda w, p: Request("delete", api(f"attachments/{w.extra['proof'].pk}/")),
    ),
    *[
        Action(
            f"review_{decision}",
            review_rule(decision),
            page=lambda w, p, verb=verb: Request(
                "post",
                ws(w, f"documents/{w.applicants_document.pk}/review/"),
                {"action": verb, "note": "Blurry scan."},
            ),
            api=lambda w, p, decision=decision: Request(
                "post",
                api(f"documents/{w.applicants_document.pk}/review/"),
                {"decision": decision, "note": "Blurry scan."},
            ),
        )
        for decision, verb in [
            (DocumentReview.CHECKED, "check"),
            (DocumentReview.APPROVED, "approve"),
            (DocumentReview.REJECTED, "reject"),
        ]
    ],
]

# Actions with no page (or no API) to run them: only the other surface is tested.
ONLY_ON_ONE_SURFACE = {
    # A batch form on the dashboard; the API assigns one supplement at a time (the `assign` row
    # above). Tested on its own in test_bulk_assign_follows_the_assign_rule.
    "bulk_assign": "no API (page only: POST /dashboard/assign/)",
    # The API adds items with their text (`item_add`); the catalogue is the page's shortcut.
    "catalogue_item_add": "no API (page only: POST /supplements/<id>/items/catalogue/)",
}
assert {a.name for a in ACTIONS if a.page is None or a.api is None} == set(ONLY_ON_ONE_SURFACE) - {
    "bulk_assign"
}

# One test per action and case; inside it, every persona against the same world (each request
# is rolled back), since building the world is most of the cost. A failure lists every cell.
GROUPS = [
    pytest.param(action, case, id=f"{action.name}-{case}")
    for action in ACTIONS
    for case in action.cases
]


# --- Running one action -------------------------------------------------------------------------
# The rows an allowed action must change (beyond them, e.g. the supplement's version, may move).
TOUCHES = {
    "reply": "supplements",
    "comment_add": "comments",
    "comment_resolve": "comments",
    "comment_reopen": "comments",
    "item_add": "items",
    "catalogue_item_add": "items",
    "item_state": "items",
    "override_deadline": "supplements",
    "submit": "supplements",
    "withdraw": "supplements",
    "confirm_notice": "supplements",
    "reopen": "supplements",
    "record_outcome": "supplements",
    "reorder_documents": "documents",
    "supplement_add": "supplements",
    "case_details": "case",
    "case_status": "status_changes",
    "internal_notes": "case",
    "pack": "pack_jobs",
    "pin_document": "documents",
    "rotate_page": "documents",
    "assign": "supplements",
    "bulk_assign": "supplements",
    "upload": "documents",
    "remove_document": "documents",
    "remind": "reminders",
    "review_checked": "documents",
    "review_approved": "documents",
    "review_rejected": "documents",
    "attachment_add": "attachments",
    "attachment_remove": "attachments",
}


def outcome_of(status: int, changed: set[str], touches: str, body: str = "") -> str:
    """allowed / 403 / 404, or what else happened (a success that did not do the action, an error
    status). A request body naming a case the sender cannot see answers the API's 400
    `does_not_exist`, exactly as for an id that does not exist: that is its "404" (no leak)."""
    if status in (403, 404):
        return str(status)
    if status == 400 and '"code":"does_not_exist"' in body and '"field":"case"' in body:
        return "404"
    if status < 400:
        if touches in changed:
            return ALLOWED
        return f"{status} (changed {sorted(changed)})" if changed else f"{status} (no change)"
    return str(status)


@dataclass
class Result:
    status: int
    outcome: str
    changed: dict
    body: str = ""


def run(world: World, send: Callable[[], object], touches: str) -> Result:
    """Send the request inside a transaction rolled back afterwards: the other surface then starts
    from the same rows."""
    before = snapshot(world)
    with transaction.atomic():
        response = send()
        after = snapshot(world)
        transaction.set_rollback(True)
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    body = ""
    if response.status_code >= 400 and "json" in response.get("Content-Type", ""):
        body = " ".join(response.content.decode(errors="replace").split())[:200]
    return Result(
        response.status_code,
        outcome_of(response.status_code, set(changed), touches, body),
        changed,
        body,
    )


def send_page(world: World, persona: str, request: Request):
    client = Client()
    client.force_login(world.users[persona])
    return getattr(client, request.method)(request.url, request.data or {})


def send_api(world: World, persona: str, request: Request):
    _token, key = token_create(user=world.users[persona], name="matrix")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    fmt = "multipart" if request.multipart else "json"
    return getattr(client, request.method)(request.url, request.data, format=fmt)


@pytest.fixture
def quiet_world(db, settings):
    """No automatic packing after document changes, so "pack now" has something to do; fresh
    throttle counters."""
    settings.UPLOAD_SET_AUTO_PACK = False
    cache.clear()
    yield
    cache.clear()


def check_cell(world: World, action: Action, persona: str, case: str) -> str | None:
    """One cell: the page and the API as `persona`; None when both give the rule table's answer
    and a refusal changed nothing, else what happened."""
    expected = action.expected(persona, case)
    results: dict[str, Result] = {}
    if action.page is not None:
        results["page"] = run(
            world,
            lambda: send_page(world, persona, action.page(world, persona)),
            TOUCHES[action.name],
        )
    if action.api is not None:
        results["api"] = run(
            world,
            lambda: send_api(world, persona, action.api(world, persona)),
            TOUCHES[action.name],
        )
    summary = f"{action.name} as {persona} on {case}: expected {expected}; " + "; ".join(
        f"{surface} {result.outcome} (HTTP {result.status}) {result.body}"
        for surface, result in results.items()
    )
    # (c) Refused: nothing changed, on either surface.
    for surface, result in results.items():
        if result.status in (403, 404) and result.changed:
            return f"{summary}\n{surface} refused but changed {result.changed}"
    # (a) Both surfaces agree, (b) with the rule table.
    if {result.outcome for result in results.values()} != {expected}:
        return summary
    return None


@pytest.mark.parametrize(("action", "case"), GROUPS)
def test_same_answer(quiet_world, action: Action, case: str):
    world = build(case)
    world.extra["case_name"] = case
    problems = [
        problem
        for persona in PERSONAS
        if (problem := check_cell(world, action, persona, case)) is not None
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", [pytest.param(c, id=f"bulk_assign-{c}") for c in CASES])
def test_bulk_assign_follows_the_assign_rule(quiet_world, case: str):
    """The dashboard's batch assign (page only) assigns exactly where `assign` is allowed. A
    batch answers for many supplements at once (a redirect with a message, or 403 for a person
    the dashboard is not for), so only the effect is compared: changed iff allowed."""
    world = build(case)
    problems = []
    for persona in PERSONAS:
        # The dashboard is the agency's page (HR and applicants have their own portals, 403
        # here): through it, the assign rule for agency members.
        is_agency_member = (PERSONAS[persona] or ("", ""))[0] == "agency"
        expected = ASSIGN(persona, case) if is_agency_member else FORBIDDEN
        request = Request(
            "post",
            "/dashboard/assign/",
            {"bulk-supplements": [world.supplement.pk], "bulk-assignee": _assignee(world).pk},
        )
        result = run(
            world,
            lambda persona=persona, request=request: send_page(world, persona, request),
            TOUCHES["bulk_assign"],
        )
        if expected == ALLOWED:
            ok = (result.status, result.outcome) == (302, ALLOWED)
        else:
            ok = result.status in (302, 403, 404) and not result.changed
        if not ok:
            problems.append(
                f"bulk_assign as {persona} on {case}: expected {expected}; "
                f"page HTTP {result.status}, changed: {sorted(result.changed)}"
            )
    assert not problems, "\n".join(problems)


# --- Every write route is in the matrix (or is not a write on a case) ------------------------------
# Page routes (web/urls.py, namespace "web") → the action above.
PAGE_ROUTES = {
    "reply": "reply",
    "comment_add": "comment_add",
    "comment_resolve": "comment_resolve",
    "comment_reopen": "comment_reopen",
    "item_add": "item_add",
    "catalogue_item_add": "catalogue_item_add",
    "item_state": "item_state",
    "assign": "assign",
    "override_deadline": "override_deadline",
    "upload": "upload",
    "document_remove": "remove_document",
    "document_move": "reorder_documents",
    "document_review": ("review_checked", "review_approved", "review_rejected"),
    "pack": "pack",
    "document_pin": "pin_document",
    "document_rotate": "rotate_page",
    "submit": "submit",
    "remind": "remind",
    "supplement_new": "supplement_add",
    "withdraw": "withdraw",
    "reopen": "reopen",
    "outcome": "record_outcome",
    "case_details": "case_details",
    "case_status": "case_status",
    "case_notes": "internal_notes",
    "bulk_assign": "bulk_assign",
    "attachment_add": "attachment_add",
    "attachment_remove": "attachment_remove",
    "supplement_confirm_notice": "confirm_notice",
}
# Pages that change nothing on a case: reads, exports, previews, or organisation-level work.
PAGE_NOT_CASE_WRITES = {
    "nothing",
    "dashboard",
    "export",
    "calendar",
    "invite",  # invitations: organisation membership, not a case
    "applicant_import",  # creates applicants, not a write on an existing case
    "applicant_import_template",
    "hr",
    "applicant",
    "cases",
    "case_export",  # reads the list
    "reports",  # the reports pages and their exports: reads (tests/reports/)
    "reports_export",
    "hr_reports",
    "hr_reports_export",
    "case_new",  # opens a case: tested in tests/web/test_case_pages.py
    "case",
    "deadline_preview",
    "workspace",
    "sheet",
    "pack_progress",
    "attachment_download",  # reads a notice or proof after the access check
    # Case requests: their own rule (the asking employer, the asked agency; accepting opens a new
    # case), tested in tests/web/test_case_requests.py and tests/cases/test_case_requests.py.
    "case_requests",
    "case_request",
    "case_request_new",
    "case_request_accept",
    "case_request_decline",
    "case_request_cancel",
    # Client employers and applicants one by one: organisations and people, not a case.
    "clients",
    "client_new",
    "client",
    "client_edit",
    "applicant_list",
    "applicant_new",
    "applicant_detail",
    "applicant_edit",
    "authorisation_add",
    "authorisation_file",
    "authorisation_attach",
    "authorisation_revoke",
    "employment_add",
    "employment_end",
    # Filling the reply box from a template saves nothing (the person saves through `reply`);
    # tested in tests/web/test_templates_catalogue.py.
    "reply_fill",
    # The agency's templates: organisation-level, not a case (tests/web/test_templates_catalogue.py).
    "item_templates",
    "item_template_new",
    "item_template_edit",
    "item_template_move",
    "item_template_active",
    "reply_templates",
    "reply_template_new",
    "reply_template_edit",
    # Webhooks and the team calendar: the organization's integrations, not a case; tested in
    # tests/web/test_integrations.py and tests/webhooks/.
    "integrations",
    "webhook",
    "webhook_edit",
    "webhook_state",
    "webhook_rotate",
    "webhook_delete",
    "webhook_replay",
    "team_calendar_link",
    "team_calendar_feed",
    # Notices (issue 13): read by the intake for the receiving organization; attaching one creates
    # a supplement through supplement_create (tests/intake/: tenancy from both sides).
    "notices",
    "notice_add",
    "notice",
    "notice_original",
    "notice_attach",
    "mailboxes",
    "mailbox_edit",
}
# API write routes (api/urls.py, namespace "api") by (route name, method) → the action above.
API_WRITES = {
    ("supplement-detail", "patch"): ("reply", "assign"),
    ("supplement-comments", "post"): "comment_add",
    ("comment-resolve", "post"): "comment_resolve",
    ("comment-reopen", "post"): "comment_reopen",
    ("supplement-items", "post"): "item_add",
    ("item-detail", "patch"): "item_state",
    ("supplement-deadline", "post"): "override_deadline",
    ("supplement-submit", "post"): "submit",
    ("supplement-withdraw", "post"): "withdraw",
    ("supplement-reopen", "post"): "reopen",
    ("supplement-outcome", "post"): "record_outcome",
    ("supplement-document-order", "post"): "reorder_documents",
    ("supplement-list", "post"): "supplement_add",
    ("case-detail", "patch"): ("case_details", "internal_notes"),
    ("case-transition", "post"): "case_status",
    ("supplement-upload-set", "post"): "pack",
    ("document-pin", "post"): "pin_document",
    ("document-rotate", "post"): "rotate_page",
    ("supplement-documents", "post"): "upload",
    ("document-detail", "delete"): "remove_document",
    ("supplement-reminders", "post"): "remind",
    ("document-review", "post"): ("review_checked", "review_approved", "review_rejected"),
    ("supplement-attachments", "post"): "attachment_add",
    ("attachment-detail", "delete"): "attachment_remove",
    ("supplement-confirm-notice", "post"): "confirm_notice",
}
API_NOT_CASE_WRITES = {
    ("token-obtain", "post"),  # the caller's own API tokens
    ("token-list", "post"),
    ("token-detail", "delete"),
    ("organization-detail", "patch"),  # organisations, memberships, applicants: not a case
    ("organization-list", "post"),  # an agency's client employer
    ("membership-list", "post"),
    ("membership-detail", "patch"),
    ("membership-detail", "delete"),
    ("applicant-list", "post"),
    ("applicant-detail", "patch"),
    ("case-list", "post"),  # opening a case: api.access.check_case_create, no existing case
    # Case requests: their own rule, tested in tests/api/test_case_requests.py.
    ("case-request-list", "post"),
    ("case-request-accept", "post"),
    ("case-request-decline", "post"),
    ("case-request-cancel", "post"),
    # Webhook endpoints: the organization's admins, tested in tests/webhooks/test_api.py.
    ("webhook-list", "post"),
    ("webhook-detail", "patch"),
    ("webhook-detail", "delete"),
    ("webhook-disable", "post"),
    ("webhook-enable", "post"),
    ("webhook-rotate-secret", "post"),
    ("webhook-delivery-replay", "post"),
    # Notices (issue 13): the receiving organization's; tested in tests/intake/test_api.py.
    ("notice-list", "post"),
    ("notice-attach", "post"),
}
WRITE_METHODS = ("post", "put", "patch", "delete")


def _api_writes() -> set[tuple[str, str]]:
    from api.urls import urlpatterns

    found = set()
    for pattern in urlpatterns:
        if pattern.name is None:
            continue
        callback = pattern.callback
        actions = getattr(callback, "actions", None)
        if actions is not None:
            methods = set(actions)
        else:
            methods = {m for m in WRITE_METHODS if hasattr(callback.view_class, m)}
        found |= {(pattern.name, m) for m in methods if m in WRITE_METHODS}
    return found


def test_every_write_route_is_in_the_matrix():
    from web.urls import urlpatterns as page_patterns

    def actions_of(routes: dict) -> set[str]:
        return {
            name
            for value in routes.values()
            for name in (value if isinstance(value, tuple) else (value,))
        }

    names = {action.name for action in ACTIONS} | {"bulk_assign"}
    page_names = {pattern.name for pattern in page_patterns}
    assert page_names == set(PAGE_ROUTES) | PAGE_NOT_CASE_WRITES
    assert _api_writes() == set(API_WRITES) | API_NOT_CASE_WRITES
    page_actions, api_actions = actions_of(PAGE_ROUTES), actions_of(API_WRITES)
    assert page_actions | api_actions == names
    assert {a.name for a in ACTIONS if a.page is not None} == page_actions - {"bulk_assign"}
    assert {a.name for a in ACTIONS if a.api is not None} == api_actions
    assert (page_actions ^ api_actions) == set(ONLY_ON_ONE_SURFACE)
