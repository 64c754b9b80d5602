"""`Idempotency-Key` for creates: a retry returns the first answer instead of a duplicate.

The decorator wraps a view method that creates something. The key, the user and the path name the
request; a fingerprint of the body tells a true retry from a reuse of the key for something else
(422). The claim, the work and the stored answer commit together, so a failed request leaves no
claim behind and can be retried with the same key.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import wraps

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from rest_framework.response import Response

from integrations import services as integrations
from integrations.errors import InvalidIdempotencyKey

HEADER = "Idempotency-Key"
_KEY_RE = re.compile(r"[\x21-\x7e]{1,255}")


def _normalise(value):
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    if hasattr(value, "lists"):  # QueryDict (forms, multipart): every value of every key
        return {key: [_normalise(item) for item in items] for key, items in value.lists()}
    if isinstance(value, dict):
        return {str(key): _normalise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(item) for item in value]
    return value


def fingerprint(request) -> str:
    body = json.dumps(_normalise(request.data), sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(view_method):
    """Decorate a create (POST) handler of an API view."""

    @wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view_method(self, request, *args, **kwargs)
        if not _KEY_RE.fullmatch(key):
            raise InvalidIdempotencyKey(field=HEADER)
        with transaction.atomic():
            claim = integrations.idempotency_begin(
                user=request.user, key=key, path=request.path, fingerprint=fingerprint(request)
            )
            if isinstance(claim, integrations.Replay):
                return Response(
                    claim.body, status=claim.status_code, headers={"Idempotent-Replayed": "true"}
                )
            response = view_method(self, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                integrations.idempotency_finish(
                    record=claim, status_code=response.status_code, body=response.data
                )
            else:
                transaction.set_rollback(True)
            return response

    wrapper.idempotent = True
    return wrapper
