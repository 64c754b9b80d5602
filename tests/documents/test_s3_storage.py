"""Documents in an S3-compatible bucket, the production setting (MinIO in compose).

No MinIO runs on these machines, so the bucket is moto's S3 server, spoken to over HTTP by the same
django-storages backend and settings production uses (`S3_*` variables through
`tracker.settings.storages_config`). What is checked: uploads land in the bucket as private objects
under random names, downloads stream through the access-checked view (no bucket URL ever reaches a
client), packing reads its sources from and writes its PDFs to the bucket, and /healthz probes it.
"""

from __future__ import annotations

import io
import socket

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from cases import services
from cases import services as document_services
from cases.choices import Visibility
from cases.documents.models import PackState
from tests.documents import files
from tests.factories import UserFactory

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

BUCKET = "tracker-documents"
KEYS = {"access_key": "tracker-test", "secret_key": "tracker-test-secret"}

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port())
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh bucket, and STORAGES built by the settings module from the production variables."""
    from tracker import settings as tracker_settings

    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET)
    for name, value in {
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_ACCESS_KEY": KEYS["access_key"],
        "S3_SECRET_KEY": KEYS["secret_key"],
        "S3_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    # The documents' storage as the settings choose it; static files stay the tests' (no manifest).
    settings.STORAGES = {
        **tracker_settings.storages_config(),
        "staticfiles": settings.STORAGES["staticfiles"],
    }
    assert settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    yield client
    objects = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in objects:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_an_upload_is_a_private_object_served_only_through_the_view(
    bucket, world, open_supplement, client
):
    data = files.small_pdf("passport")
    api = APIClient()
    api.force_authenticate(world.agency_staff)
    response = api.post(
        f"/api/v1/supplements/{open_supplement.pk}/documents/",
        {"file": SimpleUploadedFile("passport.pdf", data, "application/pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()

    (key,) = keys(bucket)
    assert "passport" not in key  # random storage names: no personal data in the bucket's keys
    assert bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() == data
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Grantee"].get("URI") for grant in grants if "URI" in grant["Grantee"]] == []
    assert BUCKET not in str(body)
    assert "X-Amz" not in str(body)

    download = api.get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    # Another tenant gets the same 404 as for a missing document, bucket or not.
    client.force_login(world.hr_globex)
    assert client.get(f"/documents/{body['id']}/download/").status_code == 404


def test_packing_reads_from_and_writes_to_the_bucket(bucket, world, open_supplement):
    for index in range(3):
        services.document_add(
            supplement=open_supplement,
            actor=world.agency_staff,
            data=files.jpeg(files.text_page(seed=index)),
            name=f"scan-{index}.jpg",
            visibility=Visibility.ALL,
        )
    uploaded = set(keys(bucket))
    assert len(uploaded) == 3

    job = document_services.pack_request(supplement=open_supplement, actor=world.agency_staff)
    job = document_services.pack_run(job_id=job.pk)

    assert job.state == PackState.DONE, job.error
    packed = list(job.files.order_by("position"))
    assert packed
    assert set(keys(bucket)) == uploaded | {item.file.name for item in packed}
    for item in packed:
        body = bucket.get_object(Bucket=BUCKET, Key=item.file.name)["Body"].read()
        assert len(body) == item.size <= 1_000_000
        with pikepdf.open(io.BytesIO(body)) as pdf:
            assert not pdf.is_encrypted
            assert len(pdf.pages) >= 1


def test_healthz_probes_the_bucket_and_names_it_when_it_fails(bucket, client, settings):
    ok = client.get("/healthz")
    assert ok.status_code == 200, ok.content
    assert ok.json()["checks"]["storage"] == "ok"
    assert keys(bucket) == []  # the probe cleans up after itself

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "bucket_name": "no-such"},
        },
    }
    failed = client.get("/healthz")
    assert failed.status_code == 503
    # Anonymous callers learn which part failed, never its detail (bucket names, hosts).
    assert failed.json()["checks"]["storage"] == "error"
    assert "no-such" not in failed.text
    client.force_login(UserFactory(is_staff=True))
    detailed = client.get("/healthz")
    assert detailed.json()["checks"]["storage"].startswith("error:")
