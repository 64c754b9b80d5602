"""The documents API endpoints (api.documents): upload-set status and packing, review,
order, packed-file download; tenancy from both sides, errors in the API's one shape."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cases import services
from cases import services as document_services
from cases.choices import Visibility
from cases.documents.models import DocumentDownload, PackJob
from tests.documents import files

pytestmark = [pytest.mark.django_db]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def add(supplement, actor, name: str, **extra):
    return services.document_add(
        supplement=supplement, actor=actor, data=files.small_pdf(name), name=name, **extra
    )


def test_upload_set_status_and_packing(world, open_supplement):
    path = f"/api/v1/supplements/{open_supplement.pk}/upload-set/"
    empty = api(world.agency_staff).get(path)
    assert empty.status_code == 200
    assert empty.json() == {
        "job": None,
        "is_current": False,
        "ready": False,
        "files": [],
        "hidden_files": 0,
        "download_url": None,
    }

    add(open_supplement, world.agency_staff, "passport.pdf")
    jobs = PackJob.objects.filter(supplement=open_supplement).count()
    # Packing on demand is the filing party's (the agency here); HR still sees the set.
    assert api(world.hr_acme).post(path).status_code == 403
    assert PackJob.objects.filter(supplement=open_supplement).count() == jobs
    queued = api(world.agency_staff).post(path)
    assert queued.status_code == 202
    assert (queued.json()["job"]["state"], queued.json()["ready"]) == ("queued", False)

    document_services.pack_run(job_id=queued.json()["job"]["id"])  # what the worker does
    done = api(world.agency_staff).post(path)
    body = done.json()
    assert done.status_code == 200
    assert (body["job"]["state"], body["job"]["progress"], body["ready"]) == ("done", 100, True)
    (packed,) = body["files"]
    assert (packed["name"], packed["pages"]) == ("01-passport.pdf", 1)
    assert (
        packed["download_url"] == f"http://testserver/api/v1/packed-files/{packed['id']}/download/"
    )
    assert PackJob.objects.count() == 1

    download = api(world.applicant_user).get(packed["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert DocumentDownload.objects.get().packed_file_id == packed["id"]


def test_other_tenants_get_the_apis_404(world, open_supplement):
    document = add(open_supplement, world.agency_staff, "passport.pdf")
    job = document_services.pack_request(supplement=open_supplement, actor=world.agency_staff)
    packed = document_services.pack_run(job_id=job.pk).files.get()
    for path, method in [
        (f"/api/v1/supplements/{open_supplement.pk}/upload-set/", "get"),
        (f"/api/v1/supplements/{open_supplement.pk}/upload-set/", "post"),
        (f"/api/v1/documents/{document.pk}/review/", "post"),
        (f"/api/v1/packed-files/{packed.pk}/download/", "get"),
    ]:
        response = getattr(api(world.hr_globex), method)(path, {"decision": "approved"})
        assert response.status_code == 404, path
        assert response.json()["errors"][0]["code"] == "not_found"
    assert DocumentDownload.objects.count() == 0


def test_a_packed_file_with_an_agency_only_page_is_not_the_applicants(world, open_supplement):
    add(open_supplement, world.agency_staff, "internal.pdf", visibility=Visibility.AGENCY_ONLY)
    job = document_services.pack_request(supplement=open_supplement, actor=world.agency_staff)
    packed = document_services.pack_run(job_id=job.pk).files.get()
    path = f"/api/v1/packed-files/{packed.pk}/download/"
    assert api(world.applicant_user).get(path).status_code == 404
    assert api(world.agency_staff).get(path).status_code == 200


def test_review_through_the_api(world, open_supplement):
    document = add(open_supplement, world.hr_acme, "contract.pdf")
    path = f"/api/v1/documents/{document.pk}/review/"
    refused = api(world.hr_acme).post(path, {"decision": "approved"})
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "review_not_allowed"
    no_reason = api(world.agency_staff).post(path, {"decision": "rejected"})
    assert no_reason.status_code == 400
    rejected = api(world.agency_staff).post(path, {"decision": "rejected", "note": "Unsigned"})
    assert rejected.status_code == 200
    assert (rejected.json()["review_state"], rejected.json()["review_note"]) == (
        "rejected",
        "Unsigned",
    )
    assert rejected.json()["reviewed_by"] == world.agency_staff.pk
    approved = api(world.agency_staff).post(path, {"decision": "approved"})
    assert approved.json()["review_state"] == "approved"
    wrong = api(world.agency_staff).post(path, {"decision": "checked"})
    assert wrong.status_code == 409
    assert wrong.json()["errors"][0]["code"] == "invalid_review"


def test_order_through_the_api(world, open_supplement):
    first = add(open_supplement, world.agency_staff, "1.pdf")
    second = add(open_supplement, world.agency_staff, "2.pdf")
    path = f"/api/v1/supplements/{open_supplement.pk}/documents/order/"
    assert (
        api(world.hr_acme).post(path, {"order": [second.pk, first.pk]}, format="json").status_code
        == 403
    )
    response = api(world.agency_staff).post(path, {"order": [second.pk, first.pk]}, format="json")
    assert response.status_code == 204
    assert list(open_supplement.documents.values_list("pk", flat=True)) == [second.pk, first.pk]
    bad = api(world.agency_staff).post(path, {"order": [first.pk]}, format="json")
    assert (bad.status_code, bad.json()["errors"][0]["code"]) == (400, "invalid")
