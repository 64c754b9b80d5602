"""The root URLs with the documents API endpoints wired in under /api/v1/ (as cases/api/urls.py
will include them), for the tests of cases.api.documents until they are wired there."""

from django.urls import include, path

from cases.api import documents as document_api
from cases.api import urls as api_urls
from tracker import urls as root

_api = [*document_api.urlpatterns, *api_urls.urlpatterns]

urlpatterns = [
    path("api/v1/", include((_api, "api"), namespace="api")),
    *[entry for entry in root.urlpatterns if not str(entry.pattern).startswith("api/v1/")],
]
