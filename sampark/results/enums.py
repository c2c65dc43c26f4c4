from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    LS = "ls", _("Lok Sabha")
    AE = "ae", _("Vidhan Sabha")
