"""The staff accounts page (issue #13): list, create, change role or unit, deactivate, reset."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sampark.accounts import staff
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.core.http import request_user


class StaffForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"))
    unit = forms.TypedChoiceField(label=gettext_lazy("Unit"), coerce=int)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        role = self.fields["role"]
        unit = self.fields["unit"]
        assert isinstance(role, forms.ChoiceField)
        assert isinstance(unit, forms.ChoiceField)
        role.choices = [(r, labels[r]) for r in staff.grantable_roles(actor=actor)]
        unit.choices = [(u.id, f"{u.name} ({u.path})") for u in staff.staff_units(actor=actor)]


class NewStaffForm(StaffForm):
    username = forms.RegexField(
        label=gettext_lazy("Username"),
        regex=r"^[\w.@+-]{3,150}$",
        max_length=150,
        help_text=gettext_lazy("Letters, digits and . @ + - _ only."),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)

    field_order = ("username", "name", "email", "role", "unit")


def _link_page(request: HttpRequest, user: User, path: str) -> HttpResponse:
    link = request.build_absolute_uri(path)
    return render(request, "accounts/staff_link.html", {"account": user, "link": link})


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    """The accounts the in-charge manages, and the form for a new one."""
    actor = request_user(request)
    accounts = staff.staff_accounts(actor=actor)
    form = NewStaffForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = staff.staff_account_create(
                actor=actor,
                username=data["username"],
                name=data["name"],
                email=data["email"],
                role=data["role"],
                unit_id=data["unit"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _link_page(request, user, staff.set_password_path(user))
    status = 400 if request.method == "POST" else 200
    context = {"accounts": accounts[:500], "form": form}
    return render(request, "accounts/staff_list.html", context, status=status)


@login_required
def staff_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    """Change one account's role or unit."""
    actor = request_user(request)
    account = staff.access_staff_account(actor=actor, user_id=user_id)
    initial = {"role": next(iter(account.role_names), ""), "unit": account.unit_id}
    form = StaffForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            staff.staff_account_change(
                actor=actor,
                user_id=account.id,
                role=form.cleaned_data["role"],
                unit_id=form.cleaned_data["unit"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("accounts:staff_list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/staff_edit.html", {"account": account, "form": form}, status=status
    )


@login_required
@require_POST
def staff_active(request: HttpRequest, user_id: int) -> HttpResponse:
    """Deactivate or reactivate an account (`active` = "1" or "0")."""
    actor = request_user(request)
    staff.staff_account_set_active(
        actor=actor, user_id=user_id, active=request.POST.get("active") == "1"
    )
    return redirect("accounts:staff_list")


@login_required
@require_POST
def staff_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """Reset password and second factor; show the one-time link to set a new password."""
    actor = request_user(request)
    path = staff.staff_account_reset(actor=actor, user_id=user_id)
    account = staff.access_staff_account(actor=actor, user_id=user_id)
    return _link_page(request, account, path)
