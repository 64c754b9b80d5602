"""What "ready" means for a supplement (domain.md), as one pure function.

A supplement is ready to file when every reviewer comment is resolved, every requested document is
present (and every correction done), the upload set meets the platform's limits (≤5 files, each
≤1024 KB, unencrypted, PDF or an accepted image) and the reply to the reviewer is written.

The inputs are plain facts, so this module needs no database; `cases.services` gathers the facts
and stores the verdict on the supplement for sorting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.choices import PlatformTab

# The platform takes PDF and images; packing later converts HEIC/TIFF into PDF.
PLATFORM_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


@dataclass(frozen=True)
class CommentFact:
    tab: str  # a PlatformTab code; stored as a code and translated when shown
    resolved: bool


@dataclass(frozen=True)
class ItemFact:
    description: str
    is_document: bool
    done: bool
    has_document: bool
    waits_on: str


@dataclass(frozen=True)
class FileFact:
    name: str
    size: int
    content_type: str
    encrypted: bool = False
    visibility: str = "all"  # who may see the file (cases.choices.Visibility)


@dataclass(frozen=True)
class SupplementFacts:
    comments: Sequence[CommentFact]
    items: Sequence[ItemFact]
    upload_set: Sequence[FileFact]
    reply: str
    max_files: int = 5
    max_file_bytes: int = 1_000_000


@dataclass(frozen=True)
class Missing:
    """One thing still missing: a machine-readable code and the values its message needs."""

    code: str
    params: dict = field(default_factory=dict)

    def message(self) -> str:
        """The sentence staff read, in the active language."""
        params = dict(self.params)
        if "tab" in params and params["tab"] in PlatformTab.values:
            params["tab"] = PlatformTab(params["tab"]).label
        return _(MESSAGES[self.code]) % params

    def as_dict(self) -> dict:
        return {"code": self.code, "params": self.params}


MESSAGES = {
    "comment_unresolved": gettext_noop("Comment on %(tab)s unresolved"),
    "document_missing": gettext_noop("%(item)s not uploaded"),
    "document_unapproved": gettext_noop("%(item)s uploaded, waiting for approval"),
    "correction_pending": gettext_noop("Correction pending: %(item)s"),
    "too_many_files": gettext_noop("Upload set has %(count)d files, limit %(limit)d"),
    "file_too_large": gettext_noop("%(name)s is %(size_kb)d KB, limit %(limit_kb)d KB"),
    "file_encrypted": gettext_noop("%(name)s is encrypted: remove the password"),
    "file_type": gettext_noop("%(name)s is not a PDF or an accepted image"),
    "reply_empty": gettext_noop("Reply to the reviewer (審核意見回覆) is empty"),
}


@dataclass(frozen=True)
class Readiness:
    missing: tuple[Missing, ...]

    @property
    def ready(self) -> bool:
        return not self.missing

    def messages(self) -> list[str]:
        return [item.message() for item in self.missing]

    def as_dict(self) -> dict:
        return {"ready": self.ready, "missing": [item.as_dict() for item in self.missing]}

    def seen_with(self, visibilities: Iterable[str]) -> Readiness:
        """The same verdict for a reader who sees documents of these visibilities: the name of
        a file they may not see (its problem carries `visibility`) becomes a neutral
        placeholder, never the name itself."""
        seen = set(visibilities)
        hidden = _("a file prepared by the agency")
        return Readiness(
            tuple(
                Missing(item.code, {**item.params, "name": hidden})
                if "name" in item.params and item.params.get("visibility", "all") not in seen
                else item
                for item in self.missing
            )
        )

    @classmethod
    def from_stored(cls, stored: Iterable[dict]) -> Readiness:
        return cls(tuple(Missing(entry["code"], entry.get("params", {})) for entry in stored))


def assess(facts: SupplementFacts) -> Readiness:
    missing: list[Missing] = []
    missing.extend(
        Missing("comment_unresolved", {"tab": comment.tab})
        for comment in facts.comments
        if not comment.resolved
    )
    for item in facts.items:
        if item.done:
            continue
        if item.is_document:
            code = "document_unapproved" if item.has_document else "document_missing"
        else:
            code = "correction_pending"
        missing.append(Missing(code, {"item": item.description}))
    missing.extend(upload_set_problems(facts.upload_set, facts.max_files, facts.max_file_bytes))
    if not facts.reply.strip():
        missing.append(Missing("reply_empty"))
    return Readiness(tuple(missing))


def upload_set_problems(
    files: Sequence[FileFact], max_files: int, max_file_bytes: int
) -> list[Missing]:
    problems: list[Missing] = []
    if len(files) > max_files:
        problems.append(Missing("too_many_files", {"count": len(files), "limit": max_files}))
    for file in files:
        # A file not everyone sees says so, so readers who may not see it are not told its name.
        named = {"name": file.name} | (
            {"visibility": file.visibility} if file.visibility != "all" else {}
        )
        if file.encrypted:
            problems.append(Missing("file_encrypted", named))
        if file.content_type not in PLATFORM_TYPES:
            problems.append(Missing("file_type", named))
        if file.size > max_file_bytes:
            problems.append(
                Missing(
                    "file_too_large",
                    {
                        **named,
                        "size_kb": -(-file.size // 1024),
                        "limit_kb": max_file_bytes // 1024,
                    },
                )
            )
    return problems


def waits_on(item: ItemFact) -> str:
    """Whom a pending item waits on: a document uploaded but not yet approved waits on the review
    (the agency's, or the filer's), not on the party who already sent it."""
    return "agency" if item.is_document and item.has_document else item.waits_on


def waiting_on(items: Iterable[ItemFact]) -> list[str]:
    """The parties whose pending items hold the supplement, applicant first; the agency files."""
    order = ["applicant", "employer", "agency"]
    pending = {waits_on(item) for item in items if not item.done}
    return [party for party in order if party in pending] or ["agency"]


def triage_key(deadline: dt.date, ready: bool, today: dt.date, pk: int = 0) -> tuple:
    """Overdue first, then not ready, each by the closest deadline (mirrors the SQL ordering)."""
    bucket = 0 if deadline < today else (2 if ready else 1)
    return (bucket, deadline, pk)
