"""The filing sheet (/supplements/<id>/sheet/): one printable page that mirrors the platform's seven
tabs in order, so the filer can finish inside the platform's 30-minute session with no drafts:
every corrected value with a copy button, the upload set file by file, the reply ready to paste."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cases.tenancy import access_supplement
from web import documents as web_documents
from web import queries


@login_required
def filing_sheet(request, pk: int):
    supplement = access_supplement(request.user, pk)
    space = queries.workspace_for(user=request.user, supplement=supplement)
    pack = web_documents.pack_status(supplement, request.user)
    packed_files = web_documents.packed_files(pack)
    files = (
        packed_files if packed_files is not None else web_documents.as_sheet_files(space.upload_set)
    )
    context = {
        "space": space,
        "supplement": supplement,
        "case": supplement.case,
        "applicant": supplement.case.applicant,
        "files": files,
        "packed": packed_files is not None,
        "hidden_files": pack.hidden_files,
        "whole": pack.whole,
        "total_bytes": sum(f.size for f in files),
        "max_files": settings.UPLOAD_SET_MAX_FILES,
        "max_file_bytes": settings.UPLOAD_SET_MAX_FILE_BYTES,
        "too_many": len(files) > settings.UPLOAD_SET_MAX_FILES,
    }
    return render(request, "cases/sheet.html", context)
