from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases and supplements")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Register the tasks in every process, so the services can send them by name (cases.queue).
        from cases import tasks  # noqa: F401

        post_migrate.connect(_reassess_after_migrate, sender=self)


def _reassess_after_migrate(**kwargs) -> None:
    """Once the schema is whole, assess the supplements a data migration marked."""
    from cases.readiness_facts import reassess_marked

    reassess_marked()
