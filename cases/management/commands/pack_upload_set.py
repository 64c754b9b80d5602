"""`python manage.py pack_upload_set FILE... --out DIR` (contract, DESIGN.md).

Checks the files (the same checks as an upload, virus scan included) and packs them into an upload
set the platform takes: at most UPLOAD_SET_MAX_FILES PDFs of at most UPLOAD_SET_MAX_FILE_BYTES,
unencrypted. Prints one line per output file, `NAME<TAB>BYTES<TAB>PAGES`, exit 0. A file that
cannot be used: one line per problem on stderr (`FILE: code: reason`), exit 1, nothing written.
Each file is its own group, in the order given; its name (without extension) names the output.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.documents.intake import intake
from cases.documents.limits import Limits
from cases.documents.packer import PackInput, pack
from cases.errors import DomainError


class Command(BaseCommand):
    help = "Check files and pack them into an upload set within the platform's limits."
    # It reads files and writes files: the URL and model checks would only cost a second.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="PDF or image files")
        parser.add_argument("--out", required=True, metavar="DIR", help="folder for the set")

    def handle(self, *args, files: list[str], out: str, **options) -> None:
        limits = Limits.from_settings()
        problems: list[str] = []
        inputs: list[PackInput] = []
        for position, path_text in enumerate(files, start=1):
            path = Path(path_text)
            try:
                data = path.read_bytes()
            except OSError as exc:
                problems.append(f"{path_text}: unreadable: {exc.strerror or exc}")
                continue
            try:
                checked = intake(data=data, name=path.name, limits=limits)
            except DomainError as exc:
                problems.append(f"{path_text}: {exc.code}: {exc.message}")
                continue
            inputs.append(
                PackInput(
                    key=path_text,
                    name=path.name,
                    label=path.stem,
                    group=f"{position}:{path_text}",
                    data=checked.data,
                    content_type=checked.content_type,
                )
            )
        if not problems:
            try:
                result = pack(inputs, limits=limits)
            except DomainError as exc:
                documents = exc.params.get("documents") or [{"key": "", "name": ""}]
                problems.extend(f"{entry['key']}: {exc.code}: {exc.message}" for entry in documents)
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise SystemExit(1)
        self._write(result.files, Path(out))
        for output in result.files:
            self.stdout.write(f"{output.name}\t{output.size}\t{output.pages}")

    def _write(self, outputs, folder: Path) -> None:
        """Each file written under a temporary name, then renamed: no partial files in DIR."""
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"{folder}: cannot create the folder: {exc.strerror}") from exc
        written: list[Path] = []
        umask = os.umask(0)
        os.umask(umask)
        try:
            staged: list[tuple[Path, Path]] = []
            for output in outputs:
                handle, temporary = tempfile.mkstemp(dir=folder, prefix=".packing-")
                with os.fdopen(handle, "wb") as stream:
                    stream.write(output.data)
                os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; like any new file
                staged.append((Path(temporary), folder / output.name))
                written.append(Path(temporary))
            for staged_name, final in staged:
                staged_name.replace(final)
                written.append(final)
        except OSError as exc:
            for path in written:
                path.unlink(missing_ok=True)
            raise CommandError(f"{folder}: cannot write the upload set: {exc.strerror}") from exc
