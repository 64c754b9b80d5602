"""/api/v1/ routes. Mounted by tracker/urls.py under the namespace "api"."""

from __future__ import annotations

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from api import attachments as attachment_api
from api import documents as document_api
from api import notices as notice_api
from api.errors import not_found
from api.views.accounts import ApplicantViewSet, MembershipViewSet, OrganizationViewSet
from api.views.auth import MeView, TokenObtainView, TokenViewSet
from api.views.case_requests import CaseRequestViewSet
from api.views.cases import CaseViewSet
from api.views.parts import (
    CommentViewSet,
    DocumentViewSet,
    ItemViewSet,
    SupplementCommentsView,
    SupplementDocumentsView,
    SupplementItemsView,
)
from api.views.reports import SupplementReportView
from api.views.supplements import DeadlinePreviewView, SupplementViewSet
from api.views.webhooks import WebhookViewSet

app_name = "api"


class Router(SimpleRouter):
    # Ids are integers (the `int` path converter, so the schema says so too): anything else is an
    # unknown path (JSON 404), never a lookup.
    def get_lookup_regex(self, viewset, lookup_prefix=""):
        return f"<int:{lookup_prefix}pk>"


router = Router(use_regex_path=False)
router.register("auth/tokens", TokenViewSet, basename="token")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("applicants", ApplicantViewSet, basename="applicant")
router.register("cases", CaseViewSet, basename="case")
router.register("supplements", SupplementViewSet, basename="supplement")
router.register("comments", CommentViewSet, basename="comment")
router.register("items", ItemViewSet, basename="item")
router.register("documents", DocumentViewSet, basename="document")
router.register("case-requests", CaseRequestViewSet, basename="case-request")
router.register("webhooks", WebhookViewSet, basename="webhook")

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="token-obtain"),
    path("me/", MeView.as_view(), name="me"),
    path("reports/supplements/", SupplementReportView.as_view(), name="report-supplements"),
    path("deadlines/preview/", DeadlinePreviewView.as_view(), name="deadline-preview"),
    path(
        "supplements/<int:supplement_pk>/comments/",
        SupplementCommentsView.as_view(),
        name="supplement-comments",
    ),
    path(
        "supplements/<int:supplement_pk>/items/",
        SupplementItemsView.as_view(),
        name="supplement-items",
    ),
    path(
        "supplements/<int:supplement_pk>/documents/",
        SupplementDocumentsView.as_view(),
        name="supplement-documents",
    ),
    *document_api.urlpatterns,
    *attachment_api.urlpatterns,
    *notice_api.urlpatterns,
    *router.urls,
    re_path(r"^.*$", not_found),
]
