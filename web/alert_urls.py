"""URLs of the notifications app, mounted at the site root by tracker/urls.py."""

from django.urls import path

from web import alerts as views

app_name = "notifications"

urlpatterns = [
    path("alerts/", views.alerts_page, name="alerts"),
    path("alerts/preferences/", views.preferences, name="preferences"),
    path("alerts/policy/", views.policy, name="policy"),
    path("alerts/respond/<str:token>/", views.respond, name="respond"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(
        "alerts/<str:kind>/<int:subject_id>/acknowledge/",
        views.alert_answer,
        {"action": "acknowledge"},
        name="acknowledge",
    ),
    path(
        "alerts/<str:kind>/<int:subject_id>/snooze/",
        views.alert_answer,
        {"action": "snooze"},
        name="snooze",
    ),
    path("obligations/", views.obligations, name="obligations"),
    path("obligations/<int:pk>/done/", views.obligation_done, name="obligation_done"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
