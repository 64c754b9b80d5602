"""Root URLs: the contract paths (/admin/, /api/v1/, /api/schema/, /api/docs/, /healthz,
/accounts/login/) and the apps' own pages."""

from django.contrib import admin
from django.urls import include, path

from cases.views import home
from tracker.health import healthz

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
