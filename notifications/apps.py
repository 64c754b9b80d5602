from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Register the tasks in every process, so the services can send them by name (cases.queue).
        from notifications import tasks  # noqa: F401
        from notifications.webhooks import events
        from notifications.webhooks import tasks as webhook_tasks  # noqa: F401

        # Webhook events are derived from the change history, in the changing transaction.
        events.connect()
