"""Every write to cases and supplements. The pages, the API, the admin and the commands call these.

Each service takes keyword-only arguments and the acting user, checks that the user may act
(cases.tenancy.checks; `actor=None` is the system), locks the supplement row before it changes
anything under it (cases.locking), records who and when through the change history, and keeps
submitted supplements frozen. By subject: `cases`, `supplements`, `parts` (comments and items),
`documents` (adding, reviewing, ordering, downloads), `attachments` (the notice and the proof
of submission, never packed), `packing`, `deadlines`, `case_requests`
(employer HR asking an agency for a case). Import from `cases.services`; the submodules are the
layout.
"""

from cases.editable import CASE_EDITABLE_FIELDS
from cases.readiness_facts import item_facts, refresh_readiness, supplement_facts
from cases.services.attachments import attachment_add, attachment_remove
from cases.services.case_requests import (
    case_request_accept,
    case_request_cancel,
    case_request_create,
    case_request_decline,
)
from cases.services.cases import case_create, case_transition, case_update
from cases.services.deadlines import propose_deadline, taiwan_calendar
from cases.services.documents import (
    document_add,
    document_approve,
    document_mark_checked,
    document_pin,
    document_reject,
    document_remove,
    document_reorder,
    document_rotate,
    record_download,
    upload_set_zip,
)
from cases.services.packing import (
    discard_packs_with,
    pack_recover_stale,
    pack_request,
    pack_run,
)
from cases.services.parts import (
    comment_add,
    comment_reopen,
    comment_resolve,
    item_add,
    item_set_state,
)
from cases.services.supplements import (
    UNCHANGED,
    check_assignee,
    supplement_assign,
    supplement_confirm_notice,
    supplement_create,
    supplement_deadlines,
    supplement_override_deadline,
    supplement_record_outcome,
    supplement_reopen,
    supplement_set_reply,
    supplement_submit,
    supplement_update,
    supplement_withdraw,
)
from cases.services.templates_catalogue import (
    AlreadyAdded,
    catalogue_item_taken,
    fill_reply,
    item_add_from_catalogue,
    item_catalogue,
    item_template_add,
    item_template_move,
    item_template_update,
    reply_template_add,
    reply_template_update,
    reply_templates,
)

__all__ = [
    "CASE_EDITABLE_FIELDS",
    "UNCHANGED",
    "AlreadyAdded",
    "attachment_add",
    "attachment_remove",
    "case_create",
    "case_request_accept",
    "case_request_cancel",
    "case_request_create",
    "case_request_decline",
    "case_transition",
    "case_update",
    "catalogue_item_taken",
    "check_assignee",
    "comment_add",
    "comment_reopen",
    "comment_resolve",
    "discard_packs_with",
    "document_add",
    "document_approve",
    "document_mark_checked",
    "document_pin",
    "document_reject",
    "document_remove",
    "document_reorder",
    "document_rotate",
    "fill_reply",
    "item_add",
    "item_add_from_catalogue",
    "item_catalogue",
    "item_facts",
    "item_set_state",
    "item_template_add",
    "item_template_move",
    "item_template_update",
    "pack_recover_stale",
    "pack_request",
    "pack_run",
    "propose_deadline",
    "record_download",
    "refresh_readiness",
    "reply_template_add",
    "reply_template_update",
    "reply_templates",
    "supplement_assign",
    "supplement_confirm_notice",
    "supplement_create",
    "supplement_deadlines",
    "supplement_facts",
    "supplement_override_deadline",
    "supplement_record_outcome",
    "supplement_reopen",
    "supplement_set_reply",
    "supplement_submit",
    "supplement_update",
    "supplement_withdraw",
    "taiwan_calendar",
    "upload_set_zip",
]
