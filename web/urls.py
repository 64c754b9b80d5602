"""The pages people work in. Included at the site root by tracker/urls.py (namespace "web")."""

from django.urls import path

from web import (
    applicant_import,
    applicants,
    attachments,
    case_life,
    case_list,
    case_page,
    case_requests,
    catalogue,
    clients,
    dashboard,
    integrations,
    invitations,
    notices,
    page_turns,
    portals,
    reports,
    sheet,
    supplement_life,
    workspace,
    workspace_templates,
)

app_name = "web"

urlpatterns = [
    path("welcome/", dashboard.nothing, name="nothing"),
    # Webhooks and the team calendar (issue 14).
    path("integrations/", integrations.integrations, name="integrations"),
    path("integrations/webhooks/<int:pk>/", integrations.webhook, name="webhook"),
    path("integrations/webhooks/<int:pk>/edit/", integrations.webhook_update, name="webhook_edit"),
    path("integrations/webhooks/<int:pk>/state/", integrations.webhook_state, name="webhook_state"),
    path(
        "integrations/webhooks/<int:pk>/rotate/", integrations.webhook_rotate, name="webhook_rotate"
    ),
    path(
        "integrations/webhooks/<int:pk>/delete/", integrations.webhook_delete, name="webhook_delete"
    ),
    path(
        "integrations/webhooks/<int:pk>/deliveries/<int:delivery_id>/replay/",
        integrations.webhook_replay,
        name="webhook_replay",
    ),
    path(
        "integrations/team-calendar/<int:organization_id>/",
        integrations.team_calendar_link,
        name="team_calendar_link",
    ),
    path(
        "team-calendar/<str:token>.ics",
        integrations.team_calendar_feed,
        name="team_calendar_feed",
    ),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/assign/", dashboard.bulk_assign, name="bulk_assign"),
    path("dashboard/export.<str:fmt>", dashboard.export_list, name="export"),
    path("dashboard/calendar/", dashboard.deadline_calendar, name="calendar"),
    path("invitations/", invitations.invite, name="invite"),
    path("applicants/import/", applicant_import.import_applicants, name="applicant_import"),
    path(
        "applicants/import/template.<str:fmt>",
        applicant_import.import_template,
        name="applicant_import_template",
    ),
    path("hr/", portals.hr_portal, name="hr"),
    path("reports/", reports.agency_reports, name="reports"),
    path("reports/export.<str:fmt>", reports.agency_export, name="reports_export"),
    path("hr/reports/", reports.hr_reports, name="hr_reports"),
    path("hr/reports/export.<str:fmt>", reports.hr_export, name="hr_reports_export"),
    path("me/", portals.applicant_view, name="applicant"),
    path("cases/", case_list.case_list, name="cases"),
    path("cases/export.<str:fmt>", case_list.case_export, name="case_export"),
    path("cases/new/", case_list.case_new, name="case_new"),
    path("cases/<int:pk>/", case_page.case_detail, name="case"),
    path("cases/<int:pk>/status/", case_life.change_status, name="case_status"),
    path("cases/<int:pk>/details/", case_life.edit_details, name="case_details"),
    path("cases/<int:pk>/notes/", case_life.edit_notes, name="case_notes"),
    path("cases/<int:pk>/supplements/new/", case_page.supplement_new, name="supplement_new"),
    path("cases/<int:pk>/deadline-preview/", case_page.deadline_preview, name="deadline_preview"),
    path("supplements/<int:pk>/", workspace.workspace, name="workspace"),
    path("supplements/<int:pk>/sheet/", sheet.filing_sheet, name="sheet"),
    path("supplements/<int:pk>/reply/", workspace.save_reply, name="reply"),
    path("supplements/<int:pk>/comments/", workspace.add_comment, name="comment_add"),
    path(
        "supplements/<int:pk>/comments/<int:comment_id>/resolve/",
        workspace.resolve_comment,
        name="comment_resolve",
    ),
    path(
        "supplements/<int:pk>/comments/<int:comment_id>/reopen/",
        workspace.reopen_comment,
        name="comment_reopen",
    ),
    path("supplements/<int:pk>/items/", workspace.add_item, name="item_add"),
    path(
        "supplements/<int:pk>/items/<int:item_id>/state/",
        workspace.set_item_state,
        name="item_state",
    ),
    path("supplements/<int:pk>/assign/", workspace.assign, name="assign"),
    path("supplements/<int:pk>/deadline/", workspace.override_deadline, name="override_deadline"),
    path("supplements/<int:pk>/documents/", workspace.upload, name="upload"),
    path(
        "supplements/<int:pk>/documents/<int:document_id>/remove/",
        workspace.remove_document,
        name="document_remove",
    ),
    path(
        "supplements/<int:pk>/documents/<int:document_id>/move/",
        workspace.move_document,
        name="document_move",
    ),
    path(
        "supplements/<int:pk>/documents/<int:document_id>/rotate/",
        page_turns.rotate_document,
        name="document_rotate",
    ),
    path(
        "supplements/<int:pk>/documents/<int:document_id>/pin/",
        workspace.pin_document,
        name="document_pin",
    ),
    path(
        "supplements/<int:pk>/documents/<int:document_id>/review/",
        workspace.review_document,
        name="document_review",
    ),
    path("supplements/<int:pk>/pack/", workspace.pack, name="pack"),
    path("supplements/<int:pk>/pack/progress/", workspace.pack_progress, name="pack_progress"),
    path("supplements/<int:pk>/submit/", workspace.submit, name="submit"),
    path("supplements/<int:pk>/remind/", workspace.remind, name="remind"),
    path("supplements/<int:pk>/withdraw/", supplement_life.withdraw, name="withdraw"),
    path("supplements/<int:pk>/reopen/", supplement_life.reopen, name="reopen"),
    path("supplements/<int:pk>/outcome/", supplement_life.record_outcome, name="outcome"),
    # Case requests: employer HR asks an agency for a case (issue 10).
    path("case-requests/", case_requests.case_request_list, name="case_requests"),
    path("case-requests/new/", case_requests.case_request_new, name="case_request_new"),
    path("case-requests/<int:pk>/", case_requests.case_request_detail, name="case_request"),
    path(
        "case-requests/<int:pk>/accept/",
        case_requests.case_request_accept,
        name="case_request_accept",
    ),
    path(
        "case-requests/<int:pk>/decline/",
        case_requests.case_request_decline,
        name="case_request_decline",
    ),
    path(
        "case-requests/<int:pk>/cancel/",
        case_requests.case_request_cancel,
        name="case_request_cancel",
    ),
    # Client employers and applicants one by one (web.clients, web.applicants).
    path("clients/", clients.client_list, name="clients"),
    path("clients/new/", clients.client_new, name="client_new"),
    path("clients/<int:pk>/", clients.client_detail, name="client"),
    path("clients/<int:pk>/edit/", clients.client_edit, name="client_edit"),
    path("applicants/", applicants.applicant_list, name="applicant_list"),
    path("applicants/new/", applicants.applicant_new, name="applicant_new"),
    path("applicants/<int:pk>/", applicants.applicant_detail, name="applicant_detail"),
    path("applicants/<int:pk>/edit/", applicants.applicant_edit, name="applicant_edit"),
    path(
        "applicants/<int:pk>/authorisations/",
        applicants.authorisation_add,
        name="authorisation_add",
    ),
    path(
        "applicants/<int:pk>/authorisations/<int:authorisation_id>/file/",
        applicants.authorisation_file,
        name="authorisation_file",
    ),
    path(
        "applicants/<int:pk>/authorisations/<int:authorisation_id>/attach/",
        applicants.authorisation_attach,
        name="authorisation_attach",
    ),
    path(
        "applicants/<int:pk>/authorisations/<int:authorisation_id>/revoke/",
        applicants.authorisation_revoke,
        name="authorisation_revoke",
    ),
    path("applicants/<int:pk>/employments/", applicants.employment_add, name="employment_add"),
    path(
        "applicants/<int:pk>/employments/<int:employment_id>/end/",
        applicants.employment_end,
        name="employment_end",
    ),
    # The agency's templates (issue 11 item 7): usual requested items and reply templates
    # (web.catalogue); in the workspace, one-click usual items and the reply box filled from a
    # reply template, not saved (web.workspace_templates).
    path(
        "supplements/<int:pk>/items/catalogue/",
        workspace_templates.catalogue_item_add,
        name="catalogue_item_add",
    ),
    path("supplements/<int:pk>/reply/template/", workspace_templates.reply_fill, name="reply_fill"),
    path("templates/items/", catalogue.item_templates, name="item_templates"),
    path("templates/items/new/", catalogue.item_template_new, name="item_template_new"),
    path("templates/items/<int:pk>/", catalogue.item_template_edit, name="item_template_edit"),
    path("templates/items/<int:pk>/move/", catalogue.item_template_move, name="item_template_move"),
    path(
        "templates/items/<int:pk>/active/",
        catalogue.item_template_active,
        name="item_template_active",
    ),
    path("templates/replies/", catalogue.reply_templates, name="reply_templates"),
    path("templates/replies/new/", catalogue.reply_template_new, name="reply_template_new"),
    path("templates/replies/<int:pk>/", catalogue.reply_template_edit, name="reply_template_edit"),
    # The notice and the proof of submission (issue 11 item 8): never part of the upload set.
    path(
        "supplements/<int:pk>/attachments/",
        attachments.attachment_add,
        name="attachment_add",
    ),
    path(
        "supplements/<int:pk>/attachments/<int:attachment_id>/remove/",
        attachments.attachment_remove,
        name="attachment_remove",
    ),
    path(
        "supplements/<int:pk>/attachments/<int:attachment_id>/download/",
        attachments.attachment_download,
        name="attachment_download",
    ),
    # Notices read by the intake (issue 13): add one, the inbox, attach, confirm.
    path("notices/", notices.notice_inbox, name="notices"),
    path("notices/add/", notices.notice_add, name="notice_add"),
    path("notices/mailboxes/", notices.mailboxes, name="mailboxes"),
    path("notices/mailboxes/<int:pk>/", notices.mailbox_edit, name="mailbox_edit"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice"),
    path("notices/<int:pk>/original/", notices.notice_original, name="notice_original"),
    path("notices/<int:pk>/attach/", notices.notice_attach, name="notice_attach"),
    path(
        "supplements/<int:pk>/confirm-notice/",
        notices.supplement_confirm_notice,
        name="supplement_confirm_notice",
    ),
]
