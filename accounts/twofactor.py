"""The second factor: a TOTP authenticator app, with single-use recovery codes (django-otp).

Every account confirms its login with a code when `settings.TWO_FACTOR_REQUIRED` is on. A user
without a confirmed authenticator is sent to set one up right after the password; a user with
one is asked for a code. Views a half-logged-in user still needs (the second-factor pages,
logout, the language switch) are marked with `@second_factor_exempt`.
"""

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


def second_factor_exempt(view):
    view.second_factor_exempt = True
    return view


def needs_second_factor(request, view_func) -> bool:
    user = request.user
    return (
        settings.TWO_FACTOR_REQUIRED
        and user.is_authenticated
        and not user.is_verified()
        and not getattr(view_func, "second_factor_exempt", False)
        and not getattr(getattr(view_func, "view_class", None), "second_factor_exempt", False)
    )


def has_authenticator(user) -> bool:
    return user_has_device(user, confirmed=True)


def pending_authenticator(user) -> TOTPDevice:
    """The user's unconfirmed authenticator, created on first call: the QR code stays the same
    while the user reloads the set-up page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an SVG QR code in a data: URI (no request leaves the app)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def secret_for_manual_entry(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def authenticator_confirm(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with its first code; returns fresh recovery codes, or None."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_renew(device.user)


@transaction.atomic
def recovery_codes_renew(user) -> list[str]:
    """Replace the user's recovery codes with new ones, returned once to be written down."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def matching_device(user, token: str):
    """The confirmed device (authenticator or a recovery code) that accepts `token`, if any."""
    token = token.strip().replace(" ", "")
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


@transaction.atomic
def second_factor_reset(user) -> None:
    """Forget the user's authenticator and recovery codes: the next login sets up new ones."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
