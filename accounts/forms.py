from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import User
from accounts.roles import Role


class LoginForm(AuthenticationForm):
    """Django's login form, with the username's length checked on the server: django-axes
    records the username of a failed attempt, and a huge one must be refused, not stored."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = User._meta.get_field("username").max_length
        self.fields["username"].validators.append(MaxLengthValidator(limit))


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("The 6 digits shown by your authenticator app, or one of your recovery codes."),
    )


class AccountForm(forms.ModelForm):
    """An account of the team: who the person is and which roles they hold."""

    roles = forms.MultipleChoiceField(
        label=_("roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def __init__(self, *args, editor, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        self.fields["email"].required = True
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        if self.instance.pk:
            self.initial["roles"] = sorted(self.instance.role_names)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email

    def clean_roles(self):
        roles = self.cleaned_data["roles"]
        is_self = self.instance.pk is not None and self.instance.pk == self.editor.pk
        if is_self and set(roles) != services.own_roles(self.instance):
            raise forms.ValidationError(services.SELF_ROLE_CHANGE)
        return roles

    def save(self, commit=True):
        user = super().save(commit=False)
        if not user.pk:
            user.set_unusable_password()
        if commit:
            with transaction.atomic():
                user.save()
                services.account_set_roles(
                    user=user, roles=self.cleaned_data["roles"], by=self.editor
                )
        return user
