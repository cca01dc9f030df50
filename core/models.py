import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UsedFormToken(models.Model):
    """A form token already spent: a second submission of the same form finds it here.

    The row is written in the transaction that saves the form, so two simultaneous submissions
    (a double click) cannot both succeed: the primary key lets only one of them commit.
    """

    token = models.UUIDField(_("token"), primary_key=True)
    used_at = models.DateTimeField(_("used at"), default=timezone.now)

    class Meta:
        verbose_name = _("used form token")
        verbose_name_plural = _("used form tokens")

    def __str__(self) -> str:
        return str(self.token)

    @classmethod
    def purge(cls, *, older_than: datetime.timedelta) -> int:
        deleted, _by_model = cls.objects.filter(used_at__lt=timezone.now() - older_than).delete()
        return deleted
