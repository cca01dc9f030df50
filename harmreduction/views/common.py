"""Helpers shared by the pages of vouchers and supplies: who may do what, query parameters, forms
saved once."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.roles import CARE_TEAM, STAFF, Role
from core.forms import ALREADY_SUBMITTED, TokenAlreadyUsed

# Everyone on staff reads; the care team (coordinator included) hands out and counts; the
# coordinator manages the catalogue, the locations, receipts, transfers, adjustments, thresholds.
READ = STAFF
GIVE = CARE_TEAM
MANAGE = frozenset({Role.COORDINATOR})


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _save_once(form, action):
    """Spend the form's one-time token and run `action()` in one transaction.

    Returns `(result, None)`, or `(None, response_status)` after putting the reason on the form:
    a replayed form, or a ValidationError from the workflow (not enough stock…).
    """
    try:
        with transaction.atomic():
            form.spend_token()
            return action(), None
    except TokenAlreadyUsed:
        form.add_error(None, ALREADY_SUBMITTED)
    except ValidationError as error:
        _errors_to_form(form, error)
    form.renew_token()
    return None, 400
