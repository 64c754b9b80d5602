"""The templates people reuse, read through the rule: an agency's members (and superusers) see its
catalogue of usual items and its reply templates; everyone else gets 404, as for "does not
exist". Who may change them: cases.tenancy.checks.check_can_manage_templates."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Organization, OrganizationKind
from accounts.standing import Actor
from cases.models import ItemTemplate, ReplyTemplate
from cases.tenancy.scope import scope_for


def template_agencies(user: Actor) -> QuerySet[Organization]:
    """The agencies whose templates the user sees: their own (every agency for a superuser)."""
    scope = scope_for(user)
    agencies = Organization.objects.filter(kind=OrganizationKind.AGENCY).order_by("name", "pk")
    return agencies if scope.is_superuser else agencies.filter(pk__in=scope.agency_ids)


def access_item_template(user: Actor, template_id: int | str) -> ItemTemplate:
    try:
        return ItemTemplate.objects.select_related("agency").get(
            pk=template_id, agency__in=template_agencies(user)
        )
    except (ItemTemplate.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such catalogue entry.")) from exc


def access_reply_template(user: Actor, template_id: int | str) -> ReplyTemplate:
    try:
        return ReplyTemplate.objects.select_related("agency").get(
            pk=template_id, agency__in=template_agencies(user)
        )
    except (ReplyTemplate.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such reply template.")) from exc
