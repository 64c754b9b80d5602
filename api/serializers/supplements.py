"""Supplement requests (補正), their reviewer comments, requested items and documents."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.cases import CaseSummarySerializer, case_summary
from api.serializers.common import (
    ChoiceLabelField,
    ModelSerializer,
    ScopedPrimaryKeyRelatedField,
    Serializer,
    UserSummarySerializer,
    iso_date,
    iso_datetime,
    label_of,
    user_summary,
)
from cases import services
from cases.choices import (
    DeadlineRule,
    ItemKind,
    ItemState,
    Party,
    PlatformTab,
    RequestingBody,
    SupplementOutcome,
    Visibility,
)
from cases.clock import days_left
from cases.models import Case, Document, RequestedItem, ReviewerComment, SupplementRequest
from cases.readiness import Readiness, waiting_on
from cases.services.supplements import ASSIGNEE_REFUSED
from cases.tenancy import allowed_visibilities, visible_cases, visible_comments, visible_items

User = get_user_model()


def _language() -> str:
    return "zh-hant" if (get_language() or "").lower().startswith("zh") else "en"


# --- Readiness and deadlines ----------------------------------------------------------------------
class MissingSerializer(Serializer):
    code = serializers.CharField(help_text="e.g. `comment_unresolved`, `document_missing`.")
    params = serializers.DictField(help_text="The values the message names.")
    message = serializers.CharField(help_text="The sentence, in the request's language.")


class ReadinessSerializer(Serializer):
    ready = serializers.BooleanField()
    missing = MissingSerializer(many=True)


def readiness_data(stored: list[dict], seen: Iterable[str] | None = None) -> dict:
    """`seen`: the visibilities of the documents the reader may see; a file they may not see is
    not named (cases.readiness.Readiness.seen_with)."""
    readiness = Readiness.from_stored(stored)
    if seen is not None:
        readiness = readiness.seen_with(seen)
    missing = []
    for item in readiness.missing:
        try:
            message = item.message()
        except (KeyError, TypeError, ValueError):
            message = item.code  # a code this version has no sentence for
        missing.append({"code": item.code, "params": item.params, "message": message})
    return {"ready": readiness.ready, "missing": missing}


class DeadlineComputationSerializer(Serializer):
    """How the proposed deadline was counted (the deadline engine's steps)."""

    rule = serializers.CharField()
    notice_date = serializers.DateField()
    counted_day = serializers.DateField(help_text="The last day before rolling past rest days.")
    last_day = serializers.DateField(help_text="The proposed deadline.")
    ends_at = serializers.DateTimeField(help_text="The exclusive end: 00:00 Taipei the day after.")
    steps = serializers.ListField(
        child=serializers.CharField(), help_text="The count, step by step, in the request language."
    )


def deadline_computation(result) -> dict | None:
    if result is None:
        return None
    language = _language()
    return {
        "rule": result.rule.code,
        "notice_date": result.notice_date,
        "counted_day": result.counted_day,
        "last_day": result.last_day,
        "ends_at": result.ends_at,
        "steps": [step.text(language) for step in result.steps],
    }


class DeadlinePreviewQuerySerializer(Serializer):
    strict_input = False  # a query string: other parameters are ignored, as in the lists

    notice_date = serializers.DateField(help_text="The date of the notice (YYYY-MM-DD).")
    rule = serializers.ChoiceField(
        choices=[choice for choice in DeadlineRule.choices if choice[0] != DeadlineRule.CUSTOM]
    )


# --- Comments, items, documents -------------------------------------------------------------------
class CommentSerializer(ModelSerializer):
    tab_label = ChoiceLabelField(PlatformTab, source="tab")
    resolved = serializers.BooleanField(source="is_resolved")
    resolved_by = UserSummarySerializer(allow_null=True)

    class Meta:
        model = ReviewerComment
        fields = [
            "id",
            "supplement",
            "tab",
            "tab_label",
            "position",
            "text",
            "field_label",
            "corrected_value",
            "resolution",
            "resolved",
            "resolved_at",
            "resolved_by",
            "version",
        ]

    def to_representation(self, comment) -> dict:
        # By hand, like the list's supplements (SupplementSerializer.to_representation): a detail
        # renders every comment; tests/api/test_representation.py checks it against DRF's.
        return {
            "id": comment.pk,
            "supplement": comment.supplement_id,
            "tab": comment.tab,
            "tab_label": label_of(PlatformTab, comment.tab),
            "position": comment.position,
            "text": comment.text,
            "field_label": comment.field_label,
            "corrected_value": comment.corrected_value,
            "resolution": comment.resolution,
            "resolved": comment.is_resolved,
            "resolved_at": iso_datetime(comment.resolved_at),
            "resolved_by": user_summary(comment.resolved_by),
            "version": comment.version,
        }


class CommentCreateSerializer(Serializer):
    tab = serializers.ChoiceField(choices=PlatformTab.choices, help_text="The platform tab.")
    text = serializers.CharField(help_text="The reviewer's comment (審核意見), as written.")
    field_label = serializers.CharField(
        max_length=100, required=False, default="", allow_blank=True
    )


class CommentResolveSerializer(Serializer):
    resolution = serializers.CharField(required=False, default="", allow_blank=True)
    corrected_value = serializers.CharField(required=False, default="", allow_blank=True)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        source="expected_version",
        help_text="The comment's version you last read (409 stale_version if it changed).",
    )


class CommentReopenSerializer(Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        source="expected_version",
        help_text="The comment's version you last read (409 stale_version if it changed).",
    )


class ItemSerializer(ModelSerializer):
    class Meta:
        model = RequestedItem
        fields = [
            "id",
            "supplement",
            "comment",
            "kind",
            "description",
            "waits_on",
            "state",
            "position",
            "version",
        ]

    def to_representation(self, item) -> dict:
        return {  # by hand, as CommentSerializer's
            "id": item.pk,
            "supplement": item.supplement_id,
            "comment": item.comment_id,
            "kind": item.kind,
            "description": item.description,
            "waits_on": item.waits_on,
            "state": item.state,
            "position": item.position,
            "version": item.version,
        }


class ItemCreateSerializer(Serializer):
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    description = serializers.CharField(max_length=300)
    waits_on = serializers.ChoiceField(choices=Party.choices, default=Party.AGENCY)
    comment = ScopedPrimaryKeyRelatedField(
        scope=visible_comments, model=ReviewerComment, required=False, allow_null=True
    )


class ItemUpdateSerializer(Serializer):
    requires_a_field = True

    state = serializers.ChoiceField(choices=ItemState.choices)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        source="expected_version",
        help_text="The item's version you last read (409 stale_version if it changed).",
    )


class DocumentSerializer(ModelSerializer):
    uploaded_by = UserSummarySerializer(allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "supplement",
            "item",
            "comment",
            "original_name",
            "size",
            "content_type",
            "pages",
            "encrypted",
            "sha256",
            "visibility",
            "review_state",
            "review_note",
            "uploaded_at",
            "uploaded_by",
            "download_url",
        ]

    def get_download_url(self, document) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:document-download", kwargs={"pk": document.pk})
        )

    def to_representation(self, document) -> dict:
        return {  # by hand, as CommentSerializer's
            "id": document.pk,
            "supplement": document.supplement_id,
            "item": document.item_id,
            "comment": document.comment_id,
            "original_name": document.original_name,
            "size": document.size,
            "content_type": document.content_type,
            "pages": document.pages,
            "encrypted": document.encrypted,
            "sha256": document.sha256,
            "visibility": document.visibility,
            "review_state": document.review_state,
            "review_note": document.review_note,
            "uploaded_at": iso_datetime(document.uploaded_at),
            "uploaded_by": user_summary(document.uploaded_by),
            "download_url": self.get_download_url(document),
        }


class DocumentUploadSerializer(Serializer):
    file = serializers.FileField(help_text="The file (multipart field `file`).")
    item = ScopedPrimaryKeyRelatedField(
        scope=visible_items, model=RequestedItem, required=False, allow_null=True
    )
    comment = ScopedPrimaryKeyRelatedField(
        scope=visible_comments, model=ReviewerComment, required=False, allow_null=True
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.ALL)


# --- Supplements ----------------------------------------------------------------------------------
class SupplementSerializer(ModelSerializer):
    """A supplement as lists show it: stored readiness, no per-row queries."""

    case = CaseSummarySerializer()
    requesting_body_label = ChoiceLabelField(RequestingBody, source="requesting_body")
    days_left = serializers.SerializerMethodField(
        help_text="Whole Taipei days to the deadline: 0 on the day, negative once overdue."
    )
    overdue = serializers.SerializerMethodField()
    assignee = UserSummarySerializer(allow_null=True)
    readiness = serializers.SerializerMethodField()
    waiting_on = serializers.SerializerMethodField(
        help_text="Whose pending items hold the supplement, applicant first; the agency files."
    )

    class Meta:
        model = SupplementRequest
        fields = [
            "id",
            "case",
            "round",
            "requesting_body",
            "requesting_body_label",
            "authority_code",
            "notice_date",
            "received_at",
            "rule",
            "proposed_deadline",
            "deadline_override",
            "override_reason",
            "deadline",
            "days_left",
            "overdue",
            "state",
            "outcome",
            "assignee",
            "submitted_at",
            "readiness",
            "waiting_on",
            "version",
            "reply_version",
            "to_confirm",
            "created_at",
            "updated_at",
        ]

    def get_days_left(self, supplement) -> int:
        return days_left(supplement.deadline, self.context["today"])

    def get_overdue(self, supplement) -> bool:
        return supplement.is_editable and supplement.deadline < self.context["today"]

    @extend_schema_field(ReadinessSerializer)
    def get_readiness(self, supplement) -> dict:
        request = self.context.get("request")
        seen = allowed_visibilities(request.user, supplement.case) if request else {"all"}
        return readiness_data(supplement.missing, seen)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Party.choices)))
    def get_waiting_on(self, supplement) -> list[str]:
        # The items come prefetched, marked `has_approved_document`, `has_live_document`
        # (api.queries).
        items = supplement.items.all()
        approved = {item.pk for item in items if item.has_approved_document}
        uploaded = {item.pk for item in items if item.has_live_document}
        return waiting_on(services.item_facts(items, approved, uploaded))

    def to_representation(self, supplement) -> dict:
        """The same as DRF's field-by-field rendering (tests/api/test_representation.py checks
        it), written out by hand: lists render 50 of these per page, and DRF's generic path
        spends more time than the database does."""
        return {
            "id": supplement.pk,
            "case": case_summary(supplement.case),
            "round": supplement.round,
            "requesting_body": supplement.requesting_body,
            "requesting_body_label": label_of(RequestingBody, supplement.requesting_body),
            "authority_code": supplement.authority_code,
            "notice_date": iso_date(supplement.notice_date),
            "received_at": iso_datetime(supplement.received_at),
            "rule": supplement.rule,
            "proposed_deadline": iso_date(supplement.proposed_deadline),
            "deadline_override": iso_date(supplement.deadline_override),
            "override_reason": supplement.override_reason,
            "deadline": iso_date(supplement.deadline),
            "days_left": self.get_days_left(supplement),
            "overdue": self.get_overdue(supplement),
            "state": supplement.state,
            "outcome": supplement.outcome,
            "assignee": user_summary(supplement.assignee),
            "submitted_at": iso_datetime(supplement.submitted_at),
            "readiness": self.get_readiness(supplement),
            "waiting_on": self.get_waiting_on(supplement),
            "version": supplement.version,
            "reply_version": supplement.reply_version,
            "to_confirm": supplement.to_confirm,
            "created_at": iso_datetime(supplement.created_at),
            "updated_at": iso_datetime(supplement.updated_at),
        }


class SupplementDetailSerializer(SupplementSerializer):
    """One supplement with everything under it (documents as the requester may see them)."""

    submitted_by = UserSummarySerializer(allow_null=True)
    deadline_computation = serializers.SerializerMethodField(
        help_text="How the proposed deadline was counted; null for a custom rule."
    )
    comments = CommentSerializer(many=True, source="detail_comments")
    items = ItemSerializer(many=True, source="detail_items")
    documents = DocumentSerializer(many=True, source="detail_documents")

    class Meta(SupplementSerializer.Meta):
        fields = [
            *SupplementSerializer.Meta.fields,
            "reply",
            "submitted_by",
            "outcome_recorded_at",
            "deadline_computation",
            "comments",
            "items",
            "documents",
        ]

    def to_representation(self, supplement) -> dict:
        # The list's fields by hand (SupplementSerializer), then what only a detail shows.
        comment, item, document = (
            CommentSerializer(context=self.context),
            ItemSerializer(context=self.context),
            DocumentSerializer(context=self.context),
        )
        return {
            **super().to_representation(supplement),
            "reply": supplement.reply,
            "submitted_by": user_summary(supplement.submitted_by),
            "outcome_recorded_at": iso_datetime(supplement.outcome_recorded_at),
            "deadline_computation": self.get_deadline_computation(supplement),
            "comments": [comment.to_representation(row) for row in supplement.detail_comments],
            "items": [item.to_representation(row) for row in supplement.detail_items],
            "documents": [document.to_representation(row) for row in supplement.detail_documents],
        }

    @extend_schema_field(DeadlineComputationSerializer(allow_null=True))
    def get_deadline_computation(self, supplement) -> dict | None:
        data = deadline_computation(supplement.detail_computation)
        return None if data is None else DeadlineComputationSerializer(data).data


class AssigneeField(serializers.PrimaryKeyRelatedField):
    """A user id: one that does not exist gets the service's answer for someone off the case, so
    ids of other tenants' people cannot be told from free ones."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "invalid_assignee": ASSIGNEE_REFUSED,
    }

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            codes = exc.get_codes()
            if codes == ["does_not_exist"] or codes == "does_not_exist":
                self.fail("invalid_assignee")  # the code and words of someone off the case
            raise


class SupplementCreateSerializer(Serializer):
    case = ScopedPrimaryKeyRelatedField(scope=visible_cases, model=Case)
    requesting_body = serializers.ChoiceField(choices=RequestingBody.choices)
    authority_code = serializers.CharField(
        max_length=20, required=False, default="", allow_blank=True, help_text="e.g. NSTC, MOEA."
    )
    notice_date = serializers.DateField(help_text="The date of the notice (通知日期).")
    received_at = serializers.DateTimeField(required=False, help_text="Default: now.")
    rule = serializers.ChoiceField(
        choices=DeadlineRule.choices,
        help_text="`30d`/`6m` (NIA tutorial), `15d`/`3m` (Enforcement Rules art. 7), `custom`.",
    )
    deadline_override = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The date printed in the notice, when it differs (needed for `custom`).",
    )
    override_reason = serializers.CharField(
        max_length=500, required=False, default="", allow_blank=True
    )
    assignee = AssigneeField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )


class SupplementUpdateSerializer(Serializer):
    requires_a_field = True

    reply = serializers.CharField(
        required=False, allow_blank=True, help_text="The reply to the reviewer (審核意見回覆)."
    )
    assignee = AssigneeField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The supplement's version you last read: the change is refused (409 "
        "stale_version) if anything on the supplement changed.",
    )
    reply_version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The reply's version you last read: the reply is refused (409 stale_version, "
        "with who changed it, when, and its current text) only if the reply itself changed.",
    )


class DeadlineOverrideSerializer(Serializer):
    deadline = serializers.DateField(
        allow_null=True, help_text="The deadline printed in the notice; null clears the override."
    )
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class SubmitSerializer(Serializer):
    submitted_at = serializers.DateTimeField(
        required=False, help_text="When it was sent (送出) on the platform; default now."
    )
    force = serializers.BooleanField(
        default=False, help_text="Record it although not ready (the platform took it anyway)."
    )


class OutcomeSerializer(Serializer):
    outcome = serializers.ChoiceField(choices=SupplementOutcome.choices)
