"""Forms of the events pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sampark.events.enums import EventKind


class SeasonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of event"), choices=EventKind.choices)
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    band_min = forms.IntegerField(label=_("Smallest target"), min_value=1, max_value=1_000_000)
    band_max = forms.IntegerField(label=_("Largest target"), min_value=1, max_value=1_000_000)
    electors_weight = forms.FloatField(
        label=_("Weight of the electorate (the rest is area)"),
        min_value=0.0,
        max_value=1.0,
        initial=0.7,
    )
    state_team_attends = forms.BooleanField(
        label=_("The state team attends every event"), required=False, initial=True
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("band_min"), data.get("band_max")
        if low is not None and high is not None and low > high:
            self.add_error("band_max", _("The largest target must not be below the smallest."))
        return data


class TargetForm(forms.Form):
    target = forms.IntegerField(label=_("Target"), min_value=0, max_value=1_000_000)
    reason = forms.CharField(label=_("Reason"), max_length=300)
