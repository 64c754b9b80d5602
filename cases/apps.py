from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases and supplements")

    def ready(self) -> None:
        # Register the tasks in every process, so the services can send them by name (cases.queue).
        from cases import tasks  # noqa: F401
