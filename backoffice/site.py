"""The admin site with the "Supplements needing attention" page linked from its index."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _


class TrackerAdminSite(admin.AdminSite):
    site_header = _("Gold Card supplement tracker")
    site_title = _("Gold Card tracker")
    index_title = _("Administration")
    index_template = "admin/tracker_index.html"

    def login(self, request, extra_context=None):
        # One login page for everyone (web.account_views): the per-address limit on attempts, the
        # lockout page and the second factor are there; the admin's own form would bypass them.
        # (Imported here: auth.views loads models, and this module loads with the app registry.)
        from django.contrib.auth.views import redirect_to_login

        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse(
            "admin:index", current_app=self.name
        )
        return redirect_to_login(next_url, login_url=settings.LOGIN_URL)

    def get_urls(self):
        # Here, not at the top: this module is imported while the app registry is still filling
        # (INSTALLED_APPS names its AdminConfig), before the models the view reads exist.
        from backoffice.attention import attention_view

        return [
            path(
                "attention/",
                self.admin_view(attention_view(self)),
                name="supplements_attention",
            ),
            *super().get_urls(),
        ]


class TrackerAdminConfig(AdminConfig):
    default_site = "backoffice.site.TrackerAdminSite"
