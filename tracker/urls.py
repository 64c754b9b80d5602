"""Root URLs: the contract paths (/admin/, /api/v1/, /api/schema/, /api/docs/, /healthz,
/accounts/login/) and the apps' own pages."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.errors import not_found as api_not_found
from tracker.health import healthz
from web.dashboard import home


def favicon(request):
    # Resolved per request: the hashed name comes from the manifest collectstatic writes.
    return HttpResponseRedirect(static("cases/favicon.svg"))


urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    # Browsers and feed readers ask for /favicon.ico whatever the page says: the hashed icon.
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    # Login (the contract path /accounts/login/), second factor, password reset, invitations.
    path("accounts/", include("web.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # REST API v1, its OpenAPI 3 schema and the docs (Swagger UI; its init script is a separate
    # file so the page works under the CSP's script-src 'self').
    path("api/v1/", include("api.urls", namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/", api_not_found),
    # Private document downloads, recorded: /documents/<id>/download/, /documents/packed/<id>/download/.
    path("documents/", include("web.download_urls", namespace="documents")),
    # Deadline alerts: /alerts/, /obligations/, /calendar/ (and the private .ics feeds).
    path("", include("web.alert_urls")),
    # The pages people work in: /dashboard/, /supplements/<id>/, /cases/<id>/, /hr/, /me/ ...
    path("", include("web.urls", namespace="web")),
]

# The error pages in the site's layout; under /api/ (errors outside API views, in middleware say)
# they still answer JSON.
handler403 = "tracker.errors.permission_denied"
handler404 = "tracker.errors.page_not_found"
handler500 = "tracker.errors.server_error"
