"""Templates people reuse (issue 11 item 7): an agency's catalogue of usual requested items and its
reply templates; adding a catalogue entry to a supplement; filling a reply's placeholders.

Defaults: an agency starts with the default catalogue and replies below, copied into its own rows
the first time they are read (under a lock on the agency's row, so two first readers copy once).
Copying rather than merging defaults kept in code keeps one kind of row to edit, reorder and
deactivate: an agency that hides every default simply has inactive rows and is not seeded again.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organization
from accounts.standing import Writer
from cases import tenancy
from cases.choices import ItemKind, ItemState, Party, PlatformTab
from cases.errors import DomainError, InvalidInput
from cases.locking import lock_open_supplement
from cases.models import RequestedItem, SupplementRequest, history_user
from cases.services.parts import item_add
from cases.templates_catalogue import ItemTemplate, ReplyLanguage, ReplyTemplate

# (name_en, name_zh, kind, waits_on, tab): the items NIA and WDA reviewers most often ask for.
DEFAULT_ITEMS: list[tuple[str, str, str, str, str]] = [
    ("Passport data page", "護照資料頁", ItemKind.DOCUMENT, Party.APPLICANT, PlatformTab.PASSPORT),
    ("Photo (2-inch)", "照片", ItemKind.DOCUMENT, Party.APPLICANT, PlatformTab.BASIC),
    ("Employment certificate", "在職證明", ItemKind.DOCUMENT, Party.EMPLOYER, PlatformTab.FIELD),
    (
        "Salary proof, last 12 months",
        "薪資證明",
        ItemKind.DOCUMENT,
        Party.EMPLOYER,
        PlatformTab.FIELD,
    ),
    ("Recommendation letter", "推薦信", ItemKind.DOCUMENT, Party.APPLICANT, PlatformTab.FIELD),
    ("Degree certificate", "學歷證明", ItemKind.DOCUMENT, Party.APPLICANT, PlatformTab.FIELD),
    (
        "Police record certificate",
        "無犯罪紀錄證明",
        ItemKind.DOCUMENT,
        Party.APPLICANT,
        PlatformTab.UPLOAD,
    ),
    (
        "Proof of financial means",
        "財力證明",
        ItemKind.DOCUMENT,
        Party.APPLICANT,
        PlatformTab.UPLOAD,
    ),
    (
        "English name as in the passport",
        "英文姓名更正",
        ItemKind.CORRECTION,
        Party.AGENCY,
        PlatformTab.BASIC,
    ),
    ("Address in Taiwan", "在臺地址更正", ItemKind.CORRECTION, Party.AGENCY, PlatformTab.RESIDENCE),
]

DEFAULT_REPLIES: list[tuple[str, str, str]] = [
    (
        "補正說明（標準）",
        ReplyLanguage.ZH_HANT,
        "敬啟者：\n茲依 貴署審核意見補正如下：\n{items}\n請惠予審查。\n申請案號：{case_number}",
    ),
    (
        "Standard reply",
        ReplyLanguage.EN,
        "Dear reviewer,\n\nFollowing your review comments on application {case_number}, we "
        "supply the following:\n{items}\n\nThank you for your review.",
    ),
]

# What a reply template may use; anything else in braces is left as typed.
PLACEHOLDERS = {
    "case_number": gettext_lazy("the application number (申請案號)"),
    "applicant": gettext_lazy("the applicant's name"),
    "items": gettext_lazy("the requested items, one per line"),
    "round": gettext_lazy("the supplement round"),
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

ITEM_TEMPLATE_FIELDS = frozenset({"name_en", "name_zh", "kind", "waits_on", "tab", "active"})
REPLY_TEMPLATE_FIELDS = frozenset({"name", "language", "body", "active"})


class AlreadyAdded(DomainError):
    code = "item_already_added"
    status = 409
    default_message = gettext_lazy("This item is already asked for on this supplement.")


# --- Reading (and the defaults on first read) ----------------------------------------------------
def _seed(agency: Organization) -> None:
    """Copy the defaults into an agency that has no templates yet (of either kind)."""
    if ItemTemplate.objects.filter(agency=agency).exists() and (
        ReplyTemplate.objects.filter(agency=agency).exists()
    ):
        return
    with transaction.atomic():
        # Two first readers at once: the second waits here, then finds the rows.
        Organization.objects.select_for_update().filter(pk=agency.pk).first()
        if not ItemTemplate.objects.filter(agency=agency).exists():
            for position, (name_en, name_zh, kind, waits_on, tab) in enumerate(DEFAULT_ITEMS, 1):
                ItemTemplate.objects.create(
                    agency=agency,
                    name_en=name_en,
                    name_zh=name_zh,
                    kind=kind,
                    waits_on=waits_on,
                    tab=tab,
                    position=position,
                )
        if not ReplyTemplate.objects.filter(agency=agency).exists():
            for name, language, body in DEFAULT_REPLIES:
                ReplyTemplate.objects.create(agency=agency, name=name, language=language, body=body)


def item_catalogue(agency: Organization, *, include_inactive: bool = False) -> list[ItemTemplate]:
    """The agency's usual items in its order (the defaults, for an agency without any yet)."""
    _seed(agency)
    entries = ItemTemplate.objects.filter(agency=agency)
    if not include_inactive:
        entries = entries.filter(active=True)
    return list(entries.order_by("position", "id"))


def reply_templates(agency: Organization, *, include_inactive: bool = False) -> list[ReplyTemplate]:
    _seed(agency)
    templates = ReplyTemplate.objects.filter(agency=agency)
    if not include_inactive:
        templates = templates.filter(active=True)
    # Chinese first: replies in Chinese are processed faster (the platform's own advice).
    return list(templates.order_by("-language", "name", "id"))


# --- Writing the catalogue ------------------------------------------------------------------
def _save(actor: Writer, row: ItemTemplate | ReplyTemplate) -> None:
    row.full_clean()  # choices, lengths and blanks, named by field for the form
    history_user(actor, row)
    row.save()


@transaction.atomic
def item_template_add(
    *,
    actor: Writer,
    agency: Organization,
    name_en: str,
    name_zh: str,
    kind: str = ItemKind.DOCUMENT,
    waits_on: str = Party.APPLICANT,
    tab: str = "",
    active: bool = True,
) -> ItemTemplate:
    tenancy.check_can_manage_templates(actor, agency)
    _seed(agency)  # an agency's first own entry comes after the defaults, not instead of them
    last = ItemTemplate.objects.filter(agency=agency).aggregate(last=Max("position"))["last"]
    entry = ItemTemplate(
        agency=agency,
        name_en=name_en.strip(),
        name_zh=name_zh.strip(),
        kind=kind,
        waits_on=waits_on,
        tab=tab,
        active=active,
        position=(last or 0) + 1,
    )
    _save(actor, entry)
    return entry


@transaction.atomic
def item_template_update(*, template: ItemTemplate, actor: Writer, **changes: Any) -> ItemTemplate:
    tenancy.check_can_manage_templates(actor, template.agency)
    unknown = set(changes) - ITEM_TEMPLATE_FIELDS
    if unknown:
        raise ValidationError(_("These cannot be changed: %s") % ", ".join(sorted(unknown)))
    entry = ItemTemplate.objects.select_for_update().get(pk=template.pk)
    for name, value in changes.items():
        setattr(entry, name, value.strip() if isinstance(value, str) else value)
    _save(actor, entry)
    return entry


@transaction.atomic
def item_template_move(*, template: ItemTemplate, actor: Writer, step: int) -> ItemTemplate:
    """One place up (step -1) or down (+1) in the agency's catalogue; the ends stay put."""
    tenancy.check_can_manage_templates(actor, template.agency)
    entries = list(
        ItemTemplate.objects.select_for_update()
        .filter(agency_id=template.agency_id)
        .order_by("position", "id")
    )
    index = next(i for i, entry in enumerate(entries) if entry.pk == template.pk)
    target = index + (1 if step > 0 else -1)
    if 0 <= target < len(entries):
        entries[index], entries[target] = entries[target], entries[index]
    # Renumbered 1..n, so equal positions (rows added by hand) cannot make a move a no-op.
    for position, entry in enumerate(entries, 1):
        if entry.position != position:
            entry.position = position
            history_user(actor, entry)
            entry.save(update_fields=["position"])
    return entries[target if 0 <= target < len(entries) else index]


@transaction.atomic
def reply_template_add(
    *,
    actor: Writer,
    agency: Organization,
    name: str,
    language: str,
    body: str,
    active: bool = True,
) -> ReplyTemplate:
    tenancy.check_can_manage_templates(actor, agency)
    _seed(agency)
    template = ReplyTemplate(
        agency=agency, name=name.strip(), language=language, body=body, active=active
    )
    _save(actor, template)
    return template


@transaction.atomic
def reply_template_update(
    *, template: ReplyTemplate, actor: Writer, **changes: Any
) -> ReplyTemplate:
    tenancy.check_can_manage_templates(actor, template.agency)
    unknown = set(changes) - REPLY_TEMPLATE_FIELDS
    if unknown:
        raise ValidationError(_("These cannot be changed: %s") % ", ".join(sorted(unknown)))
    row = ReplyTemplate.objects.select_for_update().get(pk=template.pk)
    for name, value in changes.items():
        setattr(row, name, value.strip() if name == "name" else value)
    _save(actor, row)
    return row


# --- Using them on a supplement --------------------------------------------------------------
def catalogue_item_taken(supplement: SupplementRequest, template: ItemTemplate) -> bool:
    """Already asked for: added from this entry, or an item with the very same text."""
    return supplement.items.filter(
        Q(template=template) | Q(description=template.description)
    ).exists()


@transaction.atomic
def item_add_from_catalogue(
    *, supplement: SupplementRequest, actor: Writer, template: ItemTemplate
) -> RequestedItem:
    """The catalogue entry as a requested item of the supplement, once."""
    tenancy.check_can_manage_supplement(actor, supplement.case)
    if template.agency_id != supplement.case.agency_id or not template.active:
        raise InvalidInput(_("That entry is not in this case's agency's catalogue."))
    # The supplement's lock first, so two clicks at once add one item.
    supplement = lock_open_supplement(supplement.pk)
    if catalogue_item_taken(supplement, template):
        raise AlreadyAdded(
            _("“%(item)s” is already asked for on this supplement; nothing was added.")
            % {"item": template.description}
        )
    return item_add(
        supplement=supplement,
        actor=actor,
        kind=template.kind,
        description=template.description,
        waits_on=template.waits_on,
        template=template,
    )


def reply_values(supplement: SupplementRequest) -> dict[str, str]:
    """What each placeholder stands for on this supplement. {items}: every item still asked for
    (not "no longer needed"), numbered, one per line: the reply lists what is supplied."""
    case = supplement.case
    items = supplement.items.exclude(state=ItemState.NOT_NEEDED).order_by("position", "id")
    return {
        "case_number": case.application_number or "",
        "applicant": str(case.applicant),
        "items": "\n".join(f"{n}. {item.description}" for n, item in enumerate(items, 1)),
        "round": str(supplement.round),
    }


def fill_reply(*, body: str, supplement: SupplementRequest) -> str:
    """The template's text with its placeholders filled. An unknown placeholder, or one with
    nothing to put in (no application number yet), stays as typed so the person sees it; braces
    never raise, unlike str.format."""
    values = reply_values(supplement)

    def put(match: re.Match[str]) -> str:
        return values.get(match.group(1)) or match.group(0)

    return _PLACEHOLDER.sub(put, body)
