"""Reads for the alert pages, the calendar feed and the signed links, always through cases.tenancy:
a subject outside the user's cases answers 404, like one that does not exist."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts import standing
from accounts.models import Organization
from cases.clock import taipei_today
from cases.models import SupplementRequest
from cases.tenancy import access_case, access_supplement, visible_cases
from notifications.models import Alert, AlertResponse, Obligation, SubjectKind
from notifications.subjects import (
    ENDED_STATUSES,
    Item,
    extension_cases,
    load_items,
    passport_due_on,
)


def access_subject(*, user, subject_kind: str, subject_id: int) -> Item:
    """The subject as the user may see it; Http404 for "no such thing" and "not yours" alike."""
    if subject_kind == SubjectKind.SUPPLEMENT:
        access_supplement(user, subject_id)
    elif subject_kind == SubjectKind.OBLIGATION:
        if not Obligation.objects.filter(
            pk=subject_id, case__in=visible_cases(user).values("pk")
        ).exists():
            raise Http404(_("No such obligation."))
    elif subject_kind == SubjectKind.EXTENSION:
        access_case(user, subject_id)
    elif subject_kind == SubjectKind.PASSPORT:
        if not visible_cases(user).filter(applicant_id=subject_id).exists():
            raise Http404(_("No such applicant."))
    else:
        raise Http404(_("No such alert subject."))
    item = load_items([(subject_kind, subject_id)]).get((subject_kind, subject_id))
    if item is None:
        raise Http404(_("No such alert subject."))
    if (
        subject_kind == SubjectKind.PASSPORT
        and not visible_cases(user).filter(pk=item.case.pk).exists()
    ):
        # The applicant's latest case is someone else's: describe it through one the user sees.
        item.case = visible_cases(user).filter(applicant_id=subject_id).latest("created_at")
    return item


def deadlines_for(*, user, today: dt.date | None = None) -> list[Item]:
    """Every open dated item on the cases the user may see: supplements, obligations, extension
    windows, passports. What the calendar feed and the alerts page list."""
    return deadlines_in(cases=visible_cases(user), today=today)


def deadlines_in(*, cases: QuerySet, today: dt.date | None = None) -> list[Item]:
    """Every open dated item on these cases (a person's or an organization's, through
    cases.tenancy)."""
    today = today or taipei_today()
    items: list[Item] = []
    keys = [
        (SubjectKind.SUPPLEMENT, pk)
        for pk in SupplementRequest.objects.open()
        .filter(case__in=cases.values("pk"))
        .values_list("pk", flat=True)
    ]
    keys += [
        (SubjectKind.OBLIGATION, pk)
        for pk in Obligation.objects.filter(
            fulfilled_at__isnull=True, case__in=cases.values("pk")
        ).values_list("pk", flat=True)
    ]
    keys += [
        (SubjectKind.EXTENSION, pk)
        for pk in extension_cases()
        .filter(pk__in=cases.values("pk"), card_valid_to__gte=today)
        .values_list("pk", flat=True)
    ]
    items.extend(item for item in load_items(keys).values() if item.current)
    # Passports: one per applicant, described through a case this user sees.
    seen: set[int] = set()
    for case in (
        cases.exclude(status__in=ENDED_STATUSES)
        .filter(applicant__passport_expiry__isnull=False)
        .select_related("applicant")
        .order_by("applicant_id", "-created_at")
    ):
        if case.applicant_id in seen:
            continue
        seen.add(case.applicant_id)
        expiry = case.applicant.passport_expiry
        if expiry is None or expiry < today:  # None: excluded by the query already
            continue
        due_on = passport_due_on(expiry)
        items.append(
            Item(
                kind=SubjectKind.PASSPORT,
                subject_id=case.applicant_id,
                case=case,
                due_on=due_on,
                current=True,
                waits_on=("applicant",),
            )
        )
    return sorted(items, key=lambda item: (item.due_on, item.kind, item.subject_id))


def responses_of(*, user, items: list[Item]) -> dict[tuple[str, int], AlertResponse]:
    keys = {item.key for item in items}
    rows = AlertResponse.objects.filter(
        user=user,
        subject_kind__in={kind for kind, _id in keys},
        subject_id__in={subject_id for _kind, subject_id in keys},
    )
    return {
        (row.subject_kind, row.subject_id): row
        for row in rows
        if (row.subject_kind, row.subject_id) in keys
    }


def recent_alerts(*, user, limit: int = 50) -> QuerySet[Alert]:
    """The notification log: what was sent to this person, newest first."""
    return (
        Alert.objects.filter(recipient=user)
        .select_related("case")
        .order_by("-created_at", "-id")[:limit]
    )


def administered_organizations(*, user) -> QuerySet[Organization]:
    """Organizations whose alert policy the user may set (agency or employer admins; an
    operator, any)."""
    return standing.administered_organizations(user, operator_sees_all=True)


def obligations_for(*, user) -> QuerySet[Obligation]:
    return (
        Obligation.objects.filter(case__in=visible_cases(user).values("pk"))
        .select_related("case")
        .order_by("fulfilled_at", "due_on", "id")
    )
