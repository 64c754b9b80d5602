"""Schemathesis against the API's own schema: every operation, a bounded number of generated
requests each, as agency admin (who may do the most) with a real token. No response may be a
server error or break the schema (status codes, content types, headers, bodies)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cases import services
from integrations.services import token_create
from tests.api.conftest import open_supplement_on
from tests.cases.files import pdf_bytes

MAX_EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# The schema as /api/schema/ serves it, built once at collection: one test per operation, so
# pytest-xdist spreads them over the workers.
# The coverage phase (boundary values of every parameter) found a list documented as one object;
# with it the run takes about 40 s on two cores.
schema = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True),
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": True}}}),
)
schema.app = WSGIHandler()


@pytest.fixture
def fuzz_token(world, settings, django_db_blocker):
    """A token for the agency admin, over a world with a little of everything (small ids, which
    the generator tries first, so some requests reach real objects)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": None, "token": None, "anon": None, "login": None},
    }
    staff = world.agency_staff
    supplement = open_supplement_on(world.acme_case, staff)
    services.comment_add(supplement=supplement, actor=staff, tab="basic", text="Fix")
    services.item_add(supplement=supplement, actor=staff, kind="document", description="Passport")
    services.document_add(supplement=supplement, actor=staff, data=pdf_bytes("fuzz"), name="a.pdf")
    _token, key = token_create(user=world.agency_admin, name="fuzz")
    # Requests go through the real WSGI handler, in the test's transaction: keep Django from
    # closing that connection at the start and end of each request (its test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield key
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, fuzz_token):
    case.call_and_validate(headers={"Authorization": f"Token {fuzz_token}"}, checks=CHECKS)
