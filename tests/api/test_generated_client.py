"""What an integrator does: generate a Python client from /api/schema/ with openapi-python-client,
import every module it wrote, and run README's API walkthrough with it against a live server
(token, what is due this week, a new supplement from a notice, a comment and its resolution, the
reply, submission, and the download of a packed file)."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

from cases.choices import SupplementState
from cases.clock import taipei_today
from cases.models import SupplementRequest
from tests.api.conftest import open_supplement_on
from tests.conftest import REQUIRE_REAL_SERVICES
from tests.documents import files

PACKAGE = "tracker_client"


def _generator() -> str:
    found = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    if found is None:
        if REQUIRE_REAL_SERVICES:
            pytest.fail("openapi-python-client is not installed (the dev extra has it)")
        pytest.skip("openapi-python-client is not installed")
    return found


@pytest.fixture(scope="module")
def generated_client(tmp_path_factory):
    """The client package generated from the schema this code serves, importable for the tests
    of this module (generated once: it takes a few seconds)."""
    generator = _generator()
    folder = tmp_path_factory.mktemp("generated")
    schema = SchemaGenerator().get_schema(request=None, public=True)
    (folder / "schema.yaml").write_bytes(OpenApiYamlRenderer().render(schema))
    result = subprocess.run(
        [
            generator,
            "generate",
            "--path",
            str(folder / "schema.yaml"),
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Every operation and response made it into the client: nothing skipped with a warning.
    assert "WARNING" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    yield importlib.import_module(PACKAGE)
    sys.path.remove(str(folder))
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def test_every_generated_module_imports(generated_client):
    names = [
        module.name for module in pkgutil.walk_packages(generated_client.__path__, f"{PACKAGE}.")
    ]
    failed = {}
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as error:
            failed[name] = repr(error)

    assert len(names) > 100
    assert failed == {}


def _module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_readme_walkthrough_with_the_generated_client(
    generated_client, live_server, world, eager_celery, settings
):
    settings.UPLOAD_SET_AUTO_PACK = True
    world.agency_staff.set_password("walkthrough-pw")
    world.agency_staff.save()
    due_soon = open_supplement_on(world.acme_case, world.agency_staff, days_ago=26)
    client_module = _module("client")
    models = _module("models")
    types = _module("types")
    api = f"{PACKAGE}.api"

    # A token for the login, then every call with it.
    token = importlib.import_module(f"{api}.auth.auth_token_obtain").sync(
        client=client_module.Client(base_url=live_server.url),
        body=models.TokenObtainRequest(
            username=world.agency_staff.username, password="walkthrough-pw", name="HR sync"
        ),
    )
    assert isinstance(token, models.TokenObtained), token
    client = client_module.AuthenticatedClient(
        base_url=live_server.url, token=token.token, prefix="Token"
    )

    # Open supplements due within a week, in triage order.
    week = taipei_today() + dt.timedelta(days=7)
    due = importlib.import_module(f"{api}.supplements.supplements_list").sync(
        client=client, state=models.SupplementsListState.OPEN, deadline_before=week
    )
    expected = SupplementRequest.objects.filter(
        state=SupplementState.OPEN, deadline__lte=week, case__agency=world.agency
    )
    assert sorted(row.id for row in due.results) == sorted(row.pk for row in expected)
    assert (due_soon.pk in [row.id for row in due.results]) == (due_soon.deadline <= week)

    # A new notice: the case by its application number, the supplement, its deadline.
    cases = importlib.import_module(f"{api}.cases.cases_list").sync(
        client=client, search="115551035401"
    )
    case_id = cases.results[0].id
    assert case_id == world.acme_case.pk
    created = importlib.import_module(f"{api}.supplements.supplements_create").sync(
        client=client,
        body=models.SupplementCreateRequest(
            case=case_id,
            requesting_body=models.RequestingBodyEnum.WDA,
            notice_date=dt.date(2026, 11, 24),
            rule=models.RuleEnum.V_30D,
        ),
        idempotency_key="notice-115551035401-1",
    )
    assert isinstance(created, models.SupplementDetail), created
    assert created.deadline == dt.date(2026, 12, 24)
    sid = created.id

    # A reviewer's comment, then its resolution.
    comment = importlib.import_module(f"{api}.supplements.supplements_comments_create").sync(
        sid,
        client=client,
        body=models.CommentCreateRequest(tab=models.TabEnum.UPLOAD, text="請補附在職證明。"),
    )
    resolved = importlib.import_module(f"{api}.supplements.comments_resolve_create").sync(
        comment.id,
        client=client,
        body=models.CommentResolveRequest(resolution="Employment certificate attached"),
    )
    assert resolved.resolution == "Employment certificate attached"

    # A document, packed into the upload set (the worker runs inline here).
    document = importlib.import_module(f"{api}.documents.supplements_documents_create").sync(
        sid,
        client=client,
        body=models.DocumentUploadRequest(
            file=types.File(
                payload=io.BytesIO(files.small_pdf("certificate")),
                file_name="certificate.pdf",
                mime_type="application/pdf",
            )
        ),
    )
    assert isinstance(document, models.Document), document
    upload_set = importlib.import_module(f"{api}.documents.supplements_upload_set_create").sync(
        sid, client=client
    )
    assert upload_set.ready is True, upload_set

    # The reply to the reviewer (審核意見回覆), then submit (送出).
    reply = "敬啟者：茲補附在職證明，請惠予審查。"
    patched = importlib.import_module(f"{api}.supplements.supplements_partial_update").sync(
        sid, client=client, body=models.PatchedSupplementUpdateRequest(reply=reply)
    )
    assert patched.reply == reply
    submitted = importlib.import_module(f"{api}.supplements.supplements_submit_create").sync(
        sid, client=client, body=models.SubmitRequest()
    )
    assert isinstance(submitted, models.SupplementDetail), submitted
    assert submitted.state == models.SupplementStateEnum.SUBMITTED

    # The packed file, as bytes.
    packed = upload_set.files[0]
    download = importlib.import_module(
        f"{api}.documents.packed_files_download_retrieve"
    ).sync_detailed(packed.id, client=client)
    assert download.status_code == 200
    assert download.parsed.payload.read().startswith(b"%PDF-")
