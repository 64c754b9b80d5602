"""What browsers and CDNs get: hashed static names cached for a year (WhiteNoise's compressed
manifest storage, as collectstatic writes it in production), pages compressed, a favicon. (The
phone dashboard's layout shift and tap targets: tests/browser/test_phone_layout.py.)"""

from __future__ import annotations

import gzip

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

pytestmark = pytest.mark.django_db


def test_static_files_have_hashed_names_cached_for_a_year(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    client = Client()  # its WhiteNoise reads the collected files when it starts

    url = static("cases/app.css")
    page = client.get("/accounts/login/")
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")

    assert url.startswith("/static/cases/app.")
    assert url != "/static/cases/app.css"  # a content hash in the name
    assert url in page.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] == "gzip"
    assert b"".join(response.streaming_content)[:2] == b"\x1f\x8b"
    icon = static("cases/favicon.svg")
    assert f'<link rel="icon" href="{icon}" type="image/svg+xml">' in page.content.decode()
    redirect = client.get("/favicon.ico")
    assert (redirect.status_code, redirect["Location"]) == (302, icon)
    assert client.get(icon)["Content-Type"] == "image/svg+xml"


def test_pages_are_compressed_and_the_api_json_is_not(world):
    client = Client()
    page = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip, br")
    plain = client.get("/accounts/login/")

    assert page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    assert gzip.decompress(page.content).count(b"<form") == plain.content.count(b"<form")
    assert "Content-Encoding" not in plain
    api = client.get("/api/v1/", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in api
