"""Tokens: obtain one with a password (lockout applies), list and revoke your own; who am I."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in, user_login_failed
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Applicant, Membership
from api.idempotency import idempotent
from api.serializers.accounts import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    MeSerializer,
    TokenObtainedSerializer,
    TokenObtainSerializer,
)
from integrations import services as tokens
from integrations.models import ApiToken
from integrations.selectors import tokens_of
from integrations.throttling import LoginThrottle


class AccountLocked(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "account_locked"
    default_detail = _("Too many failed logins: this login is locked for a while. Try again later.")

    def __init__(self, wait: float) -> None:
        super().__init__()
        self.wait = wait


class OtpRequired(exceptions.AuthenticationFailed):
    default_code = "otp_required"
    default_detail = _("This login uses two-factor authentication: send the current code as `otp`.")


class InvalidCredentials(exceptions.AuthenticationFailed):
    default_code = "invalid_credentials"
    default_detail = _("Wrong username or password.")


class TokenObtainView(APIView):
    """Exchange a username and password (and the two-factor code, for logins that use one) for a
    new API token. Failures count towards the lockout (5 wrong passwords lock, as on the
    platform), through django-axes."""

    authentication_classes: list = []  # credentials are in the body; no session, so no CSRF
    permission_classes = [AllowAny]
    throttle_classes = [LoginThrottle]

    def get_authenticate_header(self, request) -> str:
        return 'Token realm="api"'

    @extend_schema(
        operation_id="auth_token_obtain",
        tags=["auth"],
        request=TokenObtainSerializer,
        responses={200: TokenObtainedSerializer},
        auth=[],
    )
    def post(self, request):
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # axes watches django.contrib.auth.authenticate: it refuses a locked-out login and counts
        # every failure; it needs the Django request, not DRF's wrapper.
        django_request = request._request
        user = authenticate(
            request=django_request, username=data["username"], password=data["password"]
        )
        if getattr(django_request, "axes_locked_out", False):
            # We answer in the API's shape; without this the axes middleware would replace it.
            django_request.axes_locked_out = False
            raise AccountLocked(wait=float(settings.AXES_COOLOFF_TIME) * 3600)
        if user is None:
            raise InvalidCredentials()
        if user_has_device(user, confirmed=True):
            otp = data["otp"]
            if not otp:
                raise OtpRequired()
            if match_token(user, otp) is None:
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": data["username"]},
                    request=django_request,
                )
                raise exceptions.AuthenticationFailed(
                    _("Wrong two-factor code."), code="otp_invalid"
                )
        # A token is a login: axes resets the failure count, Django records last_login.
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        token, key = tokens.token_create(user=user, name=data["name"] or "API token")
        return Response({"token": key, "id": token.pk, "name": token.name})


@extend_schema(tags=["auth"])
class TokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your API tokens: list them (keys are never shown again, only their first characters),
    create one, revoke one."""

    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()  # for the schema; get_queryset gives the user's own

    def get_queryset(self):
        return tokens_of(user=self.request.user)

    @extend_schema(request=ApiTokenCreateSerializer, responses={201: ApiTokenCreatedSerializer})
    @idempotent
    def create(self, request):
        serializer = ApiTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = tokens.token_create(user=request.user, name=serializer.validated_data["name"])
        token.token = key
        return Response(ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """Revoke a token: it stops working at once."""
        token = get_object_or_404(self.get_queryset(), pk=pk)
        tokens.token_revoke(token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in user, their memberships and the language of the answers."""

    @extend_schema(tags=["auth"], responses={200: MeSerializer})
    def get(self, request):
        user = request.user
        memberships = Membership.objects.filter(user=user).select_related("organization")
        applicant = Applicant.objects.filter(user=user).values_list("pk", flat=True).first()
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "name": user.get_full_name() or user.get_username(),
            "email": user.email,
            "is_superuser": user.is_superuser,
            "language": get_language(),
            "memberships": memberships,
            "applicant": applicant,
        }
        return Response(MeSerializer(data).data)
