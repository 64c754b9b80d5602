"""`manage.py deadline NOTICE_DATE RULE`, run as a real process, and its staff-marked closures."""

import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_deadline(*args, data_dir):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # A private data folder: the command never touches the developer's database.
    env |= {
        "TRACKER_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "deadline", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        encoding="utf-8",
        timeout=120,
    )


def test_contract_example(tmp_path):
    completed = run_deadline("2026-01-20", "30d", data_dir=tmp_path)

    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    lines = completed.stdout.splitlines()
    assert lines[0] == "2026-02-23"
    assert lines[1:] == [
        "Notice dated 2026-01-20 (Tue); counting starts the next day, 2026-01-21 (Wed)",
        "30 calendar days: day 30 is 2026-02-19 (Thu)",
        "2026-02-19 (Thu) is a rest day (Chinese New Year): moved to 2026-02-20 (Fri)",
        "2026-02-20 (Fri) is a rest day (Chinese New Year's Eve (observed)): "
        "moved to 2026-02-21 (Sat)",
        "2026-02-21 (Sat) is a rest day (Saturday): moved to 2026-02-22 (Sun)",
        "2026-02-22 (Sun) is a rest day (Sunday): moved to 2026-02-23 (Mon), a working day",
        "Ends at the end of 2026-02-23 (Mon), Taipei time",
    ]


def test_works_when_the_data_folder_does_not_exist_yet(tmp_path):
    completed = run_deadline("2026-02-28", "1m", data_dir=tmp_path / "missing")

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[0] == "2026-03-31"


def test_months_rule(tmp_path):
    completed = run_deadline("2026-01-30", "1m", data_dir=tmp_path)

    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0] == "2026-03-02"
    assert lines[2] == (
        "1 month from 2026-01-31 (Sat): February 2026 has no day 31, "
        "so the last day is the end of that month, 2026-02-28 (Sat)"
    )


def test_steps_in_traditional_chinese(tmp_path):
    completed = run_deadline("2026-01-20", "30d", "--lang", "zh-hant", data_dir=tmp_path)

    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0] == "2026-02-23"
    assert lines[1] == "通知日期 2026-01-20（週二），當日不計入，自翌日 2026-01-21（週三）起算"
    assert lines[-1] == "期間於 2026-02-23（週一）臺北時間 24 時屆滿"
    assert len(lines) == 8


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2026-02-30", "30d"], "invalid date '2026-02-30'"),
        (["2026-1-20", "30d"], "invalid date '2026-1-20'"),
        (["20260120", "30d"], "invalid date '20260120'"),
        (["2026-W04-2", "30d"], "invalid date '2026-W04-2'"),
        (["tomorrow", "30d"], "invalid date 'tomorrow'"),
        (["2026-01-20", "30x"], "invalid deadline rule '30x'"),
        (["2026-01-20", "0d"], "invalid deadline rule '0d'"),
        (["2026-01-20", "3651d"], "invalid deadline rule '3651d'"),
        (["2026-01-20", "-5d"], "RULE"),
        (["2026-01-20", ""], "invalid deadline rule ''"),
        (["2026-01-20"], "the following arguments are required: RULE"),
        ([], "the following arguments are required: NOTICE_DATE, RULE"),
        (["2026-01-20", "30d", "extra"], "unrecognized arguments: extra"),
        (["2026-01-20", "30d", "--lang", "fr"], "invalid choice: 'fr'"),
        (["9999-12-30", "30d"], "out of the supported date range"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(tmp_path, args, message):
    completed = run_deadline(*args, data_dir=tmp_path)

    assert completed.returncode == 2
    assert completed.stdout == ""
    stderr_lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(stderr_lines) == 1, completed.stderr
    assert message in stderr_lines[0]


def test_called_from_code_bad_input_raises_command_error():
    with pytest.raises(CommandError, match="invalid date '2026-02-30'") as excinfo:
        call_command("deadline", "2026-02-30", "30d")

    assert excinfo.value.returncode == 2


def test_staff_marked_closure_moves_the_deadline(db):
    from cases.models import ClosureDay

    ClosureDay.objects.create(date=date(2026, 4, 1), reason="Typhoon Danas")
    out = StringIO()

    call_command("deadline", "2026-03-02", "30d", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "2026-04-02"
    assert lines[3] == (
        "2026-04-01 (Wed) is a rest day (closure: Typhoon Danas): "
        "moved to 2026-04-02 (Thu), a working day"
    )
