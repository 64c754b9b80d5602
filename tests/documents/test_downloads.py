"""Private downloads through the view: tenancy answers 404 for others, each document's visibility
holds, a packed file needs every source visible, and every download is recorded."""

from __future__ import annotations

import pytest

from cases import services
from cases import services as document_services
from cases.choices import Visibility
from cases.documents.models import DocumentDownload, PackJob
from tests.documents import files

pytestmark = pytest.mark.django_db


def url(document) -> str:
    return f"/documents/{document.pk}/download/"


@pytest.fixture
def documents(world, open_supplement):
    def add(name: str, visibility: str):
        return services.document_add(
            supplement=open_supplement,
            actor=world.agency_staff,
            data=files.small_pdf(name),
            name=name,
            visibility=visibility,
        )

    return {
        "all": add("passport.pdf", Visibility.ALL),
        "no_applicant": add("salary.pdf", Visibility.NO_APPLICANT),
        "agency_only": add("internal-notes.pdf", Visibility.AGENCY_ONLY),
    }


def fetch(client, user, path: str):
    client.force_login(user)
    return client.get(path)


def test_the_agency_downloads_and_the_download_is_recorded(client, world, documents):
    document = documents["all"]
    response = fetch(client, world.agency_staff, url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == document.file.open("rb").read()
    assert response["Content-Disposition"] == 'attachment; filename="passport.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    (record,) = DocumentDownload.objects.all()
    assert (record.user, record.username, record.document, record.packed_file) == (
        world.agency_staff,
        world.agency_staff.username,
        document,
        None,
    )
    assert (record.file_name, record.supplement_id, record.ip_address) == (
        "passport.pdf",
        document.supplement_id,
        "127.0.0.1",
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("agency_admin", {"all": 200, "no_applicant": 200, "agency_only": 200}),
        ("hr_acme", {"all": 200, "no_applicant": 200, "agency_only": 404}),
        ("applicant", {"all": 200, "no_applicant": 404, "agency_only": 404}),
        ("hr_globex", {"all": 404, "no_applicant": 404, "agency_only": 404}),
        ("outsider", {"all": 404, "no_applicant": 404, "agency_only": 404}),
    ],
)
def test_who_may_download_what(client, world, documents, persona, expected):
    user = world.personas()[persona]
    answers = {key: fetch(client, user, url(doc)).status_code for key, doc in documents.items()}
    assert answers == expected
    assert DocumentDownload.objects.filter(user=user).count() == list(expected.values()).count(200)


def test_a_missing_document_is_404_like_one_of_another_tenant(client, world, documents):
    assert fetch(client, world.agency_staff, "/documents/999999/download/").status_code == 404


def test_anonymous_is_sent_to_login_and_nothing_recorded(client, documents):
    response = client.get(url(documents["all"]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert DocumentDownload.objects.count() == 0


def test_only_reading_methods(client, world, documents):
    client.force_login(world.agency_staff)
    assert client.post(url(documents["all"])).status_code == 405
    assert client.head(url(documents["all"])).status_code == 200
    assert DocumentDownload.objects.count() == 0  # HEAD reads no file content


def test_a_packed_file_needs_every_source_visible(client, world, open_supplement, documents):
    job = document_services.pack_request(supplement=open_supplement, actor=world.agency_staff)
    job = document_services.pack_run(job_id=job.pk)
    assert job.plan == "per_group"
    by_source = {packed.documents.get().original_name: packed for packed in job.files.all()}
    answers = {
        (persona, name): fetch(
            client, world.personas()[persona], f"/documents/packed/{packed.pk}/download/"
        ).status_code
        for persona in ("agency_staff", "hr_acme", "applicant", "outsider")
        for name, packed in by_source.items()
    }
    assert answers == {
        ("agency_staff", "passport.pdf"): 200,
        ("agency_staff", "salary.pdf"): 200,
        ("agency_staff", "internal-notes.pdf"): 200,
        ("hr_acme", "passport.pdf"): 200,
        ("hr_acme", "salary.pdf"): 200,
        ("hr_acme", "internal-notes.pdf"): 404,
        ("applicant", "passport.pdf"): 200,
        ("applicant", "salary.pdf"): 404,
        ("applicant", "internal-notes.pdf"): 404,
        ("outsider", "passport.pdf"): 404,
        ("outsider", "salary.pdf"): 404,
        ("outsider", "internal-notes.pdf"): 404,
    }
    recorded = DocumentDownload.objects.filter(packed_file__isnull=False)
    assert recorded.count() == 6
    assert set(recorded.values_list("file_name", flat=True)) == {
        "01-passport.pdf",
        "02-salary.pdf",
        "03-internal-notes.pdf",
    }
    assert PackJob.objects.count() == 1


def test_control_characters_in_an_uploaded_name_stay_out_of_the_header(
    client, world, open_supplement
):
    document = services.document_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        data=files.small_pdf(),
        name="passport\r\nSet-Cookie: x.pdf",
    )
    response = fetch(client, world.agency_staff, url(document))
    assert response["Content-Disposition"] == 'attachment; filename="passportSet-Cookie: x.pdf"'
    assert "Set-Cookie" not in response.cookies
