"""The client address (issue 12, item 1): X-Forwarded-For counts only through a trusted proxy, for
the rate limits, the lockout records and the download records alike."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from rest_framework.test import APIClient

from accounts.client_ip import client_ip
from cases import services
from cases.choices import Visibility
from cases.documents.models import DocumentDownload
from tests.documents import files


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_header_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_header_ignored_from_an_untrusted_caller(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(_request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        # The proxy appends the address it saw: whatever the client wrote before it is not read.
        ("203.0.113.1", "203.0.113.1"),
        ("6.6.6.6, 203.0.113.1", "203.0.113.1"),
        # Two trusted hops (a load balancer, then the compose proxy): the first untrusted one.
        ("6.6.6.6, 203.0.113.1, 10.0.0.9", "203.0.113.1"),
        ("[2001:db8::5]:4431", "2001:db8::5"),
        ("203.0.113.1:51234", "203.0.113.1"),
        # Garbage where the client should be: the last proxy answers, never the garbage.
        ("not-an-address", "10.0.0.2"),
        ("", "10.0.0.2"),
    ],
)
def test_the_right_hop_behind_trusted_proxies(settings, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(_request("10.0.0.2", forwarded)) == expected


def test_ipv4_mapped_address_is_the_ipv4_client(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("::ffff:203.0.113.9")) == "203.0.113.9"


def _token_attempts(count: int, *, remote: str = "198.51.100.7", rotate: bool = True):
    client = APIClient()
    statuses = []
    for n in range(count):
        forwarded = f"203.0.113.{n + 1}" if rotate else "203.0.113.50"
        response = client.post(
            "/api/v1/auth/token/",
            {"username": f"nobody-{n}", "password": "wrong"},
            format="json",
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=forwarded,
        )
        statuses.append(response.status_code)
    return statuses


@pytest.mark.django_db
def test_rotating_forwarded_for_does_not_escape_the_token_throttle(settings):
    settings.TRUSTED_PROXIES = []

    statuses = _token_attempts(25)

    # The probe's 25 of 25 passed a 20/minute limit; now the 21st is refused.
    assert statuses[:20] == [401] * 20
    assert statuses[20:] == [429] * 5


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_has_its_own_budget(settings):
    settings.TRUSTED_PROXIES = ["198.51.100.0/24"]

    # Through the proxy, 25 different clients: none is limited by the others.
    assert _token_attempts(25) == [401] * 25
    # One client behind it is limited as it would be directly.
    statuses = _token_attempts(21, rotate=False)
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429


@pytest.mark.django_db
def test_lockout_records_the_client_address(settings, world):
    settings.TRUSTED_PROXIES = []
    APIClient().post(
        "/api/v1/auth/token/",
        {"username": world.agency_staff.username, "password": "wrong"},
        format="json",
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"


@pytest.mark.django_db
def test_download_records_the_client_address(client, settings, world, open_supplement):
    document = services.document_add(
        supplement=open_supplement,
        actor=world.agency_staff,
        data=files.small_pdf("passport.pdf"),
        name="passport.pdf",
        visibility=Visibility.ALL,
    )
    client.force_login(world.agency_staff)
    url = f"/documents/{document.pk}/download/"

    settings.TRUSTED_PROXIES = []
    client.get(url, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="6.6.6.6")
    settings.TRUSTED_PROXIES = ["198.51.100.7"]
    client.get(url, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.4")

    recorded = list(DocumentDownload.objects.order_by("pk").values_list("ip_address", flat=True))
    assert recorded == ["198.51.100.7", "203.0.113.4"]
