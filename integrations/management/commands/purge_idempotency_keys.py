"""`python manage.py purge_idempotency_keys`: delete idempotency records past their time to live."""

from django.core.management.base import BaseCommand

from integrations.services import idempotency_purge


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than IDEMPOTENCY_TTL_HOURS."

    def handle(self, *args, **options):
        self.stdout.write(f"{idempotency_purge()} idempotency record(s) deleted.")
