"""Optional TOTP two-factor login (django-otp): enrol a device, confirm it, verify at login, remove.

A user with a confirmed device must enter a code after the password before any page opens
(accounts.middleware.RequireOTPMiddleware); users without one log in with the password alone.
"""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

# The session remembers, per user, whether a code is required, so pages do not ask the database on
# every request. It is set at login and whenever the user enrols or removes a device.
SESSION_KEY = "_otp_required"


def otp_required(request) -> bool:
    user = request.user
    cached = request.session.get(SESSION_KEY)
    if cached is not None and cached[0] == user.pk:
        return bool(cached[1])
    required = user_has_device(user, confirmed=True)
    request.session[SESSION_KEY] = [user.pk, required]
    return required


def forget(request) -> None:
    request.session.pop(SESSION_KEY, None)


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (a new secret each enrolment until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def has_confirmed_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in, in groups of four."""
    raw = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code in a data: URI (the CSP allows data: images)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@transaction.atomic
def confirm_device(request, *, device: TOTPDevice, token: str) -> bool:
    """Confirm the enrolled device with a code from the app; marks this session verified."""
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    otp_login(request, device)
    request.session[SESSION_KEY] = [device.user_id, True]
    return True


def verify(request, *, token: str) -> bool:
    """Check a code at login against the user's devices (throttled by django-otp)."""
    device = match_token(request.user, token.strip())
    if device is None:
        return False
    otp_login(request, device)
    return True


@transaction.atomic
def remove_devices(request, *, token: str) -> bool:
    """Turn two-factor off; a current code is required so a stolen session cannot do it."""
    device = match_token(request.user, token.strip())
    if device is None:
        return False
    TOTPDevice.objects.filter(user=request.user).delete()
    request.session[SESSION_KEY] = [request.user.pk, False]
    return True
