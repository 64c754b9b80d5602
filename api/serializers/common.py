"""Small shared shapes (people, organizations, the error body) and the scoped reference field."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.settings import api_settings

from accounts.models import Applicant, Organization


# Input naming a field the endpoint does not take is refused (400 `unknown_field`, the field
# named) instead of being dropped, so a misspelt or misplaced field is never a silent no-op.
# A serializer with `requires_a_field = True` (the PATCH bodies, whose fields are all optional)
# also refuses a body that names none of its fields (400 `no_fields`). `strict_input = False`
# turns the check off (query strings, where unknown parameters are customary).
# (Comments, not a docstring: drf-spectacular would show it on every serializer.)
class StrictInputMixin:
    strict_input = True
    requires_a_field = False

    def to_internal_value(self, data):
        if self.strict_input and isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = [key for key in data if key not in writable]
            if unknown:
                raise _not_accepted(unknown)
            if (self.requires_a_field or self.partial) and not data:
                raise serializers.ValidationError(
                    {
                        api_settings.NON_FIELD_ERRORS_KEY: serializers.ErrorDetail(
                            _("Name at least one field to change: %(fields)s.")
                            % {"fields": ", ".join(sorted(writable))},
                            code="no_fields",
                        )
                    }
                )
        return super().to_internal_value(data)


def refuse_body(data) -> None:
    """An action that takes no body (withdraw, cancel, enable...) refuses one that names fields,
    each named (400 `unknown_field`), rather than acting and dropping them."""
    if isinstance(data, Mapping):
        if data:
            raise _not_accepted(data)
    elif data not in (None, ""):
        raise _not_accepted([api_settings.NON_FIELD_ERRORS_KEY])


def _not_accepted(keys) -> serializers.ValidationError:
    """400 `unknown_field`, each key named."""
    message = _("This field is not accepted here.")
    return serializers.ValidationError(
        {key: serializers.ErrorDetail(message, code="unknown_field") for key in keys}
    )


# The bases of the API's serializers. No docstring: drf-spectacular would give it to every
# serializer without one as its schema description.
class Serializer(StrictInputMixin, serializers.Serializer):
    pass


class ModelSerializer(StrictInputMixin, serializers.ModelSerializer):
    pass


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id, looked up only among the objects the requesting user may see: another
    tenant's object is "does not exist", exactly like a missing one."""

    def __init__(self, *, scope, model, **kwargs) -> None:
        self.scope = scope
        super().__init__(queryset=model.objects.none(), **kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)


class ChoiceLabelField(serializers.CharField):
    """The label of a choices field's value, in the active language (what get_FOO_display()
    shows). get_FOO_display() builds a dict of the field's choices on every call, hashing each
    lazy label (a translation lookup each): over a page of cases that was about a third of the
    response's time; the enum finds the one label directly."""

    def __init__(self, choices, **kwargs) -> None:
        self.choices_enum = choices
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return label_of(self.choices_enum, value)


# --- Renderings by hand --------------------------------------------------------------------------
# What the hot responses (the lists, a supplement's detail) render per row, written out: DRF's
# field-by-field path spent more time than the database did. Each equals its serializer's
# generic rendering (tests/api/test_representation.py); the serializers stay the schema.
_DATETIME = serializers.DateTimeField()


def label_of(choices, value) -> str:
    """ChoiceLabelField's rendering."""
    try:
        return str(choices(value).label)
    except ValueError:  # blank or a retired code: shown as stored, like get_FOO_display()
        return str(value)


def iso_date(value) -> str | None:
    return None if value is None else value.isoformat()


def iso_datetime(value) -> str | None:
    return None if value is None else _DATETIME.to_representation(value)


def user_summary(user) -> dict | None:
    """UserSummarySerializer's rendering."""
    if user is None:
        return None
    return {
        "id": user.pk,
        "username": user.get_username(),
        "name": user.get_full_name() or user.get_username(),
    }


def organization_summary(organization) -> dict | None:
    """OrganizationSummarySerializer's rendering."""
    if organization is None:
        return None
    return {
        "id": organization.pk,
        "kind": organization.kind,
        "name": organization.name,
        "name_zh": organization.name_zh,
    }


def applicant_summary(applicant) -> dict:
    """ApplicantSummarySerializer's rendering."""
    return {
        "id": applicant.pk,
        "name": applicant.name_en,
        "name_zh": applicant.name_zh,
        "passport_number": applicant.passport_number,
        "nationality": applicant.nationality,
    }


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's, refusing a NUL character before the lookup (PostgreSQL cannot even compare one)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            ProhibitNullCharactersValidator()(data)
        return super().to_internal_value(data)


class UserSummarySerializer(Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class OrganizationSummarySerializer(ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "kind", "name", "name_zh"]


class ApplicantSummarySerializer(ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = Applicant
        fields = ["id", "name", "name_zh", "passport_number", "nationality"]

    def get_name(self, applicant) -> str:
        return applicant.name_en


class ErrorItemSerializer(Serializer):
    code = serializers.CharField(
        help_text="Machine-readable, stable (e.g. `supplement_submitted`)."
    )
    message = serializers.CharField(help_text="In the request's language (Accept-Language).")
    field = serializers.CharField(required=False, help_text="The input at fault, dotted if nested.")
    params = serializers.DictField(
        required=False, help_text="Values the problem carries (allowed statuses, what is missing)."
    )


class ErrorSerializer(Serializer):
    errors = ErrorItemSerializer(many=True)
    status = serializers.IntegerField(help_text="The HTTP status, repeated.")


User = get_user_model()
