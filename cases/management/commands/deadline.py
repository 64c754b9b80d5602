"""`manage.py deadline NOTICE_DATE RULE`: print the last day of a supplement period and the count.

Contract: the last day as YYYY-MM-DD alone on the first line, then one line per step. Bad input: one
line on stderr and exit code 2 (argparse would print the usage too, and CommandError exits 1).
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from typing import NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from cases.deadlines import Rule, TaiwanCalendar, compute_deadline, parse_rule
from cases.models import ClosureDay

USAGE_EXIT_CODE = 2
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class OneLineErrorParser(CommandParser):
    """A parser whose errors are one line on stderr and exit 2, without the usage text."""

    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            sys.stderr.write(f"{self.prog}: error: {' '.join(message.split())}\n")
            sys.exit(USAGE_EXIT_CODE)
        raise CommandError(f"Error: {message}", returncode=USAGE_EXIT_CODE)


def notice_date_arg(text: str) -> date:
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError("expected YYYY-MM-DD")
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"invalid date {text!r} ({exc})") from None


def rule_arg(text: str) -> Rule:
    try:
        return parse_rule(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def staff_closures(after: date) -> dict[date, str]:
    """Closure days staff marked (typhoon 停班停課); none while the table does not exist yet."""
    try:
        rows = ClosureDay.objects.filter(date__gt=after).values_list("date", "reason")
        return dict(rows)
    except DatabaseError:
        return {}


class Command(BaseCommand):
    help = (
        "Compute the last day of a supplement period: counting starts the day after the notice, "
        "and a last day on a rest day moves to the next working day (Taipei calendar)."
    )
    # The output is a contract: no system-check warnings on stderr.
    requires_system_checks = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = OneLineErrorParser
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "notice_date",
            metavar="NOTICE_DATE",
            type=notice_date_arg,
            help="date of the notice, YYYY-MM-DD",
        )
        parser.add_argument(
            "rule",
            metavar="RULE",
            type=rule_arg,
            help="Nd (calendar days) or Nm (months), e.g. 30d, 6m",
        )
        parser.add_argument(
            "--lang",
            choices=["en", "zh-hant"],
            default="en",
            help="language of the steps (default en)",
        )

    def handle(self, *args, notice_date: date, rule: Rule, lang: str, **options) -> None:
        calendar = TaiwanCalendar(staff_closures(notice_date))
        try:
            result = compute_deadline(notice_date, rule, calendar=calendar)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=USAGE_EXIT_CODE) from None
        self.stdout.write(result.last_day.isoformat())
        for step in result.steps:
            self.stdout.write(step.text(lang))
