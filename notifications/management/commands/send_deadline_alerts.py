"""`python manage.py send_deadline_alerts` (DESIGN.md contract): one alert sweep now, the same code
the scheduled task runs; prints how many alerts it sent. Running it again sends nothing twice."""

from django.core.management.base import BaseCommand

from notifications.sweep import run_sweep


class Command(BaseCommand):
    help = "Run one deadline-alert sweep now and print how many alerts it sent."

    def handle(self, *args, **options):
        result = run_sweep()
        self.stdout.write(f"Sent {result.sent} alerts in {result.emails} emails.")
        if options["verbosity"] > 1 or result.failed or result.retrying:
            self.stdout.write(
                f"Recorded {result.recorded}, failed {result.failed}, "
                f"retrying later {result.retrying}, skipped {result.skipped}."
            )
