"""The vocabularies of the platform and the procedure, with the platform's Chinese wording beside the
English. Kept apart from the models so pure modules (lifecycle, readiness) can use them too."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseKind(models.TextChoices):
    NEW = "new", _("New application")
    REAPPLICATION = "reapplication", _("Re-application (重新申請)")
    EXTENSION = "extension", _("Extension (延期)")
    REISSUE = "reissue", _("Reissue (補發)")
    DATA_CHANGE = "data_change", _("Data change (資料異動)")


class Channel(models.TextChoices):
    SELF = "self", _("Filed by the applicant (外國人自行申請)")
    EMPLOYER = "employer", _("Filed by the employer (雇主提出申請)")
    AGENCY = "agency", _("Filed by an agency (委託代辦機構提出申請)")


class ApplyingFrom(models.TextChoices):
    DOMESTIC = "domestic", _("In Taiwan")
    OVERSEAS = "overseas", _("Overseas")


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (草稿)")
    SUBMITTED = "submitted", _("Submitted (已送出)")
    PAYMENT_PENDING = "payment_pending", _("Awaiting payment (待繳費)")
    NIA_INITIAL_REVIEW = "nia_initial_review", _("NIA information check (移民署初審)")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested (資料補正)")
    QUALIFICATION_REVIEW = (
        "qualification_review",
        _("Qualification review by WDA / competent authority (資格審查)"),
    )
    PASSPORT_INSPECTION = "passport_inspection", _("Passport inspection (繳驗護照)")
    NIA_FINAL_REVIEW = "nia_final_review", _("NIA final review (移民署複審)")
    APPROVED = "approved", _("Approved (核准)")
    CARD_READY = "card_ready", _("Card ready to collect (待領證)")
    COLLECTED = "collected", _("Card collected (已領證)")
    REFUSED = "refused", _("Refused (不予許可)")
    APPEAL_FILED = "appeal_filed", _("Appeal filed (訴願中)")
    WITHDRAWN = "withdrawn", _("Withdrawn (撤回)")


class HoldingBody(models.TextChoices):
    """Who holds the case at a point of its life."""

    APPLICANT_SIDE = "applicant_side", _("Applicant side (申請人)")
    NIA = "nia", _("National Immigration Agency (內政部移民署)")
    WDA = "wda", _("Workforce Development Agency (勞動部勞動力發展署)")
    COMPETENT_AUTHORITY = (
        "competent_authority",
        _("Competent authority of the field (目的事業主管機關)"),
    )
    BOCA = "boca", _("Bureau of Consular Affairs (外交部領事事務局)")
    MISSION = "mission", _("Overseas mission (駐外館處)")
    APPEAL_BODY = "appeal_body", _("Ministry of the Interior, appeal (訴願審議)")


class RequestingBody(models.TextChoices):
    """Who sent a supplement request (補正通知)."""

    NIA_INITIAL = "nia_initial", _("NIA initial review (移民署初審)")
    NIA_FINAL = "nia_final", _("NIA final review (移民署複審)")
    WDA = "wda", _("Workforce Development Agency (勞動部勞動力發展署)")
    COMPETENT_AUTHORITY = (
        "competent_authority",
        _("Competent authority of the field (目的事業主管機關)"),
    )
    BOCA = "boca", _("Bureau of Consular Affairs (外交部領事事務局)")
    MISSION = "mission", _("Overseas mission (駐外館處)")


class DeadlineRule(models.TextChoices):
    DAYS_30 = "30d", _("30 days (NIA tutorial; WDA practice)")
    MONTHS_6 = "6m", _("6 months, documents from abroad (NIA tutorial)")
    DAYS_15 = "15d", _("15 days (Immigration Act Enforcement Rules art. 7)")
    MONTHS_3 = "3m", _("3 months, documents from abroad (Enforcement Rules art. 7)")
    CUSTOM = "custom", _("Custom: the date printed in the notice")


class SupplementState(models.TextChoices):
    OPEN = "open", pgettext_lazy("supplement state", "Open")
    SUBMITTED = "submitted", _("Submitted (送出)")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SupplementOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted (補正完成)")
    FURTHER_REQUEST = "further_request", _("Another supplement requested")
    REFUSED = "refused", _("Refused")


class PlatformTab(models.TextChoices):
    """The seven tabs of the platform's supplement form, in the platform's order."""

    BASIC = "basic", _("Basic data (基本資料)")
    PASSPORT = "passport", _("Passport (護照資料)")
    VISA = "visa", _("Visa application, passport inspection (簽證申請(繳驗護照))")
    RESIDENCE = "residence", _("Residence application (居留申請)")
    FIELD = "field", _("Field of expertise (領域專長)")
    UPLOAD = "upload", _("Document upload (文件上傳)")
    SUBMIT = "submit", _("Finish and submit (完成送出)")


TAB_ORDER = {tab: index for index, tab in enumerate(PlatformTab.values)}


class ItemKind(models.TextChoices):
    DOCUMENT = "document", _("Document to supply")
    CORRECTION = "correction", _("Data correction")


class ItemState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    NOT_NEEDED = "not_needed", _("No longer needed")


class Party(models.TextChoices):
    """Whom a piece of work waits on."""

    APPLICANT = "applicant", _("Applicant")
    EMPLOYER = "employer", _("Employer HR")
    AGENCY = "agency", _("Agency staff")


class Visibility(models.TextChoices):
    ALL = "all", _("Everyone on the case")
    NO_APPLICANT = "no_applicant", _("Agency and employer")
    AGENCY_ONLY = "agency_only", _("Agency only")


class AttachmentKind(models.TextChoices):
    """What a supplement keeps beside its documents, never packed into the upload set."""

    NOTICE = "notice", _("Notice (補正通知)")
    PROOF = "proof", _("Proof of submission (補正完成)")


class DocumentReview(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    CHECKED = "checked", _("Checked")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
