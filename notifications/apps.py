from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The wiring between services and workers: `remind` queues rows by kind through the outbox
        # registry, so the services never import the tasks. Imported here, not at the top: the
        # tasks import models, which are not loaded when this module is.
        from notifications import outbox, reminders, tasks

        outbox.register_dispatch(reminders.REMINDER, tasks.send_reminder.delay)
