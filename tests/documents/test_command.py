"""`python manage.py pack_upload_set FILE... --out DIR` (contract), run as a subprocess: a messy
real-world bundle becomes at most 5 files of at most 1,000,000 bytes that open in two readers;
hostile files are named one per line on stderr, exit 1, and nothing is written."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pikepdf
import pypdf
import pytest

from tests.documents import files

REPO = Path(__file__).resolve().parents[2]


def run(args: list[str], tmp_path: Path, **env) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "TRACKER_DATA_DIR": str(tmp_path / "data"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "pack_upload_set", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def write(folder: Path, name: str, data: bytes) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return str(path)


@pytest.fixture
def bundle(tmp_path) -> list[str]:
    """What people arrive with: phone photos (one rotated, one HEIC), a transparent PNG, a
    30-page scan and a small letter."""
    source = tmp_path / "in"
    return [
        write(source, "passport.jpg", files.jpeg(files.photo(1, (3000, 2250)), quality=95)),
        write(source, "IMG_4031.HEIC", files.heic_sample()),
        write(source, "arc.jpg", files.jpeg(files.photo(2, (2400, 1800)), orientation=6)),
        write(source, "signature.png", files.alpha_png()),
        write(source, "degree-scan.pdf", files.scan_30_pages()),
        write(source, "employer letter.pdf", files.small_pdf("letter")),
    ]


def test_a_messy_bundle_becomes_an_upload_set(bundle, tmp_path):
    out = tmp_path / "set"
    result = run([*bundle, "--out", str(out)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert 1 <= len(lines) <= 5
    assert sorted(path.name for path in out.iterdir()) == sorted(name for name, _, _ in lines)
    total_pages = 0
    for name, size, pages in lines:
        data = (out / name).read_bytes()
        assert name.isascii()
        assert name.endswith(".pdf")
        assert name[:3] in {"01-", "02-", "03-", "04-", "05-"}
        assert len(data) == int(size) <= 1_000_000
        with pikepdf.open(io.BytesIO(data)) as document:
            assert (document.is_encrypted, len(document.pages)) == (False, int(pages))
        reader = pypdf.PdfReader(io.BytesIO(data))
        assert (reader.is_encrypted, len(reader.pages)) == (False, int(pages))
        total_pages += int(pages)
    assert total_pages == 35
    assert lines[0][0].startswith("01-passport")


def test_hostile_files_are_named_one_line_each_and_nothing_is_written(bundle, tmp_path):
    source = tmp_path / "in"
    hostile = [
        write(source, "statement.pdf", files.encrypted_pdf()),
        write(source, "diploma.pdf", files.owner_restricted_pdf()),
        write(source, "scan-cut.pdf", files.truncated(files.scan_30_pages())),
        write(source, "photo.pdf", files.elf_program()),
        write(source, "huge.png", files.png_bomb()),
        write(source, "cv.docx", files.word_document()),
    ]
    out = tmp_path / "set"
    result = run([bundle[0], *hostile, "--out", str(out)], tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    problems = [line.split(": ", 2)[:2] for line in result.stderr.splitlines()]
    assert problems == [
        [hostile[0], "encrypted_pdf"],
        [hostile[1], "encrypted_pdf"],
        [hostile[2], "corrupt_file"],
        [hostile[3], "disguised_executable"],
        [hostile[4], "decompression_bomb"],
        [hostile[5], "unsupported_type"],
    ]
    assert "remove the password" in result.stderr or "without one" in result.stderr
    assert not out.exists()


def test_material_that_cannot_fit_is_named_and_nothing_is_written(tmp_path):
    source = tmp_path / "in"
    noisy = write(source, "noise.jpg", files.jpeg(files.noise((2400, 1800), 9, "RGB"), quality=95))
    fine = write(source, "fine.pdf", files.small_pdf())
    out = tmp_path / "set"
    out.mkdir()
    result = run([fine, noisy, "--out", str(out)], tmp_path, UPLOAD_SET_MAX_FILE_BYTES="60000")
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{noisy}: upload_set_too_large: ")
    assert "“noise.jpg”" in line
    assert list(out.iterdir()) == []


def test_a_missing_file_and_usage_errors(tmp_path):
    result = run([str(tmp_path / "nope.pdf"), "--out", str(tmp_path / "set")], tmp_path)
    assert (result.returncode, result.stderr.strip()) == (
        1,
        f"{tmp_path / 'nope.pdf'}: unreadable: No such file or directory",
    )
    assert run([str(tmp_path / "nope.pdf")], tmp_path).returncode == 2  # --out is required
