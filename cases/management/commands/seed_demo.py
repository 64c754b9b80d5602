"""`python manage.py seed_demo`: idempotent demo data and the demo logins (DESIGN.md contract)."""

from django.core.management.base import BaseCommand, CommandError

from cases import demo


class Command(BaseCommand):
    help = "Create the demo agency, employers, applicants, cases and supplements (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-existing-data",
            action="store_true",
            help="Seed even though the database holds data that is not the demo's.",
        )

    def handle(self, *args, **options):
        foreign = demo.foreign_data()
        if foreign and not options["allow_existing_data"]:
            raise CommandError(
                "This database holds data that is not the demo's ("
                + ", ".join(foreign)
                + "); refusing to seed. Use --allow-existing-data to seed anyway."
            )
        result = demo.seed()
        if result["created"]:
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        else:
            self.stdout.write("Demo data already present; demo logins refreshed.")
        self.stdout.write(
            "Demo logins: "
            + ", ".join(demo.DEMO_USERNAMES)
            + " (password: $DEMO_PASSWORD if set, otherwise 'tracker-demo')."
        )
