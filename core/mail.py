"""E-mails to the team, written as subject/text/html templates and rendered in the site's
language (a task has no request to take a language from)."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def team_emails(roles: Iterable[str]) -> list[str]:
    """The addresses of the active accounts holding any of `roles`, each once."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=list(roles))
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def templated_email(template: str, context: dict, **recipients) -> EmailMultiAlternatives:
    """The message of `<template>_subject.txt`, `<template>.txt` and `<template>.html`;
    `recipients` are EmailMessage's `to`, `cc` or `bcc`."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, **recipients)
    message.attach_alternative(html, "text/html")
    return message


def site_link(url_name: str, *args) -> str:
    """The absolute address of a page for an e-mail, or "" when SITE_URL is not set."""
    return f"{settings.SITE_URL}{reverse(url_name, args=args)}" if settings.SITE_URL else ""
