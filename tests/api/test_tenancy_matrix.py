"""Every endpoint against every persona of the `world`: what each may see and do, and that a
denied write changed nothing. Another tenant's object answers 404 like a missing one; a member
who sees an object without the role to change it gets 403."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from rest_framework.test import APIClient

from accounts.models import Applicant, Authorisation, Employment, Membership, Organization
from cases import services
from cases.models import (
    Case,
    CaseStatusChange,
    Document,
    RequestedItem,
    ReviewerComment,
    SupplementRequest,
)
from integrations.models import ApiToken, IdempotencyRecord
from integrations.services import token_create
from notifications.models import Reminder
from tests.api.conftest import open_supplement_on
from tests.cases.files import pdf_bytes
from tests.factories import UserFactory

PERSONAS = [
    "agency_admin",
    "agency_staff",
    "hr_acme",
    "hr_globex",
    "applicant",
    "outsider",
    "anonymous",
]
WATCHED = [
    Case,
    CaseStatusChange,
    SupplementRequest,
    ReviewerComment,
    RequestedItem,
    Document,
    Applicant,
    Authorisation,
    Employment,
    Membership,
    Organization,
    ApiToken,
    IdempotencyRecord,
    Reminder,
]


def everyone(ok: int) -> dict:
    return dict.fromkeys(PERSONAS, ok) | {"anonymous": 401}


# Priya's Acme case, worked by the agency: the agency manages it; Acme's HR and Priya see it.
READ = everyone(200) | {"hr_globex": 404, "outsider": 404}


def manage(ok: int) -> dict:
    return READ | {"agency_admin": ok, "agency_staff": ok, "hr_acme": 403, "applicant": 403}


def agency_admin_only(ok: int, *, others: int = 404) -> dict:
    return dict.fromkeys(PERSONAS, others) | {
        "agency_admin": ok,
        "agency_staff": 403,
        "anonymous": 401,
    }


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # formatted with the objects below
    expected: dict
    body: object = None
    multipart: bool = False


def _upload(o):
    return {"file": SimpleUploadedFile("scan.pdf", pdf_bytes("matrix"), "application/pdf")}


ENDPOINTS = [
    # auth and the signed-in user
    Endpoint("me", "get", "/api/v1/me/", everyone(200)),
    Endpoint("tokens list", "get", "/api/v1/auth/tokens/", everyone(200)),
    Endpoint(
        "token create", "post", "/api/v1/auth/tokens/", everyone(201), lambda o: {"name": "x"}
    ),
    Endpoint(
        "token get",
        "get",
        "/api/v1/auth/tokens/{o.token.pk}/",
        dict.fromkeys(PERSONAS, 404) | {"agency_staff": 200, "anonymous": 401},
    ),
    Endpoint(
        "token revoke",
        "delete",
        "/api/v1/auth/tokens/{o.token.pk}/",
        dict.fromkeys(PERSONAS, 404) | {"agency_staff": 204, "anonymous": 401},
    ),
    Endpoint(
        "deadline preview",
        "get",
        "/api/v1/deadlines/preview/?notice_date=2026-11-05&rule=30d",
        everyone(200),
    ),
    # organizations and memberships
    Endpoint("organizations", "get", "/api/v1/organizations/", everyone(200)),
    Endpoint(
        "organization get",
        "get",
        "/api/v1/organizations/{o.agency.pk}/",
        everyone(200) | {"outsider": 404},
    ),
    Endpoint(
        "organization patch",
        "patch",
        "/api/v1/organizations/{o.agency.pk}/",
        everyone(403) | {"agency_admin": 200, "outsider": 404},
        lambda o: {"email": "a@b.example"},
    ),
    Endpoint("memberships", "get", "/api/v1/memberships/", everyone(200)),
    Endpoint(
        "membership get",
        "get",
        "/api/v1/memberships/{o.membership.pk}/",
        agency_admin_only(200) | {"agency_staff": 200},
    ),
    Endpoint(
        "membership create",
        "post",
        "/api/v1/memberships/",
        agency_admin_only(201, others=400),
        lambda o: {
            "organization": o.agency.pk,
            "username": o.newcomer.username,
            "role": "agency_staff",
        },
    ),
    Endpoint(
        "membership patch",
        "patch",
        "/api/v1/memberships/{o.membership.pk}/",
        agency_admin_only(200),
        lambda o: {"role": "agency_admin"},
    ),
    Endpoint(
        "membership delete",
        "delete",
        "/api/v1/memberships/{o.membership.pk}/",
        agency_admin_only(204),
    ),
    # applicants
    Endpoint("applicants", "get", "/api/v1/applicants/", everyone(200)),
    Endpoint("applicant get", "get", "/api/v1/applicants/{o.priya.pk}/", READ),
    Endpoint(
        "applicant patch",
        "patch",
        "/api/v1/applicants/{o.priya.pk}/",
        READ | {"applicant": 403},
        lambda o: {"name_zh": "夏瑪"},
    ),
    # The e-mail decides where alerts go: the agency keeps it, not the employer (issue 12).
    Endpoint(
        "applicant email patch",
        "patch",
        "/api/v1/applicants/{o.priya.pk}/",
        READ | {"applicant": 403, "hr_acme": 403},
        lambda o: {"email": "priya@example.org"},
    ),
    Endpoint(
        "applicant create",
        "post",
        "/api/v1/applicants/",
        everyone(400) | {"agency_admin": 201, "agency_staff": 201},
        lambda o: {
            "organization": o.agency.pk,
            "family_name_en": "Kim",
            "passport_number": "M1234567",
            "nationality": "KR",
            "authorisation": {"signed_on": "2026-11-01", "valid_from": "2026-11-01"},
        },
    ),
    # cases
    Endpoint("cases", "get", "/api/v1/cases/", everyone(200)),
    Endpoint("case get", "get", "/api/v1/cases/{o.case.pk}/", READ),
    Endpoint(
        "case create",
        "post",
        "/api/v1/cases/",
        everyone(400)
        | {"agency_admin": 201, "agency_staff": 201, "hr_acme": 403, "applicant": 403},
        lambda o: {
            "applicant": o.priya.pk,
            "kind": "extension",
            "channel": "agency",
            "agency": o.agency.pk,
        },
    ),
    Endpoint(
        "case patch",
        "patch",
        "/api/v1/cases/{o.case.pk}/",
        manage(200),
        lambda o: {"collection_station": "高雄市服務站"},
    ),
    Endpoint(
        "case transition",
        "post",
        "/api/v1/cases/{o.case.pk}/transition/",
        manage(201),
        lambda o: {"status": "qualification_review"},
    ),
    Endpoint("case history", "get", "/api/v1/cases/{o.case.pk}/status-changes/", READ),
    # supplements
    Endpoint("supplements", "get", "/api/v1/supplements/", everyone(200)),
    Endpoint("supplement get", "get", "/api/v1/supplements/{o.supplement.pk}/", READ),
    Endpoint(
        "supplement create",
        "post",
        "/api/v1/supplements/",
        everyone(400)
        | {"agency_admin": 201, "agency_staff": 201, "hr_acme": 403, "applicant": 403},
        lambda o: {
            "case": o.case.pk,
            "requesting_body": "wda",
            "notice_date": "2026-11-05",
            "rule": "30d",
        },
    ),
    Endpoint(
        "supplement patch",
        "patch",
        "/api/v1/supplements/{o.supplement.pk}/",
        manage(200),
        lambda o: {"reply": "Done"},
    ),
    Endpoint(
        "supplement readiness", "get", "/api/v1/supplements/{o.supplement.pk}/readiness/", READ
    ),
    Endpoint(
        "supplement deadline",
        "post",
        "/api/v1/supplements/{o.supplement.pk}/deadline/",
        manage(200),
        lambda o: {"deadline": "2027-01-04", "reason": "Printed"},
    ),
    Endpoint(
        "supplement submit",
        "post",
        "/api/v1/supplements/{o.supplement.pk}/submit/",
        manage(200),
        lambda o: {"force": True},
    ),
    Endpoint(
        "supplement withdraw",
        "post",
        "/api/v1/supplements/{o.supplement.pk}/withdraw/",
        manage(200),
    ),
    Endpoint(
        "supplement outcome",
        "post",
        "/api/v1/supplements/{o.submitted.pk}/outcome/",
        manage(200),
        lambda o: {"outcome": "accepted"},
    ),
    Endpoint(
        "supplement reminders",
        "get",
        "/api/v1/supplements/{o.supplement.pk}/reminders/",
        manage(200),
    ),
    Endpoint(
        "supplement remind",
        "post",
        "/api/v1/supplements/{o.supplement.pk}/reminders/",
        manage(202),
        lambda o: {"party": "applicant"},
    ),
    Endpoint("comments", "get", "/api/v1/supplements/{o.supplement.pk}/comments/", READ),
    Endpoint(
        "comment create",
        "post",
        "/api/v1/supplements/{o.supplement.pk}/comments/",
        manage(201),
        lambda o: {"tab": "field", "text": "More proof"},
    ),
    Endpoint("comment get", "get", "/api/v1/comments/{o.comment.pk}/", READ),
    Endpoint(
        "comment resolve",
        "post",
        "/api/v1/comments/{o.comment.pk}/resolve/",
        manage(200),
        lambda o: {"resolution": "Corrected"},
    ),
    Endpoint("comment reopen", "post", "/api/v1/comments/{o.comment.pk}/reopen/", manage(200)),
    Endpoint("items", "get", "/api/v1/supplements/{o.supplement.pk}/items/", READ),
    Endpoint(
        "item create",
        "post",
        "/api/v1/supplements/{o.supplement.pk}/items/",
        manage(201),
        lambda o: {"kind": "document", "description": "Salary proof", "waits_on": "employer"},
    ),
    Endpoint("item get", "get", "/api/v1/items/{o.item.pk}/", READ),
    Endpoint(
        "item patch",
        "patch",
        "/api/v1/items/{o.item.pk}/",
        manage(200),
        lambda o: {"state": "done"},
    ),
    Endpoint("documents", "get", "/api/v1/supplements/{o.supplement.pk}/documents/", READ),
    Endpoint(
        "document upload",
        "post",
        "/api/v1/supplements/{o.supplement.pk}/documents/",
        READ | {"agency_admin": 201, "agency_staff": 201, "hr_acme": 201, "applicant": 201},
        _upload,
        multipart=True,
    ),
    Endpoint("document get", "get", "/api/v1/documents/{o.document.pk}/", READ),
    Endpoint("document download", "get", "/api/v1/documents/{o.document.pk}/download/", READ),
    Endpoint("document delete", "delete", "/api/v1/documents/{o.document.pk}/", manage(204)),
]


@pytest.fixture
def objects(world, supplements):
    staff = world.agency_staff
    supplement = supplements["acme"]
    comment = services.comment_add(
        supplement=supplement, actor=staff, tab="basic", text="Fix the name"
    )
    item = services.item_add(
        supplement=supplement, actor=staff, kind="correction", description="Name"
    )
    services.item_add(  # something waits on Priya, so she can be reminded (催件)
        supplement=supplement,
        actor=staff,
        kind="document",
        description="Passport page",
        waits_on="applicant",
    )
    document = services.document_add(
        supplement=supplement, actor=staff, data=pdf_bytes("m"), name="m.pdf"
    )
    submitted = open_supplement_on(world.acme_case, staff)
    services.supplement_submit(supplement=submitted, actor=staff, force=True)
    token, _key = token_create(user=staff, name="sync")
    return SimpleNamespace(
        agency=world.agency,
        case=world.acme_case,
        priya=world.priya,
        supplement=supplement,
        submitted=submitted,
        comment=comment,
        item=item,
        document=document,
        membership=Membership.objects.get(user=staff),
        token=token,
        newcomer=UserFactory(username="newcomer"),
    )


def snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED}


class _Undo(Exception):
    pass


def call(endpoint: Endpoint, persona: str, world, o):
    client = APIClient()
    if persona != "anonymous":
        user = world.personas()[persona]
        # A fresh user object per request, as in production (nothing cached on it).
        client.force_authenticate(get_user_model().objects.get(pk=user.pk))
    body = endpoint.body(o) if endpoint.body else None
    kwargs = (
        {"format": "multipart" if endpoint.multipart else "json"}
        if endpoint.method != "get"
        else {}
    )
    return getattr(client, endpoint.method)(endpoint.path.format(o=o), body, **kwargs)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_endpoint_against_every_persona(endpoint, world, objects):
    assert set(endpoint.expected) == set(PERSONAS)
    seen = {}
    before = snapshot() if endpoint.method != "get" else None
    for persona in PERSONAS:
        try:
            with transaction.atomic():
                response = call(endpoint, persona, world, objects)
                seen[persona] = response.status_code
                if before is not None and response.status_code >= 400:
                    assert snapshot() == before, f"{persona}: a denied {endpoint.name} changed data"
                raise _Undo  # each persona starts from the same world
        except _Undo:
            pass
        if response.status_code >= 400:
            assert response.json()["status"] == response.status_code
    assert seen == endpoint.expected
