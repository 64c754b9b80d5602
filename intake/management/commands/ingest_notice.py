"""`python manage.py ingest_notice FILE... [--organization ID]` (DESIGN.md contract): one
tab-separated line per file; exit 1 when a file could not be read (named on stderr)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from intake import parser
from intake.models import Source
from intake.services import notice_ingest


class Command(BaseCommand):
    help = "Read notices (.eml or .pdf) and create the supplements they ask for."

    def add_arguments(self, parser_) -> None:
        parser_.add_argument("files", nargs="+", metavar="FILE")
        parser_.add_argument(
            "--organization",
            type=int,
            help="the receiving organization's id: only its cases are matched",
        )

    def handle(self, *args, files: list[str], organization: int | None, **options) -> None:
        receiver = None
        if organization is not None:
            receiver = Organization.objects.filter(pk=organization).first()
            if receiver is None:
                raise CommandError(f"no organization with id {organization}")
        failed = False
        for name in files:
            path = Path(name)
            try:
                data = path.read_bytes()
                result = notice_ingest(
                    data=data,
                    name=path.name,
                    organization=receiver,
                    actor=None,
                    source=Source.COMMAND,
                )
            except (OSError, parser.Unreadable) as exc:
                failed = True
                self.stderr.write(f"{name}\tcannot be read: {exc}")
                continue
            self.stdout.write(result.line(name))
        if failed:
            sys.exit(1)
