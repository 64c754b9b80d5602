"""Issue 11, items 4 and 5: an upload set people can check (every slot used before merging,
files named for what they hold, contents listed file by file, one zip) and visibility that holds
in it (the applicant sees no agency-only document's name or id, nor the packed file holding it),
with real PDFs through the services, the pages and the API."""

from __future__ import annotations

import io
import re
import zipfile

import pikepdf
import pytest
from django.test import Client
from rest_framework.test import APIClient

from cases import services
from cases.choices import ItemKind, PlatformTab, Visibility
from cases.documents.models import DocumentDownload
from tests.documents import files

pytestmark = [pytest.mark.django_db]

ITEMS = [
    "Passport data page",
    "Employment certificate",
    "Salary proof",
    "Degree certificate",
    "Recommendation letter",
    "Criminal record",
    "Health check",
]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def documents_for(supplement, actor, count: int, **extra):
    added = []
    for number, description in enumerate(ITEMS[:count], start=1):
        item = services.item_add(
            supplement=supplement, actor=actor, kind=ItemKind.DOCUMENT, description=description
        )
        added.append(
            services.document_add(
                supplement=supplement,
                actor=actor,
                data=files.small_pdf(f"document {number}"),
                name=f"scan-{number}.pdf",
                item=item,
                **extra,
            )
        )
    return added


def packed(supplement, actor):
    job = services.pack_request(supplement=supplement, actor=actor)
    return services.pack_run(job_id=job.pk)


def test_five_documents_of_five_items_make_five_files(world, open_supplement):
    documents_for(open_supplement, world.agency_staff, 5)
    job = packed(open_supplement, world.agency_staff)
    names = list(job.files.values_list("name", flat=True))
    assert names == [
        "01-passport-data-page.pdf",
        "02-employment-certificate.pdf",
        "03-salary-proof.pdf",
        "04-degree-certificate.pdf",
        "05-recommendation-letter.pdf",
    ]


def test_seven_documents_are_merged_with_their_contents_listed(world, open_supplement):
    documents = documents_for(open_supplement, world.agency_staff, 7)
    job = packed(open_supplement, world.agency_staff)
    rows = list(job.files.order_by("position"))
    assert len(rows) == 5
    listed = [entry["document"] for row in rows for entry in row.contents]
    assert listed == [document.pk for document in documents]  # each once, in order
    for row in rows:
        labels = [entry["label"] for entry in row.contents]
        expected = "-and-".join(label.lower().replace(" ", "-") for label in labels)
        assert row.name == f"{row.position:02d}-{expected}.pdf"
        assert {d.pk for d in row.documents.all()} == {e["document"] for e in row.contents}

    body = api(world.agency_staff).get(f"/api/v1/supplements/{open_supplement.pk}/upload-set/")
    data = body.json()
    assert data["hidden_files"] == 0
    assert [f["name"] for f in data["files"]] == [row.name for row in rows]
    merged = next(f for f in data["files"] if len(f["contents"]) == 2)
    first, second = merged["contents"]
    assert first["name"].startswith("scan-")
    assert first["file_pages"] == [1, 1]
    assert second["file_pages"] == [2, 2]
    assert second["source_pages"] == [1, 1]

    html = page(world.agency_staff).get(f"/supplements/{open_supplement.pk}/").content.decode()
    for document in documents:
        assert document.original_name in html
    sheet = page(world.agency_staff).get(f"/supplements/{open_supplement.pk}/sheet/")
    for row in rows:
        assert row.name in sheet.content.decode()
    assert "scan-7.pdf" in sheet.content.decode()


def test_one_zip_holds_the_set_under_the_same_names(world, open_supplement):
    documents_for(open_supplement, world.agency_staff, 7)
    job = packed(open_supplement, world.agency_staff)
    names = list(job.files.values_list("name", flat=True))
    response = api(world.agency_staff).get(
        f"/api/v1/supplements/{open_supplement.pk}/upload-set/download/"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert re.search(r'attachment; filename="upload-set-.+\.zip"', response["Content-Disposition"])
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == names
    assert len(archive.infolist()) <= 5
    for entry in archive.infolist():
        assert entry.file_size <= 1_000_000
        assert archive.read(entry).startswith(b"%PDF-")
    assert DocumentDownload.objects.filter(packed_file__job=job).count() == len(names)

    status = api(world.agency_staff).get(f"/api/v1/supplements/{open_supplement.pk}/upload-set/")
    assert status.json()["download_url"].endswith(
        f"/api/v1/supplements/{open_supplement.pk}/upload-set/download/"
    )
    # The page link in the pack panel gives the same zip.
    workspace = page(world.agency_staff).get(f"/supplements/{open_supplement.pk}/")
    link = f"/documents/upload-set/{open_supplement.pk}/download/"
    assert link in workspace.content.decode()
    same = page(world.agency_staff).get(link)
    assert same.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(same.content)).namelist() == names


def test_no_zip_before_packing(world, open_supplement):
    documents_for(open_supplement, world.agency_staff, 1)
    path = f"/api/v1/supplements/{open_supplement.pk}/upload-set/download/"
    assert api(world.agency_staff).get(path).status_code == 404


def test_the_applicant_sees_nothing_agency_only(world, open_supplement):
    """An agency-only document in the set: its name, its id, and the name of the packed file
    holding it appear nowhere the applicant looks; the agency still sees the set whole."""
    visible = documents_for(open_supplement, world.agency_staff, 2)
    item = services.item_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        kind=ItemKind.DOCUMENT,
        description="Internal tax memo",
    )
    secret = services.document_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        data=files.small_pdf("internal"),
        name="agency-internal-memo.pdf",
        item=item,
        visibility=Visibility.AGENCY_ONLY,
    )
    job = packed(open_supplement, world.agency_staff)
    secret_file = job.files.get(documents=secret)
    assert secret_file.name == "03-internal-tax-memo.pdf"

    applicant = world.applicant_user
    seen = [
        page(applicant).get(f"/supplements/{open_supplement.pk}/").content.decode(),
        page(applicant).get(f"/supplements/{open_supplement.pk}/sheet/").content.decode(),
        api(applicant)
        .get(f"/api/v1/supplements/{open_supplement.pk}/upload-set/")
        .content.decode(),
    ]
    for text in seen:
        assert "agency-internal-memo" not in text
        assert secret_file.name not in text
        assert f"/documents/packed/{secret_file.pk}/" not in text
        assert f"/documents/{secret.pk}/download/" not in text
        assert visible[0].original_name in text
    data = api(applicant).get(f"/api/v1/supplements/{open_supplement.pk}/upload-set/").json()
    assert data["hidden_files"] == 1
    assert data["download_url"] is None
    assert all(secret.pk not in f["documents"] for f in data["files"])
    assert all(secret.pk != part["document"] for f in data["files"] for part in f["contents"])
    # No zip for someone who may not have the whole set; the agency's is whole.
    path = f"/api/v1/supplements/{open_supplement.pk}/upload-set/download/"
    assert api(applicant).get(path).status_code == 404
    whole = api(world.agency_staff).get(path)
    assert secret_file.name in zipfile.ZipFile(io.BytesIO(whole.content)).namelist()
    agency = api(world.agency_staff).get(f"/api/v1/supplements/{open_supplement.pk}/upload-set/")
    assert agency.json()["hidden_files"] == 0
    assert secret_file.name in [f["name"] for f in agency.json()["files"]]


def test_readiness_names_no_file_the_reader_may_not_see(world, open_supplement):
    """Before packing, readiness names the documents as uploaded (a HEIC is not a platform
    type): the applicant reads a placeholder for the agency-only one."""
    services.document_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        data=files.heic(files.photo(3, (400, 300))),
        name="agency-only-photo.heic",
        visibility=Visibility.AGENCY_ONLY,
    )
    path = f"/supplements/{open_supplement.pk}/"
    assert "agency-only-photo.heic" in page(world.agency_staff).get(path).content.decode()
    seen = page(world.applicant_user).get(path).content.decode()
    assert "agency-only-photo" not in seen
    assert "a file prepared by the agency" in seen
    sheet = page(world.applicant_user).get(f"/supplements/{open_supplement.pk}/sheet/")
    assert "agency-only-photo" not in sheet.content.decode()
    for path in (
        f"/api/v1/supplements/{open_supplement.pk}/",
        f"/api/v1/supplements/{open_supplement.pk}/readiness/",
        "/api/v1/supplements/",
    ):
        body = api(world.applicant_user).get(path)
        assert body.status_code == 200, path
        assert "agency-only-photo" not in body.content.decode(), path
    staff = api(world.agency_staff).get(f"/api/v1/supplements/{open_supplement.pk}/readiness/")
    assert "agency-only-photo.heic" in staff.content.decode()


def test_staff_pin_a_document_to_a_file_of_its_own(world, open_supplement):
    documents = documents_for(open_supplement, world.agency_staff, 6)
    path = f"/api/v1/documents/{documents[1].pk}/pin/"
    assert api(world.hr_acme).post(path, {"pinned": True}, format="json").status_code == 403
    pinned = api(world.agency_staff).post(path, {"pinned": True}, format="json")
    assert pinned.status_code == 200
    assert pinned.json() == {"pinned": True}
    job = packed(open_supplement, world.agency_staff)
    rows = list(job.files.order_by("position"))
    assert len(rows) == 5
    (own,) = [row for row in rows if documents[1].pk in [e["document"] for e in row.contents]]
    assert [e["document"] for e in own.contents] == [documents[1].pk]
    assert own.name == f"{own.position:02d}-employment-certificate.pdf"

    # The workspace offers it too, and the set is packed again for the change.
    client = page(world.agency_staff)
    response = client.post(
        f"/supplements/{open_supplement.pk}/documents/{documents[1].pk}/pin/", {"pinned": "0"}
    )
    assert response.status_code == 302
    documents[1].refresh_from_db()
    assert documents[1].pinned is False


def test_files_follow_the_platforms_tab_order_and_a_chinese_comment_names_its_tab(
    world, open_supplement
):
    staff = world.agency_staff
    documents_for(open_supplement, staff, 1)  # an item on the upload tab, added first
    comment = services.comment_add(
        supplement=open_supplement,
        actor=staff,
        tab=PlatformTab.PASSPORT,
        text="護照效期不足六個月，請上傳新護照資料頁。",
    )
    services.document_add(
        supplement=open_supplement,
        actor=staff,
        data=files.small_pdf("new passport"),
        name="新護照.pdf",
        comment=comment,
    )
    job = packed(open_supplement, staff)
    assert list(job.files.values_list("name", flat=True)) == [
        "01-passport.pdf",  # the passport tab comes before the upload tab
        "02-passport-data-page.pdf",
    ]


def test_staff_turn_a_page_upright_in_the_packed_set(world, open_supplement):
    """Issue 11: a scan fed sideways. The stored file stays as uploaded; the packed page turns."""
    (document,) = documents_for(open_supplement, world.agency_staff, 1)
    original = document.file.open("rb").read()
    path = f"/api/v1/documents/{document.pk}/rotate/"

    assert api(world.hr_acme).post(path, {"page": 1}, format="json").status_code == 403
    wrong = api(world.agency_staff).post(path, {"page": 9}, format="json")
    turned = api(world.agency_staff).post(path, {"page": 1, "degrees": 90}, format="json")

    assert wrong.status_code == 400
    assert turned.status_code == 200
    assert turned.json() == {"rotations": {"1": 90}}
    job = packed(open_supplement, world.agency_staff)
    (row,) = job.files.all()
    with pikepdf.open(io.BytesIO(row.file.open("rb").read())) as pdf:
        assert int(pdf.pages[0].obj.get("/Rotate", 0)) == 90
    document.refresh_from_db()
    assert document.file.open("rb").read() == original  # as uploaded

    # From the workspace: three more quarter turns bring it back upright (nothing remembered).
    client = page(world.agency_staff)
    for _turn in range(3):
        response = client.post(
            f"/supplements/{open_supplement.pk}/documents/{document.pk}/rotate/",
            {"page": 1, "degrees": 90},
        )
        assert response.status_code == 302
    document.refresh_from_db()
    assert document.rotations == {}
