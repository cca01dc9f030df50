from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import CreateView, ListView, UpdateView
from django_otp import login as otp_login

from accounts import services, twofactor
from accounts.access import AUTHENTICATED, allow_roles
from accounts.forms import AccountForm, SecondFactorForm
from accounts.models import User
from accounts.policy import allow
from core.views import RoleViewMixin


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


# --- Second factor -------------------------------------------------------------------------------


def _complete_login(request, device) -> None:
    """The second factor is confirmed: a new session key, as Django gives one at the password
    step, so a key seen before this point (half logged in) never opens the full session."""
    otp_login(request, device)
    request.session.cycle_key()


@twofactor.second_factor_exempt
@require_http_methods(["GET", "POST"])
@allow_roles(AUTHENTICATED)
def second_factor_verify(request):
    if not twofactor.has_authenticator(request.user):
        return redirect("second_factor_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.matching_device(request.user, form.cleaned_data["code"])
        if device is not None:
            _complete_login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", gettext("This code is not valid. Check the time on your phone."))
    return render(
        request, "accounts/second_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@twofactor.second_factor_exempt
@require_http_methods(["GET", "POST"])
@allow_roles(AUTHENTICATED)
def second_factor_setup(request):
    """Pair an authenticator app. Only for an account without one: with a password alone, nobody
    can replace an existing authenticator (a lost phone is reset by a manager)."""
    if twofactor.has_authenticator(request.user):
        return redirect("second_factor_verify")
    device = twofactor.pending_authenticator(request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.authenticator_confirm(device, form.cleaned_data["code"])
        if codes is not None:
            _complete_login(request, device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error("code", gettext("This code is not valid. Check the time on your phone."))
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "qr_code": twofactor.qr_code_data_uri(device),
            "secret": twofactor.secret_for_manual_entry(device),
            "next": _next_url(request),
        },
    )


@require_POST
@allow_roles(AUTHENTICATED)
def recovery_codes_renew(request):
    codes = twofactor.recovery_codes_renew(request.user)
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("my_account")}
    )


@require_GET
@allow_roles(AUTHENTICATED)
def my_account(request):
    return render(
        request,
        "accounts/my_account.html",
        {"has_authenticator": twofactor.has_authenticator(request.user)},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    allowed_roles = AUTHENTICATED
    success_url = reverse_lazy("my_account")

    def form_valid(self, form):
        messages.success(self.request, gettext("Your password was changed."))
        return super().form_valid(form)


# --- Accounts of the team ------------------------------------------------------------------------


class AccountListView(RoleViewMixin, ListView):
    permission = "accounts.manage"
    paginate_by = 50
    template_name = "accounts/account_list.html"

    def get_queryset(self):
        accounts = User.objects.prefetch_related("groups").order_by("last_name", "first_name")
        query = self.request.GET.get("q", "").strip()
        if query:
            accounts = accounts.filter(
                Q(username__icontains=query)
                | Q(first_name__unaccent__icontains=query)
                | Q(last_name__unaccent__icontains=query)
                | Q(email__icontains=query)
            )
        if self.request.GET.get("inactive") != "1":
            accounts = accounts.filter(is_active=True)
        return accounts

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "query": self.request.GET.get("q", ""),
            "show_inactive": self.request.GET.get("inactive") == "1",
        }


class AccountFormMixin:
    """The account form knows who edits: nobody changes their own roles."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editor": self.request.user}


class AccountCreateView(RoleViewMixin, AccountFormMixin, CreateView):
    permission = "accounts.manage"
    model = User
    form_class = AccountForm
    template_name = "accounts/account_form.html"
    success_url = reverse_lazy("accounts:account_list")
    success_message = _(
        "The account of %(first_name)s %(last_name)s was created: an e-mail invites them to "
        "choose a password."
    )

    def form_valid(self, form):
        response = super().form_valid(form)
        services.account_send_welcome(user=self.object, request=self.request)
        return response


class AccountUpdateView(RoleViewMixin, AccountFormMixin, UpdateView):
    permission = "accounts.manage"
    model = User
    form_class = AccountForm
    template_name = "accounts/account_form.html"
    success_url = reverse_lazy("accounts:account_list")
    success_message = _("The account of %(first_name)s %(last_name)s was updated.")


def _account(pk: int) -> User:
    return get_object_or_404(User, pk=pk)


@require_POST
@allow("accounts.manage")
def account_deactivate(request, pk: int):
    account = _account(pk)
    try:
        services.account_deactivate(user=account, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            gettext("%(name)s can no longer log in; their open sessions were ended.")
            % {"name": account},
        )
    return redirect("accounts:account_list")


@require_POST
@allow("accounts.manage")
def account_reactivate(request, pk: int):
    account = _account(pk)
    services.account_reactivate(user=account)
    messages.success(request, gettext("%(name)s can log in again.") % {"name": account})
    return redirect("accounts:account_list")


@require_POST
@allow("accounts.manage")
def account_reset_second_factor(request, pk: int):
    account = _account(pk)
    services.account_reset_second_factor(user=account)
    messages.success(
        request,
        gettext("%(name)s will set up a new authenticator at the next login.") % {"name": account},
    )
    return redirect("accounts:account_list")
