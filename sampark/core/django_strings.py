"""Strings of Django itself that its Hindi catalogue leaves untranslated (the spans `timesince`
writes: "3 days", "2 hours"). Marked here so that `make messages` finds them and keeps their
Hindi entries in our catalogue; nothing imports this module."""

from __future__ import annotations

from django.utils.translation import ngettext_lazy

TIMESINCE = (
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
)
