"""No server-side request forgery: addresses inside the network are refused when an endpoint is
registered and again at delivery (after DNS resolution); redirects are not followed."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from notifications.outbox import OutboxStatus
from notifications.webhooks import addresses
from notifications.webhooks import delivery as webhook_delivery
from notifications.webhooks.models import WebhookEndpoint
from tests.webhooks.conftest import register

INSIDE = [
    "https://127.0.0.1/hook",
    "https://127.0.0.2/hook",
    "https://localhost/hook",
    "https://10.0.0.5/hook",
    "https://172.16.3.4/hook",
    "https://192.168.1.10/hook",
    "https://169.254.169.254/latest/meta-data/",  # cloud metadata
    "https://100.100.100.200/",  # Alibaba's metadata
    "https://[::1]/hook",
    "https://[fd00:ec2::254]/",
    "https://[::ffff:10.0.0.1]/hook",  # IPv4-mapped private
    "https://0.0.0.0/hook",
    "https://224.0.0.1/hook",  # multicast
    "https://100.64.0.1/hook",  # shared address space
]
# IPv6 addresses that carry an IPv4 one a translator or tunnel reaches: the embedded address
# decides (NAT64 on an IPv6-only network reaches 169.254.169.254 through 64:ff9b::a9fe:a9fe).
EMBEDDED = [
    "https://[64:ff9b::a9fe:a9fe]/latest/meta-data/",  # NAT64 of the metadata address
    "https://[64:ff9b::a00:1]/hook",  # NAT64 of 10.0.0.1
    "https://[64:ff9b:1::a00:1]/hook",  # local-use NAT64 prefix
    "https://[2002:a00:1::1]/hook",  # 6to4 of 10.0.0.1
    "https://[::127.0.0.1]/hook",  # IPv4-compatible loopback
    "https://[::ffff:0:a00:1]/hook",  # IPv4-translated 10.0.0.1
]


@pytest.mark.parametrize("url", EMBEDDED)
def test_ipv4_inside_the_network_embedded_in_ipv6_is_refused(url, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(addresses.UnsafeUrl):
        addresses.resolve(url)


@pytest.mark.parametrize("url", INSIDE)
def test_addresses_inside_the_network_are_refused(url, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(addresses.UnsafeUrl) as refused:
        addresses.resolve(url)
    assert refused.value.params["field"] == "url"


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.215.14/hook",  # plain http to a public address
        "ftp://93.184.215.14/hook",
        "https://user:pw@93.184.215.14/hook",
        "https:///nohost",
        "javascript:alert(1)",
    ],
)
def test_only_https_urls_without_credentials(url, settings):
    with pytest.raises(addresses.UnsafeUrl):
        addresses.resolve(url)


def test_a_public_https_address_passes_and_is_the_one_connected_to():
    target = addresses.resolve("https://93.184.215.14:8443/in?x=1")
    assert (target.scheme, target.host, target.port, target.path, target.address) == (
        "https",
        "93.184.215.14",
        8443,
        "/in?x=1",
        "93.184.215.14",
    )


def test_the_loopback_setting_allows_127_0_0_1_only(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    assert addresses.resolve("http://127.0.0.1:9000/hook").address == "127.0.0.1"
    for url in ("http://127.0.0.2/hook", "https://[::1]/hook", "http://10.0.0.1/"):
        with pytest.raises(addresses.UnsafeUrl):
            addresses.resolve(url)


@pytest.mark.django_db
def test_registering_an_internal_url_is_a_400_naming_the_field(world, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    client = APIClient()
    client.force_authenticate(world.agency_admin)
    response = client.post(
        "/api/v1/webhooks/",
        {"url": "https://169.254.169.254/latest/", "events": ["case.created"]},
        format="json",
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["code"], error["field"]) == ("webhook_url_refused", "url")
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.django_db
def test_delivery_checks_the_address_again(world, receiver, open_supplement, settings):
    """Registered while allowed, then the rule changes (as a host re-pointed by DNS would):
    the delivery is refused before any connection, and tried again later."""
    register(receiver, actor=world.agency_admin, organization=world.agency, events=["case.created"])
    from cases import services
    from cases.choices import CaseKind, Channel

    services.case_create(
        actor=world.agency_staff,
        applicant=world.priya,
        kind=CaseKind.NEW,
        channel=Channel.AGENCY,
        agency=world.agency,
        employer=world.acme,
    )
    row = WebhookEndpoint.objects.get().deliveries.get()
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    assert webhook_delivery.deliver(row.pk) is not None
    row.refresh_from_db()
    assert (row.status, row.response_code) == (OutboxStatus.PENDING, None)
    assert row.error.startswith("refused_address")
    assert receiver.received == []


@pytest.mark.django_db
def test_redirects_are_not_followed(world, receiver, settings):
    register(receiver, actor=world.agency_admin, organization=world.agency, events=["case.created"])
    receiver.state.redirect_to = "http://169.254.169.254/latest/meta-data/"
    from cases import services
    from cases.choices import CaseKind, Channel

    services.case_create(
        actor=world.agency_staff,
        applicant=world.priya,
        kind=CaseKind.NEW,
        channel=Channel.AGENCY,
        agency=world.agency,
        employer=world.acme,
    )
    row = WebhookEndpoint.objects.get().deliveries.get()
    assert webhook_delivery.deliver(row.pk) is not None
    row.refresh_from_db()
    assert (row.status, row.response_code) == (OutboxStatus.PENDING, 307)
    assert receiver.state.refused == 1
    assert receiver.received == []
