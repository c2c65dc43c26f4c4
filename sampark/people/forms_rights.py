"""Forms of the data principal's pages (people.views_rights)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RightsPhoneForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20)


class RightsCodeForm(forms.Form):
    phone = forms.CharField(widget=forms.HiddenInput, max_length=20)
    code = forms.CharField(label=_("Code from the SMS"), max_length=12)


class CorrectionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)


class RequestCloseForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), max_length=300, required=False)
