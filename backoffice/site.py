"""The admin site with the "Supplements needing attention" page linked from its index."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import path
from django.utils.translation import gettext_lazy as _


class TrackerAdminSite(admin.AdminSite):
    site_header = _("Gold Card supplement tracker")
    site_title = _("Gold Card tracker")
    index_title = _("Administration")
    index_template = "admin/tracker_index.html"

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
